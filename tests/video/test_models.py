import pytest
import torch

from lib.report.model_summary import count_parameters
from lib.video.augment import dihedral
from lib.video.models import (
    BLOCKS,
    HEADS,
    OUTPUTS,
    SKIPS,
    Rollout,
    SymmetryEnsemble,
    VideoUNet,
    coordinate_channels,
    rollout_unet,
    straight_through_clip,
)
from lib.video.unet import UNet

BATCH = 2


def frames(n_frames=5, seed=0):
    return torch.rand(BATCH, n_frames, 32, 32, generator=torch.Generator().manual_seed(seed))


def test_defaults_are_table_3_layer_for_layer():
    """Same parameter shapes in the same order as the Task 6 U-Net, and the same function."""
    torch.manual_seed(0)
    reference, model = UNet(skip_mode="add"), VideoUNet()
    assert count_parameters(model) == count_parameters(reference)
    shapes = [p.shape for p in reference.state_dict().values()]
    assert [p.shape for p in model.state_dict().values()] == shapes
    model.load_state_dict(
        dict(zip(model.state_dict(), reference.state_dict().values(), strict=True))
    )
    x = frames()
    torch.testing.assert_close(model(x), reference(x))


@pytest.mark.parametrize("block", BLOCKS)
@pytest.mark.parametrize("skip", SKIPS)
@pytest.mark.parametrize("output", OUTPUTS)
@pytest.mark.parametrize("head", HEADS)
@pytest.mark.parametrize("coords", [False, True])
def test_every_variant_maps_5_frames_to_5_frames_in_range(block, skip, output, head, coords):
    model = VideoUNet(
        widths=(8, 16, 16), block=block, skip=skip, output=output, head=head, coords=coords
    )
    out = model(frames())
    assert out.shape == (BATCH, 5, 32, 32)
    assert out.min() >= 0
    if output != "relu":
        assert out.max() <= 1


def test_frame_counts_and_widths_are_free():
    model = VideoUNet(in_frames=3, out_frames=1, widths=(16, 24, 40, 48), block="residual")
    assert model(frames(3)).shape == (BATCH, 1, 32, 32)


def test_unknown_options_are_rejected():
    for options in ({"output": "tanh"}, {"block": "dense"}, {"skip": "sum"}, {"head": "narrow"}):
        with pytest.raises(ValueError):
            VideoUNet(**options)


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
    with_coords = VideoUNet(widths=(8, 16, 16), coords=True, output="sigmoid").eval()
    without = VideoUNet(widths=(8, 16, 16), coords=False, output="sigmoid").eval()
    first = "down_blocks.0.0.weight"
    assert with_coords.state_dict()[first].shape[1] == 7  # five frames, then row and column
    weights = dict(with_coords.state_dict())
    weights[first] = weights[first][:, :5]
    without.load_state_dict(weights)
    x = frames()
    with torch.no_grad():
        assert (with_coords(x) - without(x)).abs().max() > 1e-3
        with_coords.down_blocks[0][0].weight[:, 5:] = 0
        torch.testing.assert_close(with_coords(x), without(x))


def test_delta_output_starts_from_the_last_input_frame():
    model = VideoUNet(widths=(8, 16, 16), block="residual", output="delta")
    torch.nn.init.zeros_(model.head[-1].weight)
    torch.nn.init.zeros_(model.head[-1].bias)
    x = frames()
    torch.testing.assert_close(model(x), x[:, -1:].expand(-1, 5, -1, -1))


def test_straight_through_clip_clips_values_but_not_gradients():
    x = torch.tensor([-0.5, 0.2, 1.5], requires_grad=True)
    y = straight_through_clip(x)
    assert torch.equal(y.detach(), torch.tensor([0.0, 0.2, 1.0]))
    y.sum().backward()
    assert torch.equal(x.grad, torch.ones(3))


class OldestFrame(torch.nn.Module):
    """A step model that returns the oldest frame of its window: it exposes the window's
    contents."""

    def forward(self, window):
        return window[:, :1]


def test_rollout_slides_its_window_over_its_own_predictions():
    x = frames()
    assert torch.equal(Rollout(OldestFrame(), context=5)(x), x)
    out = Rollout(OldestFrame(), context=3)(x)
    # Windows: [2,3,4] -> 2, [3,4,2] -> 3, [4,2,3] -> 4, [2,3,4] -> 2, [3,4,2] -> 3.
    assert torch.equal(out, x[:, [2, 3, 4, 2, 3]])


def test_rollout_needs_enough_frames():
    with pytest.raises(ValueError):
        Rollout(OldestFrame(), context=5)(frames(4))


@pytest.mark.slow
def test_rollout_unet_shapes_and_gradient_through_all_steps():
    torch.manual_seed(0)
    model = rollout_unet(context=4, widths=(8, 16, 16), block="residual", output="delta")
    x = frames().requires_grad_(True)
    out = model(x)
    assert out.shape == (BATCH, 5, 32, 32)
    # The loss on the last step reaches the frame that only step 1 reads directly (frame 1 of 0-4).
    out[:, -1].sum().backward()
    assert x.grad[:, 1].abs().sum() > 0
    assert x.grad[:, 0].abs().sum() == 0  # outside the 4-frame context
    assert all(p.grad is not None for p in model.parameters())


def test_symmetry_ensemble_of_an_equivariant_model_is_the_model():
    """Copying the last frame commutes with every symmetry, so the ensemble changes nothing."""

    class LastFrame(torch.nn.Module):
        def forward(self, x):
            return x[:, -1:].expand(-1, 5, -1, -1)

    x = frames()
    torch.testing.assert_close(SymmetryEnsemble(LastFrame())(x), x[:, -1:].expand(-1, 5, -1, -1))


@pytest.mark.slow
def test_symmetry_ensemble_is_equivariant_whatever_the_model():
    """Whatever the model, the ensemble is equivariant: rotating the input rotates the output."""
    torch.manual_seed(0)
    ensemble = SymmetryEnsemble(VideoUNet(widths=(8, 16, 16), output="sigmoid", coords=True)).eval()
    x = frames()
    for element in range(8):
        torch.testing.assert_close(
            ensemble(dihedral(x, element)), dihedral(ensemble(x), element), atol=1e-5, rtol=1e-5
        )


def test_channels_last_computes_the_same_function():
    torch.manual_seed(0)
    standard = VideoUNet(
        widths=(8, 16, 16), skip="concat", head="wide", output="delta", coords=True
    )
    fast = VideoUNet(
        widths=(8, 16, 16),
        skip="concat",
        head="wide",
        output="delta",
        coords=True,
        channels_last=True,
    )
    fast.load_state_dict(standard.state_dict())
    x = frames()
    out = fast(x)
    assert out.is_contiguous()
    torch.testing.assert_close(out, standard(x), atol=1e-5, rtol=1e-5)
