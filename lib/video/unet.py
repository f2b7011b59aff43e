"""Part 2's U-Net: the handout's Table 3 network and its Task 7 variants, one class and its config.

`UNet(UNetConfig())` is Table 3, layer for layer; each field of `UNetConfig` switches on one
change, so an ablation can add them one at a time:

- `skip`: "add" (Table 3), "concat" (the classic U-Net) or "none" (no skip connections).
- `output`: the last activation. "relu" (Table 3), "sigmoid" (pixels in (0, 1)), or "delta":
  the network predicts the change from the last input frame, and the sum is clipped to [0, 1]
  with a straight-through gradient (the clip is applied in the forward pass, the backward pass
  treats it as the identity, so a pixel stuck outside [0, 1] still learns).
- `block`: "plain" (Table 3's convolution blocks) or "residual" (two 3 x 3 convolutions with
  group normalisation and an identity shortcut).
- `widths`: filters per level, top level first (Table 3: 32, 64, 128).
- `head`: "table3" (Table 3's last block: a 3 x 3 convolution down to the output frames, ReLU,
  another 3 x 3 convolution; the 5-channel ReLU in its middle can die) or "wide" (a 3 x 3
  convolution that keeps the top level's width, ReLU, then a 1 x 1 convolution to the frames).
- `coords`: two extra input channels holding each pixel's row and column in [-1, 1], so
  filters can tell how far a ball is from a wall.
- `channels_last` (every network of the book): store weights and activations pixel-major (NHWC),
  which PyTorch's CPU convolutions run 9-24 % faster, with or without bfloat16 units (make bench);
  the function computed is the same up to rounding.

Every variant creates its parameters in the same order (encoder, decoder, output block), so a
seed gives the Table 3 network the same initial weights whatever class built it before.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor, nn

SKIPS = ("add", "concat", "none")
OUTPUTS = ("relu", "sigmoid", "delta")
BLOCKS = ("plain", "residual")
HEADS = ("table3", "wide")
NORM_GROUPS = 8  # group normalisation of the residual blocks: groups per layer (at most)


@dataclass(frozen=True)
class UNetConfig:
    """What a U-Net is built from; the defaults are the handout's Table 3."""

    in_frames: int = 5
    out_frames: int = 5
    widths: tuple[int, ...] = (32, 64, 128)  # filters per level, top level first
    block: str = "plain"
    skip: str = "add"
    output: str = "relu"
    head: str = "table3"
    coords: bool = False
    channels_last: bool = True

    def __post_init__(self) -> None:
        for value, allowed in (
            (self.skip, SKIPS),
            (self.output, OUTPUTS),
            (self.block, BLOCKS),
            (self.head, HEADS),
        ):
            if value not in allowed:
                raise ValueError(f"{value!r} is not one of {allowed}")

    @property
    def in_channels(self) -> int:
        return self.in_frames + (2 if self.coords else 0)

    @property
    def widening(self) -> int:
        """Concatenating a skip doubles the channels that the next block receives."""
        return 2 if self.skip == "concat" else 1


TABLE3 = UNetConfig()


class ConvBlock(nn.Sequential):
    """Two 3x3 convolutions with ReLU; height and width are kept (Table 3a)."""

    def __init__(self, in_channels: int, filters: int) -> None:
        super().__init__(
            nn.Conv2d(in_channels, filters, kernel_size=3, stride=1, padding=1),
            nn.ReLU(),
            nn.Conv2d(filters, filters, kernel_size=3, stride=1, padding=1),
            nn.ReLU(),
        )


class TransposedConvBlock(nn.Sequential):
    """Conv 3x3 + ReLU, then transposed conv 2x2 stride 2 + ReLU; doubles H and W (Table 3b)."""

    def __init__(self, in_channels: int, filters: int) -> None:
        super().__init__(
            nn.Conv2d(in_channels, filters, kernel_size=3, stride=1, padding=1),
            nn.ReLU(),
            nn.ConvTranspose2d(filters, filters, kernel_size=2, stride=2),
            nn.ReLU(),
        )


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


class Encoder(nn.Module):
    """Table 3c: convolution blocks, each followed by a 2x2 max pool; the blocks' outputs are the
    skips."""

    def __init__(
        self, in_channels: int, widths: tuple[int, ...] = TABLE3.widths, block: str = "plain"
    ) -> None:
        super().__init__()
        down = ConvBlock if block == "plain" else ResidualBlock
        self.blocks = nn.ModuleList(
            down(c_in, c_out)
            for c_in, c_out in zip((in_channels, *widths[:-1]), widths, strict=True)
        )
        self.pool = nn.MaxPool2d(kernel_size=2, stride=2)

    def forward(self, x: Tensor) -> tuple[Tensor, ...]:
        """(B, C, 32, 32) -> (bottleneck, skip1, skip2, ...), skips top level first."""
        # A flat tuple of tensors, not a nested one, so that torchsummary can list the shapes.
        skips = []
        for block in self.blocks:
            x = block(x)
            skips.append(x)
            x = self.pool(x)
        return (x, *skips)


class Decoder(nn.Module):
    """Table 3d: transposed-convolution blocks, each merged with the skip of its size, then the
    output block."""

    def __init__(self, config: UNetConfig) -> None:
        super().__init__()
        self.skip = config.skip
        up = TransposedConvBlock if config.block == "plain" else UpBlock
        out_widths = config.widths[::-1]
        in_widths = (config.widths[-1], *(config.widening * w for w in out_widths[:-1]))
        self.up_blocks = nn.ModuleList(
            up(c_in, c_out) for c_in, c_out in zip(in_widths, out_widths, strict=True)
        )
        self.output_block = output_block(config)

    def forward(self, x: Tensor, *skips: Tensor) -> Tensor:
        """(bottleneck, skip1, skip2, ...) -> (B, out_frames, 32, 32); skip "none" ignores the
        skips."""
        for up_block, skip in zip(self.up_blocks, reversed(skips), strict=True):
            x = self._merge(up_block(x), skip)
        return self.output_block(x)

    def _merge(self, upsampled: Tensor, skip: Tensor) -> Tensor:
        if self.skip == "add":
            return upsampled + skip
        if self.skip == "concat":
            return torch.cat([upsampled, skip], dim=1)
        return upsampled


def output_block(config: UNetConfig) -> nn.Sequential:
    """The last block, ending in the output activation ("delta" adds the last frame afterwards)."""
    head_in, frames = config.widening * config.widths[0], config.out_frames
    if config.head == "table3" and config.output == "relu":
        return ConvBlock(head_in, frames)  # Table 3e's last block: it ends in ReLU too
    activation = {"relu": nn.ReLU(), "sigmoid": nn.Sigmoid(), "delta": nn.Identity()}
    if config.head == "table3":
        return nn.Sequential(
            nn.Conv2d(head_in, frames, 3, padding=1),
            nn.ReLU(),
            nn.Conv2d(frames, frames, 3, padding=1),
            activation[config.output],
        )
    return nn.Sequential(
        nn.Conv2d(head_in, config.widths[0], 3, padding=1),
        nn.ReLU(),
        nn.Conv2d(config.widths[0], frames, 1),
        activation[config.output],
    )


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


class UNet(nn.Module):
    """Table 3e: frames as channels, (B, in_frames, 32, 32) -> (B, out_frames, 32, 32)."""

    def __init__(self, config: UNetConfig = TABLE3) -> None:
        super().__init__()
        self.config = config
        self.encoder = Encoder(config.in_channels, config.widths, config.block)
        self.decoder = Decoder(config)
        self.memory_format = (
            torch.channels_last if config.channels_last else torch.contiguous_format
        )
        # torch accepts memory_format here, although its type stubs do not list it.
        self.to(memory_format=self.memory_format)  # type: ignore[call-overload]

    def forward(self, frames: Tensor) -> Tensor:
        x = (
            torch.cat([frames, coordinate_channels(frames)], dim=1)
            if self.config.coords
            else frames
        )
        x = self.decoder(*self.encoder(x.contiguous(memory_format=self.memory_format))).contiguous()
        return straight_through_clip(frames[:, -1:] + x) if self.config.output == "delta" else x
