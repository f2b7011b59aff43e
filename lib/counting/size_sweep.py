"""Part 1, Task 4: held-out training images rescaled across the size augmentation's range, to
see where a counter trained with it fails, from the training file alone.

`size_sweep` rescales every ball of the validation images by one factor at a time, on a log grid
over the augmentation's range plus 1 (the images as rendered), keeping the images whose balls
still have room at that factor (inside the frame, apart), as the augmentation does;
`sweep_scores` then gives per factor and number of balls how many images had room, how many still
show their balls as separate bright regions (countable by eye), and the accuracy of a set of
models.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
from torch import Tensor, nn

from lib.counting.augment import rescale_balls, room_to_rescale
from lib.counting.workflow import predicted_counts
from lib.data.blobs import count_blobs
from lib.training.loop import predict


@dataclass
class SizeSweep:
    """Rescaled images (N, 1, H, W), their numbers of balls and the factor each was scaled by;
    `tried` lists every factor, `offered` counts the images of each number of balls that every
    factor started from."""

    images: Tensor
    counts: np.ndarray
    factors: np.ndarray
    tried: np.ndarray
    offered: dict[int, int]


def sweep_factors(scale_range: tuple[float, float], steps: int) -> np.ndarray:
    """`steps` factors spaced evenly on the log scale from one end of `scale_range` to the other,
    rounded to two decimals, and 1: the images as rendered, next to their resampled neighbours."""
    low, high = np.log(scale_range[0]), np.log(scale_range[1])
    grid = np.round(np.exp(np.linspace(low, high, steps)), 2)
    return np.unique(np.append(grid, 1.0))


def size_sweep(images: Tensor, counts: Tensor, factors: Sequence[float]) -> SizeSweep:
    """Every image (N, 1, H, W) with all its balls scaled by each factor in turn, where they
    have room."""
    kept_images, kept_counts, kept_factors = [], [], []
    for factor in factors:
        room = room_to_rescale(images, factor)
        # One factor for every ball: the range (factor, factor) leaves nothing to draw. At 1 the
        # images stay as rendered, not resampled.
        rescaled = (
            images[room]
            if factor == 1
            else rescale_balls(images[room], torch.Generator(), (factor, factor))
        )
        kept_images.append(rescaled)
        kept_counts.append(counts[room].numpy())
        kept_factors.append(np.full(int(room.sum()), factor))
    values, totals = np.unique(counts.numpy(), return_counts=True)
    return SizeSweep(
        torch.cat(kept_images),
        np.concatenate(kept_counts),
        np.concatenate(kept_factors),
        np.asarray(factors, dtype=float),
        dict(zip(values.tolist(), totals.tolist(), strict=True)),
    )


def sweep_scores(sweep: SizeSweep, models: Sequence[nn.Module], body_level: float) -> pd.DataFrame:
    """Per (factor tried, number of balls): the share of the offered images that had room, the
    share of those whose balls stay separate regions brighter than `body_level`, and the accuracy
    of `models` pooled over the models (both NaN where no image had room)."""
    predicted = np.stack([predicted_counts(predict(m, sweep.images)).numpy() for m in models])
    table = pd.DataFrame(
        {
            "factor": sweep.factors,
            "count": sweep.counts,
            "separate": count_blobs(sweep.images[:, 0], body_level) == sweep.counts,
            "accuracy": (predicted == sweep.counts).mean(axis=0),
        }
    )
    every_cell = pd.MultiIndex.from_product([sweep.tried, list(sweep.offered)])
    scores = (
        table.groupby(["factor", "count"])
        .agg(images=("count", "size"), separate=("separate", "mean"), accuracy=("accuracy", "mean"))
        .reindex(every_cell.set_names(["factor", "count"]))
        .fillna({"images": 0})
        .reset_index()
    )
    scores.insert(3, "room", scores["images"] / scores["count"].map(sweep.offered))
    return scores


def landmarks(scores: pd.DataFrame) -> dict[str, float]:
    """The factors of a sweep (`sweep_scores`) the text quotes, among those at which some image
    had room: both ends ('low', 'high'), 1 ('one', the images as rendered) and its resampled
    neighbours ('below', 'above')."""
    factors = scores.factor[scores.images > 0].unique()
    return {
        "low": float(factors.min()),
        "below": float(factors[factors < 1].max()),
        "one": 1.0,
        "above": float(factors[factors > 1].min()),
        "high": float(factors.max()),
    }


def least(scores: pd.DataFrame, factor: float, column: str) -> float:
    """The smallest value of `column` over the numbers of balls at `factor` (of
    `sweep_scores`)."""
    return float(scores.loc[scores.factor == factor, column].min())
