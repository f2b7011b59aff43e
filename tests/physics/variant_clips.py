"""Clips of each variant of the rules (lib/physics/motion.py's family), from this file's own
small generator (not lib/data/simulate.py): balls drawn with the renderer the predictor assumes,
exp(-(d / r)^p) clipped at 1, and walls, rim exponent, radius, speed and sub-steps that are not
the book's, so that a predictor that hard-coded those would fail. Balls may draw radii of their
own (`radii`), and have masses in proportion to their areas (`mass_rule` "area").
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import torch

SIZE = 32  # pixels a side
FIT_DRAWS = 1000  # start positions drawn for a clip's balls before one ball is left out
# Balls this large, fast and coarsely stepped between near walls meet while overlapping often
# enough (7% of clips) for the overlapping rule to show.
CROWDED = dict(radius=4.0, sharpness=6.0, walls=(4.0, 28.0, 4.0, 28.0), substeps=2, speed=6.0)
# STOVE's billiards environment (Kossen et al., ICLR 2020; repository jlko/STOVE) at its
# defaults in pixels: radius 1 of a 10-unit box on 32 px, rim exp(-(d/r)^8), 5 sub-steps, speed
# 0.5 units a frame; walls checked one move ahead, collisions where the next positions overlap.
STOVE_BILLIARDS = dict(
    wall_rule="next_hold",
    collision_rule="next_overlap",
    radius=3.2,
    sharpness=8.0,
    walls=(0.0, 32.0, 0.0, 32.0),
    substeps=5,
    speed=1.6,
)


@dataclass(frozen=True)
class Variant:
    """A generator's rules and constants, in pixels."""

    # or "hold": the ball is also put back one radius from the wall; or "next_hold" (STOVE's
    # billiards): a ball whose next move would reach the wall is put on it, velocity reversed
    wall_rule: str = "reflect"
    collision_rule: str = "approaching"  # or "overlapping", "next_overlap"
    radius: float = 2.5
    sharpness: float = 4.0  # the rim exponent p
    walls: tuple[float, float, float, float] = (2.0, 29.0, 1.0, 30.5)  # x low, x high, y low, high
    substeps: int = 3
    speed: float = 3.0  # norm of all balls' velocities together, pixels per frame
    # Each ball's radius drawn uniformly from this range (None: every ball has `radius`)
    radii: tuple[float, float] | None = None
    mass_rule: str = "equal"  # or "area": masses in proportion to r^2


def simulate(
    n_clips: int, variant: Variant, seed: int, n_frames: int = 10
) -> tuple[np.ndarray, np.ndarray]:
    """Positions (N, n_frames, 3, 2) of 1 to 3 balls per clip (NaN beyond a clip's count), and
    their radii (N, 3): each frame, then `substeps` moves of v / substeps, each followed by the
    walls and the collisions of the pairs (i, j), j < i, in that order."""
    rng = np.random.default_rng(seed)
    counts = rng.integers(1, 4, n_clips)
    present = np.arange(3)[None] < counts[:, None]  # (N, 3)
    r = np.full((n_clips, 3), variant.radius)
    if variant.radii is not None:
        r = rng.uniform(*variant.radii, (n_clips, 3))
    low = np.array(variant.walls[0::2]) + r[..., None]  # (N, 3, 2)
    high = np.array(variant.walls[1::2]) - r[..., None]
    x = _starts(n_clips, present, low, high, r, rng)
    v = rng.standard_normal((n_clips, 3, 2)) * present[..., None]
    v *= variant.speed / np.linalg.norm(v, axis=(1, 2), keepdims=True)
    frames = []
    for _ in range(n_frames):
        frames.append(np.where(present[..., None], x, np.nan))
        for _ in range(variant.substeps):
            x = x + v / variant.substeps
            if variant.wall_rule == "next_hold":
                x, v = _hold_ahead(x, v, low, high, variant.substeps)
            else:
                v = np.where(x < low, np.abs(v), np.where(x > high, -np.abs(v), v))
            if variant.wall_rule == "hold":
                x = np.clip(x, low, high)
            for i in range(3):
                for j in range(i):
                    offset = x[:, i] - x[:, j]
                    distance = np.linalg.norm(offset, axis=-1, keepdims=True)
                    w = offset / np.maximum(distance, 1e-300)
                    closing = np.sum((v[:, i] - v[:, j]) * w, axis=-1, keepdims=True)
                    reach = (r[:, i] + r[:, j])[:, None]
                    if variant.collision_rule == "next_overlap":
                        step = (v[:, i] - v[:, j]) / variant.substeps
                        hit = np.linalg.norm(offset + step, axis=-1, keepdims=True) < reach
                    elif variant.collision_rule == "overlapping":
                        hit = distance < reach
                    else:
                        hit = (distance < reach) & (closing < 0)
                    hit &= (present[:, i] & present[:, j])[:, None]
                    exchange = np.where(hit, closing, 0.0) * w
                    if variant.mass_rule == "area":
                        # Elastic, masses m ~ r^2: i changes by 2 m_j / (m_i + m_j) of the swap.
                        m_i, m_j = r[:, i, None] ** 2, r[:, j, None] ** 2
                        v[:, i] -= 2 * m_j / (m_i + m_j) * exchange
                        v[:, j] += 2 * m_i / (m_i + m_j) * exchange
                    else:
                        v[:, i] -= exchange
                        v[:, j] += exchange
    return np.stack(frames, axis=1), np.where(present, r, np.nan)


def _hold_ahead(x, v, low, high, substeps) -> tuple[np.ndarray, np.ndarray]:
    """STOVE's billiards walls, in this file's words: per axis, where the next move would take
    the centre to a wall's line or past it, the ball is placed on that line and turned around."""
    landing = x + v / substeps
    low_hit = landing <= low
    high_hit = (landing >= high) & ~low_hit
    placed = np.where(low_hit, low, np.where(high_hit, high, x))
    return placed, np.where(low_hit | high_hit, -v, v)


def _starts(n_clips, present, low, high, radii, rng) -> np.ndarray:
    """Start positions (N, 3, 2) inside the walls (N, 3, 2), the present balls of radii (N, 3)
    apart, redrawn until so. In a box too crowded for that (large balls between near walls), a
    clip whose balls found no room in FIT_DRAWS draws loses its last ball (`present` changes)."""
    x = np.empty((n_clips, 3, 2))
    pending = np.arange(n_clips)
    for draw in itertools.count(1):
        if not len(pending):
            break
        if draw % FIT_DRAWS == 0:
            last = present[pending].sum(1) - 1
            present[pending, last] = last == 0  # one ball always fits
        span = high[pending] - low[pending]
        x[pending] = low[pending] + rng.uniform(0, 1, (len(pending), 3, 2)) * span
        apart = np.ones(len(pending), dtype=bool)
        for i in range(3):
            for j in range(i):
                both = present[pending, i] & present[pending, j]
                reach = radii[pending, i] + radii[pending, j]
                near = np.linalg.norm(x[pending, i] - x[pending, j], axis=-1) < reach
                apart &= ~(both & near)
        pending = pending[~apart]
    return x


def draw(positions: np.ndarray, variant: Variant, radii: np.ndarray | None = None) -> torch.Tensor:
    """Frames (N, T, H, W) of balls at positions (N, T, B, 2), of `variant`'s radius or their own
    radii (N, B); NaN balls are not drawn."""
    centres = np.arange(SIZE) + 0.5
    dx2 = (centres - positions[..., 0, None]) ** 2
    dy2 = (centres - positions[..., 1, None]) ** 2
    r = variant.radius if radii is None else radii[:, None, :, None, None]
    d2 = (dy2[..., :, None] + dx2[..., None, :]) / r**2
    blobs = np.exp(-(d2 ** (variant.sharpness / 2)))
    return torch.from_numpy(np.minimum(np.nan_to_num(blobs).sum(2), 1.0))


def clips(n_clips: int, variant: Variant, seed: int) -> torch.Tensor:
    """Frames (N, 10, 32, 32) of `variant`."""
    positions, radii = simulate(n_clips, variant, seed)
    return draw(positions, variant, radii if variant.radii is not None else None)
