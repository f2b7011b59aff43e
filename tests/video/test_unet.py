import json
from pathlib import Path

import pytest
import torch

from lib.report.model_summary import count_parameters
from lib.video.models import rollout_unet
from lib.video.unet import (
    BLOCKS,
    HEADS,
    OUTPUTS,
    SKIPS,
    Encoder,
    UNet,
    UNetConfig,
    coordinate_channels,
    straight_through_clip,
)

BATCH = 2


def unet(**options) -> UNet:
    return UNet(UNetConfig(**options))


def frames(n_frames=5, seed=0):
    return torch.rand(BATCH, n_frames, 32, 32, generator=torch.Generator().manual_seed(seed))


def conv_parameters(in_channels: int, out_channels: int, kernel: int) -> int:
    """Weights and biases of a square convolution (transposed or not)."""
    return in_channels * out_channels * kernel * kernel + out_channels


def conv_block_parameters(in_channels: int, filters: int) -> int:
    return conv_parameters(in_channels, filters, 3) + conv_parameters(filters, filters, 3)


def transposed_conv_block_parameters(in_channels: int, filters: int) -> int:
    return conv_parameters(in_channels, filters, 3) + conv_parameters(filters, filters, 2)


def test_encoder_returns_bottleneck_and_three_skips():
    bottleneck, skip1, skip2, skip3 = Encoder(5)(torch.rand(BATCH, 5, 32, 32))
    assert bottleneck.shape == (BATCH, 128, 4, 4)
    assert skip1.shape == (BATCH, 32, 32, 32)
    assert skip2.shape == (BATCH, 64, 16, 16)
    assert skip3.shape == (BATCH, 128, 8, 8)


# Channels entering the decoder blocks after each merge: concatenation doubles them.
@pytest.mark.parametrize(
    "skip_mode, merged_channels",
    [("add", (128, 64, 32)), ("concat", (256, 128, 64)), ("none", (128, 64, 32))],
)
def test_decoder_stages_have_table_3_shapes(skip_mode, merged_channels):
    model = unet(skip=skip_mode)
    stages = [*model.decoder.up_blocks, model.decoder.output_block]
    seen = []
    for stage in stages:
        stage.register_forward_hook(
            lambda _, inputs, output: seen.append((inputs[0].shape, output.shape))
        )

    output = model(torch.rand(BATCH, 5, 32, 32))

    first, second, third = merged_channels
    expected_inputs = [(128, 4, 4), (first, 8, 8), (second, 16, 16), (third, 32, 32)]
    expected_outputs = [(128, 8, 8), (64, 16, 16), (32, 32, 32), (5, 32, 32)]
    assert seen == [
        ((BATCH, *i), (BATCH, *o)) for i, o in zip(expected_inputs, expected_outputs, strict=True)
    ]
    assert output.shape == (BATCH, 5, 32, 32)


@pytest.mark.parametrize("skip_mode, widening", [("add", 1), ("none", 1), ("concat", 2)])
def test_parameter_count_matches_the_layer_sizes(skip_mode, widening):
    encoder = (
        conv_block_parameters(5, 32)
        + conv_block_parameters(32, 64)
        + conv_block_parameters(64, 128)
    )
    decoder = (
        transposed_conv_block_parameters(128, 128)
        + transposed_conv_block_parameters(128 * widening, 64)
        + transposed_conv_block_parameters(64 * widening, 32)
        + conv_block_parameters(32 * widening, 5)
    )
    assert count_parameters(unet(skip=skip_mode)) == encoder + decoder


def test_handout_unet_has_the_measured_parameter_count():
    assert count_parameters(unet(skip="add")) == 615_339


@pytest.mark.parametrize("skip_mode", SKIPS)
def test_output_is_non_negative(skip_mode):
    torch.manual_seed(0)
    output = unet(skip=skip_mode)(4 * torch.randn(BATCH, 5, 32, 32))
    assert (output >= 0).all()


@pytest.mark.parametrize(
    "skip_mode, uses_skips", [("add", True), ("concat", True), ("none", False)]
)
def test_output_depends_on_skips_unless_skip_mode_is_none(skip_mode, uses_skips):
    torch.manual_seed(0)
    model = unet(skip=skip_mode)
    frames = torch.rand(BATCH, 5, 32, 32)
    with torch.no_grad():
        original = model(frames)

        def replace_skips_with_noise(module, inputs, output):
            bottleneck, *skips = output
            return (bottleneck, *(torch.randn_like(skip) for skip in skips))

        model.encoder.register_forward_hook(replace_skips_with_noise)
        with_noisy_skips = model(frames)
    assert torch.equal(original, with_noisy_skips) != uses_skips


def test_unknown_skip_mode_is_rejected():
    with pytest.raises(ValueError, match="concatenate"):
        unet(skip="concatenate")


@pytest.mark.parametrize("block", BLOCKS)
@pytest.mark.parametrize("skip", SKIPS)
@pytest.mark.parametrize("output", OUTPUTS)
@pytest.mark.parametrize("head", HEADS)
@pytest.mark.parametrize("coords", [False, True])
def test_every_variant_maps_5_frames_to_5_frames_in_range(block, skip, output, head, coords):
    model = unet(
        widths=(8, 16, 16), block=block, skip=skip, output=output, head=head, coords=coords
    )
    out = model(frames())
    assert out.shape == (BATCH, 5, 32, 32)
    assert out.min() >= 0
    if output != "relu":
        assert out.max() <= 1


def test_frame_counts_and_widths_are_free():
    model = unet(in_frames=3, out_frames=1, widths=(16, 24, 40, 48), block="residual")
    assert model(frames(3)).shape == (BATCH, 1, 32, 32)


def test_unknown_options_are_rejected():
    for options in ({"output": "tanh"}, {"block": "dense"}, {"skip": "sum"}, {"head": "narrow"}):
        with pytest.raises(ValueError):
            unet(**options)


def test_coordinate_channels_span_the_frame():
    grid = coordinate_channels(torch.zeros(3, 5, 32, 32))
    assert grid.shape == (3, 2, 32, 32)
    assert grid[0, 0, 0, 0] == -1 and grid[0, 0, -1, 0] == 1  # rows
    assert grid[0, 1, 0, 0] == -1 and grid[0, 1, 0, -1] == 1  # columns
    assert torch.equal(grid[:, 0, :, 7], grid[:, 0, :, 20])  # row coordinate constant along a row


def test_coordinate_channels_change_the_function_of_the_same_network():
    """A network with coordinate channels against the same network without them: the same
    weights on the five frames, the two coordinate inputs dropped from the first convolution.
    Zeroing the coordinates' weights makes the two agree, so any difference is theirs."""
    torch.manual_seed(0)
    with_coords = unet(widths=(8, 16, 16), coords=True, output="sigmoid").eval()
    without = unet(widths=(8, 16, 16), coords=False, output="sigmoid").eval()
    first = "encoder.blocks.0.0.weight"
    assert with_coords.state_dict()[first].shape[1] == 7  # five frames, then row and column
    weights = dict(with_coords.state_dict())
    weights[first] = weights[first][:, :5]
    without.load_state_dict(weights)
    x = frames()
    with torch.no_grad():
        assert (with_coords(x) - without(x)).abs().max() > 1e-3
        with_coords.encoder.blocks[0][0].weight[:, 5:] = 0
        torch.testing.assert_close(with_coords(x), without(x))


def test_delta_output_starts_from_the_last_input_frame():
    model = unet(widths=(8, 16, 16), block="residual", output="delta")
    torch.nn.init.zeros_(model.decoder.output_block[2].weight)
    torch.nn.init.zeros_(model.decoder.output_block[2].bias)
    x = frames()
    torch.testing.assert_close(model(x), x[:, -1:].expand(-1, 5, -1, -1))


def test_straight_through_clip_clips_values_but_not_gradients():
    x = torch.tensor([-0.5, 0.2, 1.5], requires_grad=True)
    y = straight_through_clip(x)
    assert torch.equal(y.detach(), torch.tensor([0.0, 0.2, 1.0]))
    y.sum().backward()
    assert torch.equal(x.grad, torch.ones(3))


def test_channels_last_computes_the_same_function():
    torch.manual_seed(0)
    standard = unet(
        widths=(8, 16, 16),
        skip="concat",
        head="wide",
        output="delta",
        coords=True,
        channels_last=False,
    )
    fast = unet(widths=(8, 16, 16), skip="concat", head="wide", output="delta", coords=True)
    fast.load_state_dict(standard.state_dict())
    x = frames()
    out = fast(x)
    assert out.is_contiguous()
    torch.testing.assert_close(out, standard(x), atol=1e-5, rtol=1e-5)


# The book's U-Nets as the two classes this one replaced built them (unet.UNet for Table 3,
# models.VideoUNet for Task 7), recorded before the merge: for the same seed the same parameter
# shapes in the same order, the same initial weights and the same function, so no number of the
# book changes. The state dicts were also compared value for value once, before the old classes
# went.
BEFORE_MERGE = json.loads((Path(__file__).parent / "unet_before_merge.json").read_text())
TASK7 = dict(output="delta", head="wide", skip="concat", coords=True)
BOOK_UNETS = {
    "table3-add": lambda: unet(skip="add"),
    "table3-concat": lambda: unet(skip="concat"),
    "table3-none": lambda: unet(skip="none"),
    "t7-delta": lambda: unet(output="delta"),
    "t7-architecture": lambda: unet(**TASK7),
    "t7-final": lambda: unet(**TASK7),
    "t7-rollout": lambda: rollout_unet(UNetConfig(widths=(16, 32, 64), **TASK7)),
}


@pytest.mark.parametrize("name", BOOK_UNETS)
def test_the_book_unets_are_those_the_replaced_classes_built(name):
    expected = BEFORE_MERGE[name]
    torch.manual_seed(0)
    model = BOOK_UNETS[name]()
    weights = list(model.state_dict().values())
    assert [list(w.shape) for w in weights] == expected["shapes"]
    assert sum(float(w.double().sum()) for w in weights) == pytest.approx(
        expected["parameter_sum"], rel=1e-9
    )
    x = torch.rand(3, 5, 32, 32, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        assert float(model(x).double().sum()) == pytest.approx(expected["output_sum"], rel=1e-5)
