"""Augmentations of bouncing-balls clips that respect the physics (Task 7).

The box is a square with identical walls, the balls are identical disks and the dynamics are
deterministic and (away from contacts) time-reversible. So the 8 symmetries of the square
(rotations by multiples of 90 degrees, with or without a mirror flip) map a clip to another clip
of the same physics, and so does playing a clip backwards. The pixel grid is symmetric too
(pixel centres sit at (k + 0.5) * box / 32), so a flipped or rotated frame is exactly the
rendering of the flipped or rotated balls: no interpolation is involved.

Every function takes frames (..., H, W) with the time axis at dimension 1 for clips (N, T, H, W).
An augmentation is applied per clip: each clip of a batch draws its own transform from the
training loop's generator, and the same transform is applied to its input and target frames.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor

from lib.data.symmetries import N_DIHEDRAL, dihedral


def time_reverse(inputs: Tensor, targets: Tensor) -> tuple[Tensor, Tensor]:
    """Play the clip backwards: (frames 0..4, frames 5..9) -> (frames 9..5, frames 4..0).

    The clip is (inputs, targets) joined along time; the reversed clip is split at the same
    place, so the shapes are kept. Reversing twice gives back the original clip.
    """
    n_inputs = inputs.shape[1]
    clip = torch.cat([inputs, targets], dim=1).flip(1)
    return clip[:, :n_inputs], clip[:, n_inputs:]


@dataclass(frozen=True)
class SymmetryAugment:
    """Per clip: a random symmetry of the square and, with probability 1/2, time reversal.

    With both switched on a clip has 16 equally likely versions (8 symmetries x 2 directions of
    time); each draw comes from the training loop's seeded generator, so epochs are reproducible.
    """

    symmetries: bool = True
    time_reversal: bool = True

    def __call__(
        self, inputs: Tensor, targets: Tensor, generator: torch.Generator
    ) -> tuple[Tensor, Tensor]:
        n = len(inputs)
        # Draw both numbers always, so switching one option off does not change the other's draws.
        elements = torch.randint(N_DIHEDRAL, (n,), generator=generator)
        reverse = torch.rand(n, generator=generator) < 0.5
        if self.time_reversal:
            reversed_inputs, reversed_targets = time_reverse(inputs, targets)
            mask = reverse[:, None, None, None]
            inputs = torch.where(mask, reversed_inputs, inputs)
            targets = torch.where(mask, reversed_targets, targets)
        if self.symmetries:
            inputs, targets = inputs.clone(), targets.clone()
            for element in range(1, N_DIHEDRAL):
                chosen = elements == element
                if chosen.any():
                    inputs[chosen] = dihedral(inputs[chosen], element)
                    targets[chosen] = dihedral(targets[chosen], element)
        return inputs, targets
