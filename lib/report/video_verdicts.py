"""Part 2: the rules that turn the chapters' numbers into decisions.

Each function decides which of the sentences written in a chapter's Markdown holds (the chapter
glues the decision, lib.report.glue keeps the matching variant), so that the text stays true on
any course files; tests/report/test_video_verdicts.py covers every branch. Scores are dicts with
the keys of lib.metrics.VideoMetrics.summary: "mse", "ssim", "psnr". The thresholds live in
lib.settings.
"""

from __future__ import annotations

from collections.abc import Mapping

from lib.report.words import balls, counted, listed
from lib.settings import (
    GOAL_GAIN_DB,
    GOAL_MINUTES,
    GOAL_SSIM,
    HELPS_DB,
    OVERFIT_RATIO,
    SAME_DB,
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
