"""Checkpoint files that are written atomically and fail loudly, in one line, when unreadable."""

import os
from pathlib import Path

import torch


class CorruptCheckpointError(RuntimeError):
    """A checkpoint or cache file exists but cannot be read back."""


def save_checkpoint(path: Path, state: dict) -> None:
    """Write `state` to `path` via a temporary file and a rename, so a kill never leaves a torn
    file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".partial")
    torch.save(state, temporary)
    os.replace(temporary, path)


def load_checkpoint(path: Path) -> dict:
    """Read a checkpoint written by `save_checkpoint` onto the CPU."""
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:  # torch raises many types for a damaged file; all mean the same here
        raise CorruptCheckpointError(
            f"{path}: unreadable checkpoint ({type(error).__name__})"
        ) from None
    if not isinstance(state, dict):
        raise CorruptCheckpointError(
            f"{path}: expected a checkpoint dictionary, found {type(state).__name__}"
        )
    return state
