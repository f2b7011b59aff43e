"""The identified physics settings in the words of chapter 6's settings table."""

from __future__ import annotations

from lib.physics.identify import Settings

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
