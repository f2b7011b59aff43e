import math

import numpy as np
import pytest
import torch

from lib.metrics import (
    accuracy,
    capped_psnr_summary,
    confusion_matrix,
    last_frame_baseline,
    video_metrics,
)
from lib.settings import PSNR_CAP

N, T, SIZE = 3, 5, 32


@pytest.fixture
def targets() -> np.ndarray:
    return np.random.default_rng(0).random((N, T, SIZE, SIZE))


def test_accuracy_takes_the_argmax_of_logits():
    logits = np.array([[2.0, 0.0, 1.0], [0.0, 3.0, 0.0], [0.0, 0.0, -1.0], [1.0, 0.0, 0.0]])
    assert accuracy(logits, np.array([0, 1, 2, 1])) == 0.5  # argmax 0, 1, 0, 0


def test_accuracy_compares_labels_directly_and_accepts_tensors():
    assert accuracy(torch.tensor([1, 2, 3]), torch.tensor([1, 2, 2])) == pytest.approx(2 / 3)


def test_accuracy_rejects_mismatched_shapes():
    with pytest.raises(ValueError):
        accuracy(np.array([1, 2, 3]), np.array([1, 2]))


def test_confusion_matrix_has_true_rows_and_predicted_columns():
    true_counts = [1, 1, 2, 3, 3, 3]
    predicted_counts = [1, 2, 2, 3, 1, 3]
    expected = [[1, 1, 0], [0, 1, 0], [1, 0, 2]]
    np.testing.assert_array_equal(confusion_matrix(true_counts, predicted_counts), expected)


def test_confusion_matrix_keeps_classes_that_never_occur():
    # Two images of one ball, counted once as one and once as two; no 3 anywhere.
    expected = [[1, 1, 0], [0, 0, 0], [0, 0, 0]]
    np.testing.assert_array_equal(confusion_matrix([1, 1], [1, 2]), expected)


def test_identical_frames_score_perfectly(targets):
    metrics = video_metrics(targets, targets)
    np.testing.assert_array_equal(metrics.mse, 0)
    np.testing.assert_allclose(metrics.ssim, 1)
    assert np.isinf(metrics.psnr).all() and np.isinf(metrics.psnr_per_step).all()


def test_constant_offset_gives_its_square_as_mse_and_20_db_for_a_tenth(targets):
    targets = 0.9 * targets  # room for the offset below 1, so clipping plays no part
    metrics = video_metrics(targets + 0.1, targets)
    np.testing.assert_allclose(metrics.mse, 0.01)
    np.testing.assert_allclose(metrics.psnr, 20.0)
    np.testing.assert_allclose(metrics.psnr_per_step, 20.0)


def test_ssim_uses_a_data_range_of_one():
    # Constant frames have no variance, so SSIM = (2 ab + c1) / (a^2 + b^2 + c1),
    # with c1 = (0.01 * 1)^2.
    metrics = video_metrics(np.full((1, 1, SIZE, SIZE), 0.1), np.zeros((1, 1, SIZE, SIZE)))
    assert metrics.ssim[0] == pytest.approx(1e-4 / (0.01 + 1e-4))


def test_gaussian_noise_gives_its_variance_as_mse():
    sigma = 0.05
    mid_grey = np.full((1, T, SIZE, SIZE), 0.5)
    noisy = mid_grey + np.random.default_rng(1).normal(0, sigma, mid_grey.shape)
    metrics = video_metrics(noisy, mid_grey)
    # 5120 squared Gaussians: the MSE's relative standard error is sqrt(2 / 5120), about 2 %.
    assert metrics.mse[0] == pytest.approx(sigma**2, rel=0.1)
    assert metrics.psnr[0] == pytest.approx(-20 * math.log10(sigma), abs=0.5)
    assert metrics.ssim[0] < 0.9


@pytest.mark.parametrize("target_value, predicted_value", [(1.0, 1.5), (0.0, -0.2)])
def test_ssim_and_psnr_see_clipped_predictions_but_mse_the_raw_ones(target_value, predicted_value):
    shape = (1, T, SIZE, SIZE)
    metrics = video_metrics(np.full(shape, predicted_value), np.full(shape, target_value))
    assert metrics.mse[0] == pytest.approx((predicted_value - target_value) ** 2)
    assert metrics.ssim[0] == pytest.approx(1.0)
    assert np.isinf(metrics.psnr[0])


def test_per_step_metrics_agree_with_per_sequence_metrics(targets):
    predictions = np.clip(targets + np.random.default_rng(2).normal(0, 0.1, targets.shape), 0, 1)
    metrics = video_metrics(predictions, targets)
    assert (
        metrics.mse_per_step.shape
        == metrics.ssim_per_step.shape
        == metrics.psnr_per_step.shape
        == (N, T)
    )
    np.testing.assert_allclose(metrics.mse_per_step.mean(axis=1), metrics.mse)
    np.testing.assert_allclose(metrics.ssim_per_step.mean(axis=1), metrics.ssim)
    for step in range(T):
        one_frame = video_metrics(predictions[:, step : step + 1], targets[:, step : step + 1])
        np.testing.assert_allclose(one_frame.psnr, metrics.psnr_per_step[:, step])
        np.testing.assert_allclose(one_frame.ssim, metrics.ssim_per_step[:, step])


def test_per_step_metrics_locate_the_step_that_is_wrong(targets):
    predictions = targets.copy()
    predictions[:, 2] = 1 - targets[:, 2]
    metrics = video_metrics(predictions, targets)
    assert (metrics.mse_per_step[:, 2] > 0).all()
    np.testing.assert_array_equal(np.delete(metrics.mse_per_step, 2, axis=1), 0)


def test_tensors_score_like_arrays(targets):
    predictions = np.clip(targets + 0.05, 0, 1)
    from_tensors = video_metrics(torch.from_numpy(predictions), torch.from_numpy(targets))
    assert from_tensors.summary() == video_metrics(predictions, targets).summary()


def test_summary_averages_over_sequences(targets):
    metrics = video_metrics(np.clip(targets + 0.05, 0, 1), targets)
    summary = metrics.summary()
    assert summary.keys() == {"mse", "ssim", "psnr"}
    assert summary["ssim"] == pytest.approx(metrics.ssim.mean())
    assert summary["psnr"] == pytest.approx(metrics.psnr.mean())


@pytest.mark.parametrize(
    "predictions, targets",
    [
        (np.zeros((2, T, SIZE, SIZE)), np.zeros((2, T - 1, SIZE, SIZE))),
        (np.zeros((T, SIZE, SIZE)), np.zeros((T, SIZE, SIZE))),
    ],
)
def test_video_metrics_reject_mismatched_or_unbatched_shapes(predictions, targets):
    with pytest.raises(ValueError, match="shape"):
        video_metrics(predictions, targets)


def test_video_metrics_reject_targets_outside_the_unit_range():
    frames = np.full((1, T, SIZE, SIZE), 255.0)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        video_metrics(frames, frames)


@pytest.mark.parametrize("as_type", [np.asarray, torch.as_tensor])
def test_last_frame_baseline_repeats_the_last_input_frame(as_type):
    inputs = as_type(np.random.default_rng(3).random((2, 5, SIZE, SIZE)))
    baseline = last_frame_baseline(inputs, n_out=3)
    assert type(baseline) is type(inputs) and baseline.shape == (2, 3, SIZE, SIZE)
    for step in range(3):
        assert (baseline[:, step] == inputs[:, -1]).all()


def test_capped_psnr_summary_counts_exact_clips_at_the_cap():
    summary = capped_psnr_summary(np.array([np.inf, np.inf, 20.0, 40.0]), cap=100.0)
    assert summary.cap == 100.0
    assert summary.capped_mean == pytest.approx((100 + 100 + 20 + 40) / 4)
    assert summary.share_at_cap == 0.5
    assert summary.median == pytest.approx(70.0)
    assert summary.share_at_least(40.0) == 0.75


def test_psnr_of_the_mean_mse_is_dominated_by_the_failures():
    # MSEs 0, 0, 1e-2 and 1e-4: the mean MSE is 0.0101 / 4.
    summary = capped_psnr_summary(np.array([np.inf, np.inf, 20.0, 40.0]))
    assert summary.psnr_of_mean_mse == pytest.approx(10 * math.log10(4 / 0.0101))
    assert np.isinf(capped_psnr_summary(np.full(3, np.inf)).psnr_of_mean_mse)


def test_video_metrics_give_the_capped_summary_of_their_clips(targets):
    predictions = targets.copy()
    predictions[0] = np.clip(targets[0] + 0.1, 0, 1)
    summary = video_metrics(predictions, targets).psnr_summary()
    assert summary.cap == PSNR_CAP
    assert summary.share_at_cap == pytest.approx(2 / 3)
    assert np.isfinite(summary.capped_mean) and summary.capped_mean < PSNR_CAP


@pytest.mark.parametrize("psnr", [np.array([]), np.array([30.0, np.nan]), np.zeros((2, 2))])
def test_capped_psnr_summary_rejects_empty_nan_or_unflattened_input(psnr):
    with pytest.raises(ValueError, match="PSNR"):
        capped_psnr_summary(psnr)


def test_summary_caps_exact_clips_and_capped_caps_every_psnr(targets):
    predictions = targets.copy()
    predictions[0] = np.clip(targets[0] + 0.1, 0, 1)
    metrics = video_metrics(predictions, targets)
    assert np.isinf(metrics.psnr[1:]).all()
    assert metrics.summary()["psnr"] == pytest.approx(
        (metrics.psnr[0] + PSNR_CAP * (len(targets) - 1)) / len(targets)
    )
    capped = metrics.capped()
    assert capped.psnr.max() == PSNR_CAP and capped.psnr_per_step.max() == PSNR_CAP
    np.testing.assert_array_equal(capped.mse, metrics.mse)


def test_psnr_of_the_mean_mse_per_step():
    from lib.metrics import psnr_of_mean_mse_per_step

    targets = np.zeros((2, 2, 8, 8))
    predictions = targets.copy()
    predictions[0, 1] = 0.1  # step 2: MSE 0.01 and 0, mean 0.005
    steps = psnr_of_mean_mse_per_step(video_metrics(predictions, targets))
    assert np.isinf(steps[0]) and steps[1] == pytest.approx(10 * math.log10(1 / 0.005))


def test_the_mean_mse_is_the_one_the_psnr_of_the_mean_mse_scores():
    summary = capped_psnr_summary(np.array([20.0, 16.0]))
    assert summary.mean_mse == pytest.approx((1e-2 + 10**-1.6) / 2)
