"""Part 1: the rules that turn the chapters' numbers into the few decisions the text words.

Each function returns what the data decides: a key that picks one of the sentences written in a
chapter's Markdown, or a judge.py verdict. Every judgement of a difference between two results
goes through lib.report.judge.verdict; the remaining thresholds live in lib.settings.
tests/report/test_counting_verdicts.py covers every branch.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from lib.report.judge import ONE_RUN, WORSE, Seeds, verdict
from lib.settings import FITTED_ACCURACY, SAME_SIZE_TOLERANCE, SIZE_SHIFT_TOLERANCE

# Chapter 1 ----------------------------------------------------------------------------------------


def size_shifted(train_per_ball: np.ndarray, test_low: float, test_high: float) -> bool:
    """Whether the test file's brightness per ball (its central range `test_low`..`test_high`)
    leaves the training file's range by more than lib.settings.SIZE_SHIFT_TOLERANCE."""
    return bool(
        test_low < (1 - SIZE_SHIFT_TOLERANCE) * train_per_ball.min()
        or test_high > (1 + SIZE_SHIFT_TOLERANCE) * train_per_ball.max()
    )


# Chapter 2 ----------------------------------------------------------------------------------------


def fit(
    train_loss: Sequence[float], val_loss: Sequence[float], val_accuracy: Sequence[float]
) -> str:
    """How a model fits, from its last epoch's losses and validation accuracy, one per seed:
    "under" when its mean validation accuracy stays below lib.settings.FITTED_ACCURACY, "over"
    when its validation loss ends above its training loss beyond the noise band (judge.verdict),
    "one run" when that cannot be judged, else "fits"."""
    if np.mean(val_accuracy) < FITTED_ACCURACY:
        return "under"
    gap = verdict(Seeds.of(val_loss), Seeds.of(train_loss), higher_is_better=False)
    return {WORSE: "over", ONE_RUN: ONE_RUN}.get(gap, "fits")


def errors_follow_size(smaller_error: float, larger_error: float) -> bool:
    """Whether the mean signed counting errors follow ball size as a brightness counter's would:
    images of larger balls over-counted, images of smaller balls under-counted."""
    return bool(larger_error > 0 > smaller_error)


def same_size(radius_low: float, radius_high: float) -> bool:
    """Whether the training balls share one size (within lib.settings.SAME_SIZE_TOLERANCE)."""
    return bool(radius_high < (1 + SAME_SIZE_TOLERANCE) * radius_low)


def counts_white(
    val_accuracy: Sequence[float],
    test_accuracy: Sequence[float],
    errors_follow: bool,
    one_size: bool,
) -> bool:
    """Whether Task 3's diagnosis holds in full: the test accuracy falls below the validation
    accuracy beyond the noise band (judge.verdict), the errors follow ball size
    (`errors_follow_size`) and the training balls share one size (`same_size`)."""
    drop = verdict(Seeds.of(test_accuracy), Seeds.of(val_accuracy)) == WORSE
    return drop and errors_follow and one_size


# Chapter 3 ----------------------------------------------------------------------------------------


def count_rises_with_size(probe_table: pd.DataFrame) -> bool:
    """Whether the mean predicted count of a size probe (lib.counting.diagnosis.probe_predictions)
    rises from the smallest to the largest radius for every true count."""
    return all(
        rows.sort_values("radius").mean_predicted.iloc[-1]
        > rows.sort_values("radius").mean_predicted.iloc[0]
        for _, rows in probe_table.groupby("count")
    )


def row_verdicts(
    test_accuracy: Mapping[str, Sequence[float]], baseline: str, secondary: str, final: str
) -> dict[str, str]:
    """The ablation's verdicts on the test file (judge.verdict), by row: every row against the
    `baseline` row (which gets none), except the `secondary` row, judged against the `final`
    row, as it only asks what its other size range changes."""
    judged = {row: Seeds.of(values) for row, values in test_accuracy.items()}
    return {
        row: ""
        if row == baseline
        else verdict(side, judged[final if row == secondary else baseline])
        for row, side in judged.items()
    }
