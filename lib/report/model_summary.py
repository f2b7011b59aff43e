"""Helpers shared by the model modules."""

import contextlib
import io
import re

import torch
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
    kept = [
        re.sub(r" {3,}", "  ", line) if len(line) > 64 else line
        for line in lines
        if "(MB)" not in line
    ]
    while kept and set(kept[-1]) <= {"-", " "}:  # the rule that only framed the size block
        kept.pop()
    return "\n".join(kept)


def block_table(
    model: nn.Module, input_size: tuple[int, ...], kinds: tuple[type[nn.Module], ...]
) -> list[dict]:
    """One row per call of a module of one of `kinds` during a forward pass of one input of
    `input_size`, in call order: its name in the model, its class, its output shape and its
    parameters (a module called several times, such as a shared pooling, has a row per call)."""
    rows, hooks = [], []
    for name, module in model.named_modules():
        if isinstance(module, kinds):

            def record(module, _inputs, output, name=name):
                rows.append(
                    {
                        "block": name,
                        "kind": type(module).__name__,
                        "output shape": " × ".join(str(size) for size in output.shape[1:]),
                        "parameters": count_parameters(module),
                    }
                )

            hooks.append(module.register_forward_hook(record))
    try:
        with torch.no_grad():
            model(torch.zeros(1, *input_size))
    finally:
        for hook in hooks:
            hook.remove()
    return rows
