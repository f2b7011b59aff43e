"""Frame predictors built around a U-Net (lib/video/unet.py) for Task 7.

`Rollout` turns a one-step predictor (last `context` frames -> the next frame) into a 5-frame
predictor by feeding each prediction back in. Training through the whole roll-out lets the
loss of step 5 reach the weights through steps 1-4, so the model learns to keep its own
outputs usable as inputs.

`SymmetryEnsemble` averages a trained model's predictions over the 8 symmetries of the box
(rotate the input, predict, rotate back): a test-time use of the symmetry that costs no training.
"""

from __future__ import annotations

import functools
import operator
from dataclasses import replace

import torch
from torch import Tensor, nn

from lib.data.symmetries import N_DIHEDRAL, dihedral, inverse_dihedral
from lib.video.unet import UNet, UNetConfig


class Rollout(nn.Module):
    """Autoregressive predictor: a one-step model applied `horizon` times to a sliding window.

    The step model maps the last `context` frames (B, context, H, W) to the next frame
    (B, 1, H, W); its prediction joins the window and the oldest frame leaves it.
    """

    def __init__(self, step: nn.Module, context: int = 5, horizon: int = 5) -> None:
        super().__init__()
        self.step, self.context, self.horizon = step, context, horizon

    def forward(self, frames: Tensor) -> Tensor:
        if frames.shape[1] < self.context:
            raise ValueError(f"need at least {self.context} input frames, got {frames.shape[1]}")
        window = frames[:, -self.context :]
        predictions = []
        for _ in range(self.horizon):
            next_frame = self.step(window)
            predictions.append(next_frame)
            window = torch.cat([window[:, 1:], next_frame], dim=1)
        return torch.cat(predictions, dim=1)


def rollout_unet(config: UNetConfig, context: int = 5, horizon: int = 5) -> Rollout:
    """A `Rollout` of a one-step `UNet` of `config` (context frames in, 1 frame out)."""
    return Rollout(UNet(replace(config, in_frames=context, out_frames=1)), context, horizon)


class SymmetryEnsemble(nn.Module):
    """Average of `model`'s predictions over the 8 symmetries of the box, each mapped back.

    For a model that had learnt the symmetry perfectly the 8 predictions would agree; where they
    do not, their mean has a lower expected squared error than a single one.
    """

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, frames: Tensor) -> Tensor:
        predictions = (
            dihedral(self.model(dihedral(frames, element)), inverse_dihedral(element))
            for element in range(N_DIHEDRAL)
        )
        return functools.reduce(operator.add, predictions) / N_DIHEDRAL
