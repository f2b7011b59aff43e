"""Frame predictors for Task 7: a configurable U-Net and an autoregressive roll-out of it.

`VideoUNet` with its default arguments is the handout's Table 3 network, layer for layer; each
argument switches on one change, so an ablation can add them one at a time:

- `output`: the last activation. "relu" (Table 3), "sigmoid" (pixels in (0, 1)), or "delta":
  the network predicts the change from the last input frame, and the sum is clipped to [0, 1]
  with a straight-through gradient (the clip is applied in the forward pass, the backward pass
  treats it as the identity, so a pixel stuck outside [0, 1] still learns).
- `block`: "plain" (Table 3's convolution blocks) or "residual" (two 3 x 3 convolutions with
  group normalisation and an identity shortcut).
- `widths`: filters per level, top level first (Table 3: 32, 64, 128).
- `skip`: "add" (Table 3) or "concat".
- `head`: "table3" (Table 3's last block: a 3 x 3 convolution down to the output frames, ReLU,
  another 3 x 3 convolution; the 5-channel ReLU in its middle can die) or "wide" (a 3 x 3
  convolution that keeps the top level's width, ReLU, then a 1 x 1 convolution to the frames).
- `coords`: two extra input channels holding each pixel's row and column in [-1, 1], so
  filters can tell how far a ball is from a wall.
- `channels_last`: store weights and activations pixel-major (NHWC), which PyTorch's CPU
  convolutions run 10-25 % faster here; the function computed is the same.

`SymmetryEnsemble` averages a trained model's predictions over the 8 symmetries of the box
(rotate the input, predict, rotate back): a test-time use of the symmetry that costs no training.

`Rollout` turns a one-step predictor (last `context` frames -> the next frame) into a 5-frame
predictor by feeding each prediction back in. Training through the whole roll-out lets the
loss of step 5 reach the weights through steps 1-4, so the model learns to keep its own
outputs usable as inputs.
"""

from __future__ import annotations

import functools
import operator

import torch
from torch import Tensor, nn

from lib.video.augment import N_DIHEDRAL, dihedral, inverse_dihedral
from lib.video.unet import ConvBlock, TransposedConvBlock

OUTPUTS = ("relu", "sigmoid", "delta")
BLOCKS = ("plain", "residual")
SKIPS = ("add", "concat")
HEADS = ("table3", "wide")
NORM_GROUPS = 8


class ResidualBlock(nn.Module):
    """Conv 3x3 - GroupNorm - ReLU - Conv 3x3 - GroupNorm, plus the input (1x1-projected if needed),
    ReLU."""

    def __init__(self, in_channels: int, filters: int) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(in_channels, filters, 3, padding=1, bias=False),
            nn.GroupNorm(min(NORM_GROUPS, filters), filters),
            nn.ReLU(),
            nn.Conv2d(filters, filters, 3, padding=1, bias=False),
            nn.GroupNorm(min(NORM_GROUPS, filters), filters),
        )
        self.shortcut = (
            nn.Identity() if in_channels == filters else nn.Conv2d(in_channels, filters, 1)
        )
        self.activation = nn.ReLU()

    def forward(self, x: Tensor) -> Tensor:
        return self.activation(self.body(x) + self.shortcut(x))


class UpBlock(nn.Module):
    """Residual decoder stage: 2x2 transposed convolution (doubles H and W), then a residual
    block."""

    def __init__(self, in_channels: int, filters: int) -> None:
        super().__init__()
        self.up = nn.ConvTranspose2d(in_channels, filters, kernel_size=2, stride=2)
        self.block = ResidualBlock(filters, filters)

    def forward(self, x: Tensor) -> Tensor:
        return self.block(self.up(x))


def coordinate_channels(like: Tensor) -> Tensor:
    """(B, 2, H, W): each pixel's row and column, scaled to [-1, 1]."""
    b, _, h, w = like.shape
    rows = torch.linspace(-1, 1, h, device=like.device, dtype=like.dtype)
    cols = torch.linspace(-1, 1, w, device=like.device, dtype=like.dtype)
    grid = torch.stack(torch.meshgrid(rows, cols, indexing="ij"))
    return grid.expand(b, 2, h, w)


def straight_through_clip(x: Tensor) -> Tensor:
    """x clipped to [0, 1] in the forward pass; the gradient passes as if nothing was clipped."""
    return x + (x.clamp(0.0, 1.0) - x).detach()


class VideoUNet(nn.Module):
    """(B, in_frames, 32, 32) -> (B, out_frames, 32, 32); the defaults are Table 3's U-Net."""

    def __init__(
        self,
        in_frames: int = 5,
        out_frames: int = 5,
        widths: tuple[int, ...] = (32, 64, 128),
        block: str = "plain",
        skip: str = "add",
        output: str = "relu",
        head: str = "table3",
        coords: bool = False,
        channels_last: bool = False,
    ) -> None:
        super().__init__()
        for value, allowed in ((output, OUTPUTS), (block, BLOCKS), (skip, SKIPS), (head, HEADS)):
            if value not in allowed:
                raise ValueError(f"{value!r} is not one of {allowed}")
        self.skip, self.output, self.coords = skip, output, coords
        in_channels = in_frames + (2 if coords else 0)
        widths = tuple(widths)
        down = ConvBlock if block == "plain" else ResidualBlock
        self.down_blocks = nn.ModuleList(
            down(c_in, c_out)
            for c_in, c_out in zip((in_channels, *widths[:-1]), widths, strict=True)
        )
        self.pool = nn.MaxPool2d(2, 2)
        up = TransposedConvBlock if block == "plain" else UpBlock
        widening = 2 if skip == "concat" else 1
        reversed_widths = widths[::-1]
        up_inputs = (widths[-1], *(widening * w for w in reversed_widths[:-1]))
        self.up_blocks = nn.ModuleList(
            up(c_in, c_out) for c_in, c_out in zip(up_inputs, reversed_widths, strict=True)
        )
        head_in = widening * widths[0]
        if head == "table3":
            # Table 3's last convolution block; its final ReLU becomes the chosen output activation.
            self.head = nn.Sequential(
                nn.Conv2d(head_in, out_frames, 3, padding=1),
                nn.ReLU(),
                nn.Conv2d(out_frames, out_frames, 3, padding=1),
            )
        else:
            self.head = nn.Sequential(
                nn.Conv2d(head_in, widths[0], 3, padding=1),
                nn.ReLU(),
                nn.Conv2d(widths[0], out_frames, 1),
            )
        self.memory_format = torch.channels_last if channels_last else torch.contiguous_format
        # torch accepts memory_format here, although its type stubs do not list it.
        self.to(memory_format=self.memory_format)  # type: ignore[call-overload]

    def forward(self, frames: Tensor) -> Tensor:
        x = torch.cat([frames, coordinate_channels(frames)], dim=1) if self.coords else frames
        x = x.contiguous(memory_format=self.memory_format)
        skips = []
        for block in self.down_blocks:
            x = block(x)
            skips.append(x)
            x = self.pool(x)
        for block, skip in zip(self.up_blocks, reversed(skips), strict=True):
            x = block(x)
            x = x + skip if self.skip == "add" else torch.cat([x, skip], dim=1)
        x = self.head(x).contiguous()
        if self.output == "relu":
            return torch.relu(x)
        if self.output == "sigmoid":
            return torch.sigmoid(x)
        return straight_through_clip(frames[:, -1:] + x)


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


def rollout_unet(context: int = 5, horizon: int = 5, **unet_options) -> Rollout:
    """A `Rollout` of a one-step `VideoUNet` (context frames in, 1 frame out)."""
    return Rollout(VideoUNet(in_frames=context, out_frames=1, **unet_options), context, horizon)


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
