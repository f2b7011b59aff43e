"""Which device trains the models: CUDA when present, else the CPU, overridable with DEVICE=."""

import os

import torch

# Deterministic cuBLAS needs this workspace setting before the first CUDA matrix product, so it is
# set when the library is imported, ahead of any training (the Makefile exports it too).
os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")


def pick_device() -> torch.device:
    """The device named by the DEVICE environment variable, else CUDA if available, else CPU."""
    requested = os.environ.get("DEVICE", "").strip()
    if requested:
        device = torch.device(requested)
        if device.type == "cuda" and not torch.cuda.is_available():
            raise RuntimeError(f"DEVICE={requested} was requested but CUDA is not available")
        return device
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")
