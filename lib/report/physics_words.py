"""Chapter 6's physics-informed predictor in words: the identified settings as its settings table
prints them, and the rules that turn the chapter's numbers into the words it glues."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from lib.physics.identify import Settings
from lib.report.words import balls
from lib.settings import RADIUS_GOAL, SAME_DB, WALL_GOAL_SHARE

RADIUS_RULE_NAMES = {"one": "one", "per_ball": "per ball"}


def radius_text(settings: Settings) -> str:
    """The one radius, or the range of the lone balls' own radii."""
    if settings.radius_rule == "one":
        return f"{settings.radius:.3f}"
    low, high = settings.radii_seen
    return f"{low:.3f} to {high:.3f}"


def mass_evidence(settings: Settings) -> str:
    """How well the chosen mass rule and the other reproduce the clips where balls meet."""
    if not settings.mass_runner_up:
        return "not compared: one radius"
    if not settings.rule_clips:
        return "no clip where balls meet"
    return (
        f"{settings.unexplained_share:.2%} / {settings.mass_runner_up_unexplained_share:.2%}, "
        f"{settings.mass_runner_up}"
    )


def identification_against_simulator(
    errors: tuple[float, float, bool] | None, frame_px: int
) -> str:
    """Whether the identified settings meet their goals against the simulator's: "met", "missed",
    or "supplied" (None: supplied files, no simulator's settings). `errors` come from
    lib.physics.workflow.settings_errors: radius's relative error, largest wall error in px,
    sub-steps exact."""
    if errors is None:
        return "supplied"
    radius, walls, substeps = errors
    met = radius <= RADIUS_GOAL and walls <= WALL_GOAL_SHARE * frame_px and substeps
    return "met" if met else "missed"


def identification_values(errors: tuple[float, float, bool], prefix: str = "") -> dict[str, str]:
    """How far identified settings are from the simulator's (lib.physics.workflow.settings_errors:
    radius share, largest wall error in pixels, sub-step count exact or not), as the text prints
    them, each named `prefix` + radius_error, wall_error or substeps_exact."""
    radius, walls, substeps_exact = errors
    values = {
        "radius_error": rounded_up(radius, 2, percent=True),
        "wall_error": rounded_up(walls, 3),
        "substeps_exact": "exact" if substeps_exact else "wrong",
    }
    return {prefix + name: value for name, value in values.items()}


def rounded_up(x: float, decimals: int, percent: bool = False) -> str:
    """x rounded up (never down) to `decimals`, so that "within" it stays true: 0.00004 as a
    percentage with 2 decimals gives '0.01%', not '0.00%'."""
    scale = 10 ** (decimals + (2 if percent else 0))
    up = max(math.ceil(x * scale - 1e-9), 1) / scale  # 'within 0.00%' would read as exact
    return f"{up:.{decimals}%}" if percent else f"{up:.{decimals}f}"


def agreement(share: float) -> str:
    """'every one' or '97.0%': on how many clips the counts agree."""
    return "every one" if share == 1.0 else f"{share:.1%}"


def sent_reasons(reasons: Mapping[str, int]) -> str:
    """Why the gate sent clips to the network, from lib.physics.predictor.reason_counts."""
    return "; ".join(f"{reason} ({count})" for reason, count in reasons.items())


def physics_failure(
    clip: int,
    n_balls: int,
    event: str,
    physics_psnr: float,
    hybrid_psnr: float,
    reason: str,
    reproduction_mse: float,
) -> str:
    """One validation clip the physics predicts below FAILURE_DB, and what the gate made of it."""
    head = f"Clip {clip} ({balls(n_balls)}, {event}): physics {physics_psnr:.1f} dB"
    if reason:
        flat = re.sub(r" \((.*)\)$", r", \1", reason)  # "x (detail)" -> "x, detail"
        return f"{head}; sent to the network ({flat}), hybrid {hybrid_psnr:.1f} dB."
    return f"{head}; kept, input reproduced (MSE {reproduction_mse:.1e})."


def failures_shown(n_below: int, n_drawn: int) -> str:
    """Which clips the failure figure draws: "none" below FAILURE_DB (the worst clip is drawn),
    "all" of those below, or only "some" of them (the worst)."""
    if not n_below:
        return "none"
    return "all" if n_drawn >= n_below else "some"


def averaged_failures(n_below: int, n_averaged: int) -> str:
    """How many of the clips the physics predicts below FAILURE_DB it predicted as the mean of
    several futures (where the input does not tell the futures apart): "all", "some" or "none"."""
    if not n_below or not n_averaged:
        return "none"
    return "all" if n_averaged >= n_below else "some"


def gain_two_ways(mean_gain_db: float, mse_gain_db: float) -> str:
    """Where a gain measured both ways (mean of per-clip PSNRs, PSNR of the mean MSE) sits: on the
    "good" clips, on the "hard" clips, or the "same" on both (within SAME_DB)."""
    if mean_gain_db > mse_gain_db + SAME_DB:
        return "good"
    if mse_gain_db > mean_gain_db + SAME_DB:
        return "hard"
    return "same"


def hybrid_verdict(
    hybrid: Mapping[str, float],
    network: Mapping[str, float],
    physics: Mapping[str, float],
    physics_share: float,
) -> str:
    """The hybrid against the final network and the physics alone on both measures that failures
    dominate (scores hold "psnr_of_mean_mse" and "ssim"; `physics_share` is the share of clips the
    gate kept for the physics): "network-only", "best", "beats-network" or "not-better"."""
    if physics_share == 0:
        return "network-only"

    def at_least(other: Mapping[str, float]) -> bool:
        return (
            hybrid["psnr_of_mean_mse"] >= other["psnr_of_mean_mse"]
            and hybrid["ssim"] >= other["ssim"]
        )

    if at_least(network):
        return "best" if at_least(physics) else "beats-network"
    return "not-better"


def gate_notices(kept: int, n_clips: int) -> bool:
    """Whether the self-check chosen on the first file's training clips keeps at most a tenth of
    the clips of a simulator with other settings."""
    return kept <= 0.1 * n_clips
