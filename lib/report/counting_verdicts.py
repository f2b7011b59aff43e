"""Part 1: the rules that turn the chapters' numbers into words.

Each function decides between the sentences a chapter may need, so that the text stays true on
any course files; tests/test_counting_verdicts.py covers every branch.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from lib.data.course_files import radius_words
from lib.report.words import balls, mean_sd, sample_sd
from lib.settings import BALL_COUNTS


def test_radii(span: tuple[float, float], has_single_ball_images: bool) -> str:
    """What the test file's balls measure: exact on single-ball images, else a mean per image."""
    if has_single_ball_images:
        return f"the balls of the single-ball test images measure {span[0]:.2f} to {span[1]:.2f}"
    return f"the test images' balls measure {span[0]:.2f} to {span[1]:.2f} (root mean square per image)"


def radii_origin(settings: Sequence[dict | None]) -> str:
    """Whether the measured radii can be checked against the simulator's settings of the
    (training, test) files; `None` stands for a supplied file."""
    if all(settings):
        return (
            f"This build simulated both files, and the measure recovers how: the simulator gave the "
            f"training balls {radius_words(settings[0])} and the test balls {radius_words(settings[1])}."
        )
    which = "the files were" if not any(settings) else "one of the two files was"
    return f"These radii are measured, not known from how the files were made: {which} supplied, not simulated by this build."


def size_shift(train_per_ball: np.ndarray, test_low: float, test_high: float) -> str:
    """Whether the test file's brightness per ball (90 % range `test_low`..`test_high`) leaves the
    training file's range by more than a tenth, and what that means for a brightness counter."""
    if test_low < 0.9 * train_per_ball.min() or test_high > 1.1 * train_per_ball.max():
        return (
            "On the training file a model can therefore count balls by measuring how much of the image is "
            "white; on the test file that shortcut confuses one large ball with two small ones. "
            "Whether the prescribed CNN falls for it is the question of the next chapter."
        )
    return (
        "The test file's balls are no larger or smaller than the training balls by more than a tenth of "
        "their brightness, so a model that counts by how much of the image is white is not misled by size; "
        "the next chapter measures what the prescribed CNN does."
    )


def errors_by_size(smaller_error: float, larger_error: float, similar_accuracy: float) -> str:
    """Whether the mean signed counting errors of small- and large-ball images follow ball size."""
    if larger_error > 0 and smaller_error < 0:
        return (
            "The errors follow ball size exactly as a brightness counter's would: images of larger balls are "
            f"over-counted (mean signed error {larger_error:+.2f}) and images of smaller balls under-counted "
            f"({smaller_error:+.2f}), while images whose balls match the training size are counted with "
            f"{similar_accuracy:.1%} accuracy."
        )
    return (
        "The errors do not simply follow ball size (see the table), so brightness alone does not explain "
        "them."
    )


def training_sizes(radius_low: float, radius_high: float) -> str:
    """Whether the training balls share one size (within 5 %), which makes brightness a proxy."""
    measured = "measured from the brightness of the single-ball training images as in @sec-shift"
    sizes = (
        f"radius {radius_low:.2f}"
        if f"{radius_low:.2f}" == f"{radius_high:.2f}"
        else f"radii {radius_low:.2f} to {radius_high:.2f}"
    )
    if radius_high < 1.05 * radius_low:
        return (
            f"its balls all have about the same size ({sizes} box units, "
            f"{measured}), so total brightness is an almost perfect proxy for the count, and the training "
            "objective is minimised just as well by the proxy as by counting objects."
        )
    return (
        f"its balls differ in size ({sizes} box units, {measured}), which "
        "weakens total brightness as a proxy for the count, but the training objective does not ask for "
        "counting objects either."
    )


def seed_disagreement(test_accuracy: Sequence[float], val_accuracy: Sequence[float]) -> str:
    """A sentence if the seeds spread more on the test file than on the validation split, else nothing."""
    if np.std(test_accuracy) > np.std(val_accuracy):
        return (
            "The seeds also disagree more on the test file than on the validation split, a sign that what "
            "each run learns outside the training distribution is not pinned down by the data."
        )
    return ""


# Task 4 -------------------------------------------------------------------------------------------


def miscounted_sizes(over_sizes: np.ndarray, under_sizes: np.ndarray) -> str:
    """Whether over-counted images hold larger balls and under-counted ones smaller balls than
    training balls (sizes: ball area in training balls, per miscounted image)."""
    if len(over_sizes) and len(under_sizes) and over_sizes.mean() > 1 > under_sizes.mean():
        return (
            f"The balls of the over-counted images are larger than the training balls ({over_sizes.mean():.2f} "
            f"times their area on average) and those of the under-counted images smaller "
            f"({under_sizes.mean():.2f} times): the errors follow ball size."
        )
    return "The errors do not split cleanly into large balls counted too high and small balls counted too low."


def size_response(probe_table: pd.DataFrame) -> str:
    """Whether the mean predicted count of a size probe (lib.counting.diagnosis.probe_predictions)
    rises from the smallest to the largest radius for every true count."""
    rises = all(
        rows.sort_values("radius").mean_predicted.iloc[-1]
        > rows.sort_values("radius").mean_predicted.iloc[0]
        for _, rows in probe_table.groupby("count")
    )
    if rises:
        return (
            "The predicted count rises with the radius for every true count: the network has learned *how much "
            "white* there is, which in the training file is the same thing as *how many balls*."
        )
    return (
        "The predicted count does not rise with the radius for every true count, so brightness does not "
        "explain all of what the network keys on."
    )


def proxy_quality(brightness_accuracy: float) -> str:
    """'a perfect' or 'an almost perfect' proxy, from the brightness counter's training accuracy."""
    return "a perfect" if brightness_accuracy == 1 else "an almost perfect"


def against_baseline(
    test: Sequence[float],
    baseline_test: Sequence[float],
    rescaled: Sequence[float],
    baseline_rescaled: Sequence[float],
) -> str:
    """A row's mean test accuracy against the baseline's: a change counts when it exceeds two of the
    baseline's standard deviations over seeds; and its change on the rescaled validation split."""
    difference = np.mean(test) - np.mean(baseline_test)
    spread = 2 * sample_sd(baseline_test)
    word = (
        "raises the test accuracy"
        if difference > spread
        else "lowers the test accuracy"
        if difference < -spread
        else "leaves the test accuracy within the baseline's spread"
    )
    moved = np.mean(rescaled) - np.mean(baseline_rescaled)
    return (
        f"Measured: it {word} ({difference * 100:+.1f} points, to {mean_sd(test)}); on the rescaled "
        f"validation split it moves the accuracy by {moved * 100:+.1f} points."
    )


def target_met(final_test: Sequence[float], baseline_test: Sequence[float], bar: float) -> bool:
    """Task 4's target: a mean test accuracy of at least `bar`, and more than two baseline standard
    deviations above the baseline's mean."""
    return bool(
        np.mean(final_test) >= bar
        and np.mean(final_test) > np.mean(baseline_test) + 2 * sample_sd(baseline_test)
    )


def remaining_errors(confusion: np.ndarray, test_accuracy: Sequence[float]) -> str:
    """The most frequent error of a confusion matrix summed over seeds (rows: true count, columns:
    predicted, in the order of lib.settings.BALL_COUNTS) and the weakest seed; or that there is none."""
    off_diagonal = confusion - np.diag(np.diag(confusion))
    if not off_diagonal.sum():
        return "No seed of the final model miscounts any test image."
    true_index, predicted_index = np.unravel_index(off_diagonal.argmax(), confusion.shape)
    weakest = int(np.argmin(test_accuracy))
    return (
        f"The most frequent remaining error is {balls(BALL_COUNTS[true_index])} counted as "
        f"{BALL_COUNTS[predicted_index]} ({share_of_errors(off_diagonal.max(), off_diagonal.sum())}); "
        f"the weakest seed ({weakest}) scores {test_accuracy[weakest]:.1%}."
    )


def share_of_errors(most: int, total: int) -> str:
    """'5 of the 12 errors over all seeds', or 'all 12 errors …', or 'the only error …'."""
    if total == 1:
        return "the only error over all seeds"
    return (
        f"all {total} errors over all seeds"
        if most == total
        else f"{most} of the {total} errors over all seeds"
    )


def weakest_probe_case(radius: float, probe_radii: np.ndarray) -> str:
    """Where the final model's weakest size-probe case sits in the probed range."""
    if radius in (probe_radii.min(), probe_radii.max()):
        return (
            "at an end of the probed size range: what size dependence is left sits at the extremes."
        )
    return "inside the probed size range."


def baseline_fit(val_accuracy: Sequence[float]) -> str:
    """Whether the baseline fits its own distribution (mean validation accuracy of 95 % or more)."""
    if np.mean(val_accuracy) >= 0.95:
        return "so on its own distribution it is not under-trained"
    return "so it has not even fitted its own distribution"


def combined_gain(final_mean: float, best_single_mean: float) -> str:
    """Whether all changes together beat the best single change."""
    if final_mean > best_single_mean:
        return (
            "more than the best single change: the augmentation makes the labels demand counting, and the "
            "pooled head, normalisation and schedule let the network learn that within the epochs given."
        )
    return "no more than the best single change, so the other changes add nothing measurable here."


def rescaled_choice(best_by_rescaled: str, best_by_test: str) -> str:
    """Whether the training-file-only rescaled validation split picks the row the test file picks."""
    if best_by_rescaled == best_by_test:
        return (
            f"The rescaled validation split, which uses the training file only, picks the same best row as "
            f"the test file (*{best_by_rescaled}*), so the choice could be made, and was made, without the "
            "test set."
        )
    return (
        f"The rescaled validation split, which uses the training file only, would pick *{best_by_rescaled}* "
        f"while the test file favours *{best_by_test}*: as a stand-in for the test file it is imperfect."
    )


def models_trained_now(trained_now: int) -> str:
    """How many of a chapter's models this execution trained rather than loaded."""
    if trained_now:
        return (
            f"{trained_now} of the models being trained in it and the others loaded from the cache."
        )
    return "every model being loaded from the cache."


def edge_reach(train_gap: str, test_gap: str, train_pixels: int, test_pixels: int) -> str:
    """What the flips add near the edges: the closest a ball body comes to the top or left edge
    in the training and the test images (pixels, and the same in words)."""
    if train_pixels > test_pixels:
        return (
            f"It also shows the network balls near every edge: no training ball's body (pixels above "
            f"0.5) comes closer than {train_gap} to the top or left edge, while test balls come within "
            f"{test_gap}."
        )
    return (
        f"Training balls already come as close to the top and left edges as test balls ({train_gap} "
        f"against {test_gap}), so here it adds positions, not new distances from an edge."
    )


# Why batch normalisation alone may raise the test accuracy, against the chapter's prediction.
BATCHNORM_REASON = (
    "A likely reason, not tested further here: batch normalisation rescales every feature "
    "map by statistics of its batch, so the network's output depends less on how much white "
    "an image holds, which weakens the brightness proxy without any change to the data."
)


def unpredicted_gain(test: Sequence[float], baseline_test: Sequence[float], reason: str) -> str:
    """For a change expected to help little: when it raises the test accuracy by more than two of
    the baseline's standard deviations after all, say that the prediction missed it and give
    `reason`, the likely mechanism; '' otherwise."""
    if np.mean(test) - np.mean(baseline_test) <= 2 * sample_sd(baseline_test):
        return ""
    return f"The prediction missed this gain. {reason}"
