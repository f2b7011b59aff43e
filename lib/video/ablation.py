"""Task 7's ablation: each trained variant with its prediction, and what each one measured.

An ablation row adds one change to the row above it (the first row to the Task 6 U-Net); a side
experiment changes one named row (its `parent`). Predictions are written down before the runs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

import numpy as np

from lib.report.words import power_of_ten
from lib.settings import TASK7_FINAL
from lib.training.loop import TrainConfig
from lib.training.precision import in_bfloat16, in_precision
from lib.training.side_by_side import TrainingRun
from lib.video.augment import SymmetryAugment
from lib.video.losses import FrameLoss
from lib.video.models import VideoUNet, rollout_unet
from lib.video.unet import UNet
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


def measured_delta(
    variant: Variant, ablation: Sequence[Variant], psnr: Mapping[str, float]
) -> float:
    """The change of validation PSNR (dB) the variant measured against its reference; `psnr` maps
    run names, the Task 6 U-Net's included, to their PSNR."""
    return psnr[variant.name] - psnr[reference(variant, ablation)]


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


def final_change(precision: str, planned: TrainConfig = TASK7_FINAL) -> str:
    """The final row's change as the plan names it: the planned budget (even in a quick preview,
    which trains it for fewer epochs) and, where the hardware computes it, bfloat16."""
    prefix = "bfloat16, " if precision == "bfloat16" else ""
    return f"{prefix}{planned.epochs} epochs, peak lr {power_of_ten(planned.lr)} (final model)"


def ablation_variants(
    short: TrainConfig,
    final: TrainConfig,
    precision: str,
    architecture: Mapping[str, Any],
    loss: FrameLoss,
    augment: SymmetryAugment,
    threads: int,
) -> list[Variant]:
    """The ablation, each row one change on the row above, with the predictions written before
    the runs. `short` trains every row but the last, which trains with `final` on `threads`
    threads in `precision`; `architecture`, `loss` and `augment` are what those rows add."""
    table3 = partial(UNet, skip_mode="add")
    final_unet = in_precision(precision, VideoUNet, **architecture, channels_last=True)
    return [
        Variant(
            "t7-recipe",
            "batch 32, one-cycle schedule",
            table3,
            short,
            expected_db=1.0,
            expected_ssim=0.005,
        ),
        Variant(
            "t7-symmetries",
            "8 box symmetries × time reversal",
            table3,
            short,
            augment=augment,
            expected_db=2.0,
            expected_ssim=0.005,
        ),
        Variant(
            "t7-delta",
            "output: last frame + change, clipped",
            partial(VideoUNet, output="delta"),
            short,
            augment=augment,
            expected_db=0.3,
            expected_ssim=0.002,
        ),
        Variant(
            "t7-architecture",
            "concatenated skips, coordinates, wide head",
            partial(VideoUNet, **architecture),
            short,
            augment=augment,
            expected_db=0.5,
            expected_ssim=0.003,
        ),
        Variant(
            "t7-loss",
            "loss: MSE + log-MSE term",
            partial(VideoUNet, **architecture),
            short,
            loss=loss,
            augment=augment,
            expected_db=0.6,
            expected_ssim=0.002,
        ),
        Variant(
            "t7-final",
            final_change(precision),
            final_unet,
            final,
            loss=loss,
            augment=augment,
            threads=threads,
            expected_db=5.4,
            expected_ssim=0.018,
        ),
    ]


def side_variants(
    short: TrainConfig,
    precision: str,
    architecture: Mapping[str, Any],
    loss: FrameLoss,
    augment: SymmetryAugment,
) -> list[Variant]:
    """The side experiments, each one change on the ablation row named as its parent, at the
    short budget; the bfloat16 one only where the hardware computes bfloat16 (`precision`)."""
    unet = partial(VideoUNet, **architecture)
    bfloat16 = Variant(
        "t7-bfloat16",
        "bfloat16 arithmetic at the short budget",
        partial(in_bfloat16, VideoUNet, **architecture),
        short,
        loss=loss,
        augment=augment,
        expected_db=-0.1,
        expected_ssim=0.0,
        parent="t7-loss",
    )
    return [
        Variant(
            "t7-no-reversal",
            "8 box symmetries only, no time reversal",
            partial(UNet, skip_mode="add"),
            short,
            augment=replace(augment, time_reversal=False),
            expected_db=-0.5,
            parent="t7-symmetries",
        ),
        Variant(
            "t7-sigmoid",
            "sigmoid output instead of last frame + change",
            partial(VideoUNet, output="sigmoid"),
            short,
            augment=augment,
            expected_db=0.0,
            parent="t7-delta",
        ),
        Variant(
            "t7-log-mse",
            "log-MSE alone instead of MSE + log-MSE",
            unet,
            short,
            loss=FrameLoss(mse=0.0, log_mse=1.0),
            augment=augment,
            expected_db=-0.1,
            parent="t7-loss",
        ),
        Variant(
            "t7-ssim-loss",
            "SSIM term added to the loss",
            unet,
            short,
            loss=replace(loss, ssim=0.02),
            augment=augment,
            expected_db=0.0,
            parent="t7-loss",
        ),
        *([bfloat16] if precision == "bfloat16" else []),
        Variant(
            "t7-rollout",
            "one-step model rolled out 5 times",
            partial(rollout_unet, widths=(16, 32, 64), **architecture),
            short,
            augment=augment,
            expected_db=0.5,
            parent="t7-architecture",
        ),
    ]


def seed_spread(row: Variant, seeds: Sequence[int]) -> list[Variant]:
    """`row` trained again with each of `seeds`: the seed-to-seed noise of one row."""
    return [
        replace(row, name=f"{row.name}-seed{seed}", config=replace(row.config, seed=seed))
        for seed in seeds
    ]
