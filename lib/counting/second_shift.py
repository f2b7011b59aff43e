"""Part 1, Task 4: a second distribution shift, simulated here, to check a counter beyond the
one test file: balls whose radii span the whole range the size augmentation was given (so both
smaller and larger than the training balls), each ball its own radius, in another mix of counts.

Its settings come from the training file (its balls' radius and the augmentation's range) and
lib.settings (the mix of counts); the simulator only draws and renders the balls. Where the box
has no room for a number of balls at the largest radii, that number's upper radius shrinks
until the simulator can place them, and the range used is reported.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor

from lib.data.simulate import NoRoomError, simulate_clips
from lib.settings import BALL_COUNTS


@dataclass
class SecondShift:
    """Images (N, 1, 32, 32), their numbers of balls (N,), and per number of balls the range
    of radii (box units) its balls were drawn from."""

    images: Tensor
    counts: Tensor
    radius_ranges: dict[int, tuple[float, float]]


def second_shift(
    radius_range: tuple[float, float],
    count_weights: Sequence[float],
    n_images: int,
    seed: int,
    shrink: float = 0.95,
) -> SecondShift:
    """About `n_images` images, split over lib.settings.BALL_COUNTS in proportion to
    `count_weights`, each ball's radius drawn uniformly from `radius_range` (box units); a count
    whose balls find no room lowers its upper radius by the factor `shrink` until they do."""
    low, high = radius_range
    images, counts, ranges = [], [], {}
    for count, weight in zip(BALL_COUNTS, count_weights, strict=True):
        n = round(n_images * weight / sum(count_weights))
        if n == 0:
            continue
        upper = high
        while True:
            try:
                frames, labels = simulate_clips(
                    n,
                    1,
                    np.random.default_rng([seed, count]),
                    ball_counts=(count,),
                    radius_range=(low, upper),
                )
                break
            except NoRoomError:
                if upper <= low:
                    raise
                upper = max(low, upper * shrink)
        images.append(torch.from_numpy(np.ascontiguousarray(frames)))
        counts.append(torch.from_numpy(labels).long())
        ranges[count] = (low, upper)
    return SecondShift(torch.cat(images), torch.cat(counts), ranges)
