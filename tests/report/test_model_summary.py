import torch
from torch import nn

from lib.report.model_summary import block_table, count_parameters
from lib.video.unet import ConvBlock, TransposedConvBlock, UNet


def test_block_table_lists_every_block_call_of_the_unet_with_its_output_and_parameters():
    model = UNet()
    rows = block_table(model, (5, 32, 32), (ConvBlock, TransposedConvBlock, nn.MaxPool2d))
    assert [row["output shape"] for row in rows] == [
        "32 × 32 × 32",
        "32 × 16 × 16",
        "64 × 16 × 16",
        "64 × 8 × 8",
        "128 × 8 × 8",
        "128 × 4 × 4",
        "128 × 8 × 8",
        "64 × 16 × 16",
        "32 × 32 × 32",
        "5 × 32 × 32",
    ]
    # one shared pooling, three calls
    assert [row["block"] for row in rows].count("encoder.pool") == 3
    # every weight sits in a block
    assert sum(row["parameters"] for row in rows) == count_parameters(model)
    assert rows[0]["parameters"] == (5 * 9 * 32 + 32) + (32 * 9 * 32 + 32)


def test_block_table_removes_its_hooks():
    model = UNet()
    block_table(model, (5, 32, 32), (ConvBlock,))
    assert not any(module._forward_hooks for module in model.modules())
    assert model(torch.zeros(1, 5, 32, 32)).shape == (1, 5, 32, 32)
