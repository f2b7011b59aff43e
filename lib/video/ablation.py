"""Task 7's ablation: what a trained variant is, what it is measured against, and the seed noise.

An ablation row adds one change to the row above it (the first row to the Task 6 U-Net); a side
experiment changes one named row (its `parent`). The rows themselves are lib/video/recipes.py's;
lib.report.video_verdicts judges each against its reference.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from lib.training.loop import TrainConfig, TrainingRun
from lib.video.workflow import VideoData, mse_loss, predictor_run

TASK6 = "unet-add"  # the run name of the Task 6 U-Net, the reference of the first ablation row


@dataclass(frozen=True)
class Variant:
    """One trained model of Task 7: what it changes, how it is built and trained, what was
    predicted."""

    name: str
    change: str
    build: Callable
    config: TrainConfig
    loss: Callable = mse_loss
    augment: Callable | None = None
    expected_db: float = np.nan  # change of PSNR against its reference, predicted before the run
    expected_ssim: float = np.nan
    parent: str | None = None  # for side experiments: the row they branch from
    # CPU threads it trains with (a fixed count keeps its weights independent of the build)
    threads: int = 1


def reference(variant: Variant, ablation: Sequence[Variant]) -> str:
    """The run a variant is measured against: its parent, or the ablation row above it."""
    if variant.parent:
        return variant.parent
    names = [TASK6, *(row.name for row in ablation)]
    return names[names.index(variant.name) - 1]


def training_run(variant: Variant, data: VideoData) -> TrainingRun:
    """The run that trains `variant` on the training clips (lib.video.workflow.predictor_run)."""
    return predictor_run(
        variant.name,
        variant.build,
        data,
        variant.config,
        loss_fn=variant.loss,
        augment=variant.augment,
        threads=variant.threads,
    )


SEED_SUFFIX = re.compile(r"-seed\d+$")  # what `with_seeds` appends to a row's name


def row_name(run_name: str) -> str:
    """The row a run of `with_seeds` belongs to: "t7-loss" for "t7-loss-seed1" and "t7-loss"."""
    return SEED_SUFFIX.sub("", run_name)


def with_seeds(row: Variant, seeds: Sequence[int]) -> list[Variant]:
    """`row` once per seed: itself for its own seed, a copy named `<name>-seed<k>` for each other
    seed k (so a row's first seed keeps the name it has in every table)."""
    return [
        row
        if seed == row.config.seed
        else replace(row, name=f"{row.name}-seed{seed}", config=replace(row.config, seed=seed))
        for seed in seeds
    ]


def planned_runs(
    ablation: Sequence[Variant], side: Sequence[Variant], seeds: Sequence[int]
) -> list[Variant]:
    """Every run of the plan: the final row first (it takes the longest, so it starts first),
    every other ablation row once per seed, then the side experiments."""
    return [
        ablation[-1],
        *(run for row in ablation[:-1] for run in with_seeds(row, seeds)),
        *side,
    ]


def over_seeds(variant: Variant, values: Mapping[str, float], seeds: Sequence[int]) -> list[float]:
    """`values` (by run name) of each of `variant`'s runs over `seeds` that has one: one value
    for a row trained once."""
    return [values[run.name] for run in with_seeds(variant, seeds) if run.name in values]


def seed_sd(psnrs: Mapping[str, Sequence[float]]) -> float:
    """The seed-to-seed standard deviation of PSNR, pooled over every row trained with several
    seeds (`psnrs` maps a row to its PSNR per seed): sqrt(Σ (nᵢ−1) sᵢ² / Σ (nᵢ−1))."""
    rows = [np.asarray(values, dtype=float) for values in psnrs.values() if len(values) > 1]
    if not rows:
        raise ValueError("no row has more than one seed: the seed-to-seed noise is unknown")
    squares = sum(float(((row - row.mean()) ** 2).sum()) for row in rows)
    return float(np.sqrt(squares / sum(len(row) - 1 for row in rows)))
