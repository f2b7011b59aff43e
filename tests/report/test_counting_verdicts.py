import numpy as np
import pandas as pd
import pytest

from lib.report import counting_verdicts as verdicts


def test_the_simulator_radius_is_quoted_only_for_a_simulated_file():
    assert verdicts.simulated_radius({"radius_range": [1.2, 1.2]}) == "radius 1.2"
    assert verdicts.simulated_radius({"radius_range": [0.8, 1.8]}) == "radii drawn from 0.8 to 1.8"
    assert verdicts.simulated_radius(None) == "none"


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
    assert verdicts.proxy_quality(1.0) == "perfect"
    assert verdicts.proxy_quality(0.99) == "almost"
    assert verdicts.proxy_quality(0.7) == "partial"


@pytest.mark.parametrize(
    "test, words",
    [
        ([0.80, 0.82], "rise"),
        ([0.60, 0.62], "drop"),
        ([0.71, 0.71], "within noise"),
        ([0.72, 0.72], "within noise"),  # 2.0 < 2 x 1.4 points
    ],
)
def test_a_change_counts_beyond_two_seed_standard_deviations(test, words):
    assert verdicts.change(test, [0.69, 0.71]) == words  # sd 1.4 points


def test_the_noise_band_is_the_larger_spread_the_row_s_or_the_baseline_s():
    # +7.4 points with a seed standard deviation of 8.9 over 5 seeds, against a steady baseline
    baseline = [0.80, 0.81, 0.80, 0.81, 0.80]
    noisy = [0.81, 0.96, 0.86, 0.78, 0.98]
    assert abs(100 * (np.mean(noisy) - np.mean(baseline)) - 7.4) < 0.05
    assert abs(100 * np.std(noisy, ddof=1) - 8.9) < 0.05
    assert verdicts.noise_band(noisy, baseline) == pytest.approx(2 * np.std(noisy, ddof=1))
    assert verdicts.change(noisy, baseline) == "within noise"
    assert verdicts.compared(noisy, baseline) == "within"
    assert verdicts.compared([0.99, 0.99], baseline) == "more"
    assert verdicts.compared([0.5, 0.5], baseline) == "less"


def test_a_change_inside_the_noise_band_is_never_worded_as_a_gain():
    rng = np.random.default_rng(0)
    inside = 0
    for _ in range(500):
        baseline = rng.uniform(0.6, 0.9) + rng.normal(0, rng.uniform(0.001, 0.1), 5)
        row = rng.uniform(0.6, 0.9) + rng.normal(0, rng.uniform(0.001, 0.1), 5)
        if abs(np.mean(row) - np.mean(baseline)) > verdicts.noise_band(row, baseline):
            continue
        inside += 1
        assert verdicts.change(row, baseline) == "within noise"
        assert verdicts.compared(row, baseline) == "within"
        keys = verdicts.ablation_keys({"row": verdicts.change(row, baseline)})
        assert keys["abl_quiet"] == "yes" and keys["abl_rises"] == keys["abl_drops"] == "none"
        assert not verdicts.target_met(row, baseline, 0.0)
    assert inside > 50


@pytest.mark.parametrize(
    "changes, rises, drops, clauses",
    [
        ({"a": "within noise", "b": "within noise"}, ("", "none"), ("", "none"), ""),
        ({"a": "rise", "b": "within noise"}, ("*a*", "one"), ("", "none"), "R and O"),
        ({"a": "rise", "b": "rise"}, ("*a* and *b*", "many"), ("", "none"), "R"),
        (
            {"a": "rise", "b": "drop", "c": "within noise"},
            ("*a*", "one"),
            ("*b*", "one-also"),
            "R, D and O",
        ),
        (
            {"a": "rise", "b": "drop", "c": "drop"},
            ("*a*", "one"),
            ("*b* and *c*", "many-also"),
            "R and D",
        ),
        ({"a": "drop", "b": "drop"}, ("", "none"), ("*a* and *b*", "many"), "D"),
        ({"a": "drop", "b": "within noise"}, ("", "none"), ("*a*", "one"), "D and O"),
    ],
)
def test_the_ablation_keys_name_only_the_rows_beyond_noise(changes, rises, drops, clauses):
    keys = verdicts.ablation_keys(changes)
    assert (keys["abl_rise_rows"], keys["abl_rises"]) == rises
    assert (keys["abl_drop_rows"], keys["abl_drops"]) == drops
    assert keys["abl_quiet"] == ("no" if clauses else "yes")
    # The clauses as the Markdown joins them: R (rise), D (drop), O (the others within noise).
    joins = {"comma": ", ", "and": " and ", "end": ""}
    written = "".join(
        letter + joins[keys[f"{name}_then"]]
        for letter, name in (("R", "abl_rise"), ("D", "abl_drop"), ("O", "abl_others"))
        if keys[name] == "yes"
    )
    assert written == clauses


@pytest.mark.parametrize(
    "final, met", [([0.98, 0.99], True), ([0.95, 0.96], False), ([0.97, 0.97], True)]
)
def test_target_met_needs_the_bar_and_a_rise_beyond_noise(final, met):
    assert verdicts.target_met(final, [0.80, 0.85], 0.97) == met
    # above the bar, not above the baseline's spread
    assert not verdicts.target_met([0.98], [0.90, 0.99], 0.97)
    # above the bar and the baseline's spread, not above the final model's own
    assert not verdicts.target_met([0.97, 1.0], [0.955, 0.955], 0.97)


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


def test_the_most_frequent_error_is_named_with_its_count():
    confusion = np.array([[10, 1, 0], [0, 9, 3], [0, 0, 12]])
    assert verdicts.most_frequent_error(confusion) == "2 balls counted as 3"
    assert verdicts.most_frequent_count(confusion) == 3
    assert verdicts.most_frequent_error(np.diag([5, 5, 5])) == "none"


@pytest.mark.parametrize(
    "errors, kinds",
    [([0, 0], "none"), ([0, 1], "single"), ([0, 16], "one"), ([1, 15], "several")],
)
def test_errors_all_of_one_kind_are_said_to_be(errors, kinds):
    one_as_two, two_as_three = errors
    confusion = np.array([[10, one_as_two, 0], [0, 9, two_as_three], [0, 0, 12]])
    assert verdicts.error_kinds(confusion) == kinds


def test_flips_bring_edge_news_only_where_training_balls_keep_away():
    assert verdicts.edge_news(4, 1)
    assert not verdicts.edge_news(0, 0)
    assert not verdicts.edge_news(1, 3)


def test_left_out_cells_give_the_radii_of_each_count_left_out():
    assert verdicts.left_out_cells([])["probe_left_out"] == "no"
    keys = verdicts.left_out_cells([(3, 2.3), (2, 2.4), (3, 2.4), (3, 2.5)])
    assert keys["probe_left_out"] == "yes"
    assert [keys[f"left_{n}"] for n in (1, 2, 3)] == ["no", "yes", "yes"]
    assert (keys["left_2_radii"], keys["left_3_radii"]) == ("2.4", "2.3 to 2.5")
    assert (keys["left_2_then"], keys["left_3_then"]) == ("and", "end")


def test_no_shortfall_when_every_goal_is_met():
    keys = verdicts.shortfalls([0.99, 1.0], [0.7, 0.75], [1.0, 1.0], [0.97, 0.98])
    assert keys["targets_met"] == "yes"
    assert not [
        name
        for name in ("test", "val", "shift", "spread", "rise")
        if keys[f"short_{name}"] == "yes"
    ]


def test_each_missed_goal_says_by_how_much():
    keys = verdicts.shortfalls([0.90, 1.0], [0.7, 0.75], [0.96, 0.98], [0.90, 0.90])
    assert keys["targets_met"] == "no"
    missed = [
        name
        for name in ("test", "val", "shift", "spread", "rise")
        if keys[f"short_{name}"] == "yes"
    ]
    assert missed == ["test", "val", "shift", "spread"]
    gaps = [keys[f"short_{name}_gap"] for name in missed]
    assert gaps == ["2.0", "2.0", "5.0", "5.1"]
    thens = [keys[f"short_{name}_then"] for name in missed]
    assert thens == ["comma", "comma", "and", "end"]


def test_a_final_model_within_noise_of_the_baseline_falls_short():
    keys = verdicts.shortfalls([0.98, 0.99], [0.97, 0.99], [1.0, 1.0], [1.0, 1.0])
    assert keys["targets_met"] == "no" and keys["short_rise"] == "yes"
    assert keys["short_test"] == keys["short_spread"] == "no"


def test_second_shift_radii_name_the_counts_whose_largest_balls_found_no_room():
    same = verdicts.second_shift_radii({1: (0.55, 2.6), 2: (0.55, 2.6), 3: (0.55, 2.6)})
    assert (same["s2_low"], same["s2_high"], same["s2_shrunk"]) == ("0.55", "2.60", "no")
    shrunk = verdicts.second_shift_radii({1: (0.55, 2.6), 2: (0.55, 2.5), 3: (0.55, 2.47)})
    assert (shrunk["s2_shrunk"], shrunk["s2_1"], shrunk["s2_2"], shrunk["s2_3"]) == (
        "yes",
        "no",
        "yes",
        "yes",
    )
    assert (shrunk["s2_2_upper"], shrunk["s2_3_upper"], shrunk["s2_2_then"]) == (
        "2.50",
        "2.47",
        "and",
    )


def test_the_second_shift_spans_beyond_the_test_radii_only_on_both_sides():
    ranges = {1: (0.55, 2.6), 3: (0.55, 2.4)}
    assert verdicts.spans_beyond(ranges, (0.8, 1.8))
    assert not verdicts.spans_beyond(ranges, (0.5, 1.8))
    assert not verdicts.spans_beyond(ranges, (0.8, 2.6))


def sweep_table(accuracy_by_factor):
    return pd.DataFrame(
        [
            {"factor": f, "count": c, "accuracy": a}
            for f, a in accuracy_by_factor.items()
            for c in (1, 2)
        ]
    )


def test_a_rendered_dip_is_a_lower_accuracy_at_one_than_at_both_neighbours():
    assert verdicts.rendered_dip(sweep_table({0.5: 1.0, 0.9: 0.99, 1.0: 0.9, 1.1: 0.98, 2: 0.8}))
    assert not verdicts.rendered_dip(sweep_table({0.9: 0.99, 1.0: 0.95, 1.1: 0.94}))
    assert not verdicts.rendered_dip(sweep_table({0.5: 1.0, 1.0: 1.0, 2.0: 1.0}))


def test_room_at_a_factor_in_words():
    assert verdicts.room_at(1.0) == "all"
    assert verdicts.room_at(0.4) == "some"
