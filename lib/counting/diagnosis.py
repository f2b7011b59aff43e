"""Part 1: tools to diagnose what a ball counter keys on.

- `brightness_counter`: the rule a network falls back on when every training ball has the same
  size, the total brightness divided by the brightness of one training ball.
- `best_blob_threshold`: the level at which a rule that ignores size, the number of separate
  bright regions (`lib.data.blobs.count_blobs`), counts the training images best.
- `size_probe`: fresh simulated images of 1, 2 or 3 balls that share one radius, swept over a
  range of radii, to see how a model's count changes with ball size alone.
- `ball_radii`, `radius_span`, `probe_radii`: the balls' radius measured from the images, so
  that the chapters state the sizes of the files at hand, supplied or simulated.
- `edge_gap`: how close the balls of a set of images come to the top and left edges.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
from torch import Tensor, nn

from lib.counting.workflow import predicted_counts
from lib.data.blobs import count_blobs
from lib.data.course_files import IMAGE_SIZE
from lib.data.simulate import NoRoomError, Physics, simulate_clips
from lib.settings import BALL_BODY_LEVEL, BALL_COUNTS
from lib.training.loop import predict

# The renderer draws a ball of radius r as exp(-(d / r)^8) around its centre (lib.data.simulate), so
# its brightness summed over the pixels is the integral of that profile, pi r^2 Gamma(5/4), with
# r in pixels. Wall contact and overlaps clip a little of it; medians make that negligible.
PROFILE_AREA = math.pi * math.gamma(1.25)
PIXELS_PER_UNIT = IMAGE_SIZE / Physics().box_size


def ball_brightness(radius: float | np.ndarray) -> float | np.ndarray:
    """The summed pixel values of one rendered ball of `radius` (box units), whole in the frame."""
    return PROFILE_AREA * (np.asarray(radius) * PIXELS_PER_UNIT) ** 2


def radius_from_brightness(brightness: float | np.ndarray) -> float | np.ndarray:
    """The radius (box units) of the rendered ball whose summed pixel values are `brightness`."""
    return np.sqrt(np.asarray(brightness) / PROFILE_AREA) / PIXELS_PER_UNIT


def ball_radii(images, counts) -> np.ndarray:
    """Per image of N (…, 32, 32) images holding `counts` (N,) balls: the radius, in box units,
    of a rendered ball with the image's brightness per ball. That is the radius of the ball of a
    single-ball image, and the root mean square of the radii for several balls. For images drawn
    by another renderer, it is the radius of the simulator's ball of the same brightness."""
    images = np.asarray(images, dtype=np.float64)
    totals = images.reshape(len(images), -1).sum(axis=1)
    return np.asarray(radius_from_brightness(totals / np.asarray(counts)))


def radius_span(images, counts) -> tuple[float, float]:
    """The smallest and largest ball radius (box units) in a file, from its single-ball images,
    where the measure is exact; from every image's radius per ball when there are none."""
    radii = ball_radii(images, counts)
    single = radii[np.asarray(counts) == 1]
    radii = single if single.size else radii
    return float(radii.min()), float(radii.max())


def probe_radii(training_radius: float, span: tuple[float, float], step: float = 0.1) -> np.ndarray:
    """Radii for the size probe: a grid of `step` from half the training radius to 1.6 times it,
    widened to cover `span` (the test file's radii), plus the training radius itself (to 0.01)."""
    low = min(round(0.5 * training_radius / step), math.floor(span[0] / step + 0.5))
    high = max(round(1.6 * training_radius / step), math.ceil(span[1] / step - 0.5))
    grid = np.round(np.arange(max(low, 1), high + 1) * step, 2)
    return np.unique(np.append(grid, round(training_radius, 2)))


def brightness_per_ball(images: Tensor, counts: Tensor) -> float:
    """The median over images of the total brightness divided by the number of balls."""
    totals = images.sum(dim=(1, 2, 3)).numpy()
    return float(np.median(totals / counts.numpy()))


def brightness_counter(images: Tensor, per_ball: float) -> np.ndarray:
    """Predicted counts: total brightness in units of `per_ball`, rounded, clipped to 1..3."""
    ratio = images.sum(dim=(1, 2, 3)).numpy() / per_ball
    return np.clip(np.rint(ratio), min(BALL_COUNTS), max(BALL_COUNTS)).astype(int)


def best_blob_threshold(
    images: Tensor,
    counts: Tensor,
    candidates: Sequence[float] = tuple(np.round(np.arange(0.05, 1.0, 0.05), 2)),
) -> float:
    """The candidate level under which `count_blobs` counts these images (N, 1, H, W) best
    (the lowest one on a tie)."""
    scores = [np.mean(count_blobs(images[:, 0], t) == counts.numpy()) for t in candidates]
    return float(candidates[int(np.argmax(scores))])


@dataclass
class SizeProbe:
    """Simulated images (N, 1, 32, 32) with their number of balls and the balls' shared radius;
    `left_out` lists the (number of balls, radius) cells that found no room in the box."""

    images: Tensor
    counts: np.ndarray
    radii: np.ndarray
    left_out: list[tuple[int, float]]


def size_probe(radii: Sequence[float], per_cell: int, seed: int = 0) -> SizeProbe:
    """`per_cell` images for every (number of balls, radius) pair, balls placed as the
    simulator places them (uniform start positions, inside the box, not overlapping). A pair
    whose balls do not fit apart in the box within the simulator's bounded number of draws is
    left out. Each pair draws from its own stream, so leaving one out changes no other."""
    images, counts, cell_radii, left_out = [], [], [], []
    for count in BALL_COUNTS:
        for index, radius in enumerate(radii):
            rng = np.random.default_rng([seed, count, index])
            try:
                frames, labels = simulate_clips(
                    per_cell, 1, rng, ball_counts=(count,), radius_range=(radius, radius)
                )
            except NoRoomError:
                left_out.append((count, float(radius)))
                continue
            images.append(frames)
            counts.append(labels)
            cell_radii.append(np.full(per_cell, radius))
    return SizeProbe(
        torch.from_numpy(np.concatenate(images)),
        np.concatenate(counts),
        np.concatenate(cell_radii),
        left_out,
    )


def unchanged_images(before: Tensor, after: Tensor) -> int:
    """How many images `rescale_balls` left exactly as they were (their balls found no room to
    change size)."""
    return int((before == after).flatten(1).all(dim=1).sum())


def probe_predictions(models: Sequence[nn.Module], probe: SizeProbe) -> pd.DataFrame:
    """Per (true count, radius): the mean predicted count and the accuracy, pooled over models."""
    predicted = np.stack([predicted_counts(predict(m, probe.images)).numpy() for m in models])
    table = pd.DataFrame(
        {
            "count": np.tile(probe.counts, len(models)),
            "radius": np.tile(probe.radii, len(models)),
            "predicted": predicted.ravel(),
        }
    )
    table["correct"] = table["predicted"] == table["count"]
    return (
        table.groupby(["count", "radius"])
        .agg(mean_predicted=("predicted", "mean"), accuracy=("correct", "mean"))
        .reset_index()
    )


def edge_gap(images: Tensor, body_level: float = BALL_BODY_LEVEL) -> int:
    """The fewest pixels between the top or left edge and a ball's body (pixels brighter than
    `body_level`), over the images (N, 1, H, W) that show one."""
    body = images[:, 0] > body_level
    body = body[body.flatten(1).any(dim=1)]
    if not len(body):
        raise ValueError(f"no pixel of these images is brighter than {body_level}")
    rows, cols = body.any(dim=2).float().argmax(dim=1), body.any(dim=1).float().argmax(dim=1)
    return int(torch.minimum(rows, cols).min())
