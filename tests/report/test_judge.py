import math

import pytest

from lib.report.judge import BETTER, ONE_RUN, WITHIN, WORSE, Seeds, band, variant_key, verdict


def test_the_band_is_noise_sds_standard_errors_of_the_difference_of_means():
    # sds 3 and 4 over 9 and 16 seeds: standard errors 1 and 1, sqrt(2) together.
    assert band(Seeds(0, 3, 9), Seeds(0, 4, 16), sds=2) == pytest.approx(2 * math.sqrt(2))


def test_a_difference_beyond_the_band_is_better_or_worse_and_inside_it_within_noise():
    a, b = Seeds.of([0.90, 0.92, 0.94]), Seeds.of([0.80, 0.82, 0.84])  # sd 0.02 each
    # band = 2 · sqrt(2 · 0.02² / 3) ≈ 0.0327 < 0.10
    assert verdict(a, b) == BETTER and verdict(b, a) == WORSE
    assert verdict(a, Seeds.of([0.89, 0.91, 0.93])) == WITHIN


def test_lower_is_better_turns_the_verdict_round():
    low, high = Seeds(1.0, 0.1, 5), Seeds(2.0, 0.1, 5)
    assert verdict(low, high, higher_is_better=False) == BETTER


def test_one_run_on_either_side_is_not_judged_however_large_the_difference():
    assert band(Seeds(30.0, 0.0, 1), Seeds(20.0, 0.5, 3)) is None
    assert verdict(Seeds(30.0, 0.0, 1), Seeds(20.0, 0.5, 3)) == ONE_RUN
    assert verdict(Seeds(20.0, 0.5, 3), Seeds(30.0, 0.0, 1)) == ONE_RUN


def test_a_pooled_deviation_replaces_the_sides_own_and_a_record_reads_as_a_side():
    assert Seeds.of([1.0, 1.0, 1.0], sd=0.3) == Seeds(1.0, 0.3, 3)
    assert Seeds.recorded({"value": 0.9, "std": 0.01, "n_seeds": 5}) == Seeds(0.9, 0.01, 5)
    with pytest.raises(ValueError, match="at least one run"):
        Seeds.of([])


def test_every_verdict_has_a_variant_key_a_chapter_can_name():
    from lib.report.glue import fill

    for word in (BETTER, WORSE, WITHIN, ONE_RUN):
        text = f"[x]{{when=v:{variant_key(word)}}}"
        assert fill(text, {"v": variant_key(word)}) == "x"
