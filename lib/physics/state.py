"""State: each clip's positions and velocities, fitted to all its input frames through the rules.

Between frames j and j + 1 without an event (a wall bounce or a collision inside the interval)
the displacement is the velocity. Each candidate start frame j takes the tracked positions at j
and the displacements to j + 1 as its state and rolls the rules forward over the remaining input
frames; the earliest candidate that reproduces every later tracked centre is kept, so a bounce
or collision elsewhere in the window is simulated rather than averaged into the velocity.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor

from lib.physics.motion import Rules, roll_out

# A candidate that reproduces every tracked centre to this many pixels explains the clip.
POSITION_TOLERANCE = 1e-3


@dataclass(frozen=True)
class StateFit:
    """The chosen state per clip and how well it reproduces the tracked centres."""

    start_frame: Tensor  # (N,) the frame j whose state was taken
    trajectory: Tensor  # (N, T, B, 2) positions the rules give from j on; NaN before j
    velocities: Tensor  # (N, B, 2) velocities after the last input frame
    position_error: Tensor  # (N,) largest distance between rolled-out and tracked centres, pixels


def fit_states(tracks: Tensor, present: Tensor, rules: Rules) -> StateFit:
    """Fit tracks (N, T, B, 2) of the balls `present` (N, B); T >= 3 so that a candidate is checked."""
    n_clips, n_frames = tracks.shape[:2]
    if n_frames < 3:
        raise ValueError(f"need at least 3 input frames to check a velocity, got {n_frames}")
    chosen = None
    for start in range(n_frames - 2):
        fit = _candidate(tracks, present, rules, start)
        if chosen is None:
            chosen = fit
            continue
        # Keep the earlier candidate when it explains the clip; otherwise the smaller error.
        keep = (chosen.position_error <= POSITION_TOLERANCE) | (chosen.position_error <= fit.position_error)
        chosen = StateFit(*(torch.where(keep.view(-1, *[1] * (a.ndim - 1)), a, b) for a, b in zip(
            (chosen.start_frame, chosen.trajectory, chosen.velocities, chosen.position_error),
            (fit.start_frame, fit.trajectory, fit.velocities, fit.position_error))))
    return chosen


def _candidate(tracks: Tensor, present: Tensor, rules: Rules, start: int) -> StateFit:
    positions = tracks[:, start]
    velocities = tracks[:, start + 1] - positions
    n_later = tracks.shape[1] - 1 - start
    later, final_velocities = roll_out(positions, velocities, present, rules, n_later)
    trajectory = torch.full_like(tracks, float("nan"))
    trajectory[:, start] = positions
    trajectory[:, start + 1:] = later
    distance = (later - tracks[:, start + 1:]).norm(dim=-1)  # (N, n_later, B)
    error = torch.where(present[:, None], distance, 0.0).amax(dim=(1, 2))
    return StateFit(torch.full((len(tracks),), start), trajectory, final_velocities, error)
