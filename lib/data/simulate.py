"""Seeded, vectorised simulator of the bouncing-balls data (Sutskever, Hinton & Taylor, 2008).

Follows the original `bouncing_balls.py`: n balls of mass 1 in a continuous square box, each
frame recorded and then followed by `substeps` moves of v / substeps, a wall reflection and
pairwise elastic collisions; frames rendered as flat-topped disks exp(-(d / r)^8), clipped at 1.
Work is vectorised across clips; loops run only over frames, sub-steps and ball pairs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lib.settings import BALL_COUNTS

MAX_START_DRAWS = 10_000  # a start state this rare means the radii cannot fit in the box
RENDER_CHUNK_CLIPS = 256  # bounds the temporaries of `render` to ~10 MB each


class NoRoomError(RuntimeError):
    """The balls asked for found no valid start state: they do not fit in the box apart."""


# The simulator's variants of the rules, named as lib.physics.motion names them: walls reflect the
# velocity of a ball that crosses them; balls collide while overlapping and approaching.
WALL_RULE, COLLISION_RULE = "reflect", "approaching"


@dataclass(frozen=True)
class Physics:
    """Constants of the original generator."""

    box_size: float = 10.0
    speed: float = 0.5  # norm of all balls' velocities together, box units per frame
    substeps: int = 2
    start_low: float = 2.0  # the original draws start coordinates from [2, box_size): kept as is


@dataclass(frozen=True)
class Trajectories:
    """Ball states at every recorded frame; slots beyond a clip's ball count are NaN."""

    positions: np.ndarray  # (N, T, max_balls, 2): (x, y) in box units
    velocities: np.ndarray  # (N, T, max_balls, 2): box units per frame, in force after the frame


def simulate_trajectories(
    ball_counts: np.ndarray,
    n_frames: int,
    radii: np.ndarray,
    rng: np.random.Generator,
    physics: Physics = Physics(),
) -> Trajectories:
    """Simulate clip i with ball_counts[i] balls of radii radii[i, :ball_counts[i]]."""
    ball_counts = np.asarray(ball_counts)
    radii = np.asarray(radii, dtype=np.float64)
    if radii.ndim != 2 or len(radii) != len(ball_counts) or radii.shape[1] < ball_counts.max():
        raise ValueError(f"radii must have shape (N, >= max ball count), got {radii.shape}")
    if ball_counts.min() < 1:
        raise ValueError("every clip needs at least one ball")
    shape = (len(ball_counts), n_frames, radii.shape[1], 2)
    positions, velocities = np.full(shape, np.nan), np.full(shape, np.nan)
    # Clips with equal ball counts share array shapes, so each count is one vectorised batch.
    for n_balls in np.unique(ball_counts):
        clips = np.flatnonzero(ball_counts == n_balls)
        group_radii = radii[clips, :n_balls]
        x = _sample_starts(group_radii, rng, physics)
        v = _sample_velocities(len(clips), n_balls, rng, physics)
        for frame in range(n_frames):
            if frame:
                x, v = _advance_one_frame(x, v, group_radii, physics)
            positions[clips, frame, :n_balls] = x
            velocities[clips, frame, :n_balls] = v
    return Trajectories(positions, velocities)


def render(
    positions: np.ndarray,
    radii: np.ndarray,
    resolution: int = 32,
    physics: Physics = Physics(),
) -> np.ndarray:
    """Frames (N, T, res, res) float32 in [0, 1] of positions (N, T, B, 2) with radii (N, B)."""
    # Pixel centres at (k + 0.5) * box / res, as the original's `ar` helper computes them.
    centres = (np.arange(resolution) + 0.5) * physics.box_size / resolution
    frames = np.empty(positions.shape[:2] + (resolution, resolution), dtype=np.float32)
    for start in range(0, len(positions), RENDER_CHUNK_CLIPS):
        chunk = slice(start, start + RENDER_CHUNK_CLIPS)
        frames[chunk] = _render_chunk(positions[chunk], radii[chunk], centres)
    return frames


@dataclass(frozen=True)
class SimulatedClips:
    """`simulate_clips`'s frames and labels with the states and radii that made them."""

    frames: np.ndarray  # (N, T, res, res) float32
    labels: np.ndarray  # (N,) int64, balls per clip
    radii: np.ndarray  # (N, max_balls) box units; NaN beyond a clip's count
    trajectories: Trajectories  # states at every frame; frame 0 is the start state


def simulate_clips(
    n_clips: int,
    n_frames: int,
    rng: np.random.Generator,
    ball_counts: tuple[int, ...] = BALL_COUNTS,
    radius_range: tuple[float, float] = (1.2, 1.2),
    resolution: int = 32,
    physics: Physics = Physics(),
) -> tuple[np.ndarray, np.ndarray]:
    """Frames (N, T, res, res) float32 and labels (N,) int64, the number of balls per clip.

    Ball counts are uniform over `ball_counts`; every ball draws its own radius uniformly from
    `radius_range` (lo == hi gives the original's fixed radius).
    """
    simulated = simulate_clips_with_states(
        n_clips, n_frames, rng, ball_counts, radius_range, resolution, physics
    )
    return simulated.frames, simulated.labels


def simulate_clips_with_states(
    n_clips: int,
    n_frames: int,
    rng: np.random.Generator,
    ball_counts: tuple[int, ...] = BALL_COUNTS,
    radius_range: tuple[float, float] = (1.2, 1.2),
    resolution: int = 32,
    physics: Physics = Physics(),
) -> SimulatedClips:
    """`simulate_clips` (the same draws from `rng`, so the same clips), with the states."""
    labels = rng.choice(np.asarray(ball_counts, dtype=np.int64), size=n_clips)
    radii = rng.uniform(*radius_range, size=(n_clips, max(ball_counts)))
    radii[np.arange(radii.shape[1]) >= labels[:, None]] = np.nan
    trajectories = simulate_trajectories(labels, n_frames, radii, rng, physics)
    frames = render(trajectories.positions, radii, resolution, physics)
    return SimulatedClips(frames, labels, radii, trajectories)


def advance(
    positions: np.ndarray,
    velocities: np.ndarray,
    radii: np.ndarray,
    n_frames: int,
    physics: Physics = Physics(),
) -> np.ndarray:
    """Positions (N, n_frames, B, 2) of the frames after the states (N, B, 2) of balls with radii
    (N, B), all present: the simulator's rules, pairs resolved in slot order."""
    frames = []
    for _ in range(n_frames):
        positions, velocities = _advance_one_frame(positions, velocities, radii, physics)
        frames.append(positions)
    return np.stack(frames, axis=1)


def _ball_pairs(n_balls: int) -> list[tuple[int, int]]:
    """Pairs (i, j), j < i, in the original's order, which matters when one ball hits two."""
    return [(i, j) for i in range(n_balls) for j in range(i)]


def _sample_starts(radii: np.ndarray, rng: np.random.Generator, physics: Physics) -> np.ndarray:
    """Uniform start positions (M, n, 2), re-drawn per clip until the state is valid."""
    starts = np.empty(radii.shape + (2,))
    pending = np.arange(len(radii))
    for _ in range(MAX_START_DRAWS):
        if not pending.size:
            return starts
        draw_shape = (pending.size,) + starts.shape[1:]
        starts[pending] = rng.uniform(physics.start_low, physics.box_size, draw_shape)
        pending = pending[~_is_valid_start(starts[pending], radii[pending], physics.box_size)]
    raise NoRoomError(
        f"no room: balls of radii up to {np.nanmax(radii[pending]):.2f}, "
        f"{radii.shape[1]} to a clip, found no valid start state (inside a box of side "
        f"{physics.box_size:g}, apart) in {MAX_START_DRAWS} random draws"
    )


def _is_valid_start(x: np.ndarray, radii: np.ndarray, box_size: float) -> np.ndarray:
    """Per clip: no ball crosses a wall and no two balls overlap."""
    r = radii[..., None]
    valid = ((x - r >= 0) & (x + r <= box_size)).all(axis=(1, 2))
    for i, j in _ball_pairs(radii.shape[1]):
        valid &= np.linalg.norm(x[:, i] - x[:, j], axis=-1) >= radii[:, i] + radii[:, j]
    return valid


def _sample_velocities(
    n_clips: int, n_balls: int, rng: np.random.Generator, physics: Physics
) -> np.ndarray:
    """Gaussian velocities (M, n, 2) scaled so all balls of a clip together have norm `speed`."""
    v = rng.standard_normal((n_clips, n_balls, 2))
    return v * (physics.speed / np.linalg.norm(v, axis=(1, 2), keepdims=True))


def _advance_one_frame(
    x: np.ndarray, v: np.ndarray, radii: np.ndarray, physics: Physics
) -> tuple[np.ndarray, np.ndarray]:
    """The original's sub-steps between two recorded frames: move, walls, collisions."""
    for _ in range(physics.substeps):
        x = x + v / physics.substeps
        v = _bounce_off_walls(x, v, radii, physics.box_size)
        v = _collide(x, v, radii)
    return x, v


def _bounce_off_walls(
    x: np.ndarray, v: np.ndarray, radii: np.ndarray, box_size: float
) -> np.ndarray:
    """Point each velocity component away from a wall its ball crosses."""
    r = radii[..., None]
    v = np.where(x - r < 0, np.abs(v), v)
    return np.where(x + r > box_size, -np.abs(v), v)


def _collide(x: np.ndarray, v: np.ndarray, radii: np.ndarray) -> np.ndarray:
    """Elastic collisions of overlapping, approaching pairs of equal-mass balls."""
    v = v.copy()
    for i, j in _ball_pairs(x.shape[1]):
        offset = x[:, i] - x[:, j]
        distance = np.linalg.norm(offset, axis=-1, keepdims=True)
        w = offset / np.maximum(distance, np.finfo(float).tiny)  # coincident centres: w = 0, no hit
        closing = np.sum((v[:, i] - v[:, j]) * w, axis=-1, keepdims=True)
        # Deviation from the original: it also swaps when the balls already separate, so a pair
        # still overlapping after one swap swaps back and can stick together; we require
        # closing < 0 (approaching). Equal masses: a 1-D elastic collision swaps the
        # w-components, i.e. v_i -= closing * w and v_j += closing * w.
        hit = (distance < (radii[:, i] + radii[:, j])[:, None]) & (closing < 0)
        exchange = np.where(hit, closing, 0.0) * w
        v[:, i] -= exchange
        v[:, j] += exchange
    return v


def _render_chunk(positions: np.ndarray, radii: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """Render positions (n, T, B, 2): x along image columns, y along rows, as the original."""
    # float32 and in-place operations: rendering dominates the simulator's run time.
    centres = centres.astype(np.float32)
    frames = np.zeros(positions.shape[:2] + (len(centres), len(centres)), dtype=np.float32)
    for ball in range(positions.shape[2]):
        x = positions[:, :, ball, 0, None, None].astype(np.float32)
        y = positions[:, :, ball, 1, None, None].astype(np.float32)
        blob = (centres[None, :] - x) ** 2 + (centres[:, None] - y) ** 2
        blob /= radii[:, ball, None, None, None].astype(np.float32) ** 2  # (d / r)^2
        blob *= blob
        blob *= blob  # (d / r)^8
        np.exp(np.negative(blob, out=blob), out=blob)
        np.copyto(blob, 0.0, where=np.isnan(x))  # unused ball slots are NaN
        frames += blob
    return np.minimum(frames, 1.0, out=frames)
