"""Tracking: put the same ball in the same slot in every frame of a clip."""

from __future__ import annotations

import itertools

import torch
from torch import Tensor

from lib.settings import RADIUS_WEIGHT


def order_balls(centres: Tensor, n_balls: int) -> Tensor:
    """Centres (N, T, n_balls, 2) reordered so slot b holds one ball throughout each clip.

    Frame by frame, the assignment closest to where the balls would be at constant velocity wins
    (at rest for the second frame). Colliding equal balls do not pass through each other, so the
    nearest assignment is the right one for balls that move less than a radius per frame.
    """
    tracks = centres[:, :, :n_balls].clone()
    orders = torch.tensor(list(itertools.permutations(range(n_balls))), dtype=torch.int64)  # (P, n)
    for t in range(1, tracks.shape[1]):
        expected = tracks[:, t - 1] + (tracks[:, t - 1] - tracks[:, t - 2] if t >= 2 else 0)
        candidates = tracks[:, t][:, orders]  # (N, P, n, 2)
        cost = (candidates - expected[:, None]).pow(2).sum(dim=(2, 3))
        tracks[:, t] = candidates[torch.arange(len(tracks)), cost.argmin(dim=1)]
    return tracks


def order_balls_and_radii(
    centres: Tensor, radii: Tensor | None, n_balls: int
) -> tuple[Tensor, Tensor | None]:
    """`order_balls`, where the balls may have radii of their own (N, T, >= n_balls) measured in
    every frame: the tracks (N, T, n_balls, 2), and each tracked ball's radius (N, n_balls), the
    median over the clip's frames (None where `radii` is None). The radius is tracked with the
    centre, weighted RADIUS_WEIGHT times a coordinate, so that balls of different sizes keep
    their identities where they meet (balls of unequal radii may trade velocities, so that
    each ends near where the other would have gone)."""
    if radii is None:
        return order_balls(centres, n_balls), None
    weighted = radii[..., :n_balls, None] * RADIUS_WEIGHT
    both = order_balls(torch.cat([centres[..., :n_balls, :], weighted], -1), n_balls)
    return both[..., :2].contiguous(), (both[..., 2] / RADIUS_WEIGHT).median(dim=1).values
