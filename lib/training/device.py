"""Where the models train: CUDA when present, else the CPU (overridable with DEVICE=), and on how
many CPU threads."""

import os
from collections.abc import Iterator
from contextlib import contextmanager

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


@contextmanager
def torch_threads(count: int) -> Iterator[None]:
    """Run the block on `count` torch threads, then restore the previous count."""
    previous = torch.get_num_threads()
    torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(previous)
