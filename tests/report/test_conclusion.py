"""The conclusion's rules: each branch, against hand-computed values."""

import pytest

from lib.report.conclusion import (
    MissingResult,
    counter_verdict,
    gain_words,
    hybrid_against_network,
    psnr_both_ways,
    recorded,
    shift_cost,
)

RECORDS = [
    {
        "task": "task3",
        "model": "baseline-cnn",
        "metric": "test_accuracy",
        "value": 0.74,
        "std": 0.02,
        "n_seeds": 5,
    }
]


def test_a_record_is_found_by_task_model_and_metric_and_a_missing_one_is_named():
    assert recorded(RECORDS, "task3", "baseline-cnn", "test_accuracy")["value"] == 0.74
    with pytest.raises(MissingResult, match="no chapter recorded val_psnr of unet-add under task6"):
        recorded(RECORDS, "task6", "unet-add", "val_psnr")


@pytest.mark.parametrize(
    "val, test, words",
    [
        (1.0, 0.743, "the shifted test file costs it 25.7 percentage points"),
        (0.80, 0.85, "it does 5.0 percentage points better on the shifted test file"),
        (0.90, 0.895, "the shifted test file costs it no accuracy to speak of"),
    ],
)
def test_shift_cost(val, test, words):
    assert shift_cost(val, test) == words


@pytest.mark.parametrize(
    "robust, words",
    [
        (0.979, "beats it by 23.9 points, more than twice its seed-to-seed spread"),
        (0.60, "falls 14.0 points below it"),
        (0.76, "stays within its seed-to-seed spread (+2.0 points)"),
    ],
)
def test_counter_verdict(robust, words):
    assert counter_verdict(RECORDS[0], {"value": robust, "std": 0.0}) == words


def test_a_gain_is_given_both_ways():
    final = {"val_psnr": 38.74, "val_psnr_of_mean_mse": 31.08}
    unet = {"val_psnr": 27.36, "val_psnr_of_mean_mse": 24.55}
    assert (
        gain_words(final, unet)
        == "+11.4 dB as a mean of per-clip PSNR and +6.5 dB as the PSNR of the mean MSE"
    )


def test_scores_both_ways():
    assert psnr_both_ways(
        {"val_psnr_of_mean_mse": 50.04, "val_ssim": 0.99912, "val_psnr": 97.55}
    ) == {"mean": "97.5", "of_mse": "50.0", "ssim": "0.9991"}


NETWORK = {"val_psnr_of_mean_mse": 30.0, "val_ssim": 0.99}


@pytest.mark.parametrize(
    "hybrid, words",
    [
        (
            {"val_psnr_of_mean_mse": 33.0, "val_ssim": 0.999},
            "never worse than the network alone on the mean MSE or the",
        ),
        ({"val_psnr_of_mean_mse": 30.0, "val_ssim": 0.99}, "never worse than the network alone"),
        (
            {"val_psnr_of_mean_mse": 27.0, "val_ssim": 0.999},
            "worse than the network alone on the mean MSE, so the gate",
        ),
        (
            {"val_psnr_of_mean_mse": 33.0, "val_ssim": 0.98},
            "worse than the network alone on the mean SSIM, so",
        ),
        (
            {"val_psnr_of_mean_mse": 27.0, "val_ssim": 0.98},
            "worse than the network alone on the mean MSE and the mean SSIM",
        ),
    ],
)
def test_the_hybrid_against_the_network(hybrid, words):
    assert hybrid_against_network(hybrid, NETWORK).startswith(words)
