import numpy as np
import pandas as pd
import pytest

from lib.report import counting_verdicts as verdicts


@pytest.mark.parametrize(
    "low, high, shifted",
    [(80.0, 100.0, False), (72.1, 109.9, False), (70.0, 100.0, True), (80.0, 120.0, True)],
)
def test_size_shift_is_a_tenth_outside_the_training_range(low, high, shifted):
    assert verdicts.size_shifted(np.array([80.0, 100.0]), low, high) == shifted


@pytest.mark.parametrize(
    "train_loss, val_loss, val_accuracy, fit",
    [
        ([0.02, 0.03], [0.01, 0.04], [0.99, 1.0], "fits"),  # losses within noise
        ([0.10, 0.12], [0.01, 0.02], [0.99, 1.0], "fits"),  # validation loss lower
        ([0.01, 0.012], [0.30, 0.32], [0.96, 0.97], "over"),  # above beyond the band
        ([0.01, 0.012], [0.30, 0.32], [0.90, 0.92], "under"),  # low accuracy comes first
        ([0.01], [0.30], [0.99], "one run"),
    ],
)
def test_the_fit_is_judged_on_accuracy_then_on_the_loss_gap(
    train_loss, val_loss, val_accuracy, fit
):
    assert verdicts.fit(train_loss, val_loss, val_accuracy) == fit


@pytest.mark.parametrize(
    "smaller, larger, follows", [(-0.5, 0.4, True), (0.1, 0.4, False), (-0.5, -0.1, False)]
)
def test_errors_follow_size_only_when_large_over_and_small_under_count(smaller, larger, follows):
    assert verdicts.errors_follow_size(smaller, larger) == follows


@pytest.mark.parametrize("high, same", [(1.25, True), (1.30, False)])
def test_training_balls_share_one_size_within_five_percent(high, same):
    assert verdicts.same_size(1.2, high) == same


def test_the_white_counting_diagnosis_needs_a_drop_beyond_noise_and_both_size_facts():
    val, dropped = [0.99, 1.0, 0.98], [0.75, 0.78, 0.73]
    assert verdicts.counts_white(val, dropped, errors_follow=True, one_size=True)
    assert not verdicts.counts_white(val, dropped, errors_follow=False, one_size=True)
    assert not verdicts.counts_white(val, dropped, errors_follow=True, one_size=False)
    # A mean 3 points lower, inside the noise band of seeds that spread this much: no drop.
    assert not verdicts.counts_white(val, [0.90, 1.0, 0.98], errors_follow=True, one_size=True)
    assert not verdicts.counts_white([0.99], [0.75], errors_follow=True, one_size=True)


def probe_table(*rows):
    return pd.DataFrame(rows, columns=["count", "radius", "mean_predicted"])


def test_the_count_rises_with_size_only_if_it_does_for_every_true_count():
    rising = probe_table((1, 0.8, 1.0), (1, 1.6, 2.0), (2, 0.8, 1.5), (2, 1.6, 2.9))
    assert verdicts.count_rises_with_size(rising)
    flat_for_two = probe_table((1, 0.8, 1.0), (1, 1.6, 2.0), (2, 1.6, 2.0), (2, 0.8, 2.0))
    assert not verdicts.count_rises_with_size(flat_for_two)


def test_rows_are_judged_against_the_baseline_and_the_secondary_against_the_final():
    test = {
        "baseline": [0.74, 0.76, 0.75],
        "change": [0.90, 0.92, 0.91],
        "noisy change": [0.70, 0.80, 0.90],
        "final": [0.97, 0.98, 0.97],
        "secondary": [0.97, 0.98, 0.98],
    }
    assert verdicts.row_verdicts(test, "baseline", "secondary", "final") == {
        "baseline": "",
        "change": "better",
        "noisy change": "within noise",
        "final": "better",
        # Far better than the baseline, but judged against the final model: within noise.
        "secondary": "within noise",
    }


def test_a_row_of_one_seed_is_not_judged():
    test = {"baseline": [0.75], "final": [0.98], "secondary": [0.99]}
    assert verdicts.row_verdicts(test, "baseline", "secondary", "final")["final"] == "one run"
