"""The conclusion's rules: each branch, against hand-computed values."""

import pytest

from lib.report.conclusion import (
    MissingResult,
    hybrid_verdict,
    hybrid_worse_on,
    recorded,
    recorded_values,
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
