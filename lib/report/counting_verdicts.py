"""Part 1: the rules that turn the chapters' numbers into decisions.

Each function returns what the data decides (a bool, or a short clause the chapter's Markdown
glues into its own sentence), so that the text stays true on any course files while its words
stay in the chapters; tests/report/test_counting_verdicts.py covers every branch. The thresholds
live in lib.settings.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from lib.data.course_files import radius_words
from lib.report.words import balls, listed, sample_sd
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


def test_radii_measure(has_single_ball_images: bool) -> str:
    """How the test file's radii were measured: exactly on single-ball images, else per image."""
    return "on the single-ball images" if has_single_ball_images else "root mean square per image"


def simulated_radius(settings: dict | None) -> str:
    """The radii the simulator gave a file ('radius 1.2'), or that a supplied file has none."""
    return radius_words(settings) if settings else "none (a supplied file)"


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

NUMBER_WORDS = {1: "one", 2: "two", 3: "three"}


def left_out_cells(left_out: Sequence[tuple[int, float]]) -> str:
    """The size probe's cells (lib.counting.diagnosis.size_probe) that were left out, named as
    the text lists them ('the two-ball images of radius 2.4 and the three-ball images of radius
    2.3 to 2.4'); 'nothing' when there are none."""
    if not left_out:
        return "nothing"
    by_count = {count: sorted(r for c, r in left_out if c == count) for count, _ in left_out}
    return listed(
        [
            f"the {NUMBER_WORDS[count]}-ball images of radius "
            + (f"{radii[0]:.1f}" if len(radii) == 1 else f"{radii[0]:.1f} to {radii[-1]:.1f}")
            for count, radii in sorted(by_count.items())
        ]
    )


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
    """'a perfect', 'an almost perfect' (from lib.settings.FITTED_ACCURACY) or 'only a partial'
    proxy, from the brightness counter's training accuracy."""
    if brightness_accuracy == 1:
        return "a perfect"
    return "an almost perfect" if brightness_accuracy >= FITTED_ACCURACY else "only a partial"


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
    """'more than', 'within noise of' or 'less than': `test` against `other`, by `change`."""
    return {"rise": "more than", "drop": "less than", "within noise": "within noise of"}[
        change(test, other)
    ]


def ablation_summary(changes: dict[str, str]) -> str:
    """The ablation's verdicts in one clause, from each row's `change` by row name: '*a* raises
    the test accuracy beyond noise, *b* and *c* lower it, and the other rows stay within noise'."""
    named = {
        verdict: [f"*{row}*" for row, v in changes.items() if v == verdict]
        for verdict in ("rise", "drop")
    }
    clauses = []
    if named["rise"]:
        verb = "raises" if len(named["rise"]) == 1 else "raise"
        clauses.append(f"{listed(named['rise'])} {verb} the test accuracy beyond noise")
    if named["drop"]:
        verb = "lowers" if len(named["drop"]) == 1 else "lower"
        clauses.append(
            f"{listed(named['drop'])} {verb} it"
            if clauses
            else f"{listed(named['drop'])} {verb} the test accuracy beyond noise"
        )
    if not clauses:
        return "every row stays within noise of the baseline"
    if any(v == "within noise" for v in changes.values()):
        clauses.append("the other rows stay within noise")
    return clauses[0] if len(clauses) == 1 else ", ".join(clauses[:-1]) + " and " + clauses[-1]


def target_met(final_test: Sequence[float], baseline_test: Sequence[float], bar: float) -> bool:
    """Task 4's target: a mean test accuracy of at least `bar`, and a rise over the baseline's
    beyond the noise band (`change`)."""
    return bool(np.mean(final_test) >= bar and change(final_test, baseline_test) == "rise")


def shortfalls(
    test: Sequence[float],
    baseline_test: Sequence[float],
    val: Sequence[float],
    second_shift: Sequence[float],
) -> list[str]:
    """Task 4's goals (lib.settings) that per-seed accuracies of the final model miss, each as a
    clause that says by how much; empty when every goal is met. The goals: a mean test accuracy
    of TARGET_ACCURACY and a rise beyond noise over the baseline (`target_met`), a seed standard
    deviation on the test file of at most TARGET_SEED_SD, a mean unaugmented validation accuracy
    of TARGET_VAL_ACCURACY and a mean second-shift accuracy of TARGET_SECOND_SHIFT."""
    missed = []
    for name, values, goal in (
        ("test", test, TARGET_ACCURACY),
        ("validation", val, TARGET_VAL_ACCURACY),
        ("second-shift", second_shift, TARGET_SECOND_SHIFT),
    ):
        if np.mean(values) < goal:
            gap = 100 * (goal - np.mean(values))
            missed.append(f"the mean {name} accuracy is {gap:.1f} points short of {goal:.0%}")
    if sample_sd(test) > TARGET_SEED_SD:
        excess = 100 * (sample_sd(test) - TARGET_SEED_SD)
        missed.append(
            f"the seeds' test accuracies spread {excess:.1f} points more than the "
            f"{100 * TARGET_SEED_SD:g} allowed"
        )
    if change(test, baseline_test) != "rise":
        missed.append("the test accuracy does not rise beyond noise over the baseline's")
    return missed


def second_shift_radii(radius_ranges: dict[int, tuple[float, float]]) -> str:
    """The second shift's radii (lib.counting.second_shift.SecondShift.radius_ranges) in words:
    'from 0.55 to 2.60 box units', with the numbers of balls whose upper radius had to shrink:
    'from 0.55 to 2.60 box units (three-ball images to 2.47, where the box had room)'."""
    low = min(r[0] for r in radius_ranges.values())
    high = max(r[1] for r in radius_ranges.values())
    shrunk = [
        f"{NUMBER_WORDS[count]}-ball images to {upper:.2f}"
        for count, (_, upper) in sorted(radius_ranges.items())
        if f"{upper:.2f}" != f"{high:.2f}"
    ]
    room = f" ({listed(shrunk)}, where the box had room)" if shrunk else ""
    return f"from {low:.2f} to {high:.2f} box units{room}"


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
    """How many images of a size sweep had room at a factor, from the smallest share over the
    numbers of balls: 'every image has room' or 'as few as 40% of the images of one count have
    room'."""
    if least_room == 1:
        return "every image has room"
    return f"as few as {least_room:.0%} of the images of one count have room"


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


def most_frequent_share(confusion: np.ndarray) -> str:
    """The share of the most frequent error among all errors: '3 of the 4 errors'."""
    off_diagonal = confusion - np.diag(np.diag(confusion))
    return share_of_errors(int(off_diagonal.max()), int(off_diagonal.sum()))


def share_of_errors(most: int, total: int) -> str:
    """'5 of the 12 errors', or 'all 12 errors', or 'the only error'."""
    if total == 1:
        return "the only error"
    return f"all {total} errors" if most == total else f"{most} of the {total} errors"


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
