"""Part 2's recipes: the settings' plain values (lib/settings.py) as the objects that train, and
Task 7's plan, each ablation row and side experiment with the prediction written before its run.

An ablation row adds one change to the row above it (the first row to the Task 6 U-Net); a side
experiment changes one named row (its `parent`). A row's `change` names it in the tables; a field
in braces ({epochs}, {lr}) is filled by the report (lib.report.video_tables.change_text).
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from lib.settings import (
    HANDOUT_PART2_TRAINING,
    TASK7_ARCHITECTURE,
    TASK7_FINAL_THREADS,
    TASK7_FINAL_TRAINING,
    TASK7_LOSS_WEIGHTS,
    TASK7_ROLLOUT_WIDTHS,
    TASK7_SHORT_TRAINING,
)
from lib.training.loop import TrainConfig, TrainingRun, budget
from lib.training.precision import in_precision
from lib.video.ablation import TASK6, Variant
from lib.video.augment import SymmetryAugment
from lib.video.losses import FrameLoss
from lib.video.models import rollout_unet
from lib.video.unet import TABLE3, UNet, UNetConfig
from lib.video.workflow import VideoData, predictor_run

HANDOUT_PART2 = TrainConfig(**HANDOUT_PART2_TRAINING)  # Task 6
TASK7_SHORT = TrainConfig(**TASK7_SHORT_TRAINING)  # every ablation row but the last
TASK7_FINAL = TrainConfig(**TASK7_FINAL_TRAINING)  # the final model
TASK7_LOSS = FrameLoss(**TASK7_LOSS_WEIGHTS)
TASK7_AUGMENT = SymmetryAugment()  # the square's symmetries and time reversal
TASK7_UNET = UNetConfig(**TASK7_ARCHITECTURE)


def handout_unet(skip: str = TABLE3.skip) -> partial:
    """A builder of Table 3's U-Net with `skip` connections (Task 6 trains each kind)."""
    return partial(UNet, replace(TABLE3, skip=skip))


def ablation_variants(
    short: TrainConfig,
    final: TrainConfig,
    precision: str,
    architecture: UNetConfig = TASK7_UNET,
    loss: FrameLoss = TASK7_LOSS,
    augment: SymmetryAugment = TASK7_AUGMENT,
    threads: int = TASK7_FINAL_THREADS,
) -> list[Variant]:
    """The ablation, each row one change on the row above, with the predictions written before
    the runs. `short` trains every row but the last, which trains with `final` on `threads`
    threads; every row computes in `precision`; `architecture`, `loss` and `augment` are what
    those rows add. (Over 50 lines: one literal row per change, the plan as a table reads it.)"""
    table3 = in_precision(precision, UNet, config=TABLE3)
    task7_unet = in_precision(precision, UNet, config=architecture)
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
            "symmetries × time reversal",
            table3,
            short,
            augment=augment,
            expected_db=2.0,
            expected_ssim=0.005,
        ),
        Variant(
            "t7-delta",
            "last frame + change output",
            in_precision(precision, UNet, config=replace(TABLE3, output="delta")),
            short,
            augment=augment,
            expected_db=0.3,
            expected_ssim=0.002,
        ),
        Variant(
            "t7-architecture",
            "concat skips, coordinates, wide head",
            task7_unet,
            short,
            augment=augment,
            expected_db=0.5,
            expected_ssim=0.003,
        ),
        Variant(
            "t7-loss",
            "MSE + log-MSE loss",
            task7_unet,
            short,
            loss=loss,
            augment=augment,
            expected_db=0.6,
            expected_ssim=0.002,
        ),
        Variant(
            "t7-final",
            "final: {epochs} epochs, peak lr\u00a0{lr}",
            in_precision(precision, UNet, config=architecture),
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
    final: TrainConfig,
    precision: str,
    architecture: UNetConfig = TASK7_UNET,
    loss: FrameLoss = TASK7_LOSS,
    augment: SymmetryAugment = TASK7_AUGMENT,
) -> list[Variant]:
    """The side experiments, each one change on the ablation row named as its parent, at the
    short budget and in `precision`: time reversal left out, a one-step model rolled out, and
    the final model's peak learning rate (from `final`) at the short budget."""
    return [
        Variant(
            "t7-no-reversal",
            "no time reversal",
            in_precision(precision, UNet, config=TABLE3),
            short,
            augment=replace(augment, time_reversal=False),
            expected_db=-0.5,
            parent="t7-symmetries",
        ),
        Variant(
            "t7-rollout",
            "one-step model rolled out",
            in_precision(
                precision, rollout_unet, config=replace(architecture, widths=TASK7_ROLLOUT_WIDTHS)
            ),
            short,
            augment=augment,
            expected_db=0.5,
            parent="t7-architecture",
        ),
        Variant(
            "t7-peak-lr",
            "peak lr\u00a0{lr}",
            in_precision(precision, UNet, config=architecture),
            replace(short, lr=final.lr),
            loss=loss,
            augment=augment,
            expected_db=0.2,
            parent="t7-loss",
        ),
    ]


def task6_run(data: VideoData, quick: bool) -> TrainingRun:
    """Task 6's U-Net (added skips, the handout's settings), as chapter 4 trains it: a chapter
    that needs it again loads it from the cache."""
    return predictor_run(TASK6, handout_unet("add"), data, budget(HANDOUT_PART2, quick))


def final_variant(quick: bool, precision: str) -> Variant:
    """The ablation's last row, the final Task 7 network, as chapter 5 trains it."""
    return ablation_variants(budget(TASK7_SHORT, quick), budget(TASK7_FINAL, quick), precision)[-1]
