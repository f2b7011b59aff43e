"""Training losses for frame predictors beyond the handout's MSE (Task 7).

Predictions and targets are (B, T, H, W) with targets in [0, 1]. Under squared error a model
that is unsure where a ball will be draws the average of the candidate places: a faint smear.
The absolute error (whose minimiser is the median, not the mean), binary cross-entropy (the
frames are almost black-and-white) and a structural-similarity term all punish that smear
more than squared error does.

The book scores a model by the PSNR of each clip, averaged over clips: a mean of log(MSE), not a
mean of MSE. Squared error spends most of its gradient on the few clips that go worst (a
collision); `log_mse_loss`, the mean over clips of 10 log10(MSE), is the training loss that
matches the score, weighting each clip by the inverse of its error. `FrameLoss` mixes these
terms with fixed weights.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor

SSIM_WINDOW = 7  # scikit-image's default window: uniform 7 x 7
SSIM_K1, SSIM_K2 = 0.01, 0.03  # scikit-image's constants, with data range 1


def ssim_map(predictions: Tensor, targets: Tensor) -> Tensor:
    """Differentiable SSIM per pixel, as scikit-image computes it for data range 1.

    Uniform 7 x 7 windows, sample (N - 1) covariances, and only the windows that lie wholly
    inside the frame (scikit-image crops the 3-pixel border before averaging). Returns
    (B, T, H - 6, W - 6); its mean over the last two dimensions is scikit-image's mean SSIM of
    each frame.
    """
    b, t, h, w = targets.shape
    x = predictions.reshape(b * t, 1, h, w)
    y = targets.reshape(b * t, 1, h, w)
    n = SSIM_WINDOW * SSIM_WINDOW
    covariance_norm = n / (n - 1)

    def mean(z: Tensor) -> Tensor:
        return F.avg_pool2d(z, SSIM_WINDOW, stride=1)

    mu_x, mu_y = mean(x), mean(y)
    var_x = covariance_norm * (mean(x * x) - mu_x * mu_x)
    var_y = covariance_norm * (mean(y * y) - mu_y * mu_y)
    cov_xy = covariance_norm * (mean(x * y) - mu_x * mu_y)
    c1, c2 = SSIM_K1**2, SSIM_K2**2
    ssim = ((2 * mu_x * mu_y + c1) * (2 * cov_xy + c2)) / (
        (mu_x**2 + mu_y**2 + c1) * (var_x + var_y + c2)
    )
    return ssim.reshape(b, t, *ssim.shape[-2:])


def frame_ssim(predictions: Tensor, targets: Tensor) -> Tensor:
    """Mean SSIM of each frame: (B, T, H, W) -> (B, T)."""
    return ssim_map(predictions, targets).mean(dim=(-2, -1))


def l1_loss(predictions: Tensor, targets: Tensor) -> Tensor:
    """Mean absolute error over frames and pixels."""
    return F.l1_loss(predictions, targets)


def bce_loss(predictions: Tensor, targets: Tensor) -> Tensor:
    """Binary cross-entropy of predicted pixel values against the frames, both read as
    probabilities.

    The predictions must lie in [0, 1] (a sigmoid output); PyTorch bounds each log term at -100,
    so predictions of exactly 0 or 1 give a finite loss.
    """
    return F.binary_cross_entropy(predictions, targets)


LOG_MSE_FLOOR = 1e-5  # an MSE of 1e-5 is 50 dB: no clip needs to be pushed further


def clip_mse(predictions: Tensor, targets: Tensor) -> Tensor:
    """Each clip's mean squared error over its frames and pixels, (B,)."""
    return (predictions - targets).pow(2).flatten(1).mean(dim=1)


def log_mse_loss(predictions: Tensor, targets: Tensor) -> Tensor:
    """Mean over clips of 10 log10(MSE of the clip + floor): minus the mean PSNR, up to the
    floor."""
    return (10 * torch.log10(clip_mse(predictions, targets) + LOG_MSE_FLOOR)).mean()


def ssim_loss(predictions: Tensor, targets: Tensor) -> Tensor:
    """1 - mean SSIM over frames (0 for a perfect prediction)."""
    return 1 - frame_ssim(predictions, targets).mean()


@dataclass(frozen=True)
class FrameLoss:
    """A weighted sum of MSE, L1, binary cross-entropy, 1 - SSIM and log-MSE; zero weights are
    skipped.

    The weights are fields, so they are part of the cache key of every model trained with it.
    """

    mse: float = 1.0
    l1: float = 0.0
    bce: float = 0.0
    ssim: float = 0.0
    log_mse: float = 0.0

    def __call__(self, predictions: Tensor, targets: Tensor) -> Tensor:
        terms: dict[str, Callable[[Tensor, Tensor], Tensor]] = {
            "mse": F.mse_loss,
            "l1": l1_loss,
            "bce": bce_loss,
            "ssim": ssim_loss,
            "log_mse": log_mse_loss,
        }
        total = predictions.new_zeros(())
        for name, term in terms.items():
            weight = getattr(self, name)
            if weight:
                total = total + weight * term(predictions, targets)
        return total
