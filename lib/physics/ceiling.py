"""The ceiling: the best prediction any predictor can make when the balls' numbering is all the
input frames hide.

The simulator resolves the pairs of balls that meet in one sub-step in the order of their
numbers, and nothing in a frame shows the numbers. Given a clip's true start state, each
numbering of its balls (a permutation of the slots) is re-simulated; the numberings whose input
frames match the clip's, to `tolerance`, are the futures the input allows, each as likely as
the others (the simulator draws its balls independently). Their mean is the prediction of least
expected squared error; the PSNR of its mean MSE bounds every predictor from above on these
clips. Only for files whose start states are known: the book's simulated ones.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lib.data.course_files import load_course_file, simulation_settings, split_train_val
from lib.data.simulate import Physics, advance, render, simulate_clips_with_states
from lib.settings import BALL_COUNTS


@dataclass(frozen=True)
class Ceiling:
    """Per clip, the mean of the futures its input allows, and how many numberings allow them."""

    frames: np.ndarray  # (N, n_out, res, res) float32
    n_numberings: np.ndarray  # (N,) numberings whose input frames match the clip's (>= 1)
    # (N,) bool: some of those numberings foresee another future than the clip's own (by more
    # than `tolerance` in a pixel), so that the mean differs from it
    several: np.ndarray


def ceiling_prediction(
    positions: np.ndarray,
    velocities: np.ndarray,
    radii: np.ndarray,
    n_input: int,
    n_frames: int,
    resolution: int = 32,
    physics: Physics | None = None,
    tolerance: float = 1e-6,
) -> Ceiling:
    """The MSE-optimal prediction of frames n_input..n_frames-1 of clips simulated from start
    states (positions and velocities (N, B, 2), box units, at frame 0) of balls with radii (N, B),
    NaN beyond a clip's ball count; `tolerance` is the largest pixel difference of matching input
    frames."""
    physics = physics or Physics()
    n_clips = len(positions)
    counts = np.isfinite(radii).sum(1)
    frames = np.zeros((n_clips, n_frames - n_input, resolution, resolution), dtype=np.float32)
    n_numberings = np.zeros(n_clips, dtype=np.int64)
    several = np.zeros(n_clips, dtype=bool)
    for n_balls in np.unique(counts):
        clips = np.flatnonzero(counts == n_balls)
        x, v, r = (a[clips, :n_balls] for a in (positions, velocities, radii))
        own, total = None, np.zeros((len(clips),) + frames.shape[1:], dtype=np.float64)
        differs = np.zeros(len(clips), dtype=bool)
        matches = np.zeros(len(clips), dtype=np.int64)
        # The identity first: the clip as simulated, which every other numbering is matched to.
        for permutation in itertools.permutations(range(n_balls)):
            order = list(permutation)
            path = np.concatenate(
                [
                    x[:, None, order],
                    advance(x[:, order], v[:, order], r[:, order], n_frames - 1, physics),
                ],
                axis=1,
            )
            clip = render(path, r[:, order], resolution, physics)
            if own is None:
                own = clip
            match = np.abs(clip[:, :n_input] - own[:, :n_input]).max(axis=(1, 2, 3)) <= tolerance
            other = np.abs(clip[:, n_input:] - own[:, n_input:]).max(axis=(1, 2, 3)) > tolerance
            differs |= match & other
            total[match] += clip[match, n_input:]
            matches += match
        frames[clips] = total / matches[:, None, None, None]
        n_numberings[clips], several[clips] = matches, differs
    return Ceiling(frames, n_numberings, several)


def validation_ceiling(path: Path, n_input: int = 5) -> tuple[Ceiling, np.ndarray] | None:
    """The ceiling of the validation split (`split_train_val`) of a Part 2 file this project
    simulated, re-simulated from its manifest entry, and that split's target frames; None for a
    supplied file (its start states are unknown). Raises if the re-simulation does not give the
    file's frames."""
    made = simulation_settings(path)
    if made is None:
        return None
    frames, labels = load_course_file(path, n_frames=made["n_frames"])
    physics = Physics(**made["physics"])
    simulated = simulate_clips_with_states(
        made["n_clips"],
        made["n_frames"],
        np.random.default_rng([made["seed"], made["seed_offset"]]),
        BALL_COUNTS,
        tuple(made["radius_range"]),
        made["resolution"],
        physics,
    )
    if simulated.frames.shape != frames.shape or np.abs(simulated.frames - frames).max() > 1e-6:
        raise ValueError(f"re-simulating {path.name} from its manifest entry gives other frames")
    _, (val, _) = split_train_val(frames, labels)
    first = len(frames) - len(val)
    states = simulated.trajectories
    ceiling = ceiling_prediction(
        states.positions[first:, 0],
        states.velocities[first:, 0],
        simulated.radii[first:],
        n_input,
        made["n_frames"],
        made["resolution"],
        physics,
    )
    return ceiling, val[:, n_input:]
