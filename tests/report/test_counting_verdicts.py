import numpy as np
import pandas as pd
import pytest

from lib.report import counting_verdicts as verdicts


@pytest.mark.parametrize(
    "single, words",
    [(True, "single-ball test images measure 0.80 to 1.80"), (False, "root mean square per image")],
)
def test_test_radii_say_how_they_were_measured(single, words):
    assert words in verdicts.test_radii((0.8, 1.8), single)


FIXED = {"radius_range": [1.2, 1.2]}
DRAWN = {"radius_range": [0.8, 1.8]}


@pytest.mark.parametrize(
    "settings, words",
    [
        (
            [FIXED, DRAWN],
            "the simulator gave the training balls radius 1.2 and the test balls radii drawn from 0.8 to 1.8",
        ),
        ([None, None], "the files were supplied"),
        ([FIXED, None], "one of the two files was supplied"),
        ([None, DRAWN], "one of the two files was supplied"),
    ],
)
def test_radii_origin_quotes_the_simulator_only_for_simulated_files(settings, words):
    assert words in verdicts.radii_origin(settings)


@pytest.mark.parametrize(
    "low, high, shifted", [(80.0, 100.0, False), (70.0, 100.0, True), (80.0, 120.0, True)]
)
def test_size_shift_is_a_tenth_outside_the_training_range(low, high, shifted):
    words = verdicts.size_shift(np.array([80.0, 100.0]), low, high)
    assert ("shortcut confuses one large ball" in words) == shifted
    assert ("is not misled by size" in words) == (not shifted)


@pytest.mark.parametrize(
    "smaller, larger, follows", [(-0.5, 0.4, True), (0.1, 0.4, False), (-0.5, -0.1, False)]
)
def test_errors_by_size_follow_size_only_when_large_over_and_small_under_count(
    smaller, larger, follows
):
    words = verdicts.errors_by_size(smaller, larger, 0.95)
    assert ("exactly as a brightness counter's would" in words) == follows
    assert ("+0.40" in words and "95.0%" in words) == follows


@pytest.mark.parametrize("high, same", [(1.25, True), (1.30, False)])
def test_training_sizes_make_brightness_a_proxy_when_within_five_percent(high, same):
    words = verdicts.training_sizes(1.2, high)
    assert ("all have about the same size" in words) == same
    assert ("differ in size" in words) == (not same)


def test_one_measured_radius_is_not_written_as_a_range():
    assert "(radius 1.20 box units," in verdicts.training_sizes(1.2, 1.2031)
    assert "(radii 1.20 to 1.23 box units," in verdicts.training_sizes(1.2, 1.23)


@pytest.mark.parametrize(
    "most, total, words",
    [
        (3, 4, "3 of the 4 errors over all seeds"),
        (12, 12, "all 12 errors over all seeds"),
        (1, 1, "the only error over all seeds"),
    ],
)
def test_the_share_of_errors_reads_as_a_person_would_write_it(most, total, words):
    assert verdicts.share_of_errors(most, total) == words


def test_seed_disagreement_only_when_the_test_spread_is_larger():
    assert "disagree more on the test file" in verdicts.seed_disagreement([0.6, 0.8], [0.9, 0.91])
    assert verdicts.seed_disagreement([0.6, 0.61], [0.9, 0.99]) == ""


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
def test_miscounted_sizes_follow_size_only_with_large_over_and_small_under(over, under, follows):
    words = verdicts.miscounted_sizes(np.array(over), np.array(under))
    assert ("the errors follow ball size" in words) == follows


def test_proxy_quality():
    assert verdicts.proxy_quality(1.0) == "a perfect"
    assert verdicts.proxy_quality(0.99) == "an almost perfect"


@pytest.mark.parametrize(
    "test, word",
    [
        ([0.80, 0.82], "raises the test accuracy"),
        ([0.60, 0.62], "lowers the test accuracy"),
        ([0.71, 0.71], "leaves the test accuracy within the baseline's spread"),
    ],
)
def test_against_baseline_uses_two_baseline_standard_deviations(test, word):
    words = verdicts.against_baseline(test, [0.69, 0.71], [0.9, 0.9], [0.8, 0.8])  # sd 1.4 points
    assert words.startswith(f"Measured: it {word}") and words.endswith(
        "moves the accuracy by +10.0 points."
    )


@pytest.mark.parametrize(
    "final, met", [([0.98, 0.99], True), ([0.95, 0.96], False), ([0.97, 0.97], True)]
)
def test_target_met_needs_the_bar_and_two_baseline_sds(final, met):
    assert verdicts.target_met(final, [0.80, 0.85], 0.97) == met
    assert not verdicts.target_met(
        [0.98], [0.90, 0.99], 0.97
    )  # above the bar, not above the baseline's spread


def test_weakest_probe_case_at_an_end_or_inside():
    radii = np.array([0.6, 0.7, 0.8])
    assert verdicts.weakest_probe_case(0.6, radii).startswith("at an end")
    assert verdicts.weakest_probe_case(0.8, radii).startswith("at an end")
    assert verdicts.weakest_probe_case(0.7, radii) == "inside the probed size range."


def test_baseline_fit_at_ninety_five_percent():
    assert "not under-trained" in verdicts.baseline_fit([0.95, 0.95])
    assert "not even fitted" in verdicts.baseline_fit([0.94, 0.95])


def test_combined_gain():
    assert verdicts.combined_gain(0.9, 0.8).startswith("more than the best single change")
    assert verdicts.combined_gain(0.8, 0.8).startswith("no more than")


def test_rescaled_choice():
    assert "picks the same best row as the test file (*final*)" in verdicts.rescaled_choice(
        "final", "final"
    )
    assert "would pick *a* while the test file favours *b*" in verdicts.rescaled_choice("a", "b")


def test_models_trained_now():
    assert verdicts.models_trained_now(3).startswith("3 of the models being trained in it")
    assert verdicts.models_trained_now(0) == "every model being loaded from the cache."


def probe_table(*rows):
    return pd.DataFrame(rows, columns=["count", "radius", "mean_predicted"])


def test_size_response_needs_a_rise_for_every_true_count():
    rising = probe_table((1, 0.8, 1.0), (1, 1.6, 2.0), (2, 0.8, 1.5), (2, 1.6, 2.9))
    assert "has learned *how much white*" in verdicts.size_response(rising)
    flat_for_two = probe_table((1, 0.8, 1.0), (1, 1.6, 2.0), (2, 1.6, 2.0), (2, 0.8, 2.0))
    assert "does not rise with the radius" in verdicts.size_response(flat_for_two)


def test_remaining_errors_name_the_most_frequent_error_and_the_weakest_seed():
    confusion = np.array([[10, 1, 0], [0, 9, 3], [0, 0, 12]])
    assert verdicts.remaining_errors(confusion, [0.95, 0.9, 0.97]) == (
        "The most frequent remaining error is 2 balls counted as 3 (3 of the 4 errors over all seeds); "
        "the weakest seed (1) scores 90.0%."
    )
    assert verdicts.remaining_errors(np.diag([5, 5, 5]), [1.0, 1.0]) == (
        "No seed of the final model miscounts any test image."
    )


def test_the_flips_add_edge_positions_only_where_training_balls_keep_away():
    assert verdicts.edge_reach("4 pixels", "1 pixel", 4, 1).endswith(
        "comes closer than 4 pixels to the top or left edge, while test balls come within 1 pixel."
    )
    assert verdicts.edge_reach("0 pixels", "0 pixels", 0, 0) == (
        "Training balls already come as close to the top and left edges as test balls (0 pixels against "
        "0 pixels), so here it adds positions, not new distances from an edge."
    )


def test_an_unpredicted_gain_is_named_with_its_likely_reason_only_when_it_happens():
    assert (
        verdicts.unpredicted_gain([0.9, 0.92], [0.74, 0.76], "Why.")
        == "The prediction missed this gain. Why."
    )
    assert verdicts.unpredicted_gain([0.76, 0.77], [0.74, 0.76], "Why.") == ""
