"""Chapter 5's physics-informed predictor (lib/physics) as a workflow: identify and gate on the
training clips (cached), predict the validation clips, score them, set the identified settings
beside the simulator's, and try the predictor on clips a simulator with other settings made."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
import torch
from torch import Tensor, nn

from lib.data.simulate import Physics, simulate_clips
from lib.metrics import VideoMetrics, video_metrics
from lib.physics.identify import Settings
from lib.physics.predictor import (
    HybridPrediction,
    PhysicsModel,
    PhysicsPrediction,
    combine,
    fit_physics_model_cached,
)
from lib.training.loop import predict


class TrainValClips(Protocol):
    """Part 2's clips as (inputs, targets) pairs of (N, T, H, W) tensors: lib.video's VideoData
    is one, and the physics needs nothing else of it."""

    train: tuple[Tensor, Tensor]
    val: tuple[Tensor, Tensor]


@dataclass(frozen=True)
class PhysicsRun:
    """The identified model, its prediction of the validation clips and their scores."""

    model: PhysicsModel
    from_cache: bool
    prediction: PhysicsPrediction
    scores: VideoMetrics
    predict_seconds: float


def run_physics(data: TrainValClips, cache_dir: Path, name: str = "physics") -> PhysicsRun:
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
