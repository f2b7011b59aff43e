import numpy as np
import pytest
import torch

from lib.data.simulate import Physics, _advance_one_frame, render, simulate_trajectories
from lib.data.symmetries import N_DIHEDRAL, dihedral
from lib.video.augment import SymmetryAugment, time_reverse

PHYSICS = Physics()
BOX = PHYSICS.box_size
RADIUS = 1.2


def random_clip(n=6, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.rand(n, 5, 32, 32, generator=g), torch.rand(n, 5, 32, 32, generator=g)


def transform_state(positions: np.ndarray, velocities: np.ndarray, element: int):
    """Positions and velocities (..., 2) as (x, y) after symmetry `element` of the box.

    Matches `dihedral`: a left-right flip maps x to BOX - x; one quarter turn of torch.rot90 on
    (rows, columns) maps (x, y) to (y, BOX - x).
    """
    x, y = positions[..., 0], positions[..., 1]
    vx, vy = velocities[..., 0], velocities[..., 1]
    if element >= 4:
        x, vx = BOX - x, -vx
    for _ in range(element % 4):
        x, y = y, BOX - x
        vx, vy = vy, -vx
    return np.stack([x, y], -1), np.stack([vx, vy], -1)


@pytest.fixture(scope="module")
def simulated():
    rng = np.random.default_rng(0)
    counts = np.array([1, 2, 3] * 20)
    radii = np.full((len(counts), 3), RADIUS)
    radii[np.arange(3) >= counts[:, None]] = np.nan
    trajectories = simulate_trajectories(counts, 10, radii, rng)
    return trajectories, radii, counts


@pytest.mark.parametrize("element", range(N_DIHEDRAL))
def test_symmetry_of_a_rendered_clip_is_the_rendering_of_the_moved_balls(simulated, element):
    trajectories, radii, _ = simulated
    frames = torch.from_numpy(render(trajectories.positions, radii))
    moved, _ = transform_state(trajectories.positions, trajectories.velocities, element)
    expected = render(moved, radii)
    np.testing.assert_allclose(dihedral(frames, element).numpy(), expected, atol=1e-5)


@pytest.mark.parametrize("element", range(N_DIHEDRAL))
def test_symmetric_clip_obeys_the_same_physics(simulated, element):
    """The simulator, run from a transformed state, reproduces the transformed trajectory."""
    trajectories, radii, counts = simulated
    for n in (1, 2, 3):
        clips = counts == n
        positions, velocities = transform_state(
            trajectories.positions[clips, :, :n], trajectories.velocities[clips, :, :n], element
        )
        x, v = positions[:, 0], velocities[:, 0]
        for t in range(1, 10):
            x, v = _advance_one_frame(x, v, radii[clips, :n], PHYSICS)
            np.testing.assert_allclose(x, positions[:, t], atol=1e-9)
            np.testing.assert_allclose(v, velocities[:, t], atol=1e-9)


def test_time_reversal_twice_is_the_identity_and_keeps_shapes():
    inputs, targets = random_clip()
    reversed_inputs, reversed_targets = time_reverse(inputs, targets)
    assert reversed_inputs.shape == inputs.shape and reversed_targets.shape == targets.shape
    assert torch.equal(reversed_inputs[:, 0], targets[:, -1]) and torch.equal(
        reversed_targets[:, -1], inputs[:, 0]
    )
    again = time_reverse(reversed_inputs, reversed_targets)
    assert torch.equal(again[0], inputs) and torch.equal(again[1], targets)


def test_reversed_clip_without_contacts_is_what_the_simulator_gives_backwards():
    """Away from walls and other balls, running the reversed velocities retraces the clip."""
    rng = np.random.default_rng(3)
    counts = np.full(400, 2)
    radii = np.full((400, 2), RADIUS)
    trajectories = simulate_trajectories(counts, 10, radii, rng)
    positions, velocities = trajectories.positions, trajectories.velocities
    margin = 0.3  # further than any sub-step from every contact
    off_walls = ((positions > RADIUS + margin) & (positions < BOX - RADIUS - margin)).all(
        axis=(1, 2, 3)
    )
    apart = (
        np.linalg.norm(positions[:, :, 0] - positions[:, :, 1], axis=-1) > 2 * RADIUS + margin
    ).all(axis=1)
    free = off_walls & apart
    assert free.sum() > 20  # enough contact-free clips to make the test meaningful
    x, v = positions[free, -1], -velocities[free, -1]
    backwards = [x]
    for _ in range(9):
        x, v = _advance_one_frame(x, v, radii[free], PHYSICS)
        backwards.append(x)
    backwards = np.stack(backwards, axis=1)  # frames 9, 8, ..., 0
    frames = torch.from_numpy(render(positions[free], radii[free]))
    reversed_inputs, reversed_targets = time_reverse(frames[:, :5], frames[:, 5:])
    np.testing.assert_allclose(
        torch.cat([reversed_inputs, reversed_targets], 1).numpy(),
        render(backwards, radii[free]),
        atol=1e-5,
    )


def test_augment_applies_one_transform_to_input_and_target_frames():
    inputs, targets = random_clip(n=64)
    augmented = SymmetryAugment()(inputs, targets, torch.Generator().manual_seed(1))
    assert augmented[0].shape == inputs.shape and augmented[1].shape == targets.shape
    joined = torch.cat(augmented, dim=1)
    drawn = set()
    for i in range(len(inputs)):
        matches = []
        for reverse in (False, True):
            clip_in, clip_out = (
                time_reverse(inputs[i : i + 1], targets[i : i + 1])
                if reverse
                else (inputs[i : i + 1], targets[i : i + 1])
            )
            for k in range(N_DIHEDRAL):
                candidate = torch.cat([dihedral(clip_in, k), dihedral(clip_out, k)], dim=1)
                if torch.equal(candidate, joined[i : i + 1]):
                    matches.append((reverse, k))
        assert len(matches) == 1  # the whole clip went through exactly one of the 16 transforms
        drawn.add(matches[0])
    assert len(drawn) > 8  # and the draws vary across clips


def test_augment_is_deterministic_for_a_seeded_generator_and_varies_with_the_seed():
    inputs, targets = random_clip(n=32)
    augment = SymmetryAugment()
    first = augment(inputs, targets, torch.Generator().manual_seed(5))
    second = augment(inputs, targets, torch.Generator().manual_seed(5))
    other = augment(inputs, targets, torch.Generator().manual_seed(6))
    assert torch.equal(first[0], second[0]) and torch.equal(first[1], second[1])
    assert not torch.equal(first[0], other[0])


def test_augment_leaves_its_inputs_untouched_and_can_be_switched_off():
    inputs, targets = random_clip(n=16)
    saved = inputs.clone(), targets.clone()
    SymmetryAugment()(inputs, targets, torch.Generator().manual_seed(0))
    assert torch.equal(inputs, saved[0]) and torch.equal(targets, saved[1])
    off = SymmetryAugment(symmetries=False, time_reversal=False)(
        inputs, targets, torch.Generator().manual_seed(0)
    )
    assert torch.equal(off[0], inputs) and torch.equal(off[1], targets)


def test_symmetries_only_never_reverse_time():
    inputs, targets = random_clip(n=32)
    out_in, out_target = SymmetryAugment(time_reversal=False)(
        inputs, targets, torch.Generator().manual_seed(2)
    )
    for i in range(len(inputs)):
        assert any(
            torch.equal(dihedral(inputs[i], k), out_in[i])
            and torch.equal(dihedral(targets[i], k), out_target[i])
            for k in range(N_DIHEDRAL)
        )


def test_all_sixteen_variants_are_about_equally_likely():
    g = torch.Generator().manual_seed(0)
    n = 4000
    # A clip whose 16 variants are all different: its pixel at (0, 0) of input frame 0 tells them
    # apart.
    inputs = torch.zeros(n, 5, 32, 32)
    inputs[:, 0, 0, 1] = 1.0
    targets = torch.zeros(n, 5, 32, 32)
    out_in, out_target = SymmetryAugment()(inputs, targets, g)
    joined = torch.cat([out_in, out_target], 1)
    keys = [tuple(torch.nonzero(clip).flatten().tolist()) for clip in joined]
    _, counts = np.unique(np.array(keys), axis=0, return_counts=True)
    assert len(counts) == 16
    assert counts.min() > 0.7 * n / 16 and counts.max() < 1.3 * n / 16
