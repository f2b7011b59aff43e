"""Numbers as the book writes them in sentences and tables."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def sample_sd(values: Sequence[float]) -> float:
    """The standard deviation over seeds (ddof 1), 0 for a single value."""
    return float(np.std(values, ddof=1)) if len(values) > 1 else 0.0


def mean_sd(values: Sequence[float]) -> str:
    """'mean ± standard deviation' of per-seed values, in percent."""
    return f"{np.mean(values):.1%} ± {sample_sd(values):.1%}"


def joined(items: Sequence[str]) -> str:
    """Items separated by semicolons, as the book lists measured effects."""
    return "; ".join(items)


def listed(items: Sequence) -> str:
    """'1, 2 and 3'."""
    items = [str(item) for item in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def counted(n: int, noun: str) -> str:
    """'1 pixel', '2 pixels', '15 epochs': a count with its noun, singular or plural."""
    return f"{n} {noun}" + ("" if n == 1 else "s")


def balls(n: int) -> str:
    """'1 ball', '2 balls': the count the book writes most."""
    return counted(n, "ball")


def fixed(x: float, digits: int) -> str:
    """x with `digits` decimals and never a negative zero: -0.0004 gives '0.00', not '-0.00'."""
    return f"{round(x, digits) + 0.0:.{digits}f}"


SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def power_of_ten(x: float) -> str:
    """'2 · 10⁻³', '10⁻³' (a mantissa of 1 is left out), '5 · 10⁻⁴': a setting as the text
    writes it, with no-break spaces around the dot so that a line never ends inside the number."""
    mantissa, exponent = f"{x:.0e}".split("e")
    power = "10" + str(int(exponent)).translate(SUPERSCRIPT)
    return power if mantissa == "1" else f"{mantissa}\u00a0·\u00a0{power}"
