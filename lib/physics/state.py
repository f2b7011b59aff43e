"""State: each clip's positions and velocities, fitted to all its input frames through the rules.

Between frames without an event (a wall bounce or a collision inside the interval) a ball's
displacement is its velocity. A candidate state at frame j takes the tracked positions at j and,
per ball, the displacement over one of the two intervals next to j (to j + 1, or from j - 1),
so that a ball with an event on one side of j takes its velocity from the other side. Every
interval of a clip may hold some ball's event, but rarely both of one ball's.

The rules resolve colliding pairs one after another, each with the velocities the pairs before
left, in the order of a numbering of the balls (pairs (i, k), k < i, by i then k), and which
ball carries which number the frames do not show; the order only matters when one ball meets two
others in the same sub-step. So each numbering is a candidate too (every order of the pairs,
for three balls). Candidates grow as 2^B B! with B balls: a fraction of a second for three.

Each candidate rolls the rules forward over the remaining input frames and the future. The
earliest candidate that reproduces every later tracked centre is kept, so a bounce or collision
elsewhere in the window is simulated rather than averaged into a velocity. Where candidates of
the same start frame reproduce the input too but foresee another future (a meeting of three
balls whose order no input frame shows), the spread of their futures says so, and the futures
of the numberings that explain the clip are kept: their mean, with equal weights, is the
prediction of least expected squared error when every numbering is equally likely.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import torch
from torch import Tensor

from lib.physics.motion import Rules, roll_out
from lib.settings import POSITION_TOLERANCE


@dataclass(frozen=True)
class StateFit:
    """The chosen state per clip, how well it reproduces the tracked centres, and its future."""

    start_frame: Tensor  # (N,) the frame j whose state was taken
    trajectory: Tensor  # (N, T, B, 2) positions the rules give from j on; NaN before j
    future: Tensor  # (N, n_future, B, 2) positions the rules give after the last input frame
    position_error: Tensor  # (N,) largest distance between rolled-out and tracked centres, pixels
    # (N,) pixels to the furthest future of a rival as good (same start, explains)
    future_spread: Tensor
    # Per numbering of the balls, the future of the first candidate of that numbering and the
    # chosen start frame that explains the clip (N, P, n_future, B, 2), and its weight (N, P):
    # equal over the numberings that explain, summing to 1 (the chosen future alone, as the
    # first, where none explains). Their mean is the MSE-optimal prediction when the numbering
    # is unknown.
    numbered_futures: Tensor
    numbering_weights: Tensor


@dataclass(frozen=True)
class _Candidates:
    """Candidates (N, K) of one start frame: their trajectories, futures and errors."""

    trajectory: Tensor  # (N, K, T, B, 2)
    future: Tensor  # (N, K, n_future, B, 2)
    error: Tensor  # (N, K)


def fit_states(
    tracks: Tensor, present: Tensor, rules: Rules, n_future: int, radii: Tensor | None = None
) -> StateFit:
    """Fit tracks (N, T, B, 2) of the balls `present` (N, B), of `rules`' radius or their own
    `radii` (N, B), and roll them out `n_future` frames past the last; T >= 3 so that a candidate
    is checked."""
    n_clips, n_frames = tracks.shape[:2]
    if n_frames < 3:
        raise ValueError(f"need at least 3 input frames to check a velocity, got {n_frames}")
    groups = [
        _candidates(tracks, present, rules, start, n_future, radii) for start in range(n_frames - 2)
    ]
    error = torch.cat([group.error for group in groups], dim=1)  # (N, all K) in order of preference
    explains = error <= POSITION_TOLERANCE
    # The first candidate that explains the clip; where none does, the smallest error.
    chosen = torch.where(explains.any(1), explains.int().argmax(1), error.argmin(1))
    # The group of start frame j is the j-th: each candidate's start frame is its group's index.
    starts = torch.repeat_interleave(
        torch.arange(len(groups)), torch.tensor([g.error.shape[1] for g in groups])
    )
    rows = torch.arange(n_clips)
    trajectory = torch.cat([group.trajectory for group in groups], dim=1)[rows, chosen]
    futures = torch.cat([group.future for group in groups], dim=1)  # (N, all K, n_future, B, 2)
    rivals = explains & (starts[None] == starts[chosen][:, None])
    distance = torch.where(
        present[:, None, None], (futures - futures[rows, chosen][:, None]).norm(dim=-1), 0.0
    )
    spread = torch.where(rivals, distance.amax(dim=(2, 3)), 0.0).amax(1)
    explained = explains.any(1)
    numbered, weights = _numbered_futures(groups, starts[chosen], explained)
    # Where no candidate explains the clip, the chosen one's future alone.
    numbered = torch.where(
        explained[:, None, None, None, None], numbered, futures[rows, chosen][:, None]
    )
    weights = torch.where(explained[:, None], weights, 0.0)
    weights[:, 0] = torch.where(explained, weights[:, 0], 1.0)
    weights = weights / weights.sum(1, keepdim=True)
    return StateFit(
        starts[chosen],
        trajectory,
        futures[rows, chosen],
        error[rows, chosen],
        spread,
        numbered,
        weights,
    )


def _numbered_futures(
    groups: list[_Candidates], start: Tensor, explained: Tensor
) -> tuple[Tensor, Tensor]:
    """Per clip and numbering, the future of the first candidate of the clip's start frame `start`
    (N,) with that numbering that explains the clip, and whether there is one (as a weight)."""
    n_clips = len(start)
    n_numberings = groups[0].error.shape[1]  # frame 0 has one velocity choice per numbering
    numbered = groups[0].future.clone()
    weights = torch.zeros(n_clips, n_numberings, dtype=groups[0].future.dtype)
    for frame, group in enumerate(groups):
        mine = (start == frame) & explained
        if not mine.any():
            continue
        explains = (group.error[mine] <= POSITION_TOLERANCE).unflatten(1, (-1, n_numberings))
        first = explains.int().argmax(1)  # (M, P): the first velocity choice that explains
        futures = group.future[mine].unflatten(1, (-1, n_numberings))  # (M, S, P, n_future, B, 2)
        numbered[mine] = futures[
            torch.arange(len(first))[:, None], first, torch.arange(n_numberings)[None]
        ]
        weights[mine] = explains.any(1).to(weights.dtype)
    return numbered, weights


def _candidates(
    tracks: Tensor,
    present: Tensor,
    rules: Rules,
    start: int,
    n_future: int,
    radii: Tensor | None = None,
) -> _Candidates:
    """Every velocity choice and numbering at frame `start`, rolled out in one batch."""
    n_clips, n_frames, n_balls = tracks.shape[:3]
    from_before, numberings = _choices(n_balls, start)  # (K, B) bool, (K, B) slot of each number
    n_candidates = len(numberings)
    positions = tracks[:, start, None].expand(-1, n_candidates, -1, -1)
    after = tracks[:, start + 1] - tracks[:, start]
    before = tracks[:, start] - tracks[:, start - 1] if start else after
    velocities = torch.where(from_before[None, :, :, None], before[:, None], after[:, None])
    # Number the balls by reordering the slots: the rules resolve pairs in slot order.
    renumber = numberings[None, :, :, None].expand(n_clips, -1, -1, 2)
    later, _ = roll_out(
        positions.gather(2, renumber).flatten(0, 1),
        velocities.gather(2, renumber).flatten(0, 1),
        present[:, None].expand(-1, n_candidates, -1).gather(2, renumber[..., 0]).flatten(0, 1),
        rules,
        n_frames - 1 - start + n_future,
        None
        if radii is None
        else radii[:, None].expand(-1, n_candidates, -1).gather(2, renumber[..., 0]).flatten(0, 1),
    )
    restore = numberings.argsort(dim=1)[None, :, None, :, None].expand(
        n_clips, -1, later.shape[1], -1, 2
    )
    later = later.unflatten(0, (n_clips, n_candidates)).gather(3, restore)  # (N, K, frames, B, 2)
    n_later = n_frames - 1 - start
    # (N, K, n_later, B)
    distance = (later[:, :, :n_later] - tracks[:, None, start + 1 :]).norm(dim=-1)
    error = torch.where(present[:, None, None], distance, 0.0).amax(dim=(2, 3))
    trajectory = torch.full(
        (n_clips, n_candidates) + tracks.shape[1:], float("nan"), dtype=tracks.dtype
    )
    trajectory[:, :, start] = tracks[:, None, start]
    trajectory[:, :, start + 1 :] = later[:, :, :n_later]
    return _Candidates(trajectory, later[:, :, n_later:], error)


def _choices(n_balls: int, start: int) -> tuple[Tensor, Tensor]:
    """Per candidate, which balls take the displacement from the frame before (none at frame 0)
    and the slots in the order of their numbers, all-forward and slot order first."""
    sides = (
        list(itertools.product((False, True), repeat=n_balls)) if start else [(False,) * n_balls]
    )
    # Two balls make one pair: their numbering changes nothing.
    numberings = (
        list(itertools.permutations(range(n_balls))) if n_balls > 2 else [tuple(range(n_balls))]
    )
    choices = list(itertools.product(sides, numberings))
    return (
        torch.tensor([side for side, _ in choices], dtype=torch.bool).reshape(
            len(choices), n_balls
        ),
        torch.tensor([numbering for _, numbering in choices], dtype=torch.int64).reshape(
            len(choices), n_balls
        ),
    )
