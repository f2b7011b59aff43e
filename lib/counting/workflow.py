"""Part 1 workflow: the ball-counting data as tensors, training over seeds, test evaluation."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
from torch import Tensor, nn

from lib.data.course_files import load_course_file, split_train_val
from lib.metrics import confusion_matrix
from lib.settings import BALL_COUNTS, PART1_TEST, PART1_TRAINING, SIZE_GROUPS
from lib.training.loop import Augment, TrainConfig, TrainingRun, predict

QUICK_SIZES = {"train": 64, "val": 32, "test": 64}  # a preview, not a result


@dataclass
class CountingData:
    """Images (N, 1, 32, 32) and their numbers of balls (N,), as the course files hold them."""

    train: tuple[Tensor, Tensor]
    val: tuple[Tensor, Tensor]
    test: tuple[Tensor, Tensor]


def load_counting_data(data_dir: Path, quick: bool = False) -> CountingData:
    """The handout's split: the first lib.settings.TRAIN_FRACTION of the training file trains,
    the rest validates."""
    frames, labels = load_course_file(Path(data_dir) / PART1_TRAINING, n_frames=1)
    train, val = split_train_val(frames, labels)
    splits = {
        "train": train,
        "val": val,
        "test": load_course_file(Path(data_dir) / PART1_TEST, n_frames=1),
    }
    tensors = {}
    for name, (x, y) in splits.items():
        if quick:
            x, y = x[: QUICK_SIZES[name]], y[: QUICK_SIZES[name]]
        tensors[name] = (
            torch.from_numpy(np.ascontiguousarray(x)),
            torch.from_numpy(np.asarray(y)).long(),
        )
    return CountingData(**tensors)


def predicted_counts(logits: Tensor) -> Tensor:
    """The number of balls each row of logits (N, len(BALL_COUNTS)) picks."""
    return torch.as_tensor(BALL_COUNTS, device=logits.device)[logits.argmax(dim=1)]


def cross_entropy(logits: Tensor, counts: Tensor) -> Tensor:
    """Cross-entropy on logits (the loss of the handout); logit i stands for BALL_COUNTS[i]."""
    return F.cross_entropy(logits, counts - BALL_COUNTS[0])


def correct(logits: Tensor, counts: Tensor) -> Tensor:
    """Per sample 1.0 where the predicted number of balls is right: its mean is the accuracy."""
    return (predicted_counts(logits) == counts).float()


def counter_run(
    name: str,
    build_model: Callable[[], nn.Module],
    data: CountingData,
    config: TrainConfig,
    loss_fn=cross_entropy,
    augment: Augment | None = None,
) -> TrainingRun:
    """One counting model to train on the training split (lib.training.side_by_side trains
    or loads it)."""
    return TrainingRun(
        name,
        build_model,
        data.train,
        data.val,
        config,
        loss_fn,
        metrics={"accuracy": correct},
        augment=augment,
    )


@dataclass
class CountingEvaluation:
    accuracy: float
    confusion: np.ndarray  # rows: true count, columns: predicted count
    predicted: np.ndarray  # predicted number of balls per image


def evaluate_counter(model: nn.Module, split: tuple[Tensor, Tensor]) -> CountingEvaluation:
    """Accuracy, confusion matrix and predictions of a counting model on one split."""
    images, counts = split
    predicted = predicted_counts(predict(model, images)).numpy()
    true = counts.numpy()
    return CountingEvaluation(
        float((predicted == true).mean()),
        confusion_matrix(true, predicted, classes=BALL_COUNTS),
        predicted,
    )


def errors_by_size(
    train: tuple[Tensor, Tensor | np.ndarray],
    test: tuple[Tensor, Tensor | np.ndarray],
    predicted: Sequence[np.ndarray],
) -> pd.DataFrame:
    """Test images grouped by ball size, with the accuracy and mean signed error (predicted minus
    true count) of `predicted` (one array of counts per model), pooled over the models.

    Size is the brightness per ball relative to its median over the training images; `train` and
    `test` are (images, ball counts)."""

    def per_ball(images, counts):
        return images.sum(dim=(1, 2, 3)).numpy() / np.asarray(counts)

    relative = per_ball(*test) / np.median(per_ball(*train))
    errors = np.stack(predicted) - np.asarray(test[1])
    rows = []
    for name, (low, high) in SIZE_GROUPS.items():
        members = errors[:, (relative > low) & (relative <= high)]
        rows.append(
            {
                "ball size vs training": name,
                "test images": members.shape[1],
                "accuracy": (members == 0).mean() if members.size else np.nan,
                "mean (predicted − true)": members.mean() if members.size else np.nan,
            }
        )
    return pd.DataFrame(rows)
