"""Part 2: the rules that turn the chapters' numbers into decisions.

Each function decides which of the sentences written in a chapter's Markdown holds (the chapter
glues the decision, lib.report.glue keeps the matching variant), so that the text stays true on
any course files; tests/report/test_video_verdicts.py covers every branch. Scores are dicts with
the keys of lib.metrics.VideoMetrics.summary: "mse", "ssim", "psnr". Whether one model is better
than another is judged by lib.report.judge alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from lib.report import judge
from lib.settings import (
    GOAL_GAIN_DB,
    GOAL_MINUTES,
    GOAL_SSIM,
    NOISE_SDS,
)
from lib.video.ablation import Variant, reference

# Task 7's goal for the MSE, set before the runs with lib.settings' other Task 7 goals: at most
# this share of the Task 6 U-Net's.
MSE_GOAL_SHARE = 0.25


def against_last_frame(model: Mapping[str, float], last_frame: Mapping[str, float]) -> str:
    """Where a model's scores sit against the last-frame baseline's: "both" (higher PSNR and higher
    SSIM), "psnr-only" (higher PSNR, SSIM not higher: closer on average but blurred) or "not-psnr"
    (PSNR not higher). A comparison of the numbers, not a judgement: the baseline has no seeds."""
    if model["psnr"] <= last_frame["psnr"]:
        return "not-psnr"
    return "both" if model["ssim"] > last_frame["ssim"] else "psnr-only"


@dataclass(frozen=True)
class Measured:
    """A Task 7 variant against its reference (lib.video.ablation.reference): its mean PSNR over
    its seeds, the change of that mean, the noise band of the change (None with a single run on a
    side), the verdict of lib.report.judge and how the change compares with its prediction."""

    psnr: float
    delta: float
    band: float | None
    seeds: int
    verdict: str
    against: str


def measured_rows(
    variants: Sequence[Variant],
    ablation: Sequence[Variant],
    psnrs: Mapping[str, Sequence[float]],
    sd: float,
    sds: float = NOISE_SDS,
) -> dict[str, Measured]:
    """Each variant against its reference: `psnrs` maps every row name, the Task 6 U-Net's
    included, to its PSNR per seed; `sd` is one run's seed-to-seed deviation pooled over the rows
    (lib.video.ablation.seed_sd), taken for both sides of every comparison."""
    result = {}
    for v in variants:
        mine = judge.Seeds.of(psnrs[v.name], sd=sd)
        theirs = judge.Seeds.of(psnrs[reference(v, ablation)], sd=sd)
        band = judge.band(mine, theirs, sds)
        result[v.name] = Measured(
            psnr=mine.mean,
            delta=mine.mean - theirs.mean,
            band=band,
            seeds=mine.n,
            verdict=judge.verdict(mine, theirs, sds=sds),
            against=against_prediction(v.expected_db, mine.mean - theirs.mean, band),
        )
    return result


def against_prediction(expected_db: float, measured_db: float, band: float | None) -> str:
    """How a measured change of PSNR compares with the change predicted before the run, by the
    same noise band as its verdict: "as expected" within it, else "more than expected" or "less
    than expected"; "one run" without a band."""
    if band is None:
        return judge.ONE_RUN
    gap = measured_db - expected_db
    if abs(gap) <= band:
        return "as expected"
    return "more than expected" if gap > 0 else "less than expected"


def lowest_at_end(val_mse: Sequence[float]) -> str:
    """Whether a training's validation MSE is lowest after its last epoch ("yes": it was still
    improving when its budget stopped it) or after an earlier one ("no")."""
    return "yes" if min(val_mse) == val_mse[-1] else "no"


def hardest_group(psnr_by_group: Mapping[str, float]) -> str:
    """The group of validation clips the final model predicts worst."""
    return min(psnr_by_group, key=lambda group: psnr_by_group[group])


def task7_goals(
    final: Mapping[str, float],
    task6: Mapping[str, float],
    every_step: bool,
    minutes: float,
    device: str,
) -> list[tuple[str, str, bool | None]]:
    """Each goal of Task 7 as (goal, what was measured, met) for the final model's scores (MSE of
    the predictions clipped to [0, 1]); the training time is judged only when the final network
    trained on a CPU (`device`), else its "met" is None: not measured where the goal is set."""
    on_cpu = device == "cpu"
    return [
        (
            f"PSNR at least {GOAL_GAIN_DB:g} dB above the Task 6 U-Net's",
            f"{final['psnr'] - task6['psnr']:+.2f} dB",
            final["psnr"] >= task6["psnr"] + GOAL_GAIN_DB,
        ),
        (
            f"MSE at most {MSE_GOAL_SHARE:.0%} of the Task 6 U-Net's",
            f"{final['mse'] / task6['mse']:.0%} of it",
            final["mse"] <= MSE_GOAL_SHARE * task6["mse"],
        ),
        (f"mean SSIM at least {GOAL_SSIM}", f"{final['ssim']:.4f}", final["ssim"] >= GOAL_SSIM),
        (
            "lower MSE, higher PSNR and higher SSIM than both baselines at every step t+1 … t+5",
            "at every step" if every_step else "not at every step",
            every_step,
        ),
        (
            f"training in at most {GOAL_MINUTES} minutes on a two-core CPU",
            f"{minutes:.1f} min on the {device.upper()}"
            + ("" if on_cpu else ", not measured on a CPU"),
            minutes <= GOAL_MINUTES if on_cpu else None,
        ),
    ]
