"""The collision rule, chosen among motion.COLLISION_RULES by how much of the training clips each
reproduces.

Two rules differ only where balls meet, so they are compared on training clips of several balls
that come within reach of each other (two radii and a frame's moves of both). Each rule fits
every such clip's state (lib/physics/state.py) and rolls it through the clip; the frames it does
not explain are those before the first start frame from which it reproduces every later tracked
centre (all of a clip's frames where none does). The rule leaving the smallest share of frames
unexplained is chosen; on a tie the earlier in COLLISION_RULES (this project's simulator's rule
first), so clips whose meetings no rule tells apart keep it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import torch
from torch import Tensor

from lib.physics.motion import COLLISION_RULES, Rules
from lib.physics.state import POSITION_TOLERANCE, fit_states


@dataclass(frozen=True)
class RuleChoice:
    """The chosen collision rule and the evidence: clips compared, and the share of their frames
    the chosen rule and the runner-up leave unexplained."""

    collision_rule: str
    clips: int
    unexplained_share: float
    runner_up: str
    runner_up_unexplained_share: float


def meeting_clips(tracks: Tensor, radius: float) -> Tensor:
    """Which clips (N,) of tracks (N, T, B, 2), B >= 2, hold two balls within reach of each other:
    closer than two radii plus the largest move of either in one frame."""
    reach = 2 * radius + 2 * tracks.diff(dim=1).norm(dim=-1).amax(dim=(1, 2))  # (N,)
    distance = (tracks[:, :, :, None] - tracks[:, :, None, :]).norm(dim=-1)  # (N, T, B, B)
    apart = distance + torch.eye(tracks.shape[2], dtype=tracks.dtype) * distance.new_tensor(1e9)
    return apart.amin(dim=(1, 2, 3)) < reach


def choose_collision_rule(tracks_by_count: list[Tensor], rules: Rules) -> RuleChoice:
    """The collision rule reproducing most of the tracked clips, given per ball count as
    (N_b, T, b, 2), with `rules`' radius, walls, sub-steps and wall rule."""
    n_clips = sum(len(tracks) for tracks in tracks_by_count)
    shares = {
        rule: _unexplained_share(tracks_by_count, replace(rules, collision_rule=rule))
        for rule in COLLISION_RULES
    }
    ranked = sorted(COLLISION_RULES, key=lambda rule: shares[rule])  # stable: ties keep the order
    best, runner_up = ranked[0], ranked[1]
    return RuleChoice(best, n_clips, shares[best], runner_up, shares[runner_up])


def _unexplained_share(tracks_by_count: list[Tensor], rules: Rules) -> float:
    unexplained, frames = 0.0, 0
    for tracks in tracks_by_count:
        if not len(tracks):
            continue
        present = torch.ones(tracks.shape[:1] + tracks.shape[2:3], dtype=torch.bool)
        fit = fit_states(tracks, present, rules, n_future=1)  # the future is not used
        explained = fit.position_error <= POSITION_TOLERANCE
        n_frames = tracks.shape[1]
        unexplained += float(torch.where(explained, fit.start_frame, n_frames).sum())
        frames += tracks.shape[0] * n_frames
    return unexplained / frames if frames else 0.0
