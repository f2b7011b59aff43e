import pytest
import torch

from lib.report.model_summary import count_parameters
from lib.video.unet import SKIP_MODES, Encoder, UNet

BATCH = 2


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
    model = UNet(skip_mode=skip_mode)
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
    assert count_parameters(UNet(skip_mode=skip_mode)) == encoder + decoder


def test_handout_unet_has_the_measured_parameter_count():
    assert count_parameters(UNet(skip_mode="add")) == 615_339


@pytest.mark.parametrize("skip_mode", SKIP_MODES)
def test_output_is_non_negative(skip_mode):
    torch.manual_seed(0)
    output = UNet(skip_mode=skip_mode)(4 * torch.randn(BATCH, 5, 32, 32))
    assert (output >= 0).all()


@pytest.mark.parametrize(
    "skip_mode, uses_skips", [("add", True), ("concat", True), ("none", False)]
)
def test_output_depends_on_skips_unless_skip_mode_is_none(skip_mode, uses_skips):
    torch.manual_seed(0)
    model = UNet(skip_mode=skip_mode)
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
    with pytest.raises(ValueError, match="skip_mode"):
        UNet(skip_mode="concatenate")
