"""The collision rule (and, where the balls have radii of their own, the mass rule), chosen among
motion.COLLISION_RULES (and motion.MASS_RULES) by how much of the training clips each reproduces.

Two rules differ only where balls meet, so they are compared on training clips of several balls
that come within reach of each other (two radii and a frame's moves of both). Each rule fits
every such clip's state (lib/physics/state.py) and rolls it through the clip; the frames it does
not explain are those before the first start frame from which it reproduces every later tracked
centre (all of a clip's frames where none does). The rule leaving the smallest share of frames
unexplained is chosen; on a tie the earlier in COLLISION_RULES (this project's simulator's rule
first), so clips whose meetings no rule tells apart keep it. Where the balls have radii of their
own, every collision rule is tried with every mass rule (equal masses first on a tie); balls of
one radius have equal masses under every mass rule, which is then not compared.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import torch
from torch import Tensor

from lib.physics.motion import COLLISION_RULES, MASS_RULES, Rules
from lib.physics.state import fit_states
from lib.settings import POSITION_TOLERANCE


@dataclass(frozen=True)
class RuleChoice:
    """The chosen collision rule and the evidence: clips compared, and the share of their frames
    the chosen rule and the runner-up leave unexplained."""

    collision_rule: str
    clips: int
    unexplained_share: float
    runner_up: str
    runner_up_unexplained_share: float
    mass_rule: str = "equal"
    # the other mass rule with the chosen collision rule ("" where masses were not compared)
    mass_runner_up: str = ""
    mass_runner_up_unexplained_share: float = 0.0


def meeting_clips(tracks: Tensor, radius: float, radii: Tensor | None = None) -> Tensor:
    """Which clips (N,) of tracks (N, T, B, 2), B >= 2, hold two balls within reach of each other:
    closer than two radii (the largest two of `radii` (N, B), where the balls have their own)
    plus the largest move of either in one frame."""
    sizes = 2 * radius if radii is None else radii.topk(2, dim=1).values.sum(1)
    reach = sizes + 2 * tracks.diff(dim=1).norm(dim=-1).amax(dim=(1, 2))  # (N,)
    distance = (tracks[:, :, :, None] - tracks[:, :, None, :]).norm(dim=-1)  # (N, T, B, B)
    apart = distance + torch.eye(tracks.shape[2], dtype=tracks.dtype) * distance.new_tensor(1e9)
    return apart.amin(dim=(1, 2, 3)) < reach


def choose_collision_rule(
    tracks_by_count: list[Tensor], rules: Rules, radii_by_count: list[Tensor] | None = None
) -> RuleChoice:
    """The collision rule (and mass rule) reproducing most of the tracked clips, given per ball
    count as (N_b, T, b, 2), with `rules`' radius, walls, sub-steps and wall rule; with
    `radii_by_count` (N_b, b), the balls' own radii, every mass rule is tried too."""
    n_clips = sum(len(tracks) for tracks in tracks_by_count)
    masses = MASS_RULES if radii_by_count is not None else ("equal",)
    pairs = [(rule, mass) for rule in COLLISION_RULES for mass in masses]
    shares = {
        pair: _unexplained_share(
            tracks_by_count,
            replace(rules, collision_rule=pair[0], mass_rule=pair[1]),
            radii_by_count,
        )
        for pair in pairs
    }
    best = min(pairs, key=lambda pair: shares[pair])  # the first of the smallest: ties keep order
    rule, mass = best
    others = [pair for pair in pairs if pair[0] != rule]
    runner_up = min(others, key=lambda pair: (shares[pair], pair[1] != mass))
    other_mass = [pair for pair in pairs if pair[0] == rule and pair[1] != mass]
    return RuleChoice(
        rule,
        n_clips,
        shares[best],
        runner_up[0],
        shares[runner_up],
        mass,
        other_mass[0][1] if other_mass else "",
        shares[other_mass[0]] if other_mass else 0.0,
    )


def _unexplained_share(
    tracks_by_count: list[Tensor], rules: Rules, radii_by_count: list[Tensor] | None = None
) -> float:
    unexplained, frames = 0.0, 0
    for index, tracks in enumerate(tracks_by_count):
        if not len(tracks):
            continue
        present = torch.ones(tracks.shape[:1] + tracks.shape[2:3], dtype=torch.bool)
        radii = None if radii_by_count is None else radii_by_count[index]
        fit = fit_states(tracks, present, rules, n_future=1, radii=radii)  # the future is unused
        explained = fit.position_error <= POSITION_TOLERANCE
        n_frames = tracks.shape[1]
        unexplained += float(torch.where(explained, fit.start_frame, n_frames).sum())
        frames += tracks.shape[0] * n_frames
    return unexplained / frames if frames else 0.0
