"""Part 2: the rules that turn the chapters' numbers into decisions.

Each function decides which of the sentences written in a chapter's Markdown holds (the chapter
glues the decision, lib.report.glue keeps the matching variant), so that the text stays true on
any course files; tests/report/test_video_verdicts.py covers every branch. Scores are dicts with
the keys of lib.metrics.VideoMetrics.summary: "mse", "ssim", "psnr". Whether one model is better
than another is judged by lib.report.judge alone.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from lib.report import judge
from lib.report.words import balls, listed
from lib.settings import (
    GOAL_GAIN_DB,
    GOAL_MINUTES,
    GOAL_SSIM,
    NOISE_SDS,
    RADIUS_GOAL,
    SAME_DB,
    WALL_GOAL_SHARE,
)
from lib.video.ablation import Variant, reference

# Task 7's goal for the MSE, set before the runs with lib.settings' other Task 7 goals: at most
# this share of the Task 6 U-Net's.
MSE_GOAL_SHARE = 0.25


def beats(psnr: float, reference_psnr: float) -> bool:
    """Whether a predictor does better than a reference (the last frame, the model it replaces)."""
    return psnr > reference_psnr


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


def ranked_changes(changes: Sequence[tuple[str, Measured]]) -> str:
    """The changes (label, measured) grouped by judge's verdict: those that raised the PSNR beyond
    the noise (largest gain first), those within noise, those that lowered it, and the single
    runs, each label in italics (labels may hold commas); the numbers are in the ablation table."""
    ranked = sorted(changes, key=lambda change: -change[1].delta)

    def labels(kind: str) -> list[str]:
        return [f"*{label}*" for label, measured in ranked if measured.verdict == kind]

    better, within, worse, single = (
        labels(kind) for kind in (judge.BETTER, judge.WITHIN, judge.WORSE, judge.ONE_RUN)
    )
    parts = []
    if better:
        order = ", largest gain first" if len(better) > 1 else ""
        parts.append(f"{listed(better)} raised the PSNR beyond the noise{order}")
    if within:
        parts.append(f"{listed(within)} {'is' if len(within) == 1 else 'are'} within noise")
    if worse:
        parts.append(f"{listed(worse)} lowered the PSNR beyond the noise")
    if single:
        each = "is a single run" if len(single) == 1 else "are single runs"
        parts.append(f"{listed(single)} {each}, not judged")
    return "; ".join(parts)


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


# The physics-informed predictor ------------------------------------------------------------------


def identification_against_simulator(
    errors: tuple[float, float, bool] | None, frame_px: int
) -> str:
    """Whether the identified settings meet their goals against the simulator's: "met", "missed",
    or "supplied" (None: supplied files, no simulator's settings). `errors` come from
    lib.physics.workflow.settings_errors: radius's relative error, largest wall error in px,
    sub-steps exact."""
    if errors is None:
        return "supplied"
    radius, walls, substeps = errors
    met = radius <= RADIUS_GOAL and walls <= WALL_GOAL_SHARE * frame_px and substeps
    return "met" if met else "missed"


def identification_values(errors: tuple[float, float, bool], prefix: str = "") -> dict[str, str]:
    """How far identified settings are from the simulator's (lib.physics.workflow.settings_errors:
    radius share, largest wall error in pixels, sub-step count exact or not), as the text prints
    them, each named `prefix` + radius_error, wall_error or substeps_exact."""
    radius, walls, substeps_exact = errors
    values = {
        "radius_error": rounded_up(radius, 2, percent=True),
        "wall_error": rounded_up(walls, 3),
        "substeps_exact": "exact" if substeps_exact else "wrong",
    }
    return {prefix + name: value for name, value in values.items()}


def rounded_up(x: float, decimals: int, percent: bool = False) -> str:
    """x rounded up (never down) to `decimals`, so that "within" it stays true: 0.00004 as a
    percentage with 2 decimals gives '0.01%', not '0.00%'."""
    scale = 10 ** (decimals + (2 if percent else 0))
    up = max(math.ceil(x * scale - 1e-9), 1) / scale  # 'within 0.00%' would read as exact
    return f"{up:.{decimals}%}" if percent else f"{up:.{decimals}f}"


def agreement(share: float) -> str:
    """'every one' or '97.0%': on how many clips the counts agree."""
    return "every one" if share == 1.0 else f"{share:.1%}"


def sent_reasons(reasons: Mapping[str, int]) -> str:
    """Why the gate sent clips to the network, from lib.physics.predictor.reason_counts."""
    return "; ".join(f"{reason} ({count})" for reason, count in reasons.items())


def physics_failure(
    clip: int,
    n_balls: int,
    event: str,
    physics_psnr: float,
    hybrid_psnr: float,
    reason: str,
    reproduction_mse: float,
) -> str:
    """One validation clip the physics predicts below FAILURE_DB, and what the gate made of it."""
    head = f"Clip {clip} ({balls(n_balls)}, {event}): physics {physics_psnr:.1f} dB"
    if reason:
        flat = re.sub(r" \((.*)\)$", r", \1", reason)  # "x (detail)" -> "x, detail"
        return f"{head}; sent to the network ({flat}), hybrid {hybrid_psnr:.1f} dB."
    return f"{head}; kept, input reproduced (MSE {reproduction_mse:.1e})."


def failures_shown(n_below: int, n_drawn: int) -> str:
    """Which clips the failure figure draws: "none" below FAILURE_DB (the worst clip is drawn),
    "all" of those below, or only "some" of them (the worst)."""
    if not n_below:
        return "none"
    return "all" if n_drawn >= n_below else "some"


def averaged_failures(n_below: int, n_averaged: int) -> str:
    """How many of the clips the physics predicts below FAILURE_DB it predicted as the mean of
    several futures (where the input does not tell the futures apart): "all", "some" or "none"."""
    if not n_below or not n_averaged:
        return "none"
    return "all" if n_averaged >= n_below else "some"


def gain_two_ways(mean_gain_db: float, mse_gain_db: float) -> str:
    """Where a gain measured both ways (mean of per-clip PSNRs, PSNR of the mean MSE) sits: on the
    "good" clips, on the "hard" clips, or the "same" on both (within SAME_DB)."""
    if mean_gain_db > mse_gain_db + SAME_DB:
        return "good"
    if mse_gain_db > mean_gain_db + SAME_DB:
        return "hard"
    return "same"


def hybrid_verdict(
    hybrid: Mapping[str, float],
    network: Mapping[str, float],
    physics: Mapping[str, float],
    physics_share: float,
) -> str:
    """The hybrid against the final network and the physics alone on both measures that failures
    dominate (scores hold "psnr_of_mean_mse" and "ssim"; `physics_share` is the share of clips the
    gate kept for the physics): "network-only", "best", "beats-network" or "not-better"."""
    if physics_share == 0:
        return "network-only"

    def at_least(other: Mapping[str, float]) -> bool:
        return (
            hybrid["psnr_of_mean_mse"] >= other["psnr_of_mean_mse"]
            and hybrid["ssim"] >= other["ssim"]
        )

    if at_least(network):
        return "best" if at_least(physics) else "beats-network"
    return "not-better"


def gate_notices(kept: int, n_clips: int) -> bool:
    """Whether the self-check chosen on the first file's training clips keeps at most a tenth of
    the clips of a simulator with other settings."""
    return kept <= 0.1 * n_clips
