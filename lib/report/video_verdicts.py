"""Part 2: the rules that turn the chapters' numbers into decisions.

Each function decides which of the sentences written in a chapter's Markdown holds (the chapter
glues the decision, lib.report.glue keeps the matching variant), so that the text stays true on
any course files; tests/report/test_video_verdicts.py covers every branch. Scores are dicts with
the keys of lib.metrics.VideoMetrics.summary: "mse", "ssim", "psnr". The thresholds live in
lib.settings.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from lib.report.words import balls, counted, listed
from lib.settings import (
    GOAL_GAIN_DB,
    GOAL_MINUTES,
    GOAL_SSIM,
    HELPS_DB,
    OVERFIT_RATIO,
    RADIUS_GOAL,
    SAME_DB,
    WALL_GOAL_SHARE,
)


def beats(psnr: float, reference_psnr: float) -> bool:
    """Whether a predictor does better than a reference (the last frame, the model it replaces)."""
    return psnr > reference_psnr


def worse_or_better(psnr: float, reference_psnr: float) -> str:
    """Whether a PSNR is "worse" or "better" than the reference's (the gap is a number the chapter
    glues)."""
    return "worse" if psnr < reference_psnr else "better"


def skips_matter(add_psnr: float, concat_psnr: float, none_psnr: float) -> bool:
    """Whether removing the skips costs accuracy against both ways of keeping them."""
    return none_psnr < min(add_psnr, concat_psnr)


def add_or_concat(add_psnr: float, concat_psnr: float) -> str:
    """Which way of adding the skips is better by more than SAME_DB: "concat", "add" or "par"."""
    if concat_psnr > add_psnr + SAME_DB:
        return "concat"
    if add_psnr > concat_psnr + SAME_DB:
        return "add"
    return "par"


def times_less(reference: float, value: float) -> str:
    """A squared error against a reference's: '4.0 times less' or '1.2 times more'."""
    if value <= reference:
        return f"{reference / value:.1f} times less"
    return f"{value / reference:.1f} times more"


def overfits(train_mse: float, val_mse: float) -> bool:
    """Whether a validation error is well above the training error (OVERFIT_RATIO times)."""
    return val_mse > OVERFIT_RATIO * train_mse


def against_prediction(expected_db: float, measured_db: float, tolerance_db: float) -> str:
    """How a measured change of PSNR compares with its prediction: "as expected" within the
    tolerance, else "more than expected" or "less than expected"."""
    gap = measured_db - expected_db
    if abs(gap) <= tolerance_db:
        return "as expected"
    return "more than expected" if gap > 0 else "less than expected"


def effect_word(measured_db: float, noise_db: float) -> str:
    """What a measured change of PSNR did, as the ablation table prints it (`effect`): "helps",
    "hurts", "within noise" (smaller than `noise_db`) or "no gain" (outside the noise but too
    small to count)."""
    kind = effect(measured_db, noise_db)
    if kind == "neutral":
        return "within noise" if abs(measured_db) < noise_db else "no gain"
    return kind


def effect(gain_db: float, noise_db: float = 0.0) -> str:
    """What a change of PSNR says about the change that made it, by the rule of the ablation
    table (`against_prediction`): "helps" when it gains more than HELPS_DB and is not within the
    seed-to-seed noise (smaller than `noise_db` in size), "hurts" when it loses as much, else
    "neutral". Every "helps" of the text comes from here."""
    if abs(gain_db) < noise_db or abs(gain_db) <= HELPS_DB:
        return "neutral"
    return "helps" if gain_db > 0 else "hurts"


def ranked_changes(steps: list[tuple[str, float, float]]) -> str:
    """The changes (label, PSNR gain in dB, its noise band) by what they bought, by `effect`:
    those that helped, largest gain first, those within noise (or too small to count) and those
    that cost accuracy, each label in italics (labels may hold commas); the numbers are in the
    ablation table."""
    ranked = sorted(steps, key=lambda step: -step[1])
    kinds = {
        kind: [f"*{label}*" for label, gain, band in ranked if effect(gain, band) == kind]
        for kind in ("helps", "neutral", "hurts")
    }
    parts = []
    if kinds["helps"]:
        order = ", largest gain first" if len(kinds["helps"]) > 1 else ""
        parts.append(f"{listed(kinds['helps'])} helped{order}")
    if kinds["neutral"]:
        verb = "is" if len(kinds["neutral"]) == 1 else "are"
        parts.append(f"{listed(kinds['neutral'])} {verb} within noise")
    if kinds["hurts"]:
        parts.append(f"{listed(kinds['hurts'])} cost accuracy")
    return "; ".join(parts)


def time_reversal(with_psnr: float, without_psnr: float, noise_db: float = 0.0) -> str:
    """What training on reversed clips did against the same training without them, by
    `effect`: "helps", "neutral" or "hurts"."""
    return effect(with_psnr - without_psnr, noise_db)


def where_trained(device: str, threads: int) -> str:
    """'the CPU with 1 thread', or 'the CUDA' on a GPU (where threads do not matter)."""
    return f"the {device.upper()}" + (
        "" if device.startswith("cuda") else f" with {counted(threads, 'thread')}"
    )


def hardest_group(psnr_by_group: Mapping[str, float]) -> str:
    """The group of validation clips the final model predicts worst."""
    return min(psnr_by_group, key=lambda group: psnr_by_group[group])


SSIM_GOAL = f"mean SSIM at least {GOAL_SSIM}"


def task7_goals(
    final: dict, task6: dict, every_step: bool, minutes: float, where: str
) -> list[tuple[str, str, bool]]:
    """Each goal of Task 7 as (goal, what was measured, met) for the final model's scores."""
    return [
        (
            f"PSNR at least {GOAL_GAIN_DB:g} dB above the Task 6 U-Net",
            f"{final['psnr'] - task6['psnr']:+.2f} dB",
            final["psnr"] >= task6["psnr"] + GOAL_GAIN_DB,
        ),
        (
            "MSE at most a quarter of the Task 6 U-Net's",
            f"{final['mse'] / task6['mse']:.2f} of it",
            final["mse"] <= task6["mse"] / 4,
        ),
        (SSIM_GOAL, f"{final['ssim']:.4f}", final["ssim"] >= GOAL_SSIM),
        (
            "lower MSE, higher PSNR and higher SSIM than both baselines at every step t+1 … t+5",
            "at every step" if every_step else "not at every step",
            every_step,
        ),
        (
            f"training in at most {GOAL_MINUTES} minutes on a two-core CPU",
            f"{minutes:.1f} min ({where})",
            minutes <= GOAL_MINUTES,
        ),
    ]


def missed_goals(goals: list[tuple[str, str, bool]]) -> list[str]:
    """The goals of the goals table that are not met."""
    return [goal for goal, _, ok in goals if not ok]


def side_findings(idea_gains: list[tuple[str, float, float]]) -> tuple[str, str]:
    """The side experiments' ideas (idea, PSNR gain in dB, its noise band) by `effect`: those that
    did not help, each marked "within noise", "no gain" or "worse", and those that helped, each
    as a list separated by semicolons ("" when none); the numbers are in the ablation table."""
    did_not, helped = [], []
    for idea, gain, band in idea_gains:
        verdict = effect(gain, band)
        if verdict == "helps":
            helped.append(idea)
        elif verdict == "hurts":
            did_not.append(f"{idea} (worse)")
        else:
            did_not.append(f"{idea} ({'within noise' if abs(gain) < band else 'no gain'})")
    return "; ".join(did_not), "; ".join(helped)


def clip_scores(clip: int, event: str, n_balls: int, task6_psnr: float, final_psnr: float) -> str:
    """One shown clip: what happens in it and both models' PSNR."""
    return (
        f"Clip {clip} ({balls(n_balls)}, {event}): U-Net {task6_psnr:.1f} dB, "
        f"final model {final_psnr:.1f} dB."
    )


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
