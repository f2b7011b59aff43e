import numpy as np
import pytest
import torch
import torch.nn.functional as F
from skimage.metrics import structural_similarity

from lib.video.losses import (
    FrameLoss,
    bce_loss,
    clip_mse,
    frame_ssim,
    l1_loss,
    log_mse_loss,
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
            [structural_similarity(p, t, data_range=1.0) for p, t in zip(ps, ts, strict=True)]
            for ps, ts in zip(predictions.double().numpy(), targets.double().numpy(), strict=True)
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


def two_places() -> tuple[torch.Tensor, torch.Tensor]:
    """A 6 x 6 ball (36 pixels) here or there, in a 32 x 32 frame (1024 pixels)."""
    here, there = torch.zeros(1, 1, 32, 32), torch.zeros(1, 1, 32, 32)
    here[..., 8:14, 8:14] = 1
    there[..., 8:14, 16:22] = 1
    return here, there


def expected_loss(loss, guess, outcomes) -> float:
    """The loss of `guess` averaged over the (probability, target) `outcomes`."""
    return sum(probability * float(loss(guess, target)) for probability, target in outcomes)


def test_with_even_odds_mse_prefers_the_smear_and_l1_is_indifferent():
    """Half the time the ball is here, half the time there. The smear (0.5 in both places) is off
    by 0.5 on 72 pixels whatever happens: MSE 72 * 0.25 / 1024, L1 72 * 0.5 / 1024. The sharp
    guess (here) is exact or off by 1 on 72 pixels: MSE and L1 both 0.5 * 72 / 1024."""
    here, there = two_places()
    outcomes = [(0.5, here), (0.5, there)]
    smear, sharp = (here + there) / 2, here
    assert expected_loss(F.mse_loss, smear, outcomes) == pytest.approx(18 / 1024)
    assert expected_loss(F.mse_loss, sharp, outcomes) == pytest.approx(36 / 1024)
    assert expected_loss(l1_loss, smear, outcomes) == pytest.approx(36 / 1024)
    assert expected_loss(l1_loss, sharp, outcomes) == pytest.approx(36 / 1024)


def test_with_uneven_odds_l1_prefers_the_likelier_sharp_guess_and_mse_the_smear():
    """Three times in four the ball is here. The smear (the mean: 0.75 here, 0.25 there) is off by
    0.25 on all 72 pixels when the ball is here, by 0.75 when it is there: MSE
    (0.75 * 72 * 0.0625 + 0.25 * 72 * 0.5625) / 1024 = 13.5 / 1024, L1
    (0.75 * 72 * 0.25 + 0.25 * 72 * 0.75) / 1024 = 27 / 1024. The sharp guess (here, the median)
    is off by 1 on 72 pixels a quarter of the time: 18 / 1024 under both losses."""
    here, there = two_places()
    outcomes = [(0.75, here), (0.25, there)]
    smear, sharp = 0.75 * here + 0.25 * there, here
    assert expected_loss(F.mse_loss, smear, outcomes) == pytest.approx(13.5 / 1024)
    assert expected_loss(F.mse_loss, sharp, outcomes) == pytest.approx(18 / 1024)
    assert expected_loss(l1_loss, smear, outcomes) == pytest.approx(27 / 1024)
    assert expected_loss(l1_loss, sharp, outcomes) == pytest.approx(18 / 1024)


def test_gradients_are_finite_at_the_range_ends():
    _, targets = pair()
    predictions = targets.clone().requires_grad_(True)  # exactly 0 and 1 everywhere
    FrameLoss(mse=1, l1=1, bce=1, ssim=1)(predictions, 1 - targets).backward()
    assert torch.isfinite(predictions.grad).all()


def test_bce_rejects_values_outside_the_unit_interval():
    predictions, targets = pair()
    with pytest.raises((RuntimeError, ValueError)):
        bce_loss(predictions + 1.5, targets)


def test_clip_mse_is_each_clips_mean_over_frames_and_pixels():
    predictions, targets = torch.zeros(2, 5, 4, 4), torch.zeros(2, 5, 4, 4)
    targets[1, 0] = 1.0  # one frame of five wrong by 1 everywhere
    torch.testing.assert_close(clip_mse(predictions, targets), torch.tensor([0.0, 0.2]))


def test_log_mse_is_minus_the_mean_psnr_of_the_clips():
    """Clip errors of 0.1 and 0.01 everywhere: MSEs 1e-2 and 1e-4, plus the floor 1e-5, give
    10 log10(0.01001) = -19.99566 dB and 10 log10(0.00011) = -39.58607 dB, mean -29.79087."""
    targets = torch.zeros(2, 5, 8, 8)
    predictions = targets + torch.tensor([0.1, 0.01]).view(2, 1, 1, 1)
    assert float(log_mse_loss(predictions, targets)) == pytest.approx(-29.79087, abs=1e-4)
    assert float(FrameLoss(mse=0, log_mse=1)(predictions, targets)) == pytest.approx(
        -29.79087, abs=1e-4
    )


def test_log_mse_weights_each_clip_by_its_inverse_error():
    """The same absolute improvement is worth more on a clip that is already good."""
    _, targets = pair()
    errors = torch.tensor([0.01, 0.1, 0.1]).view(3, 1, 1, 1)
    predictions = (targets + errors).requires_grad_(True)
    log_mse_loss(predictions, targets).backward()
    per_clip = predictions.grad.abs().flatten(1).mean(1)
    assert per_clip[0] > 5 * per_clip[1]
