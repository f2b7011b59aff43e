import numpy as np
import pytest
import torch
import torch.nn.functional as F
from skimage.metrics import structural_similarity

from lib.video.losses import (
    FrameLoss,
    bce_loss,
    frame_ssim,
    l1_loss,
    log_mse_loss,
    per_clip_mse,
    ssim_loss,
)


def pair(seed=0, noise=0.1):
    g = torch.Generator().manual_seed(seed)
    targets = (torch.rand(3, 5, 32, 32, generator=g) > 0.7).float()
    predictions = (targets + noise * torch.randn(3, 5, 32, 32, generator=g)).clamp(0, 1)
    return predictions, targets


@pytest.mark.parametrize("noise", [0.02, 0.3])
def test_ssim_matches_scikit_image(noise):
    predictions, targets = pair(noise=noise)
    ours = frame_ssim(predictions.double(), targets.double()).numpy()
    theirs = np.array(
        [
            [structural_similarity(p, t, data_range=1.0) for p, t in zip(ps, ts)]
            for ps, ts in zip(predictions.double().numpy(), targets.double().numpy())
        ]
    )
    np.testing.assert_allclose(ours, theirs, atol=1e-6)


def test_losses_vanish_for_a_perfect_prediction():
    _, targets = pair()
    for loss in (l1_loss, ssim_loss, bce_loss, FrameLoss(), FrameLoss(l1=1, bce=1, ssim=1)):
        assert float(loss(targets, targets)) == pytest.approx(0.0, abs=1e-5)


def test_frame_loss_is_the_weighted_sum_of_its_terms():
    predictions, targets = pair()
    assert torch.equal(FrameLoss()(predictions, targets), F.mse_loss(predictions, targets))
    mixed = FrameLoss(mse=2.0, l1=0.5, bce=0.25, ssim=0.1)(predictions, targets)
    expected = (
        2.0 * F.mse_loss(predictions, targets)
        + 0.5 * l1_loss(predictions, targets)
        + 0.25 * bce_loss(predictions, targets)
        + 0.1 * ssim_loss(predictions, targets)
    )
    torch.testing.assert_close(mixed, expected)


def test_sharpening_losses_prefer_a_sharp_guess_to_a_smear_more_than_mse_does():
    """Half the time a ball is here, half the time there: MSE is indifferent between the
    smeared average and a sharp guess, the absolute error is not worse for the sharp guess."""
    here, there = torch.zeros(1, 1, 32, 32), torch.zeros(1, 1, 32, 32)
    here[..., 8:14, 8:14] = 1
    there[..., 8:14, 16:22] = 1
    smear, sharp = (here + there) / 2, here

    def expected_loss(loss, guess):
        return (float(loss(guess, here)) + float(loss(guess, there))) / 2

    assert expected_loss(F.mse_loss, smear) < expected_loss(F.mse_loss, sharp)
    assert expected_loss(l1_loss, sharp) <= expected_loss(l1_loss, smear) + 1e-9


def test_gradients_are_finite_at_the_range_ends():
    _, targets = pair()
    predictions = targets.clone().requires_grad_(True)  # exactly 0 and 1 everywhere
    FrameLoss(mse=1, l1=1, bce=1, ssim=1)(predictions, 1 - targets).backward()
    assert torch.isfinite(predictions.grad).all()


def test_bce_rejects_values_outside_the_unit_interval():
    predictions, targets = pair()
    with pytest.raises((RuntimeError, ValueError)):
        bce_loss(predictions + 1.5, targets)


def test_per_clip_mse():
    predictions, targets = pair()
    values = per_clip_mse(predictions, targets)
    assert values.shape == (3,)
    torch.testing.assert_close(values.mean(), F.mse_loss(predictions, targets))


def test_log_mse_is_minus_the_mean_psnr_of_the_clips():
    predictions, targets = pair()
    clip_mse = ((predictions - targets) ** 2).flatten(1).mean(1)
    expected = (10 * torch.log10(clip_mse + 1e-5)).mean()
    torch.testing.assert_close(log_mse_loss(predictions, targets), expected)
    torch.testing.assert_close(FrameLoss(mse=0, log_mse=1)(predictions, targets), expected)


def test_log_mse_weights_each_clip_by_its_inverse_error():
    """The same absolute improvement is worth more on a clip that is already good."""
    _, targets = pair()
    errors = torch.tensor([0.01, 0.1, 0.1]).view(3, 1, 1, 1)
    predictions = (targets + errors).requires_grad_(True)
    log_mse_loss(predictions, targets).backward()
    per_clip = predictions.grad.abs().flatten(1).mean(1)
    assert per_clip[0] > 5 * per_clip[1]
