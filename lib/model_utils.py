"""Helpers shared by the model modules."""

import contextlib
import io
import re

import torchsummary
from torch import nn


def count_parameters(model: nn.Module) -> int:
    """Number of scalar parameters in `model`, trainable or not."""
    return sum(parameter.numel() for parameter in model.parameters())


def summary_text(model: nn.Module, input_size: tuple[int, ...]) -> str:
    """torchsummary's layer table and parameter counts for one input of `input_size`.

    Its memory estimates are dropped: they are not asked for, and torchsummary 1.5.1 computes
    them wrongly for modules that return several tensors (such as the U-Net's encoder).
    """
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        torchsummary.summary(model, input_size, device="cpu")
    lines = buffer.getvalue().splitlines()
    # Squeeze the padding of over-long rows (the encoder lists four output shapes) to fit a page.
    kept = [re.sub(r" {3,}", "  ", line) if len(line) > 64 else line
            for line in lines if "(MB)" not in line]
    while kept and set(kept[-1]) <= {"-", " "}:  # the rule that only framed the size block
        kept.pop()
    return "\n".join(kept)
