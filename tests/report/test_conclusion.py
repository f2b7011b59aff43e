"""The conclusion's rules: each branch, against hand-computed values."""

import pytest

from lib.report.conclusion import (
    MissingResult,
    counter_verdict,
    hybrid_verdict,
    hybrid_worse_on,
    psnr_both_ways,
    psnr_gains,
    recorded,
    recorded_values,
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


def test_recorded_values_are_read_per_run_and_metric_in_order():
    records = [
        {"task": task, "model": model, "metric": metric, "value": value}
        for task, model, metric, value in [
            ("task6", "unet-add", "val_psnr", 25.0),
            ("task6", "unet-add", "val_ssim", 0.9),
            ("task7", "t7-final", "val_psnr", 30.0),
            ("task7", "t7-final", "val_ssim", 0.95),
        ]
    ]
    runs = [("task7", "t7-final"), ("task6", "unet-add")]
    assert recorded_values(records, runs, ("val_ssim", "val_psnr")) == [
        {"val_ssim": 0.95, "val_psnr": 30.0},
        {"val_ssim": 0.9, "val_psnr": 25.0},
    ]
    with pytest.raises(MissingResult):
        recorded_values(records, runs, ("val_mse",))


def accuracy(value, std, n_seeds=5):
    return {"value": value, "std": std, "n_seeds": n_seeds}


@pytest.mark.parametrize(
    "test, std, decision",
    [
        # Band: 2 * sqrt(2 * std^2 / 5) = 0.0253 for std 0.02.
        (0.743, 0.02, "costs"),
        (0.98, 0.02, "none"),  # 2 points lower, inside the band
        (1.03, 0.02, "gains"),
        (0.995, 0.0, "costs"),  # no spread: any difference counts
    ],
)
def test_shift_cost_is_judged_against_the_noise_band_of_both_sides(test, std, decision):
    assert shift_cost(accuracy(1.0, std), accuracy(test, std)) == decision


def test_shift_cost_of_a_single_run_is_not_judged():
    assert shift_cost(accuracy(1.0, 0.0, 1), accuracy(0.5, 0.0, 1)) == "one run"


@pytest.mark.parametrize(
    "robust, std, decision",
    [(0.979, 0.02, "beats"), (0.60, 0.02, "below"), (0.76, 0.02, "within"), (0.76, 0.0, "beats")],
)
def test_counter_verdict_against_the_noise_band_of_both_sides(robust, std, decision):
    baseline = {**RECORDS[0], "std": std}
    assert counter_verdict(baseline, accuracy(robust, std)) == decision


def test_a_counter_of_one_run_is_not_judged():
    assert counter_verdict(RECORDS[0], accuracy(0.98, 0.0, 1)) == "one run"


def test_a_gain_is_given_both_ways():
    final = {"val_psnr": 38.74, "val_psnr_of_mean_mse": 31.08}
    unet = {"val_psnr": 27.36, "val_psnr_of_mean_mse": 24.55}
    assert psnr_gains(final, unet) == pytest.approx((11.38, 6.53))


def test_scores_both_ways():
    assert psnr_both_ways(
        {"val_psnr_of_mean_mse": 50.04, "val_ssim": 0.99912, "val_psnr": 97.55}
    ) == {"mean": "97.5", "of_mse": "50.0", "ssim": "0.9991"}
    exact = {"val_psnr_of_mean_mse": 180.2, "val_ssim": 1.0, "val_psnr": 100.0}
    assert psnr_both_ways(exact) == {"mean": "≥ 100", "of_mse": "≥ 100", "ssim": "1.0000"}


NETWORK = {"val_psnr_of_mean_mse": 30.0, "val_ssim": 0.99}


@pytest.mark.parametrize(
    "hybrid, worse",
    [
        ({"val_psnr_of_mean_mse": 33.0, "val_ssim": 0.999}, []),
        ({"val_psnr_of_mean_mse": 30.0, "val_ssim": 0.99}, []),
        ({"val_psnr_of_mean_mse": 27.0, "val_ssim": 0.999}, ["MSE"]),
        ({"val_psnr_of_mean_mse": 33.0, "val_ssim": 0.98}, ["SSIM"]),
        ({"val_psnr_of_mean_mse": 27.0, "val_ssim": 0.98}, ["MSE", "SSIM"]),
    ],
)
def test_the_hybrid_is_worse_than_the_network_on(hybrid, worse):
    assert hybrid_worse_on(hybrid, NETWORK) == worse


@pytest.mark.parametrize(
    "hybrid, verdict",
    [
        ({"val_psnr_of_mean_mse": 30.0, "val_ssim": 0.99}, "network"),
        ({"val_psnr_of_mean_mse": 33.0, "val_ssim": 0.99}, "not-worse"),
        ({"val_psnr_of_mean_mse": 27.0, "val_ssim": 0.999}, "worse"),
    ],
)
def test_the_hybrid_is_the_network_not_worse_or_worse(hybrid, verdict):
    assert hybrid_verdict(hybrid, NETWORK) == verdict
