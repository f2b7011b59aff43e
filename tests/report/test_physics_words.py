"""Chapter 6's words for the physics-informed predictor: each rule on both sides of it."""

import pytest

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


@pytest.mark.parametrize(
    "errors, verdict",
    [
        ((0.005, 0.2, True), "met"),
        ((0.02, 0.2, True), "missed"),
        ((0.005, 0.4, True), "missed"),
        ((0.005, 0.2, False), "missed"),
        (None, "supplied"),
    ],
)
def test_identification_against_the_simulator_on_a_32_pixel_frame(errors, verdict):
    assert words.identification_against_simulator(errors, 32) == verdict


def test_agreement_says_every_one_only_when_all_agree():
    assert words.agreement(1.0) == "every one"
    assert words.agreement(0.97) == "97.0%"


def test_sent_reasons_counts_each_reason():
    reasons = {"input not reproduced": 3, "no ball found": 1}
    assert words.sent_reasons(reasons) == "input not reproduced (3); no ball found (1)"


def test_physics_failure_sent_or_kept():
    sent = words.physics_failure(
        5, 2, "collision", 30.04, 38.0, "input not reproduced (MSE 1e-05)", 1e-5
    )
    assert sent == (
        "Clip 5 (2 balls, collision): physics 30.0 dB; sent to the network "
        "(input not reproduced, MSE 1e-05), hybrid 38.0 dB."
    )
    kept = words.physics_failure(5, 1, "wall bounce", 30.0, 30.0, "", 1e-13)
    assert (
        kept
        == "Clip 5 (1 ball, wall bounce): physics 30.0 dB; kept, input reproduced (MSE 1.0e-13)."
    )


@pytest.mark.parametrize(
    "below, drawn, shown", [(0, 1, "none"), (1, 1, "all"), (4, 4, "all"), (20, 12, "some")]
)
def test_failures_shown(below, drawn, shown):
    assert words.failures_shown(below, drawn) == shown


@pytest.mark.parametrize("mse_gain, where", [(5.0, "good"), (6.0, "same"), (7.0, "hard")])
def test_gain_two_ways(mse_gain, where):
    assert words.gain_two_ways(6.1, mse_gain) == where


NETWORK = {"psnr_of_mean_mse": 30.0, "ssim": 0.99}


PHYSICS = {"psnr_of_mean_mse": 32.0, "ssim": 0.995}


@pytest.mark.parametrize(
    "hybrid, share, verdict",
    [
        ({"psnr_of_mean_mse": 30.0, "ssim": 0.99}, 0.0, "network-only"),
        ({"psnr_of_mean_mse": 33.0, "ssim": 0.996}, 0.5, "best"),
        ({"psnr_of_mean_mse": 31.0, "ssim": 0.996}, 0.5, "beats-network"),
        ({"psnr_of_mean_mse": 33.0, "ssim": 0.98}, 0.5, "not-better"),
    ],
)
def test_hybrid_verdict(hybrid, share, verdict):
    assert words.hybrid_verdict(hybrid, NETWORK, PHYSICS, share) == verdict


@pytest.mark.parametrize("kept, notices", [(0, True), (10, True), (11, False)])
def test_the_gate_notices_another_generator_when_it_keeps_a_tenth_at_most(kept, notices):
    assert words.gate_notices(kept, 100) is notices


@pytest.mark.parametrize(
    "n_below, n_averaged, word", [(0, 0, "none"), (5, 0, "none"), (5, 5, "all"), (5, 2, "some")]
)
def test_failures_predicted_as_a_mean_of_futures(n_below, n_averaged, word):
    assert words.averaged_failures(n_below, n_averaged) == word


def test_identification_values_round_the_errors_up_and_name_them_with_a_prefix():
    values = words.identification_values((0.01234, 0.0211, False), prefix="other_")
    assert values == {
        "other_radius_error": "1.24%",
        "other_wall_error": "0.022",
        "other_substeps_exact": "wrong",
    }
    assert words.identification_values((0.0, 0.0, True))["substeps_exact"] == "exact"
