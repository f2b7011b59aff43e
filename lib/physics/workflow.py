"""Chapter 5's physics-informed predictor (lib/physics) as a workflow: identify and gate on the
training clips (cached), predict the validation clips, score them, set the identified settings
beside the simulator's, and try the predictor on clips a simulator with other settings made."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from lib.data.simulate import COLLISION_RULE, WALL_RULE, Physics, simulate_clips
from lib.metrics import VideoMetrics, capped_psnr_summary, video_metrics
from lib.physics.identify import Settings
from lib.physics.predictor import (
    HybridPrediction,
    PhysicsModel,
    PhysicsPrediction,
    combine,
    fit_physics_model_cached,
)
from lib.training.loop import predict
from lib.video.workflow import VideoData


@dataclass(frozen=True)
class PhysicsRun:
    """The identified model, its prediction of the validation clips and their scores."""

    model: PhysicsModel
    from_cache: bool
    prediction: PhysicsPrediction
    scores: VideoMetrics
    predict_seconds: float


def run_physics(data: VideoData, cache_dir: Path, name: str = "physics") -> PhysicsRun:
    """Identify on the training clips (inputs and targets joined into whole clips), predict the
    validation inputs' future frames."""
    clips = torch.cat(data.train, dim=1)
    model, from_cache = fit_physics_model_cached(
        clips, data.train[0].shape[1], Path(cache_dir), name
    )
    inputs, targets = data.val
    started = time.perf_counter()
    prediction = model.predict(inputs, targets.shape[1])
    seconds = time.perf_counter() - started
    return PhysicsRun(
        model, from_cache, prediction, video_metrics(prediction.frames, targets), seconds
    )


def pixels_per_unit(simulated: dict) -> float:
    """The simulator's box spans the frame: pixels per box unit of a file it made (its manifest
    entry)."""
    return simulated["resolution"] / simulated["physics"]["box_size"]


def settings_rows(settings: Settings | None, simulated: dict | None) -> list[dict]:
    """The settings table: each setting identified (pixels) and, for a file the simulator made
    (`simulated`, its manifest entry), the simulator's value converted to pixels."""
    names = [
        "ball radius (px)",
        "rim sharpness p",
        "wall x low (px)",
        "wall x high (px)",
        "wall y low (px)",
        "wall y high (px)",
        "sub-steps per frame",
        "most balls in a clip",
        "wall rule",
        "collision rule",
        "unexplained frames: chosen rule / runner-up",
        "radius rule (lone-ball MSE: one radius / own radii)",
        "mass rule (unexplained frames: chosen / other)",
    ]
    found = (
        ["not identified"] * len(names)
        if settings is None
        else [
            _radius(settings),
            f"{settings.sharpness:.3f}",
            *(f"{w:.3f}" for w in settings.walls),
            str(settings.substeps),
            str(settings.max_balls),
            settings.wall_rule,
            settings.collision_rule,
            _rule_evidence(settings),
            f"{RADIUS_RULE_NAMES[settings.radius_rule]} ({settings.one_radius_mse:.1e} / "
            f"{settings.own_radius_mse:.1e})",
            f"{settings.mass_rule} ({_mass_evidence(settings)})",
        ]
    )
    rows = [
        {"setting": name, "identified": value} for name, value in zip(names, found, strict=True)
    ]
    if simulated is not None:
        scale, (low, high) = pixels_per_unit(simulated), simulated["radius_range"]
        side = simulated["physics"]["box_size"] * scale  # the box runs from 0 to its size
        radius = f"{low * scale:.3f}" if low == high else f"{low * scale:.3f} to {high * scale:.3f}"
        truth = [
            radius,
            "—",
            f"{0.0:.3f}",
            f"{side:.3f}",
            f"{0.0:.3f}",
            f"{side:.3f}",
            str(simulated["physics"]["substeps"]),
            "—",
            WALL_RULE,
            COLLISION_RULE,
            "—",
            RADIUS_RULE_NAMES["one" if low == high else "per_ball"],
            "equal",
        ]
        for row, value in zip(rows, truth, strict=True):
            row["simulator (in px)"] = value
    return rows


RADIUS_RULE_NAMES = {"one": "one", "per_ball": "per ball"}


def _radius(settings: Settings) -> str:
    """The one radius, or the range of the lone balls' own radii."""
    if settings.radius_rule == "one":
        return f"{settings.radius:.3f}"
    low, high = settings.radii_seen
    return f"{low:.3f} to {high:.3f}"


def _mass_evidence(settings: Settings) -> str:
    """How well the chosen mass rule and the other reproduce the clips where balls meet."""
    if not settings.mass_runner_up:
        return "not compared: one radius"
    if not settings.rule_clips:
        return "no clip where balls meet"
    return (
        f"{settings.unexplained_share:.2%} / {settings.mass_runner_up_unexplained_share:.2%}, "
        f"{settings.mass_runner_up}"
    )


def _rule_evidence(settings: Settings) -> str:
    """How well the chosen collision rule and the runner-up reproduce the clips where balls meet."""
    if not settings.rule_clips:
        return "no clip where balls meet"
    return (
        f"{settings.unexplained_share:.2%} / {settings.runner_up_unexplained_share:.2%} "
        f"({settings.runner_up}, {settings.rule_clips} clips)"
    )


def settings_errors(settings: Settings | None, simulated: dict) -> tuple[float, float, bool] | None:
    """Against a simulated file's manifest entry: the radius's relative error (against the middle
    of its range), the largest wall error in pixels, and whether the sub-step count is exact;
    None when nothing was identified."""
    if settings is None:
        return None
    scale = pixels_per_unit(simulated)
    radius = np.mean(simulated["radius_range"]) * scale
    side = simulated["physics"]["box_size"] * scale
    walls = np.abs(np.asarray(settings.walls) - np.array([0.0, side, 0.0, side])).max()
    return (
        abs(settings.radius / radius - 1),
        float(walls),
        settings.substeps == simulated["physics"]["substeps"],
    )


def scores_by_group(
    groups: Mapping[str, np.ndarray], predictors: Mapping[str, VideoMetrics], sent: np.ndarray
) -> list[dict]:
    """Per group of clips: its size, each predictor's PSNR of the mean MSE over the group, and how
    many of its clips the gate sent to the network."""
    return [
        {
            "clips": name,
            "n": int(mask.sum()),
            **{
                label: f"{capped_psnr_summary(m.psnr[mask]).psnr_of_mean_mse:.2f}"
                for label, m in predictors.items()
            },
            "sent": int(sent[mask].sum()),
        }
        for name, mask in groups.items()
        if mask.any()
    ]


@dataclass(frozen=True)
class OtherGenerator:
    """Clips a simulator with other settings made, predicted three ways."""

    physics: Physics
    radius: float  # box units
    simulated: dict  # as a manifest entry would record them
    own: PhysicsModel  # identified on this generator's own training clips
    kept_by_gate: int  # clips the first model (its settings and self-check) keeps
    # "physics, first settings", "physics, re-identified", "final network", "hybrid"
    scores: dict[str, VideoMetrics]
    n_clips: int


def other_generator(
    first: PhysicsModel,
    network: nn.Module,
    physics: Physics,
    radius: float,
    n_train: int,
    n_val: int,
    cache_dir: Path,
    seed: int = 7,
    n_input: int = 5,
) -> OtherGenerator:
    """Simulate n_train + n_val clips with `physics` and `radius`; predict the last n_val with the
    `first` model (identified on other files), with a model identified on the first n_train, with
    `network` and with the hybrid of the first model and `network` (what the chapter's hybrid
    would do on these clips)."""
    frames, _ = simulate_clips(
        n_train + n_val,
        10,
        np.random.default_rng(seed),
        radius_range=(radius, radius),
        physics=physics,
    )
    clips = torch.from_numpy(frames)
    inputs, targets = clips[n_train:, :n_input], clips[n_train:, n_input:]
    own, _ = fit_physics_model_cached(clips[:n_train], n_input, Path(cache_dir), "physics-other")
    first_prediction = first.predict(inputs, targets.shape[1])
    network_frames = predict(network, inputs)
    hybrid: HybridPrediction = combine(first_prediction, first.gate, network_frames)
    scores = {
        "physics, first settings": first_prediction.frames,
        "physics, re-identified": own.predict(inputs, targets.shape[1]).frames,
        "final network": network_frames,
        "hybrid": hybrid.frames,
    }
    simulated = {
        "radius_range": [radius, radius],
        "resolution": frames.shape[-1],
        "physics": {
            "box_size": physics.box_size,
            "substeps": physics.substeps,
            "speed": physics.speed,
        },
    }
    return OtherGenerator(
        physics,
        radius,
        simulated,
        own,
        int(hybrid.from_physics.sum()),
        {label: video_metrics(f, targets) for label, f in scores.items()},
        n_val,
    )
