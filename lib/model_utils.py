"""Helpers shared by the model modules."""

from torch import nn


def count_parameters(model: nn.Module) -> int:
    """Number of scalar parameters in `model`, trainable or not."""
    return sum(parameter.numel() for parameter in model.parameters())
