"""Bright regions of frames: what a counter that ignores ball size counts (Part 1), and what shows
two balls in contact (Part 2)."""

from __future__ import annotations

import numpy as np
from scipy import ndimage


def count_blobs(frames, level: float) -> np.ndarray:
    """Number of 4-connected regions of pixels brighter than `level` in each frame of `frames`
    (..., H, W), an array or a CPU tensor; shape (...)."""
    frames = np.asarray(frames)
    flat = frames.reshape(-1, *frames.shape[-2:])
    return np.array([ndimage.label(frame > level)[1] for frame in flat]).reshape(frames.shape[:-2])
