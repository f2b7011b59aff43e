import torch
from torch import nn

from lib.precision import Bfloat16Autocast, in_bfloat16
from lib.video_models import VideoUNet


def test_wrapped_model_returns_float32_close_to_the_float32_model():
    torch.manual_seed(0)
    wrapped = in_bfloat16(VideoUNet, output="delta", head="wide", skip="concat", coords=True)
    frames = torch.rand(2, 5, 32, 32)
    outputs = wrapped(frames)
    assert outputs.dtype == torch.float32 and outputs.shape == (2, 5, 32, 32)
    exact = wrapped.model(frames)
    assert 0 < (outputs - exact).abs().max() < 0.05  # bfloat16 keeps about 3 significant digits


def test_weights_and_gradients_stay_float32():
    model = Bfloat16Autocast(nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.Conv2d(4, 1, 1)))
    model(torch.rand(3, 1, 8, 8)).pow(2).mean().backward()
    for parameter in model.parameters():
        assert parameter.dtype == torch.float32 and parameter.grad.dtype == torch.float32
        assert torch.isfinite(parameter.grad).all() and parameter.grad.abs().sum() > 0


def test_state_dict_holds_the_inner_model_under_model():
    inner = nn.Linear(2, 2)
    assert set(Bfloat16Autocast(inner).state_dict()) == {"model.weight", "model.bias"}
