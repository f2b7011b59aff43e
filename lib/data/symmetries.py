"""The 8 symmetries of the square (rotations by quarter turns, with or without a mirror flip),
shared by both Parts: count-preserving augmentation of Part 1's images, and Part 2's augmentation
and test-time ensemble of clips. One numbering of the elements for the whole book."""

from __future__ import annotations

import torch
from torch import Tensor

N_DIHEDRAL = 8  # the symmetry group of the square: 4 rotations x (mirror or not)


def dihedral(frames: Tensor, element: int) -> Tensor:
    """Apply symmetry `element` (0-7) of the square to the last two dimensions of `frames`.

    Element k = 4 m + q is a rotation by q quarter turns, preceded by a left-right flip if m = 1;
    element 0 is the identity.
    """
    if not 0 <= element < N_DIHEDRAL:
        raise ValueError(f"element must be in 0..{N_DIHEDRAL - 1}, got {element}")
    if element >= 4:
        frames = frames.flip(-1)
    return torch.rot90(frames, element % 4, dims=(-2, -1))


def inverse_dihedral(element: int) -> int:
    """The element that undoes `element`: flips are their own inverse, rotations turn back."""
    if element >= 4:
        return element  # a flip followed by a rotation is a reflection: its own inverse
    return (4 - element) % 4
