"""Chapter 6's physics-informed predictor in words: the identified settings as its settings table
prints them, and the numbers and lists the chapter's sentences quote, each true on any course
files (a count says "no clip" rather than "0 clips", an error is rounded up so that "within"
stays true)."""

from __future__ import annotations

import math
from collections.abc import Mapping

from lib.data.simulate import Physics
from lib.physics.identify import Settings
from lib.report.words import counted

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


def identification_errors(errors: tuple[float, float, bool]) -> dict[str, str]:
    """How far identified settings are from the simulator's (lib.physics.workflow.settings_errors:
    radius share, largest wall error in pixels, sub-step count exact or not), as the text prints
    them: `radius_error` and `wall_error`, each rounded up (the sub-step counts stand side by side
    in the settings table)."""
    radius, walls, _ = errors
    return {"radius_error": rounded_up(radius, 2, percent=True), "wall_error": rounded_up(walls, 3)}


def rounded_up(x: float, decimals: int, percent: bool = False) -> str:
    """x rounded up (never down) to `decimals`, so that "within" it stays true: 0.00004 as a
    percentage with 2 decimals gives '0.01%', not '0.00%'."""
    scale = 10 ** (decimals + (2 if percent else 0))
    up = max(math.ceil(x * scale - 1e-9), 1) / scale  # 'within 0.00%' would read as exact
    return f"{up:.{decimals}%}" if percent else f"{up:.{decimals}f}"


def of_clips(n: int, n_clips: int) -> str:
    """'all 32', 'none of the 32' or '30 of the 32': how many of the clips something holds for."""
    if n == n_clips:
        return f"all {n_clips}"
    return f"{'none' if n == 0 else n} of the {n_clips}"


def clips_phrase(n: int) -> str:
    """'no clip', '1 clip', '2 clips'."""
    return "no clip" if n == 0 else counted(n, "clip")


def sent_to_network(reasons: Mapping[str, int], n_clips: int) -> str:
    """How many of the `n_clips` validation clips the self-check sent to the network and why
    (lib.physics.predictor.reason_counts: reason -> clips, most frequent first)."""
    sent = sum(reasons.values())
    why = "; ".join(f"{reason}: {count}" for reason, count in reasons.items())
    return f"{of_clips(sent, n_clips)} validation clips" + (f" ({why})" if sent else "")


def generator_words(physics: Physics, radius: float) -> str:
    """A simulator's settings as a sentence gives them."""
    return (
        f"in box units, ball radius {radius:g}, box side {physics.box_size:g} and a total speed of "
        f"{physics.speed:g} per frame; {counted(physics.substeps, 'sub-step')} per frame"
    )
