"""Benchmark of the rules' identification (lib/physics/motion.py's family) on files of each
variant (not a test).

For each variant, a file made by the tests' own generator (tests/physics/variant_clips.py: rim
exponent 4, walls inside the frame, 3 sub-steps), split as the book splits its files: the
physics model is fitted on the training clips and predicts the validation clips. The table
gives the variant identified, the runner-up collision rule and the share of the compared clips'
frames it leaves unexplained, the share of validation clips at 40 dB or more, the share of the
clips the gate keeps that are exact (MSE < 1e-8) and of the exact clips that it keeps, how many
of the others the predictor averaged
(several numberings of the balls reproduce the input and foresee different futures: the mean of
those futures, never exact, the least expected error), and seconds (CPU seconds) to fit and
predict.
The overlapping rule is also run with larger, faster balls between nearer walls, where balls
meet while overlapping more often; balls of their own radii (2 to 3.5 px, and 2.5 to 6.5 px: 0.8
to 2 box units of the course's 10-unit box on 32 px) with equal masses or masses in proportion to
their areas (the radius and mass rules identified, and the other mass rule's unexplained share);
and STOVE's billiards environment (Kossen et al., ICLR 2020) at its defaults, the tests' own
implementation of its rules: walls checked one move ahead, collisions where the next positions
overlap, radius 3.2 px, rim exponent 8, 5 sub-steps.

    python -m bench.physics_rules [--clips 1500]
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
import torch

from lib.data.course_files import split_train_val
from lib.physics.predictor import fit_physics_model
from lib.report.provenance import cpu_name
from tests.physics.variant_clips import CROWDED, STOVE_BILLIARDS, Variant, clips

N_INPUT = 5
VARIANTS = [
    Variant(wall_rule=wall_rule, collision_rule=collision_rule)
    for wall_rule in ("reflect", "hold")
    for collision_rule in ("approaching", "overlapping", "next_overlap")
] + [
    Variant(collision_rule="overlapping", **CROWDED),
    Variant(radii=(2.0, 3.5)),
    Variant(radii=(2.0, 3.5), mass_rule="area"),
    Variant(wall_rule="hold", collision_rule="next_overlap", radii=(2.0, 3.5), mass_rule="area"),
    Variant(radii=(2.5, 6.5)),
    Variant(radii=(2.5, 6.5), mass_rule="area"),
    Variant(wall_rule="next_hold", collision_rule="next_overlap", radii=(2.5, 6.5)),
    Variant(**STOVE_BILLIARDS),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clips", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(
        "| file: walls, collisions, masses (radius, speed px; sub-steps) | identified "
        "| runner-up (unexplained) | other mass rule (unexplained) | clips compared "
        "| validation clips >= 40 dB | kept clips exact | exact clips kept "
        "| others: mean of futures | seconds (CPU) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for variant in VARIANTS:
        frames = clips(args.clips, variant, args.seed).numpy()
        (train, _), (val, _) = split_train_val(frames, np.zeros(len(frames), int))
        train, val = torch.from_numpy(train), torch.from_numpy(val)
        started, cpu_started = time.perf_counter(), time.process_time()
        model = fit_physics_model(train, N_INPUT)
        prediction = model.predict(val[:, :N_INPUT], val.shape[1] - N_INPUT)
        times = f"{time.perf_counter() - started:.1f} ({time.process_time() - cpu_started:.1f})"
        radius = "{:g}-{:g}".format(*variant.radii) if variant.radii else f"{variant.radius:g}"
        name = (
            f"{variant.wall_rule}, {variant.collision_rule}, {variant.mass_rule} "
            f"({radius}, {variant.speed:g}; {variant.substeps})"
        )
        settings = model.settings
        if settings is None:
            print(f"| {name} | not identified: {model.problem} | | | | | | | | {times} |")
            continue
        mse = (prediction.frames.double() - val[:, N_INPUT:].double()).pow(2).mean(dim=(1, 2, 3))
        kept = model.gate.passes(prediction)
        exact = mse < 1e-8
        averaged = prediction.n_futures > 1
        print(
            f"| {name} | {settings.wall_rule}, {settings.collision_rule}, "
            f"{settings.radius_rule} radius, {settings.mass_rule} "
            f"| {settings.runner_up} ({settings.runner_up_unexplained_share:.4f}; chosen "
            f"{settings.unexplained_share:.4f}) "
            f"| {settings.mass_runner_up or '-'} ({settings.mass_runner_up_unexplained_share:.4f}) "
            f"| {settings.rule_clips} "
            f"| {float((mse <= 1e-4).double().mean()):.4f} "
            f"| {int((kept & exact).sum())} / {int(kept.sum())} "
            f"| {int((kept & exact).sum())} / {int(exact.sum())} "
            f"| {int((kept & ~exact & averaged).sum())} / {int((kept & ~exact).sum())} | {times} |"
        )
    print(
        f"\n{len(train)} training, {len(val)} validation clips a file; {cpu_name()}, "
        f"{torch.get_num_threads()} torch threads, OMP_NUM_THREADS="
        f"{os.environ.get('OMP_NUM_THREADS', 'unset')}; load average at the end "
        + ", ".join(f"{load:.2f}" for load in os.getloadavg())
    )


if __name__ == "__main__":
    main()
