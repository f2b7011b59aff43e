"""The square's eight symmetries, which both Parts use (lib/data/symmetries.py); that they
respect the physics of a rendered clip is tested with Part 2's augmentation (tests/video)."""

import pytest
import torch

from lib.data.symmetries import N_DIHEDRAL, dihedral, inverse_dihedral


def test_identity_and_group_laws():
    frames = torch.rand(6, 5, 32, 32, generator=torch.Generator().manual_seed(0))
    assert torch.equal(dihedral(frames, 0), frames)
    quarter = frames
    for _ in range(4):
        quarter = dihedral(quarter, 1)
    assert torch.equal(quarter, frames)  # four quarter turns are the identity
    images = {dihedral(frames, k).numpy().tobytes() for k in range(N_DIHEDRAL)}
    assert len(images) == N_DIHEDRAL  # the 8 elements are 8 different maps
    for k in range(N_DIHEDRAL):
        assert torch.equal(dihedral(dihedral(frames, k), inverse_dihedral(k)), frames)


def test_dihedral_rejects_unknown_elements():
    with pytest.raises(ValueError):
        dihedral(torch.zeros(1, 1, 4, 4), 8)
