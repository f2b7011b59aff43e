"""Part 1: the rules that turn the chapters' numbers into decisions.

Each function returns what the data decides (a bool or a key that picks one of the sentences
written in a chapter's Markdown, a number as the text prints it, or keys and numbers that let the
Markdown write a list, lib.report.words.listed_keys), so that the text stays true on any course
files while its words stay in the chapters; tests/report/test_counting_verdicts.py covers every
branch. The thresholds live in lib.settings.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from lib.data.course_files import radius_words
from lib.report.words import balls, listed, listed_keys, sample_sd
from lib.settings import (
    BALL_COUNTS,
    FITTED_ACCURACY,
    NOISE_SDS,
    SAME_SIZE_TOLERANCE,
    SIZE_SHIFT_TOLERANCE,
    TARGET_ACCURACY,
    TARGET_SECOND_SHIFT,
    TARGET_SEED_SD,
    TARGET_VAL_ACCURACY,
)

# Chapter 1 ----------------------------------------------------------------------------------------


def simulated_radius(settings: dict | None) -> str:
    """The radii the simulator gave a file ('radius 1.2'), or "none" for a supplied file (the
    chapter quotes them only when both Part 1 files were simulated)."""
    return radius_words(settings) if settings else "none"


def size_shifted(train_per_ball: np.ndarray, test_low: float, test_high: float) -> bool:
    """Whether the test file's brightness per ball (its central range `test_low`..`test_high`)
    leaves the training file's range by more than lib.settings.SIZE_SHIFT_TOLERANCE."""
    return bool(
        test_low < (1 - SIZE_SHIFT_TOLERANCE) * train_per_ball.min()
        or test_high > (1 + SIZE_SHIFT_TOLERANCE) * train_per_ball.max()
    )


# Chapter 2 ----------------------------------------------------------------------------------------


def errors_follow_size(smaller_error: float, larger_error: float) -> bool:
    """Whether the mean signed counting errors follow ball size as a brightness counter's would:
    images of larger balls over-counted, images of smaller balls under-counted."""
    return bool(larger_error > 0 > smaller_error)


def same_size(radius_low: float, radius_high: float) -> bool:
    """Whether the training balls share one size (within lib.settings.SAME_SIZE_TOLERANCE)."""
    return bool(radius_high < (1 + SAME_SIZE_TOLERANCE) * radius_low)


def radii(radius_low: float, radius_high: float) -> str:
    """'radius 1.20', or 'radii 1.20 to 1.23' when the two differ at the precision written."""
    low, high = f"{radius_low:.2f}", f"{radius_high:.2f}"
    return f"radius {low}" if low == high else f"radii {low} to {high}"


# Chapter 3 ----------------------------------------------------------------------------------------


def left_out_cells(left_out: Sequence[tuple[int, float]]) -> dict[str, str]:
    """The size probe's cells (lib.counting.diagnosis.size_probe) that were left out, as keys for
    the chapter's list of them: probe_left_out ("yes" or "no"), and per number of balls n of
    lib.settings.BALL_COUNTS, left_n and left_n_then (`listed_keys`), and left_n_radii, the radii
    left out as the text prints them ('2.4' or '2.3 to 2.4')."""
    radii = {n: sorted(r for c, r in left_out if c == n) for n in BALL_COUNTS}
    keys = listed_keys({f"left_{n}": bool(radii[n]) for n in BALL_COUNTS})
    for n, rs in radii.items():
        span = [f"{r:.1f}" for r in rs[:1] + rs[1:][-1:]]
        keys[f"left_{n}_radii"] = " to ".join(span)
    return {"probe_left_out": "yes" if left_out else "no", **keys}


def miscounts_follow_size(over_sizes: np.ndarray, under_sizes: np.ndarray) -> bool:
    """Whether over-counted images hold larger balls and under-counted ones smaller balls than
    training balls on average (sizes: ball area in training balls, per miscounted image)."""
    return bool(len(over_sizes) and len(under_sizes) and over_sizes.mean() > 1 > under_sizes.mean())


def count_rises_with_size(probe_table: pd.DataFrame) -> bool:
    """Whether the mean predicted count of a size probe (lib.counting.diagnosis.probe_predictions)
    rises from the smallest to the largest radius for every true count."""
    return all(
        rows.sort_values("radius").mean_predicted.iloc[-1]
        > rows.sort_values("radius").mean_predicted.iloc[0]
        for _, rows in probe_table.groupby("count")
    )


def proxy_quality(brightness_accuracy: float) -> str:
    """How good a proxy for the count total brightness is, from the brightness counter's training
    accuracy: "perfect", "almost" (from lib.settings.FITTED_ACCURACY) or "partial"."""
    if brightness_accuracy == 1:
        return "perfect"
    return "almost" if brightness_accuracy >= FITTED_ACCURACY else "partial"


def noise_band(test: Sequence[float], baseline_test: Sequence[float]) -> float:
    """How far two mean accuracies over seeds may differ by chance: lib.settings.NOISE_SDS times
    the larger of the two standard deviations over seeds."""
    return NOISE_SDS * max(sample_sd(test), sample_sd(baseline_test))


def change(test: Sequence[float], baseline_test: Sequence[float]) -> str:
    """'rise', 'drop' or 'within noise': what `test` does to the mean accuracy of `baseline_test`.
    Only a change beyond the noise band (`noise_band`) is a rise or a drop."""
    difference = np.mean(test) - np.mean(baseline_test)
    band = noise_band(test, baseline_test)
    if difference > band:
        return "rise"
    if difference < -band:
        return "drop"
    return "within noise"


def compared(test: Sequence[float], other: Sequence[float]) -> str:
    """`test` against `other`, by `change`: "more", "within" (noise) or "less"."""
    return {"rise": "more", "drop": "less", "within noise": "within"}[change(test, other)]


def ablation_keys(changes: dict[str, str]) -> dict[str, str]:
    """The ablation's verdicts, from each row's `change` by row name, as keys for the chapter's
    clause about them: abl_rise_rows and abl_drop_rows (the rows that rise or drop beyond noise,
    in italics), abl_rises ("none", "one" or "many"), abl_drops (the same, with "-also" when a
    rise comes first), abl_quiet ("yes" when every row stays within noise), and abl_rise,
    abl_drop, abl_others (the rows within noise, after a rise or drop) with their `_then` keys
    (`listed_keys`)."""
    rows = {v: [f"*{row}*" for row, c in changes.items() if c == v] for v in ("rise", "drop")}
    number = {v: {0: "none", 1: "one"}.get(len(rows[v]), "many") for v in rows}
    also = "-also" if rows["rise"] and rows["drop"] else ""
    others = bool(rows["rise"] or rows["drop"]) and "within noise" in changes.values()
    return {
        "abl_rise_rows": listed(rows["rise"]) if rows["rise"] else "",
        "abl_drop_rows": listed(rows["drop"]) if rows["drop"] else "",
        "abl_rises": number["rise"],
        "abl_drops": number["drop"] + also,
        "abl_quiet": "no" if rows["rise"] or rows["drop"] else "yes",
        **listed_keys(
            {"abl_rise": bool(rows["rise"]), "abl_drop": bool(rows["drop"]), "abl_others": others}
        ),
    }


def target_met(final_test: Sequence[float], baseline_test: Sequence[float], bar: float) -> bool:
    """Task 4's target: a mean test accuracy of at least `bar`, and a rise over the baseline's
    beyond the noise band (`change`)."""
    return bool(np.mean(final_test) >= bar and change(final_test, baseline_test) == "rise")


def shortfalls(
    test: Sequence[float],
    baseline_test: Sequence[float],
    val: Sequence[float],
    second_shift: Sequence[float],
) -> dict[str, str]:
    """Task 4's goals (lib.settings) that per-seed accuracies of the final model miss, as keys for
    the chapter's list of them: targets_met ("yes" when none is missed), and per goal short_x and
    short_x_then (`listed_keys`) with short_x_gap, by how many points it is missed. The goals: a
    mean test accuracy (short_test) of TARGET_ACCURACY and a rise beyond noise over the baseline
    (short_rise, `target_met`), a mean unaugmented validation accuracy (short_val) of
    TARGET_VAL_ACCURACY, a mean second-shift accuracy (short_shift) of TARGET_SECOND_SHIFT and a
    seed standard deviation on the test file (short_spread) of at most TARGET_SEED_SD."""
    gaps: dict[str, float] = {
        "short_test": TARGET_ACCURACY - float(np.mean(test)),
        "short_val": TARGET_VAL_ACCURACY - float(np.mean(val)),
        "short_shift": TARGET_SECOND_SHIFT - float(np.mean(second_shift)),
        "short_spread": sample_sd(test) - TARGET_SEED_SD,
    }
    missed = {name: bool(gap > 0) for name, gap in gaps.items()}
    missed["short_rise"] = change(test, baseline_test) != "rise"
    return {
        "targets_met": "no" if any(missed.values()) else "yes",
        **listed_keys(missed),
        **{f"{name}_gap": f"{100 * gap:.1f}" for name, gap in gaps.items()},
    }


def second_shift_radii(radius_ranges: dict[int, tuple[float, float]]) -> dict[str, str]:
    """The second shift's radii (lib.counting.second_shift.SecondShift.radius_ranges) as the text
    writes them: s2_low and s2_high in box units, s2_shrunk ("yes" when the upper radius had to
    shrink for some numbers of balls) and, per number of balls n of lib.settings.BALL_COUNTS,
    s2_n and s2_n_then (`listed_keys`: whether its upper radius shrank) with s2_n_upper."""
    low = min(r[0] for r in radius_ranges.values())
    high = f"{max(r[1] for r in radius_ranges.values()):.2f}"
    upper = {n: f"{radius_ranges[n][1]:.2f}" if n in radius_ranges else high for n in BALL_COUNTS}
    shrunk = {f"s2_{n}": upper[n] != high for n in BALL_COUNTS}
    return {
        "s2_low": f"{low:.2f}",
        "s2_high": high,
        "s2_shrunk": "yes" if any(shrunk.values()) else "no",
        **listed_keys(shrunk),
        **{f"s2_{n}_upper": upper[n] for n in BALL_COUNTS},
    }


def spans_beyond(radius_ranges: dict[int, tuple[float, float]], span: tuple[float, float]) -> bool:
    """Whether the second shift's radii reach below and above `span` (the test file's radii)."""
    low = min(r[0] for r in radius_ranges.values())
    high = max(r[1] for r in radius_ranges.values())
    return bool(low < span[0] and high > span[1])


def rendered_dip(sweep_table: pd.DataFrame) -> bool:
    """Whether a model counts the images as rendered (factor 1 of a size sweep,
    lib.counting.size_sweep.sweep_scores) worse than both their nearest resampled neighbours,
    averaged over the numbers of balls."""
    by_factor = sweep_table.groupby("factor").accuracy.mean()
    at = list(by_factor.index).index(1.0)
    neighbours = by_factor.iloc[max(at - 1, 0) : at + 2].drop(1.0)
    return bool(len(neighbours) and by_factor[1.0] < neighbours.min())


def room_at(least_room: float) -> str:
    """Whether "all" images of a size sweep had room at a factor, or only "some", from the smallest
    share over the numbers of balls."""
    return "all" if least_room == 1 else "some"


def error_kinds(confusion: np.ndarray) -> str:
    """'none', 'single' (one error), 'one' (several errors, all the same miscount) or 'several'
    kinds of error in a confusion matrix summed over seeds."""
    off_diagonal = confusion - np.diag(np.diag(confusion))
    if not off_diagonal.sum():
        return "none"
    if off_diagonal.sum() == 1:
        return "single"
    return "one" if off_diagonal.max() == off_diagonal.sum() else "several"


def most_frequent_error(confusion: np.ndarray) -> str:
    """The most frequent error of a confusion matrix summed over seeds (rows: true count,
    columns: predicted, in the order of lib.settings.BALL_COUNTS): '2 balls counted as 3';
    'none' when there is no error."""
    off_diagonal = confusion - np.diag(np.diag(confusion))
    if not off_diagonal.sum():
        return "none"
    true_index, predicted_index = np.unravel_index(off_diagonal.argmax(), confusion.shape)
    return f"{balls(BALL_COUNTS[true_index])} counted as {BALL_COUNTS[predicted_index]}"


def most_frequent_count(confusion: np.ndarray) -> int:
    """How often the most frequent error of a confusion matrix summed over seeds occurs."""
    off_diagonal = confusion - np.diag(np.diag(confusion))
    return int(off_diagonal.max())


def at_probe_end(radius: float, probe_radii: np.ndarray) -> bool:
    """Whether a size-probe case sits at an end of the probed range."""
    return radius in (probe_radii.min(), probe_radii.max())


def fits_own_distribution(val_accuracy: Sequence[float]) -> bool:
    """Whether a model fits its own distribution (mean validation accuracy of at least
    lib.settings.FITTED_ACCURACY)."""
    return bool(np.mean(val_accuracy) >= FITTED_ACCURACY)


def edge_news(train_pixels: int, test_pixels: int) -> bool:
    """Whether test balls come closer to the top or left edge than any training ball, so that
    flips show the network distances from an edge the training file lacks."""
    return train_pixels > test_pixels


def seeds_spread_more_on_test(
    test_accuracy: Sequence[float], val_accuracy: Sequence[float]
) -> bool:
    """Whether the seeds' accuracies spread more on the test file than on the validation split."""
    return bool(np.std(test_accuracy) > np.std(val_accuracy))
