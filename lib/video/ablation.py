"""Task 7's ablation: each trained variant with its prediction, and what each one measured.

An ablation row adds one change to the row above it (the first row to the Task 6 U-Net); a side
experiment changes one named row (its `parent`). Predictions are written down before the runs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from lib.report.words import power_of_ten
from lib.settings import NOISE_SDS, TASK7_FINAL
from lib.training.loop import TrainConfig
from lib.training.precision import in_precision
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


def final_change(final: TrainConfig, planned: TrainConfig = TASK7_FINAL) -> str:
    """The final row's change as the plan names it: the planned budget (even in a quick preview,
    which trains `final` for fewer epochs) and its peak learning rate."""
    return f"final: {planned.epochs} epochs, peak lr {power_of_ten(final.lr)}"


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
    threads; every row computes in `precision`; `architecture`, `loss` and `augment` are what
    those rows add."""
    table3 = in_precision(precision, UNet, skip_mode="add")
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
            in_precision(precision, VideoUNet, output="delta"),
            short,
            augment=augment,
            expected_db=0.3,
            expected_ssim=0.002,
        ),
        Variant(
            "t7-architecture",
            "concat skips, coordinates, wide head",
            in_precision(precision, VideoUNet, **architecture),
            short,
            augment=augment,
            expected_db=0.5,
            expected_ssim=0.003,
        ),
        Variant(
            "t7-loss",
            "MSE + log-MSE loss",
            in_precision(precision, VideoUNet, **architecture),
            short,
            loss=loss,
            augment=augment,
            expected_db=0.6,
            expected_ssim=0.002,
        ),
        Variant(
            "t7-final",
            final_change(final),
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
    final: TrainConfig,
    precision: str,
    architecture: Mapping[str, Any],
    loss: FrameLoss,
    augment: SymmetryAugment,
) -> list[Variant]:
    """The side experiments, each one change on the ablation row named as its parent, at the
    short budget and in `precision`: time reversal left out, a one-step model rolled out, and
    the final model's peak learning rate (from `final`) at the short budget."""
    return [
        Variant(
            "t7-no-reversal",
            "no time reversal",
            in_precision(precision, UNet, skip_mode="add"),
            short,
            augment=replace(augment, time_reversal=False),
            expected_db=-0.5,
            parent="t7-symmetries",
        ),
        Variant(
            "t7-rollout",
            "one-step model rolled out",
            in_precision(precision, rollout_unet, widths=(16, 32, 64), **architecture),
            short,
            augment=augment,
            expected_db=0.5,
            parent="t7-architecture",
        ),
        Variant(
            "t7-peak-lr",
            f"peak lr {power_of_ten(final.lr)}",
            in_precision(precision, VideoUNet, **architecture),
            replace(short, lr=final.lr),
            loss=loss,
            augment=augment,
            expected_db=0.2,
            parent="t7-loss",
        ),
    ]


def with_seeds(row: Variant, seeds: Sequence[int]) -> list[Variant]:
    """`row` once per seed: itself for its own seed, a copy named `<name>-seed<k>` for each other
    seed k (so a row's first seed keeps the name it has in every table)."""
    return [
        row
        if seed == row.config.seed
        else replace(row, name=f"{row.name}-seed{seed}", config=replace(row.config, seed=seed))
        for seed in seeds
    ]


def seed_sd(psnrs: Mapping[str, Sequence[float]]) -> float:
    """The seed-to-seed standard deviation of PSNR, pooled over every row trained with several
    seeds (`psnrs` maps a row to its PSNR per seed): sqrt(Σ (nᵢ−1) sᵢ² / Σ (nᵢ−1))."""
    rows = [np.asarray(values, dtype=float) for values in psnrs.values() if len(values) > 1]
    if not rows:
        raise ValueError("no row has more than one seed: the seed-to-seed noise is unknown")
    squares = sum(float(((row - row.mean()) ** 2).sum()) for row in rows)
    return float(np.sqrt(squares / sum(len(row) - 1 for row in rows)))


@dataclass(frozen=True)
class Measured:
    """A variant's mean PSNR over its seeds, its change against its reference's mean and the noise
    band of that change: `sds` seed deviations of the difference of the two means."""

    psnr: float
    delta: float
    band: float
    seeds: int


def measured_rows(
    variants: Sequence[Variant],
    ablation: Sequence[Variant],
    psnrs: Mapping[str, Sequence[float]],
    sd: float,
    sds: float = NOISE_SDS,
) -> dict[str, Measured]:
    """Each variant measured against its reference (`reference`): `psnrs` maps every run name,
    the Task 6 U-Net's included, to its PSNR per seed; `sd` is one seed's deviation (`seed_sd`),
    so the band of a difference of means over n and m seeds is sds · sd · sqrt(1/n + 1/m)."""
    result = {}
    for v in variants:
        mine, theirs = psnrs[v.name], psnrs[reference(v, ablation)]
        result[v.name] = Measured(
            psnr=float(np.mean(mine)),
            delta=float(np.mean(mine) - np.mean(theirs)),
            band=float(sds * sd * np.sqrt(1 / len(mine) + 1 / len(theirs))),
            seeds=len(mine),
        )
    return result
