"""Task 7's ablation: each trained variant with its prediction, and what each one measured.

An ablation row adds one change to the row above it (the first row to the Task 6 U-Net); a side
experiment changes one named row (its `parent`). Predictions are written down before the runs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from lib.training.loop import TrainConfig
from lib.video.workflow import mse_loss

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


def measured_delta(
    variant: Variant, ablation: Sequence[Variant], psnr: Mapping[str, float]
) -> float:
    """The change of validation PSNR (dB) the variant measured against its reference; `psnr` maps
    run names, the Task 6 U-Net's included, to their PSNR."""
    return psnr[variant.name] - psnr[reference(variant, ablation)]
