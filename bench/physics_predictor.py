"""Benchmark of the physics-informed predictor (lib/physics) on a Part 2 file (not a test).

Simulates the Part 2 file (or reads it from --data-dir), identifies the settings on the
training split, predicts the validation split and prints a table: identified settings beside
the simulator's, count agreement, capped and median per-clip PSNR, share at 40 dB or more,
PSNR of the mean MSE (and the ceiling's where the start states are known: lib/physics/ceiling.py),
mean SSIM, seconds, and the CPU it ran on.

    python -m bench.physics_predictor [--data-dir data] [--clips 5000] [--radius 1.2] [--box 10]
        [--substeps 2]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np
import torch

from lib.data.course_files import (
    PART2_SEQUENCE,
    load_course_file,
    simulation_settings,
    split_train_val,
)
from lib.data.simulate import Physics, simulate_clips, simulate_clips_with_states
from lib.metrics import capped_psnr_summary, video_metrics
from lib.physics.ceiling import Ceiling, ceiling_prediction, validation_ceiling
from lib.physics.perception import count_agreement, perceive
from lib.physics.predictor import fit_physics_model
from lib.report.provenance import cpu_name

N_INPUT = 5


def load_clips(args: argparse.Namespace) -> tuple[np.ndarray, np.ndarray, dict]:
    """Clips (N, 10, 32, 32), labels, and the simulator's settings in pixels (empty if unknown)."""
    if args.data_dir:
        path = Path(args.data_dir) / PART2_SEQUENCE
        frames, labels = load_course_file(path, n_frames=10)
        settings = simulation_settings(path)
        if settings is None:
            return frames, labels, {}
        physics, radius = settings["physics"], settings["radius_range"][0]
    else:
        physics = {"box_size": args.box, "speed": args.speed, "substeps": args.substeps}
        radius = args.radius
        frames, labels = simulate_clips(
            args.clips,
            10,
            np.random.default_rng(args.seed),
            radius_range=(radius, radius),
            physics=Physics(**physics),
        )
    scale = frames.shape[-1] / physics["box_size"]  # the image spans the simulator's box
    truth = {
        "radius": radius * scale,
        "sharpness": 8.0,
        "walls": (0.0, frames.shape[-1]) * 2,
        "substeps": physics["substeps"],
    }
    return frames, labels, truth


def validation_ceiling_of(args: argparse.Namespace, n_val: int) -> Ceiling | None:
    """The ceiling (lib/physics/ceiling.py) of the last n_val clips, the validation split, where
    their start states are known: simulated here, or a file this project simulated."""
    if args.data_dir:
        found = validation_ceiling(Path(args.data_dir) / PART2_SEQUENCE, N_INPUT)
        return found and found[0]
    physics = Physics(box_size=args.box, speed=args.speed, substeps=args.substeps)
    simulated = simulate_clips_with_states(
        args.clips,
        10,
        np.random.default_rng(args.seed),
        radius_range=(args.radius, args.radius),
        physics=physics,
    )
    states, first = simulated.trajectories, args.clips - n_val
    return ceiling_prediction(
        states.positions[first:, 0],
        states.velocities[first:, 0],
        simulated.radii[first:],
        N_INPUT,
        10,
        simulated.frames.shape[-1],
        physics,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--data-dir", help="read part2_bballs_sequence.npz from here instead of simulating"
    )
    parser.add_argument("--clips", type=int, default=5000)
    parser.add_argument("--radius", type=float, default=1.2)
    parser.add_argument("--box", type=float, default=10.0)
    parser.add_argument("--speed", type=float, default=0.5)
    parser.add_argument("--substeps", type=int, default=2)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    frames, labels, truth = load_clips(args)
    (train, _), (val, val_labels) = split_train_val(frames, labels)
    train, val = (
        torch.from_numpy(np.ascontiguousarray(train)),
        torch.from_numpy(np.ascontiguousarray(val)),
    )

    started = time.perf_counter()
    model = fit_physics_model(train, N_INPUT)
    identify_seconds = time.perf_counter() - started
    if model.settings is None:
        # Nothing identified: the hybrid is the network on every clip; there is nothing to score.
        print(
            f"settings not identified on {len(train)} training clips in {identify_seconds:.1f} s "
            f"({cpu_name()}, {torch.get_num_threads()} torch threads): {model.problem}"
        )
        print("the physics predictor sends every clip to the network (the hybrid is the network)")
        return
    started = time.perf_counter()
    prediction = model.predict(val[:, :N_INPUT], val.shape[1] - N_INPUT)
    predict_seconds = time.perf_counter() - started

    targets = val[:, N_INPUT:]
    started = time.perf_counter()
    ceiling = validation_ceiling_of(args, len(val))
    ceiling_seconds = time.perf_counter() - started
    ceiling_summary = (
        video_metrics(torch.from_numpy(ceiling.frames), targets).psnr_summary() if ceiling else None
    )
    metrics = video_metrics(prediction.frames, targets)
    summary = metrics.psnr_summary()
    kept = model.gate.passes(prediction)
    kept_summary = capped_psnr_summary(metrics.psnr[kept]) if kept.any() else None
    settings = model.settings
    seen = perceive(val, settings.look(), settings.max_balls + 1, settings.own_radii())
    rows = [
        ("radius (px)", f"{settings.radius:.5f}", truth.get("radius")),
        ("radius rule", settings.radius_rule, None),
        ("mass rule", settings.mass_rule, None),
        ("rim sharpness p", f"{settings.sharpness:.5f}", truth.get("sharpness")),
        (
            "walls x low, x high, y low, y high (px)",
            ", ".join(f"{w:.4f}" for w in settings.walls),
            truth.get("walls"),
        ),
        ("sub-steps", settings.substeps, truth.get("substeps")),
        (
            "bounces used / on the sub-step grid",
            f"{settings.bounces} / {settings.on_grid_share:.3f}",
            None,
        ),
        ("gate threshold (reproduction MSE)", f"{model.gate.threshold:.2e}", None),
        ("clips passing the gate", f"{int(kept.sum())} / {len(val)}", None),
        (
            "ball count = label (validation, 10 frames)",
            f"{count_agreement(seen, val_labels):.4f}",
            None,
        ),
        (f"mean per-clip PSNR, capped at {summary.cap:g} dB", f"{summary.capped_mean:.2f}", None),
        ("share of clips at the cap", f"{summary.share_at_cap:.4f}", None),
        ("median per-clip PSNR (dB)", f"{summary.median:.2f}", None),
        ("share of clips >= 40 dB", f"{summary.share_at_least(40.0):.4f}", None),
        ("PSNR of the mean MSE (dB)", f"{summary.psnr_of_mean_mse:.2f}", None),
        (
            "PSNR of the mean MSE, clips the gate keeps (dB)",
            f"{kept_summary.psnr_of_mean_mse:.2f}" if kept_summary else "no clip kept",
            None,
        ),
        (
            "PSNR of the mean MSE, ceiling: mean of the futures every numbering allows (dB)",
            f"{ceiling_summary.psnr_of_mean_mse:.2f}"
            if ceiling_summary
            else "start states unknown",
            None,
        ),
        (
            "clips whose input allows several futures: physics (mean) / ceiling",
            f"{int((prediction.n_futures > 1).sum())} / "
            + (str(int(ceiling.several.sum())) if ceiling else "unknown"),
            None,
        ),
        ("mean SSIM", f"{metrics.ssim.mean():.5f}", None),
        ("seconds: identification + gate (training clips)", f"{identify_seconds:.1f}", None),
        ("seconds: prediction (validation clips)", f"{predict_seconds:.1f}", None),
        ("seconds: ceiling (re-simulation, validation clips)", f"{ceiling_seconds:.1f}", None),
        ("CPU / torch threads", f"{cpu_name()} / {torch.get_num_threads()}", None),
    ]
    print(
        f"| measure ({len(train)} training, {len(val)} validation clips) "
        "| physics predictor | simulator |"
    )
    print("|---|---|---|")
    for name, value, reference in rows:
        print(f"| {name} | {value} | {'' if reference is None else reference} |")
    print(f"\nOMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}")


if __name__ == "__main__":
    main()
