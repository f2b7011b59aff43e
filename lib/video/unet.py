"""Part 2: the modified U-Net of the handout's Table 3, with a switch for its skip connections."""

import torch
from torch import nn

ENCODER_WIDTHS = (32, 64, 128)  # filters of the encoder's convolution blocks, top level first

# "add" is the handout's U-Net, "concat" the classic one, "none" the same network without skips.
SKIP_MODES = ("add", "concat", "none")


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


class Encoder(nn.Module):
    """Table 3c: convolution blocks, each followed by a 2x2 max pool; the blocks' outputs are the
    skips."""

    def __init__(self, in_channels: int) -> None:
        super().__init__()
        in_widths = (in_channels, *ENCODER_WIDTHS[:-1])
        self.blocks = nn.ModuleList(
            ConvBlock(c_in, c_out) for c_in, c_out in zip(in_widths, ENCODER_WIDTHS, strict=True)
        )
        self.pool = nn.MaxPool2d(kernel_size=2, stride=2)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, ...]:
        """(B, C, 32, 32) -> (bottleneck (B, 128, 4, 4), skip1, skip2, skip3), skips top level
        first."""
        # A flat tuple of tensors, not a nested one, so that torchsummary can list the shapes.
        skips = []
        for block in self.blocks:
            x = block(x)
            skips.append(x)
            x = self.pool(x)
        return (x, *skips)


class Decoder(nn.Module):
    """Table 3d: transposed-convolution blocks, each merged with the skip of its size, then a conv
    block."""

    def __init__(self, out_channels: int, skip_mode: str) -> None:
        super().__init__()
        if skip_mode not in SKIP_MODES:
            raise ValueError(f"skip_mode must be one of {SKIP_MODES}, got {skip_mode!r}")
        self.skip_mode = skip_mode
        # Concatenating a skip doubles the channels that the next block receives.
        widening = 2 if skip_mode == "concat" else 1
        out_widths = ENCODER_WIDTHS[::-1]
        in_widths = (ENCODER_WIDTHS[-1], *(widening * width for width in out_widths[:-1]))
        self.up_blocks = nn.ModuleList(
            TransposedConvBlock(c_in, c_out)
            for c_in, c_out in zip(in_widths, out_widths, strict=True)
        )
        # The table's last block ends in ReLU too, so predictions are never negative.
        self.output_block = ConvBlock(widening * out_widths[-1], out_channels)

    def forward(self, x: torch.Tensor, *skips: torch.Tensor) -> torch.Tensor:
        """(bottleneck, skip1, skip2, skip3) -> (B, out_channels, 32, 32); mode "none" ignores the
        skips."""
        for up_block, skip in zip(self.up_blocks, reversed(skips), strict=True):
            x = self._merge(up_block(x), skip)
        return self.output_block(x)

    def _merge(self, upsampled: torch.Tensor, skip: torch.Tensor) -> torch.Tensor:
        if self.skip_mode == "add":
            return upsampled + skip
        if self.skip_mode == "concat":
            return torch.cat([upsampled, skip], dim=1)
        return upsampled


class UNet(nn.Module):
    """Table 3e: frames as channels, (B, in_frames, 32, 32) -> (B, out_frames, 32, 32)."""

    def __init__(self, in_frames: int = 5, out_frames: int = 5, skip_mode: str = "add") -> None:
        super().__init__()
        self.skip_mode = skip_mode
        self.encoder = Encoder(in_frames)
        self.decoder = Decoder(out_frames, skip_mode)

    def forward(self, frames: torch.Tensor) -> torch.Tensor:
        return self.decoder(*self.encoder(frames))
