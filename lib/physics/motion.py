"""The rules of motion the predictor assumes, in pixel units.

Between two frames every ball makes `substeps` straight moves of v / substeps. After each move a
ball whose centre lies within one radius of a wall gets that velocity component pointed away
from the wall, and every pair of balls closer than two radii that approach each other exchange
their velocity components along the line of centres (an elastic collision of equal masses). The
pairs are resolved one after another in slot order, (i, k) with k < i by i then k, each with
the velocities the pairs before left: the state fit tries each numbering of the balls as slots.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor


@dataclass(frozen=True)
class Rules:
    """What the rules need: the balls' radius, the walls per axis (x, y) and the sub-steps."""

    radius: float
    low_walls: tuple[float, float]
    high_walls: tuple[float, float]
    substeps: int


def roll_out(
    positions: Tensor, velocities: Tensor, present: Tensor, rules: Rules, n_frames: int
) -> tuple[Tensor, Tensor]:
    """Positions (N, n_frames, B, 2) of the frames after the state (N, B, 2) at one frame, and the
    velocities (N, B, 2) after the last of them.

    Balls whose `present` (N, B) is false take no part (their positions may be NaN).
    """
    frames = []
    for _ in range(n_frames):
        for _ in range(rules.substeps):
            positions = positions + velocities / rules.substeps
            velocities = _bounce_off_walls(positions, velocities, rules)
            velocities = _collide(positions, velocities, present, rules.radius)
        frames.append(positions)
    return torch.stack(frames, dim=1), velocities


def _bounce_off_walls(x: Tensor, v: Tensor, rules: Rules) -> Tensor:
    low = torch.tensor(rules.low_walls, dtype=x.dtype) + rules.radius
    high = torch.tensor(rules.high_walls, dtype=x.dtype) - rules.radius
    v = torch.where(x < low, v.abs(), v)
    return torch.where(x > high, -v.abs(), v)


def _collide(x: Tensor, v: Tensor, present: Tensor, radius: float) -> Tensor:
    v = v.clone()
    for i in range(x.shape[1]):
        for j in range(i):
            offset = x[:, i] - x[:, j]
            distance = offset.norm(dim=-1, keepdim=True)
            direction = offset / distance.clamp_min(torch.finfo(x.dtype).tiny)
            closing = ((v[:, i] - v[:, j]) * direction).sum(-1, keepdim=True)
            hit = (distance < 2 * radius) & (closing < 0) & (present[:, i] & present[:, j])[:, None]
            exchange = torch.where(hit, closing * direction, 0.0)  # absent balls' NaN never passes
            v[:, i] -= exchange
            v[:, j] += exchange
    return v
