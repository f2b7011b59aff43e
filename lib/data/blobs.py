"""Bright regions of frames: what a counter that ignores ball size counts (Part 1), what shows
two balls in contact (Part 2), and which frames show a single ball (lib.physics.identify)."""

from __future__ import annotations

import numpy as np
from scipy import ndimage

DIAGONAL_NEIGHBOURS = np.ones((3, 3))  # 8-connectivity: pixels touching at a corner join


def count_blobs(frames, level: float, diagonal: bool = False) -> np.ndarray:
    """Number of connected regions of pixels brighter than `level` in each frame of `frames`
    (..., H, W), an array or a CPU tensor; shape (...). Regions are 4-connected, or 8-connected
    (diagonal neighbours join) when `diagonal` is set."""
    frames = np.asarray(frames)
    flat = frames.reshape(-1, *frames.shape[-2:])
    structure = DIAGONAL_NEIGHBOURS if diagonal else None
    return np.array(
        [ndimage.label(frame > level, structure=structure)[1] for frame in flat]
    ).reshape(frames.shape[:-2])
