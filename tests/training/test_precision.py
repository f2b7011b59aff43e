import pytest
import torch
from torch import nn

from lib.training.precision import (
    Bfloat16Autocast,
    in_bfloat16,
    in_precision,
    native_bfloat16,
    training_precision,
)
from lib.video.unet import UNet, UNetConfig


def test_wrapped_model_returns_float32_close_to_the_float32_model():
    torch.manual_seed(0)
    wrapped = in_bfloat16(
        UNet, config=UNetConfig(output="delta", head="wide", skip="concat", coords=True)
    )
    frames = torch.rand(2, 5, 32, 32)
    outputs = wrapped(frames)
    assert outputs.dtype == torch.float32 and outputs.shape == (2, 5, 32, 32)
    exact = wrapped.model(frames)
    assert 0 < (outputs - exact).abs().max() < 0.05  # bfloat16 keeps about 3 significant digits


def test_weights_and_gradients_stay_float32():
    model = Bfloat16Autocast(
        nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.Conv2d(4, 1, 1))
    )
    model(torch.rand(3, 1, 8, 8)).pow(2).mean().backward()
    for parameter in model.parameters():
        assert parameter.dtype == torch.float32 and parameter.grad.dtype == torch.float32
        assert torch.isfinite(parameter.grad).all() and parameter.grad.abs().sum() > 0


def test_state_dict_holds_the_inner_model_under_model():
    inner = nn.Linear(2, 2)
    assert set(Bfloat16Autocast(inner).state_dict()) == {"model.weight", "model.bias"}


@pytest.mark.parametrize(
    "cap, native", [("AVX2", False), ("avx512_core", False), ("", True), ("AVX512_CORE_AMX", True)]
)
def test_bfloat16_only_where_the_cpu_has_it_and_onednn_may_use_it(monkeypatch, cap, native):
    monkeypatch.setattr(torch.cpu, "_is_amx_tile_supported", lambda: True)
    monkeypatch.setattr(torch.cpu, "_is_avx512_bf16_supported", lambda: False)
    monkeypatch.setenv("ONEDNN_MAX_CPU_ISA", cap)
    assert native_bfloat16(torch.device("cpu")) is native
    assert training_precision(torch.device("cpu")) == ("bfloat16" if native else "float32")


def test_a_cpu_without_bfloat16_units_trains_in_float32(monkeypatch):
    monkeypatch.setattr(torch.cpu, "_is_amx_tile_supported", lambda: False)
    monkeypatch.setattr(torch.cpu, "_is_avx512_bf16_supported", lambda: False)
    monkeypatch.delenv("ONEDNN_MAX_CPU_ISA", raising=False)
    assert training_precision(torch.device("cpu")) == "float32"


def test_a_gpu_without_native_bfloat16_trains_in_float32(monkeypatch):
    monkeypatch.setattr(
        torch.cuda, "is_bf16_supported", lambda including_emulation=True: including_emulation
    )
    assert training_precision(torch.device("cuda")) == "float32"


def test_the_builder_wraps_only_for_bfloat16():
    assert isinstance(
        in_precision("bfloat16", nn.Linear, in_features=2, out_features=1)(), Bfloat16Autocast
    )
    assert isinstance(
        in_precision("float32", nn.Linear, in_features=2, out_features=1)(), nn.Linear
    )
    with pytest.raises(ValueError, match="unknown precision"):
        in_precision("float16", nn.Linear)
