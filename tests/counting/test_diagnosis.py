import numpy as np
import pytest
import torch
from torch import nn

from lib.counting.diagnosis import (
    ball_brightness,
    ball_radii,
    best_blob_threshold,
    brightness_counter,
    brightness_per_ball,
    edge_gap,
    probe_predictions,
    probe_radii,
    radius_from_brightness,
    radius_span,
    size_probe,
    unchanged_images,
)
from lib.data.simulate import render, simulate_clips, simulate_trajectories


def training_like(n=30, radius=1.2, seed=0):
    frames, labels = simulate_clips(
        n, 1, np.random.default_rng(seed), radius_range=(radius, radius)
    )
    return torch.from_numpy(frames), torch.from_numpy(labels)


def test_brightness_counter_is_exact_when_every_ball_has_the_training_size():
    images, counts = training_like()
    per_ball = brightness_per_ball(images, counts)
    assert per_ball == pytest.approx(42.0, rel=0.01)  # a radius-1.2 ball at 32 px
    assert np.array_equal(brightness_counter(images, per_ball), counts.numpy())


def test_brightness_counter_counts_one_large_ball_as_two():
    images, counts = training_like()
    per_ball = brightness_per_ball(images, counts)
    # one ball with 2.2 times the area of a training ball
    one_ball = simulate_clips(
        5, 1, np.random.default_rng(2), ball_counts=(1,), radius_range=(1.2 * np.sqrt(2.2),) * 2
    )[0]
    assert np.all(brightness_counter(torch.from_numpy(one_ball), per_ball) == 2)


def test_best_blob_threshold_picks_the_most_accurate_candidate():
    images, counts = training_like(n=40, seed=5)
    threshold = best_blob_threshold(images, counts, candidates=(0.0, 0.9, 1.0))
    assert threshold == 0.9  # 0.0: one blob of background; 1.0: nothing is brighter than 1


def test_size_probe_covers_every_count_and_radius():
    probe = size_probe([0.8, 1.6], per_cell=3, seed=0)
    assert probe.images.shape == (3 * 2 * 3, 1, 32, 32)
    assert sorted(set(zip(probe.counts.tolist(), probe.radii.tolist(), strict=True))) == [
        (c, r) for c in (1, 2, 3) for r in (0.8, 1.6)
    ]
    brightness = probe.images.sum(dim=(1, 2, 3)).numpy() / probe.counts
    assert brightness[probe.radii == 1.6].min() > 3 * brightness[probe.radii == 0.8].max()
    assert probe.left_out == []


def test_size_probe_leaves_out_what_does_not_fit_and_nothing_else_changes():
    """Two or three balls of radius 3 cannot lie apart inside a box of side 10; one can."""
    probe = size_probe([1.0, 3.0], per_cell=3, seed=0)
    assert probe.left_out == [(2, 3.0), (3, 3.0)]
    assert sorted(set(zip(probe.counts.tolist(), probe.radii.tolist(), strict=True))) == [
        (1, 1.0),
        (1, 3.0),
        (2, 1.0),
        (3, 1.0),
    ]
    alone = size_probe([1.0], per_cell=3, seed=0)  # each cell draws from its own stream
    torch.testing.assert_close(probe.images[probe.radii == 1.0], alone.images)


def test_images_the_rescaling_left_as_they_were_are_counted():
    before = torch.rand(4, 1, 32, 32)
    after = before.clone()
    after[:3] *= 0.5
    assert unchanged_images(before, after) == 1
    assert unchanged_images(before, before) == 4
    assert unchanged_images(before, before * 0.5) == 0


class BrightnessModel(nn.Module):
    """Logits that pick round(total brightness / 42) as the count: a brightness counter."""

    def __init__(self):
        super().__init__()
        self.unused = nn.Parameter(torch.zeros(1))  # `predict` looks up the device of a parameter

    def forward(self, x):
        ratio = x.sum(dim=(1, 2, 3)) / 42.0
        return -((ratio[:, None] - torch.tensor([1.0, 2.0, 3.0])) ** 2)


def test_probe_predictions_report_a_brightness_counters_bias():
    probe = size_probe([1.2, 1.8], per_cell=4, seed=1)
    table = probe_predictions([BrightnessModel(), BrightnessModel()], probe)
    assert list(table.columns) == ["count", "radius", "mean_predicted", "accuracy"]
    assert len(table) == 6
    at_training_size = table[table.radius == 1.2]
    assert np.allclose(at_training_size.accuracy, 1.0)
    one_large = table[(table.radius == 1.8) & (table["count"] == 1)].iloc[0]
    assert one_large.mean_predicted == 2.0 and one_large.accuracy == 0.0  # 2.25x the area


def test_a_rendered_ball_has_the_brightness_of_its_profile():
    rng = np.random.default_rng(0)
    for radius in (0.6, 0.8, 1.2, 1.8):
        centres = rng.uniform(4, 6, size=(100, 1, 1, 2))  # whole in the frame, anywhere on a pixel
        images = render(centres, np.full((100, 1), radius))
        assert images.sum(axis=(1, 2, 3)).mean() == pytest.approx(
            ball_brightness(radius), rel=0.005
        )
        assert radius_from_brightness(ball_brightness(radius)) == pytest.approx(radius)


@pytest.mark.parametrize("radius", [0.9, 1.0, 1.2, 1.5])
def test_the_training_radius_is_measured_from_training_like_images(radius):
    images, counts = training_like(n=200, radius=radius, seed=4)
    measured = np.median(ball_radii(images, counts))
    assert measured == pytest.approx(radius, abs=0.005)


def test_single_ball_radii_and_the_span_of_a_test_like_file():
    rng = np.random.default_rng(5)
    counts = rng.choice([1, 2, 3], size=120)
    radii = rng.uniform(0.7, 1.6, size=(120, 3))
    radii[np.arange(3) >= counts[:, None]] = np.nan
    images = render(simulate_trajectories(counts, 1, radii, rng).positions, radii)
    single = counts == 1
    assert ball_radii(images, counts)[single] == pytest.approx(radii[single, 0], abs=0.01)
    low, high = radius_span(images, counts)
    assert (low, high) == pytest.approx((radii[single, 0].min(), radii[single, 0].max()), abs=0.01)
    assert radius_span(images[~single], counts[~single])[0] > 0.7  # no single balls: per image


def test_probe_radii_surround_the_training_radius_and_cover_the_test_span():
    assert probe_radii(1.2, (0.81, 1.79)).tolist() == [round(0.6 + 0.1 * i, 2) for i in range(14)]
    radii = probe_radii(1.0, (0.7, 2.2))
    assert radii.min() == 0.5 and radii.max() == 2.2 and 1.0 in radii
    assert 1.13 in probe_radii(1.13, (0.8, 1.8))


def test_edge_gap_is_the_closest_any_ball_body_comes_to_the_top_or_left_edge():
    images = torch.zeros(2, 1, 8, 8)
    images[0, 0, 3:5, 4:6] = 1.0  # 3 rows from the top, 4 columns from the left
    images[1, 0, 5:7, 2:4] = 0.6  # 5 rows, 2 columns
    assert edge_gap(images) == 2
    assert edge_gap(images[:1]) == 3
    assert edge_gap(images, body_level=0.7) == 3  # the second ball's pixels are not body
    with pytest.raises(ValueError, match="no pixel"):
        edge_gap(images, body_level=1.0)
