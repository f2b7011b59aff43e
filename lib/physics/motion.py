"""The rules of motion the predictor assumes, in pixel units, within a family of variants.

Between two frames every ball makes `substeps` straight moves of v / substeps. After each move a
ball whose centre lies within one radius of a wall gets that velocity component pointed away
from the wall (`wall_rule` "reflect": the ball stays where the move took it; "hold": it is also
put back on the wall, one radius from it). `wall_rule` "next_hold" (the billiards environment of
STOVE, Kossen et al. 2020) looks one move ahead instead: a ball whose next move would bring its
centre within one radius of a wall, or onto that line, is put on the wall and that velocity
component reversed. Then pairs of balls exchange their velocity
components along the line of centres (an elastic collision of equal masses) where
`collision_rule` says they collide: "approaching", closer than two radii and approaching;
"overlapping", closer than two radii, also while already separating (so an overlapping pair can
stick together); "next_overlap", closer than two radii after the next move at the velocities
they have. The pairs are resolved one after another in slot order, (i, k) with k < i by i then
k, each with the velocities the pairs before left: the state fit tries each numbering of the
balls as slots.

The balls have one radius, or each its own (`roll_out`'s radii: walls and collisions then use
each ball's, two balls meeting at the sum of theirs), and equal masses or (`mass_rule` "area")
masses in proportion to their areas, r^2: an elastic collision then changes the velocity of
ball i along the line of centres by 2 m_j / (m_i + m_j) times the equal-mass change.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor

WALL_RULES = ("reflect", "hold", "next_hold")
COLLISION_RULES = ("approaching", "overlapping", "next_overlap")
RADIUS_RULES = ("one", "per_ball")
MASS_RULES = ("equal", "area")


@dataclass(frozen=True)
class Rules:
    """What the rules need: the balls' radius, the walls per axis (x, y), the sub-steps, and the
    variant of the rules for walls, collisions and masses (one of WALL_RULES, COLLISION_RULES
    and MASS_RULES)."""

    radius: float
    low_walls: tuple[float, float]
    high_walls: tuple[float, float]
    substeps: int
    wall_rule: str = "reflect"
    collision_rule: str = "approaching"
    mass_rule: str = "equal"

    def __post_init__(self) -> None:
        if self.mass_rule not in MASS_RULES:
            raise ValueError(f"mass_rule must be one of {MASS_RULES}, got {self.mass_rule!r}")
        if self.wall_rule not in WALL_RULES:
            raise ValueError(f"wall_rule must be one of {WALL_RULES}, got {self.wall_rule!r}")
        if self.collision_rule not in COLLISION_RULES:
            raise ValueError(
                f"collision_rule must be one of {COLLISION_RULES}, got {self.collision_rule!r}"
            )


def roll_out(
    positions: Tensor,
    velocities: Tensor,
    present: Tensor,
    rules: Rules,
    n_frames: int,
    radii: Tensor | None = None,
) -> tuple[Tensor, Tensor]:
    """Positions (N, n_frames, B, 2) of the frames after the state (N, B, 2) at one frame, and the
    velocities (N, B, 2) after the last of them; the balls have `rules`' radius or, where given,
    their own `radii` (N, B).

    Balls whose `present` (N, B) is false take no part (their positions and radii may be NaN).
    """
    frames = []
    for _ in range(n_frames):
        for _ in range(rules.substeps):
            positions = positions + velocities / rules.substeps
            positions, velocities = _bounce_off_walls(positions, velocities, rules, radii)
            velocities = _collide(positions, velocities, present, rules, radii)
        frames.append(positions)
    return torch.stack(frames, dim=1), velocities


def _bounce_off_walls(
    x: Tensor, v: Tensor, rules: Rules, radii: Tensor | None
) -> tuple[Tensor, Tensor]:
    radius = rules.radius if radii is None else radii[..., None]
    low = torch.tensor(rules.low_walls, dtype=x.dtype) + radius
    high = torch.tensor(rules.high_walls, dtype=x.dtype) - radius
    if rules.wall_rule == "next_hold":
        ahead = x + v / rules.substeps
        at_low = ahead <= low
        at_high = ~at_low & (ahead >= high)
        x = torch.where(at_low, low, torch.where(at_high, high, x))
        return x, torch.where(at_low | at_high, -v, v)
    v = torch.where(x < low, v.abs(), v)
    v = torch.where(x > high, -v.abs(), v)
    if rules.wall_rule == "hold":
        x = torch.minimum(torch.maximum(x, low), high)
    return x, v


def _collide(x: Tensor, v: Tensor, present: Tensor, rules: Rules, radii: Tensor | None) -> Tensor:
    v = v.clone()
    for i in range(x.shape[1]):
        for j in range(i):
            reach = 2 * rules.radius if radii is None else (radii[:, i] + radii[:, j])[:, None]
            offset = x[:, i] - x[:, j]
            distance = offset.norm(dim=-1, keepdim=True)
            direction = offset / distance.clamp_min(torch.finfo(x.dtype).tiny)
            closing = ((v[:, i] - v[:, j]) * direction).sum(-1, keepdim=True)
            if rules.collision_rule == "next_overlap":
                apart = (offset + (v[:, i] - v[:, j]) / rules.substeps).norm(dim=-1, keepdim=True)
                hit = apart < reach
            else:
                hit = distance < reach
                if rules.collision_rule == "approaching":
                    hit = hit & (closing < 0)
            hit = hit & (present[:, i] & present[:, j])[:, None]
            exchange = torch.where(hit, closing * direction, 0.0)  # absent balls' NaN never passes
            if rules.mass_rule == "area" and radii is not None:
                # Masses m ~ r^2: ball i's change is 2 m_j / (m_i + m_j) of the equal-mass one's.
                area_i, area_j = radii[:, i, None] ** 2, radii[:, j, None] ** 2
                total = (area_i + area_j).nan_to_num(1.0)
                v[:, i] -= torch.where(hit, 2 * area_j / total * exchange, 0.0)
                v[:, j] += torch.where(hit, 2 * area_i / total * exchange, 0.0)
                continue
            v[:, i] -= exchange
            v[:, j] += exchange
    return v
