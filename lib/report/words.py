"""Numbers as the book writes them in sentences and tables."""

from __future__ import annotations

import inspect
from collections.abc import Sequence

import numpy as np
import torch


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
    """'2 · 10⁻³', '10⁻³' (a mantissa of 1 is left out), '1.6 · 10⁻⁴': a setting as the text
    writes it, with no-break spaces around the dot so that a line never ends inside the number;
    zero is '0'."""
    if x == 0:
        return "0"
    mantissa, exponent = f"{x:.1e}".split("e")
    mantissa = mantissa.removesuffix(".0")
    power = "10" + str(int(exponent)).translate(SUPERSCRIPT)
    return power if mantissa == "1" else f"{mantissa}\u00a0·\u00a0{power}"


ANNEALING = {"cos": "cosine", "linear": "linear"}


def learning_rate_text(schedule: str, lr: float) -> str:
    """A learning-rate schedule in words; the one-cycle's shape from torch's defaults, which
    lib.training.loop keeps."""
    if schedule == "constant":
        return f"{power_of_ten(lr)}, constant"
    defaults = inspect.signature(torch.optim.lr_scheduler.OneCycleLR).parameters
    start = lr / defaults["div_factor"].default
    end = start / defaults["final_div_factor"].default
    rise = defaults["pct_start"].default
    annealing = ANNEALING[defaults["anneal_strategy"].default]
    return (
        f"one-cycle: {power_of_ten(start)} → {power_of_ten(lr)} (first {rise:.0%} of the steps) → "
        f"{power_of_ten(end)}, {annealing}"
    )
