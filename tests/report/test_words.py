import pytest

from lib.report.words import (
    balls,
    counted,
    fixed,
    joined,
    listed,
    mean_sd,
    power_of_ten,
    sample_sd,
)


def test_balls_is_singular_for_one():
    assert (balls(1), balls(2)) == ("1 ball", "2 balls")


def test_mean_sd_in_percent_with_the_seed_standard_deviation():
    assert mean_sd([0.9, 0.8]) == "85.0% ± 7.1%"
    assert mean_sd([0.9]) == "90.0% ± 0.0%" and sample_sd([0.9]) == 0.0


def test_joined_lists_with_semicolons():
    assert joined(["a (+1 dB)", "b"]) == "a (+1 dB); b"


def test_listed_joins_the_last_item_with_and():
    assert listed([1, 2, 3]) == "1, 2 and 3"
    assert listed(["12.1", "9.8"]) == "12.1 and 9.8"
    assert listed([1]) == "1"


def test_a_count_takes_its_noun_in_the_singular_only_for_one():
    assert [counted(n, "pixel") for n in (0, 1, 2)] == ["0 pixels", "1 pixel", "2 pixels"]


@pytest.mark.parametrize(
    "x, words",
    [
        (2e-3, "2 · 10⁻³"),
        (1e-3, "10⁻³"),
        (5e-4, "5 · 10⁻⁴"),
        (4e-3, "4 · 10⁻³"),
        (3e5, "3 · 10⁵"),
        (1.6e-4, "1.6 · 10⁻⁴"),  # a one-cycle's start at a peak of 4 · 10⁻³: not rounded to 2
        (0.0, "0"),
    ],
)
def test_power_of_ten_as_the_text_writes_it(x, words):
    assert power_of_ten(x) == words.replace(" ", "\u00a0")  # no line break inside the number


@pytest.mark.parametrize(
    "x, digits, words",
    [
        (-0.0004, 2, "0.00"),
        (-0.004, 2, "0.00"),
        (-0.006, 2, "-0.01"),
        (32.0, 2, "32.00"),
        (2.5, 0, "2"),
    ],
)
def test_fixed_never_writes_a_negative_zero(x, digits, words):
    assert fixed(x, digits) == words
