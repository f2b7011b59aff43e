import pytest
import torch

from lib.data.symmetries import dihedral
from lib.video.models import Rollout, SymmetryEnsemble, rollout_unet
from lib.video.unet import UNet, UNetConfig

BATCH = 2


def frames(n_frames=5, seed=0):
    return torch.rand(BATCH, n_frames, 32, 32, generator=torch.Generator().manual_seed(seed))


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
    config = UNetConfig(widths=(8, 16, 16), block="residual", output="delta")
    model = rollout_unet(config, context=4)
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
    network = UNet(UNetConfig(widths=(8, 16, 16), output="sigmoid", coords=True))
    ensemble = SymmetryEnsemble(network).eval()
    x = frames()
    for element in range(8):
        torch.testing.assert_close(
            ensemble(dihedral(x, element)), dihedral(ensemble(x), element), atol=1e-5, rtol=1e-5
        )
