"""The conclusion's rules: each branch, against hand-computed values."""
import math

import pytest

from lib.conclusion import (MissingResult, counter_verdict, gain_words, hybrid_against_network, psnr_both_ways,
                            psnr_of_mse, recorded, shift_cost)

RECORDS = [{"task": "task3", "model": "baseline-cnn", "metric": "test_accuracy", "value": 0.74, "std": 0.02,
            "n_seeds": 5}]


def test_a_record_is_found_by_task_model_and_metric_and_a_missing_one_is_named():
    assert recorded(RECORDS, "task3", "baseline-cnn", "test_accuracy")["value"] == 0.74
    with pytest.raises(MissingResult, match="no chapter recorded val_psnr of unet-add under task6"):
        recorded(RECORDS, "task6", "unet-add", "val_psnr")


def test_psnr_of_an_mse():
    assert psnr_of_mse(0.01) == pytest.approx(20.0)
    assert psnr_of_mse(0.0) == math.inf


@pytest.mark.parametrize("val, test, words", [
    (1.0, 0.743, "the shifted test file costs it 25.7 percentage points"),
    (0.80, 0.85, "it does 5.0 percentage points better on the shifted test file"),
    (0.90, 0.895, "the shifted test file costs it no accuracy to speak of"),
])
def test_shift_cost(val, test, words):
    assert shift_cost(val, test) == words


@pytest.mark.parametrize("robust, words", [
    (0.979, "beats it by 23.9 points, more than twice its seed-to-seed spread"),
    (0.60, "falls 14.0 points below it"),
    (0.76, "stays within its seed-to-seed spread (+2.0 points)"),
])
def test_counter_verdict(robust, words):
    assert counter_verdict(RECORDS[0], {"value": robust, "std": 0.0}) == words


def test_a_gain_is_given_both_ways():
    assert gain_words(38.59, 0.00078, 27.76, 0.00330) == (
        "+10.8 dB as a mean of per-clip PSNR and +6.3 dB as the PSNR of the mean MSE")


def test_scores_both_ways():
    assert psnr_both_ways({"val_mse": 1e-5, "val_ssim": 0.99912, "val_psnr": 97.55}) == {
        "mean": "97.5", "of_mse": "50.0", "ssim": "0.9991"}


NETWORK = {"val_mse": 0.001, "val_ssim": 0.99}


@pytest.mark.parametrize("hybrid, words", [
    ({"val_mse": 0.0005, "val_ssim": 0.999}, "never worse than the network alone on the mean MSE or the mean SSIM"),
    ({"val_mse": 0.002, "val_ssim": 0.999}, "worse than the network alone on the mean MSE, so the gate sends"),
    ({"val_mse": 0.0005, "val_ssim": 0.98}, "worse than the network alone on the mean SSIM, so"),
    ({"val_mse": 0.002, "val_ssim": 0.98}, "worse than the network alone on the mean MSE and the mean SSIM, so"),
])
def test_the_hybrid_against_the_network(hybrid, words):
    assert hybrid_against_network(hybrid, NETWORK).startswith(words)
