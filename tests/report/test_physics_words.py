"""Chapter 6's words for the physics-informed predictor: each on both sides of its cases."""

import pytest

from lib.data.simulate import Physics
from lib.report import physics_words as words


@pytest.mark.parametrize(
    "x, decimals, percent, text",
    [
        (0.00004, 2, True, "0.01%"),
        (0.0, 2, True, "0.01%"),
        (0.0037, 2, True, "0.37%"),
        (0.00141, 2, True, "0.15%"),
        (0.0123, 3, False, "0.013"),
        (0.25, 2, False, "0.25"),
    ],
)
def test_rounded_up_never_understates(x, decimals, percent, text):
    assert words.rounded_up(x, decimals, percent) == text


def test_identification_errors_are_rounded_up():
    assert words.identification_errors((0.01234, 0.0211, False)) == {
        "radius_error": "1.24%",
        "wall_error": "0.022",
    }


@pytest.mark.parametrize(
    "n, text", [(32, "all 32"), (0, "none of the 32"), (1, "1 of the 32"), (31, "31 of the 32")]
)
def test_of_clips(n, text):
    assert words.of_clips(n, 32) == text


@pytest.mark.parametrize("n, text", [(0, "no clip"), (1, "1 clip"), (2, "2 clips")])
def test_clips_phrase(n, text):
    assert words.clips_phrase(n) == text


def test_sent_to_network_counts_the_clips_by_reason():
    reasons = {"input not reproduced": 3, "no ball found": 1}
    assert words.sent_to_network(reasons, 32) == (
        "4 of the 32 validation clips (input not reproduced: 3; no ball found: 1)"
    )
    assert words.sent_to_network({}, 32) == "none of the 32 validation clips"
    assert words.sent_to_network({"settings not identified": 5}, 5) == (
        "all 5 validation clips (settings not identified: 5)"
    )


def test_generator_words_name_every_setting():
    text = words.generator_words(Physics(box_size=12.0, substeps=3, speed=0.6), 1.0)
    assert text == (
        "in box units, ball radius 1, box side 12 and a total speed of 0.6 per frame; "
        "3 sub-steps per frame"
    )
    assert "1 sub-step per" in words.generator_words(Physics(substeps=1), 1.2)
