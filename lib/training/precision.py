"""bfloat16 mixed precision, used only where the hardware computes it natively.

On a CPU with bfloat16 matrix units (Intel AMX, or AVX-512 with its bfloat16 instructions) or a
GPU with native bfloat16, the convolutions of the Task 7 predictor run about twice as fast,
which buys more epochs in the same training time. Everywhere else PyTorch emulates bfloat16,
an order of magnitude slower than float32, so `training_precision` picks float32 there. The rule
reads only fixed facts of the machine, so it gives the same answer on every run (and the cache
key, which sees the builder, stays stable). Weights, optimiser state, the loss and the returned
predictions stay float32 either way.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import partial

import torch
from torch import Tensor, nn

# oneDNN instruction-set caps (ONEDNN_MAX_CPU_ISA) below the first with native bfloat16.
ONEDNN_CAPS_WITHOUT_BFLOAT16 = frozenset(
    {"SSE41", "AVX", "AVX2", "AVX2_VNNI", "AVX2_VNNI_2", "AVX512_CORE", "AVX512_CORE_VNNI"}
)


def native_bfloat16(device: torch.device) -> bool:
    """Whether `device` computes bfloat16 in hardware (not emulated)."""
    if device.type == "cuda":
        return torch.cuda.is_bf16_supported(including_emulation=False)
    if device.type != "cpu":
        return False
    cap = os.environ.get("ONEDNN_MAX_CPU_ISA", "").strip().upper()
    if cap in ONEDNN_CAPS_WITHOUT_BFLOAT16:
        return False
    return bool(torch.cpu._is_amx_tile_supported() or torch.cpu._is_avx512_bf16_supported())


def training_precision(device: torch.device) -> str:
    """ "bfloat16" where `device` computes it natively, else "float32"."""
    return "bfloat16" if native_bfloat16(device) else "float32"


def in_precision(precision: str, build_model: Callable[..., nn.Module], **options) -> partial:
    """A builder of `build_model(**options)` computing in `precision` (float32 or bfloat16)."""
    if precision == "float32":
        return partial(build_model, **options)
    if precision == "bfloat16":
        return partial(in_bfloat16, build_model, **options)
    raise ValueError(f"unknown precision {precision!r}; expected 'float32' or 'bfloat16'")


class Bfloat16Autocast(nn.Module):
    """Runs `model` under torch.autocast with bfloat16 and returns its output as float32."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, inputs: Tensor) -> Tensor:
        with torch.autocast(device_type=inputs.device.type, dtype=torch.bfloat16):
            outputs = self.model(inputs)
        return outputs.float()


def in_bfloat16(build_model: Callable[..., nn.Module], **options) -> Bfloat16Autocast:
    """`build_model(**options)` wrapped in Bfloat16Autocast: pass it to the cache via
    functools.partial."""
    return Bfloat16Autocast(build_model(**options))
