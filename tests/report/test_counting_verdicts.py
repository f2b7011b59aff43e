import numpy as np
import pandas as pd
import pytest

from lib.report import counting_verdicts as verdicts


def test_test_radii_say_how_they_were_measured():
    assert verdicts.test_radii_measure(True) == "on its single-ball images"
    assert verdicts.test_radii_measure(False) == "root mean square per image"


def test_the_simulator_radius_is_quoted_only_for_a_simulated_file():
    assert verdicts.simulated_radius({"radius_range": [1.2, 1.2]}) == "radius 1.2"
    assert verdicts.simulated_radius({"radius_range": [0.8, 1.8]}) == "radii drawn from 0.8 to 1.8"
    assert verdicts.simulated_radius(None) == "none (a supplied file)"


@pytest.mark.parametrize(
    "low, high, shifted",
    [(80.0, 100.0, False), (72.1, 109.9, False), (70.0, 100.0, True), (80.0, 120.0, True)],
)
def test_size_shift_is_a_tenth_outside_the_training_range(low, high, shifted):
    assert verdicts.size_shifted(np.array([80.0, 100.0]), low, high) == shifted


@pytest.mark.parametrize(
    "smaller, larger, follows", [(-0.5, 0.4, True), (0.1, 0.4, False), (-0.5, -0.1, False)]
)
def test_errors_follow_size_only_when_large_over_and_small_under_count(smaller, larger, follows):
    assert verdicts.errors_follow_size(smaller, larger) == follows


@pytest.mark.parametrize("high, same", [(1.25, True), (1.30, False)])
def test_training_balls_share_one_size_within_five_percent(high, same):
    assert verdicts.same_size(1.2, high) == same


def test_one_measured_radius_is_not_written_as_a_range():
    assert verdicts.radii(1.2, 1.2031) == "radius 1.20"
    assert verdicts.radii(1.2, 1.23) == "radii 1.20 to 1.23"


@pytest.mark.parametrize(
    "most, total, words",
    [(3, 4, "3 of the 4 errors"), (12, 12, "all 12 errors"), (1, 1, "the only error")],
)
def test_the_share_of_errors_reads_as_a_person_would_write_it(most, total, words):
    assert verdicts.share_of_errors(most, total) == words


def test_seeds_spread_more_on_test_only_when_the_test_spread_is_larger():
    assert verdicts.seeds_spread_more_on_test([0.6, 0.8], [0.9, 0.91])
    assert not verdicts.seeds_spread_more_on_test([0.6, 0.61], [0.9, 0.99])


@pytest.mark.parametrize(
    "over, under, follows",
    [
        ([1.5, 1.3], [0.6], True),
        ([0.9], [0.6], False),
        ([1.5], [1.1], False),
        ([], [0.6], False),
        ([1.5], [], False),
    ],
)
def test_miscounts_follow_size_only_with_large_over_and_small_under(over, under, follows):
    assert verdicts.miscounts_follow_size(np.array(over), np.array(under)) == follows


def test_proxy_quality():
    assert verdicts.proxy_quality(1.0) == "a perfect"
    assert verdicts.proxy_quality(0.99) == "an almost perfect"


@pytest.mark.parametrize(
    "test, words",
    [
        ([0.80, 0.82], "raises the test accuracy"),
        ([0.60, 0.62], "lowers the test accuracy"),
        ([0.71, 0.71], "leaves the test accuracy within the baseline's spread"),
        ([0.72, 0.72], "leaves the test accuracy within the baseline's spread"),  # 2.0 < 2.8
    ],
)
def test_against_baseline_uses_two_baseline_standard_deviations(test, words):
    assert verdicts.against_baseline(test, [0.69, 0.71]) == words  # sd 1.4 points


@pytest.mark.parametrize(
    "final, met", [([0.98, 0.99], True), ([0.95, 0.96], False), ([0.97, 0.97], True)]
)
def test_target_met_needs_the_bar_and_two_baseline_sds(final, met):
    assert verdicts.target_met(final, [0.80, 0.85], 0.97) == met
    # above the bar, not above the baseline's spread
    assert not verdicts.target_met([0.98], [0.90, 0.99], 0.97)


def test_a_probe_case_at_an_end_or_inside():
    radii = np.array([0.6, 0.7, 0.8])
    assert verdicts.at_probe_end(0.6, radii)
    assert verdicts.at_probe_end(0.8, radii)
    assert not verdicts.at_probe_end(0.7, radii)


def test_a_model_fits_its_own_distribution_from_ninety_five_percent():
    assert verdicts.fits_own_distribution([0.95, 0.95])
    assert not verdicts.fits_own_distribution([0.94, 0.95])


def probe_table(*rows):
    return pd.DataFrame(rows, columns=["count", "radius", "mean_predicted"])


def test_the_count_rises_with_size_only_if_it_does_for_every_true_count():
    rising = probe_table((1, 0.8, 1.0), (1, 1.6, 2.0), (2, 0.8, 1.5), (2, 1.6, 2.9))
    assert verdicts.count_rises_with_size(rising)
    flat_for_two = probe_table((1, 0.8, 1.0), (1, 1.6, 2.0), (2, 1.6, 2.0), (2, 0.8, 2.0))
    assert not verdicts.count_rises_with_size(flat_for_two)


def test_the_most_frequent_error_is_named_with_its_share():
    confusion = np.array([[10, 1, 0], [0, 9, 3], [0, 0, 12]])
    assert verdicts.most_frequent_error(confusion) == "2 balls counted as 3 (3 of the 4 errors)"
    assert verdicts.most_frequent_error(np.diag([5, 5, 5])) == "none"


def test_flips_bring_edge_news_only_where_training_balls_keep_away():
    assert verdicts.edge_news(4, 1)
    assert not verdicts.edge_news(0, 0)
    assert not verdicts.edge_news(1, 3)
