"""The book's one rule for judging a difference between two measured results.

A difference of means counts only when it exceeds the noise band from the seeds of both sides:
NOISE_SDS standard errors of the difference, NOISE_SDS · sqrt(s_a²/n_a + s_b²/n_b), with s the
seed-to-seed standard deviation of each side (a row's own, or one pooled over rows that share it,
as Task 7's ablation does) and n its number of seeds. With a single run on either side there is no
band: the verdict is "one run" and nothing is judged. Every chapter and the conclusion judge by
`verdict`; nothing else turns a difference into a word.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from lib.report.words import sample_sd
from lib.settings import NOISE_SDS

BETTER, WORSE, WITHIN, ONE_RUN = "better", "worse", "within noise", "one run"


@dataclass(frozen=True)
class Seeds:
    """One side of a comparison: the mean over its seeds, their standard deviation, their number."""

    mean: float
    sd: float
    n: int

    @classmethod
    def of(cls, values: Sequence[float], sd: float | None = None) -> Seeds:
        """The side measured by `values` (one per seed); `sd` replaces their own deviation (a
        deviation pooled over several rows)."""
        if len(values) == 0:
            raise ValueError("a side of a comparison needs at least one run")
        own = sample_sd(values)
        return cls(float(sum(values) / len(values)), own if sd is None else sd, len(values))

    @classmethod
    def recorded(cls, record: dict) -> Seeds:
        """The side of a record of lib.report.results (value, std, n_seeds)."""
        return cls(record["value"], record["std"], record["n_seeds"])


def band(a: Seeds, b: Seeds, sds: float = NOISE_SDS) -> float | None:
    """How far the two means may differ by chance; None when a side is a single run."""
    if a.n < 2 or b.n < 2:
        return None
    return sds * math.sqrt(a.sd**2 / a.n + b.sd**2 / b.n)


def verdict(a: Seeds, b: Seeds, higher_is_better: bool = True, sds: float = NOISE_SDS) -> str:
    """`a` against `b`: "better" or "worse" beyond the noise band, else "within noise"; "one run"
    when a side has a single run (no band, no judgement)."""
    width = band(a, b, sds)
    if width is None:
        return ONE_RUN
    difference = (a.mean - b.mean) * (1 if higher_is_better else -1)
    if difference > width:
        return BETTER
    if difference < -width:
        return WORSE
    return WITHIN


def variant_key(word: str) -> str:
    """A verdict as a chapter's `{when=}` variant names it, without spaces: "within-noise"."""
    return word.replace(" ", "-")
