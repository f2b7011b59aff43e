import math

import numpy as np
import pytest
import torch
from scipy import ndimage

from lib.counting.augment import (
    count_preserving,
    find_balls,
    random_dihedral,
    rescale_balls,
    room_to_rescale,
    training_scale_range,
)
from lib.data.simulate import render, simulate_clips


def ball_images(centres_and_radii, size=32):
    """Images (N, 1, size, size) rendered by the simulator from [(x, y, r), ...] per image (box
    units)."""
    most = max(len(balls) for balls in centres_and_radii)
    positions = np.full((len(centres_and_radii), 1, most, 2), np.nan)
    radii = np.full((len(centres_and_radii), most), np.nan)
    for i, balls in enumerate(centres_and_radii):
        for k, (x, y, r) in enumerate(balls):
            positions[i, 0, k], radii[i, k] = (x, y), r
    return torch.from_numpy(render(positions, radii, resolution=size))


def simulated_batch(n=24, seed=0):
    """Training-like images: 1-3 balls of radius 1.2 at the simulator's valid start positions."""
    frames, labels = simulate_clips(n, 1, np.random.default_rng(seed))
    return torch.from_numpy(frames), torch.from_numpy(labels)


def blob_count(image: torch.Tensor, threshold=0.5) -> int:
    return ndimage.label(image.squeeze().numpy() > threshold)[1]


def generator(seed=0):
    return torch.Generator().manual_seed(seed)


def test_random_dihedral_permutes_pixels_and_is_deterministic():
    images, _ = simulated_batch()
    out = random_dihedral(images, generator(3))
    assert out.shape == images.shape
    # a permutation of pixels: same sorted values per image
    assert torch.equal(out.flatten(1).sort(dim=1).values, images.flatten(1).sort(dim=1).values)
    assert torch.equal(out, random_dihedral(images, generator(3)))
    assert not torch.equal(out, random_dihedral(images, generator(4)))
    assert not torch.equal(out, images)


def test_find_balls_recovers_centres_and_radii_of_rendered_balls():
    # two balls, radius 1.2 and 1.6 box units: 3.84 and 5.12 px (box 10 units = 32 px)
    image = ball_images([[(3.0, 3.5, 1.2), (7.0, 6.0, 1.6)]])[0, 0].numpy()
    owner, centres, radii = find_balls(image)
    order = np.argsort(radii)
    # centres come as (row, column) = (y, x) in pixels
    np.testing.assert_allclose(
        centres[order], [[3.5 * 3.2, 3.0 * 3.2], [6.0 * 3.2, 7.0 * 3.2]], atol=0.05
    )
    # the radius reaches the outer edge of the last pixel above 1/e: at most one pixel beyond r
    assert np.all(radii[order] >= [3.84, 5.12]) and np.all(radii[order] <= [3.84 + 1.0, 5.12 + 1.0])
    assert set(np.unique(owner)) == {0, 1}


def test_find_balls_on_an_empty_image():
    owner, centres, radii = find_balls(np.zeros((32, 32), dtype=np.float32))
    assert centres.shape == (0, 2) and radii.shape == (0,) and not owner.any()


def test_rescaling_by_a_fixed_factor_scales_each_balls_area_by_its_square():
    images = ball_images([[(5.0, 5.0, 1.2)], [(3.5, 3.5, 1.0), (7.0, 7.0, 1.0)]])
    for factor in (0.7, 1.5):
        out = rescale_balls(images, generator(), (factor, factor))
        ratio = out.sum(dim=(1, 2, 3)) / images.sum(dim=(1, 2, 3))
        torch.testing.assert_close(ratio, torch.full((2,), factor**2), rtol=0.05, atol=0)
        # the centres do not move
        for before, after in zip(images, out, strict=True):
            np.testing.assert_allclose(
                find_balls(after[0].numpy())[1], find_balls(before[0].numpy())[1], atol=0.1
            )


def test_rescaling_draws_a_factor_per_ball():
    images = ball_images([[(3.5, 3.5, 1.0), (7.0, 7.0, 1.0)]] * 8)
    out = rescale_balls(images, generator(1), (0.6, 1.6))
    masses = np.array([ndimage.sum_labels(im[0].numpy(), *_labels(im)) for im in out])
    assert masses.shape == (8, 2)
    assert np.abs(np.log(masses[:, 0] / masses[:, 1])).max() > math.log(1.3)


def _labels(image):
    labels, n = ndimage.label(image[0].numpy() > 0.05)
    return labels, np.arange(1, n + 1)


def test_rescaling_preserves_the_count_keeps_balls_inside_and_apart():
    images, labels = simulated_batch(n=60)
    out = rescale_balls(images, generator(2), (0.6, 1.6))
    assert out.shape == images.shape and out.dtype == images.dtype
    assert out.min() >= 0 and out.max() <= 1
    for image, count in zip(out, labels, strict=True):
        # apart: the bodies of different balls never merge (they did not merge before either)
        assert blob_count(image, 0.9) == int(count)
    # inside: no ball is cut by the frame, so no visible ball body touches the outermost pixels
    # more than the training images already do
    border = torch.ones(32, 32, dtype=torch.bool)
    border[1:-1, 1:-1] = False
    assert (out[:, 0, border] > 0.9).sum() <= (images[:, 0, border] > 0.9).sum() + 2
    # the sizes really change: the brightness per ball spreads out
    per_ball = out.sum(dim=(1, 2, 3)) / labels
    assert per_ball.std() > 0.1 * per_ball.mean()


def test_an_oversized_factor_that_cannot_fit_leaves_the_image_unchanged():
    images = ball_images([[(3.0, 3.0, 1.2), (7.0, 7.0, 1.2)]])
    out = rescale_balls(images, generator(), (3.0, 3.0))  # would overlap and leave the frame
    assert torch.equal(out, images)


def test_rescaling_is_deterministic_given_the_generator():
    images, _ = simulated_batch(n=8)
    torch.testing.assert_close(
        rescale_balls(images, generator(5), (0.6, 1.6)),
        rescale_balls(images, generator(5), (0.6, 1.6)),
        rtol=0,
        atol=0,
    )
    assert not torch.equal(
        rescale_balls(images, generator(5), (0.6, 1.6)),
        rescale_balls(images, generator(6), (0.6, 1.6)),
    )


def test_count_preserving_returns_targets_unchanged_and_does_nothing_when_off():
    images, labels = simulated_batch(n=8)
    out, targets = count_preserving(images, labels, generator())
    assert torch.equal(out, images) and torch.equal(targets, labels)
    out, targets = count_preserving(images, labels, generator(), scale_range=(0.6, 1.6), flips=True)
    assert torch.equal(targets, labels) and not torch.equal(out, images)
    assert [blob_count(im, 0.9) for im in out] == labels.tolist()


def test_a_rendered_share_leaves_that_share_of_the_images_as_they_were():
    images, labels = simulated_batch(n=200)
    untouched = [
        (
            count_preserving(images, labels, generator(), scale_range=(0.6, 1.6), rendered_share=s)[
                0
            ]
            == images
        )
        .flatten(1)
        .all(dim=1)
        .float()
        .mean()
        for s in (0.0, 0.5, 1.0)
    ]
    assert untouched[0] < 0.05 and 0.4 < untouched[1] < 0.6 and untouched[2] == 1.0


def test_room_to_rescale_says_which_images_a_factor_fits():
    images = ball_images([[(5.0, 5.0, 1.2)], [(3.0, 3.0, 1.2), (7.0, 7.0, 1.2)]])
    assert room_to_rescale(images, 1.0).tolist() == [True, True]
    # 2.5 times: the single ball (radius 3 of 5 units to the walls) fits, the pair overlaps
    assert room_to_rescale(images, 2.5).tolist() == [True, False]
    assert room_to_rescale(images, 5.0).tolist() == [False, False]


def test_training_scale_range_shrinks_the_median_ball_to_the_minimum_and_is_symmetric():
    # Balls of radius 1.2 box units are 3.84 px; find_balls measures them to the pixel edge.
    images, _ = simulated_batch(n=40)
    radius = np.median(np.concatenate([find_balls(im)[2] for im in images[:, 0].numpy()]))
    low, high = training_scale_range(images, min_radius=2.0)
    assert math.isclose(low, 2.0 / radius, abs_tol=0.005)
    assert math.isclose(high, 1 / low, abs_tol=0.005)
    assert low < 1 < high


def test_training_scale_range_follows_the_training_balls_size():
    small = ball_images([[(5.0, 5.0, 1.0)]] * 3)
    large = ball_images([[(5.0, 5.0, 2.0)]] * 3)
    assert training_scale_range(large, 2.0)[0] < training_scale_range(small, 2.0)[0]


def test_training_scale_range_refuses_images_without_room_to_shrink():
    with pytest.raises(ValueError):
        training_scale_range(torch.zeros(2, 1, 32, 32), 2.0)
    with pytest.raises(ValueError):
        training_scale_range(ball_images([[(5.0, 5.0, 1.0)]]), 10.0)
