"""Scores for both parts: classification accuracy and confusion matrix, video MSE / SSIM / PSNR."""

from dataclasses import dataclass, replace

import numpy as np
import sklearn.metrics
import torch
from skimage.metrics import structural_similarity

from lib.settings import BALL_COUNTS, PSNR_CAP

ArrayLike = np.ndarray | torch.Tensor


def _to_numpy(values: ArrayLike) -> np.ndarray:
    if isinstance(values, torch.Tensor):
        return values.detach().cpu().numpy()
    return np.asarray(values)


def accuracy(logits_or_labels: ArrayLike, labels: ArrayLike) -> float:
    """Fraction of correct predictions; (N, C) logits become 0-based class indices by argmax
    first."""
    predictions = _to_numpy(logits_or_labels)
    if predictions.ndim == 2:
        predictions = predictions.argmax(axis=1)
    labels = _to_numpy(labels)
    if predictions.shape != labels.shape:
        raise ValueError(
            f"predictions {predictions.shape} and labels {labels.shape} differ in shape"
        )
    return float(np.mean(predictions == labels))


def confusion_matrix(
    true_counts: ArrayLike, predicted_counts: ArrayLike, classes: tuple[int, ...] = BALL_COUNTS
) -> np.ndarray:
    """Counts of (true, predicted) pairs: rows are true classes, columns predicted, in `classes`
    order."""
    return sklearn.metrics.confusion_matrix(
        _to_numpy(true_counts), _to_numpy(predicted_counts), labels=list(classes)
    )


@dataclass(frozen=True)
class VideoMetrics:
    """Per-sequence scores, shape (N,), and per-prediction-step scores, shape (N, T)."""

    mse: np.ndarray
    ssim: np.ndarray
    psnr: np.ndarray
    mse_per_step: np.ndarray
    ssim_per_step: np.ndarray
    psnr_per_step: np.ndarray

    def summary(self) -> dict[str, float]:
        """Means over the sequences; PSNR is the mean of per-sequence PSNRs, each capped at PSNR_CAP
        (an exact sequence would make it infinite; `psnr_summary` says how many sit at the cap)."""
        return {
            "mse": float(self.mse.mean()),
            "ssim": float(self.ssim.mean()),
            "psnr": float(np.minimum(self.psnr, PSNR_CAP).mean()),
        }

    def capped(self, cap: float = PSNR_CAP) -> "VideoMetrics":
        """The same scores with every PSNR (per sequence and per step) capped at `cap`, for means
        and plots; `psnr_summary` of the uncapped scores gives the PSNR of the mean MSE."""
        return replace(
            self, psnr=np.minimum(self.psnr, cap), psnr_per_step=np.minimum(self.psnr_per_step, cap)
        )

    def psnr_summary(self, cap: float = PSNR_CAP) -> "PsnrSummary":
        """The per-sequence PSNRs summarised so that exact sequences do not make the mean
        infinite."""
        return capped_psnr_summary(self.psnr, cap)


@dataclass(frozen=True)
class PsnrSummary:
    """Per-clip PSNR summarised for near-exact predictions, in dB.

    The mean of per-clip PSNRs is infinite as soon as one clip is exact, so it is taken with each
    clip capped at `cap`, and the share of clips at the cap says how much the cap decides. The
    median is robust to both ends. The PSNR of the mean MSE weighs clips by their squared error,
    so a few failures dominate it; a log-MSE loss optimises the mean of per-clip PSNRs instead.
    """

    cap: float
    capped_mean: float
    share_at_cap: float
    median: float  # of the capped values
    psnr_of_mean_mse: float
    capped: np.ndarray  # (N,) per-clip PSNR, capped

    @property
    def mean_mse(self) -> float:
        """The mean over clips of the MSE of the clipped predictions: the MSE that the PSNR of
        the mean MSE scores."""
        return 10 ** (-self.psnr_of_mean_mse / 10)

    def share_at_least(self, db: float) -> float:
        """Share of clips with a PSNR of `db` or more."""
        return float(np.mean(self.capped >= db))


def capped_psnr_summary(psnr: ArrayLike, cap: float = PSNR_CAP) -> PsnrSummary:
    """Summarise per-clip PSNRs (N,) in dB, +inf for exact clips (as `video_metrics` gives them)."""
    psnr = _to_numpy(psnr).astype(np.float64)
    if psnr.ndim != 1 or not len(psnr) or np.isnan(psnr).any():
        raise ValueError(
            f"expected a non-empty (N,) array of PSNRs without NaN, got shape {psnr.shape}"
        )
    capped = np.minimum(psnr, cap)
    mean_mse = float(np.mean(10.0 ** (-psnr / 10)))  # back to each clip's MSE; +inf dB gives 0
    return PsnrSummary(
        cap=cap,
        capped_mean=float(capped.mean()),
        share_at_cap=float(np.mean(psnr >= cap)),
        median=float(np.median(capped)),
        psnr_of_mean_mse=float(psnr_of_mse(mean_mse)),
        capped=capped,
    )


def psnr_of_mse(mse: float | np.ndarray) -> np.ndarray:
    """10 log10(c_max^2 / MSE) with c_max = 1; an MSE of 0 gives +inf."""
    with np.errstate(divide="ignore"):
        return 10 * np.log10(1.0 / np.asarray(mse, dtype=np.float64))


def video_metrics(predictions: ArrayLike, targets: ArrayLike) -> VideoMetrics:
    """Score predicted against true frames, both (N, T, H, W) with pixels in [0, 1].

    MSE is taken on the raw predictions, since that is the training loss. SSIM and PSNR are
    image-quality scores for displayable frames, so they see predictions clipped to [0, 1]
    (a ReLU output may exceed 1): PSNR uses the MSE of the clipped predictions.
    SSIM is scikit-image's with data_range=1 (its default range is wrong for float images),
    computed per frame and averaged over the sequence.
    """
    predictions = _to_numpy(predictions).astype(np.float64)
    targets = _to_numpy(targets).astype(np.float64)
    if predictions.shape != targets.shape or predictions.ndim != 4:
        shapes = f"{predictions.shape} and {targets.shape}"
        raise ValueError(f"expected two (N, T, H, W) arrays of one shape, got {shapes}")
    if targets.min() < 0 or targets.max() > 1:
        raise ValueError("targets must lie in [0, 1]; rescale them first")

    clipped = np.clip(predictions, 0.0, 1.0)
    mse_per_step = ((predictions - targets) ** 2).mean(axis=(2, 3))
    clipped_mse_per_step = ((clipped - targets) ** 2).mean(axis=(2, 3))
    ssim_per_step = np.array(
        [
            [
                structural_similarity(frame, target, data_range=1.0)
                for frame, target in zip(sequence, truth, strict=True)
            ]
            for sequence, truth in zip(clipped, targets, strict=True)
        ]
    )
    return VideoMetrics(
        mse=mse_per_step.mean(axis=1),
        ssim=ssim_per_step.mean(axis=1),
        # PSNR of the whole sequence's MSE, not the mean of the steps' PSNRs (the handout's
        # definition).
        psnr=psnr_of_mse(clipped_mse_per_step.mean(axis=1)),
        mse_per_step=mse_per_step,
        ssim_per_step=ssim_per_step,
        psnr_per_step=psnr_of_mse(clipped_mse_per_step),
    )


def last_frame_baseline(inputs: ArrayLike, n_out: int = 5) -> ArrayLike:
    """The last input frame repeated n_out times: (N, T_in, H, W) -> (N, n_out, H, W), type kept."""
    # Score it against the true target frames: it is the "nothing moves" prediction.
    return inputs[:, [-1] * n_out]


def psnr_of_mean_mse_per_step(metrics: VideoMetrics) -> np.ndarray:
    """(T,) the PSNR of the mean over sequences of each step's MSE (of clipped predictions, as
    PSNR)."""
    return psnr_of_mse((10.0 ** (-metrics.psnr_per_step / 10)).mean(axis=0))
