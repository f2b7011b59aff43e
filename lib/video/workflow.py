"""Part 2 workflow: clips as (input, target) tensors, training predictors, scoring them."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
from torch import Tensor, nn

from lib.data.blobs import count_blobs
from lib.data.course_files import load_course_file, split_input_target, split_train_val
from lib.metrics import VideoMetrics, video_metrics
from lib.settings import BALL_BODY_LEVEL, BALL_COUNTS, PART2_SEQUENCE, TRAIN_FRACTION
from lib.training.loop import Augment, LossFn, TrainConfig, TrainingRun, predict
from lib.video.losses import clip_mse

N_INPUT_FRAMES = 5
QUICK_SIZES = {"train": 64, "val": 32}  # a preview, not a result


@dataclass
class VideoData:
    """Input frames 0-4 and target frames 5-9, (N, 5, 32, 32) each, and each clip's ball count."""

    train: tuple[Tensor, Tensor]
    val: tuple[Tensor, Tensor]
    val_ball_counts: np.ndarray


def load_video_data(data_dir: Path, quick: bool = False) -> VideoData:
    """The handout's split: first 80 % of the clips train, last 20 % validate."""
    frames, labels = load_course_file(Path(data_dir) / PART2_SEQUENCE, n_frames=10)
    (train_frames, _), (val_frames, val_labels) = split_train_val(
        frames, labels, train_fraction=TRAIN_FRACTION
    )
    if quick:
        train_frames, val_frames = (
            train_frames[: QUICK_SIZES["train"]],
            val_frames[: QUICK_SIZES["val"]],
        )
        val_labels = val_labels[: QUICK_SIZES["val"]]

    def as_pair(clips: np.ndarray) -> tuple[Tensor, Tensor]:
        inputs, targets = split_input_target(clips, n_input=N_INPUT_FRAMES)
        return torch.from_numpy(np.ascontiguousarray(inputs)), torch.from_numpy(
            np.ascontiguousarray(targets)
        )

    return VideoData(as_pair(train_frames), as_pair(val_frames), np.asarray(val_labels))


def mse_loss(predictions: Tensor, targets: Tensor) -> Tensor:
    """Mean squared error over frames and pixels (the handout's loss)."""
    return F.mse_loss(predictions, targets)


def predictor_run(
    name: str,
    build_model: Callable[[], nn.Module],
    data: VideoData,
    config: TrainConfig,
    loss_fn: LossFn = mse_loss,
    augment: Augment | None = None,
    threads: int = 1,
) -> TrainingRun:
    """One frame predictor to train on the training clips (lib.training.side_by_side trains or
    loads it). Its history records the MSE too, so that models trained with other losses compare
    with Task 6's."""
    return TrainingRun(
        name,
        build_model,
        data.train,
        data.val,
        config,
        loss_fn,
        metrics={"mse": clip_mse},
        augment=augment,
        threads=threads,
    )


class Evaluated(NamedTuple):
    """A predictor's scores on the validation clips and its predictions (B, 5, 32, 32)."""

    scores: VideoMetrics
    predictions: Tensor


def evaluate_predictor(model: nn.Module, data: VideoData) -> Evaluated:
    """Scores of `model` on the validation clips, and its predictions."""
    inputs, targets = data.val
    predictions = predict(model, inputs)
    return Evaluated(video_metrics(predictions, targets), predictions)


def inference_ms(model: nn.Module, inputs: Tensor) -> float:
    """Milliseconds per clip for predicting all of `inputs` (lib.training.loop.predict's
    batches)."""
    started = time.perf_counter()
    predict(model, inputs)
    return 1000 * (time.perf_counter() - started) / len(inputs)


def ball_count_groups(ball_counts: np.ndarray) -> dict[int, np.ndarray]:
    """A mask of the clips with each number of balls present."""
    ball_counts = np.asarray(ball_counts)
    return {n: ball_counts == n for n in BALL_COUNTS if (ball_counts == n).any()}


def scores_by_ball_count(
    predictors: Mapping[str, VideoMetrics], ball_counts: np.ndarray
) -> pd.DataFrame:
    """Mean MSE, SSIM and PSNR of each predictor over the clips with each number of balls."""
    return pd.DataFrame(
        [
            {
                "balls": n,
                "clips": int(mask.sum()),
                "model": label,
                "MSE": m.mse[mask].mean(),
                "SSIM": m.ssim[mask].mean(),
                "PSNR (dB)": m.psnr[mask].mean(),
            }
            for n, mask in ball_count_groups(ball_counts).items()
            for label, m in predictors.items()
        ]
    )


def beats_at_every_step(model: VideoMetrics, baselines: list[VideoMetrics]) -> bool:
    """Whether `model` has a lower mean MSE and a higher mean PSNR and SSIM than every baseline at
    every prediction step."""

    def step_means(metrics: VideoMetrics) -> tuple[np.ndarray, ...]:
        return tuple(
            getattr(metrics, f"{score}_per_step").mean(axis=0) for score in ("mse", "psnr", "ssim")
        )

    (mse, psnr, ssim) = step_means(model)
    return all(
        bool(np.all(mse < b_mse) and np.all(psnr > b_psnr) and np.all(ssim > b_ssim))
        for b_mse, b_psnr, b_ssim in map(step_means, baselines)
    )


def example_clips(
    ball_counts: np.ndarray, clip_mse: np.ndarray, counts: tuple[int, ...] = BALL_COUNTS
) -> tuple[list[int], int]:
    """The book's rule for which validation clips to show, so that chapters compare row by row.

    For each ball count present, the clip whose MSE (under the model that `clip_mse` scores) is
    the median among clips with that count (the upper median for an even number, ties broken by
    clip index); and the clip with the largest MSE overall.
    """
    ball_counts, clip_mse = np.asarray(ball_counts), np.asarray(clip_mse)
    medians = []
    for n in counts:
        candidates = np.flatnonzero(ball_counts == n)
        if candidates.size:
            ranked = candidates[np.argsort(clip_mse[candidates], kind="stable")]
            medians.append(int(ranked[len(ranked) // 2]))
    return medians, int(np.argmax(clip_mse))


# What happens to the balls during the predicted frames, read from the true frames alone (the data
# files hold no trajectories). A bright pixel is a ball's body (BALL_BODY_LEVEL). A ball touches a
# wall when a border pixel is bright: its centre is then within about one radius of the wall, where
# it bounces. Two balls in contact (centres closer than about 2.1 radii) merge into one bright
# region, so a frame with fewer bright regions than balls shows a collision.
EVENTS = ("free flight", "wall bounce", "collision")


def clip_events(frames: np.ndarray | Tensor, ball_counts: np.ndarray) -> np.ndarray:
    """Per clip, the hardest thing that happens in `frames` (N, T, H, W): one of EVENTS.

    "collision" if in some frame fewer bright regions than balls are seen (balls in contact),
    else "wall bounce" if some frame has a bright border pixel, else "free flight".
    """
    frames = frames.numpy() if isinstance(frames, Tensor) else np.asarray(frames)
    bright = frames > BALL_BODY_LEVEL
    border = bright[..., 0, :] | bright[..., -1, :] | bright[..., :, 0] | bright[..., :, -1]
    at_wall = border.any(axis=(1, 2))
    events = np.where(at_wall, EVENTS[1], EVENTS[0]).astype(object)
    for i, (clip, n) in enumerate(zip(frames, np.asarray(ball_counts), strict=True)):
        if n > 1 and (count_blobs(clip, BALL_BODY_LEVEL) < n).any():
            events[i] = EVENTS[2]
    return events
