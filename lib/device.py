"""Which device trains the models: CUDA when present, else the CPU, overridable with DEVICE=."""
import os

import torch


def pick_device() -> torch.device:
    """The device named by the DEVICE environment variable, else CUDA if available, else CPU."""
    requested = os.environ.get("DEVICE", "").strip()
    if requested:
        device = torch.device(requested)
        if device.type == "cuda" and not torch.cuda.is_available():
            raise RuntimeError(f"DEVICE={requested} was requested but CUDA is not available")
        return device
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")
