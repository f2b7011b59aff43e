import numpy as np
import pytest

from lib.counting.diagnosis import ball_radii
from lib.counting.second_shift import second_shift
from lib.data.simulate import NoRoomError


def test_the_second_shift_mixes_counts_by_weight_and_draws_radii_from_the_range():
    shift = second_shift((0.6, 2.0), (1, 2, 3), n_images=60, seed=0)
    counts = shift.counts.numpy()
    assert [int((counts == c).sum()) for c in (1, 2, 3)] == [10, 20, 30]
    single = ball_radii(shift.images[counts == 1].numpy(), counts[counts == 1])
    assert single.min() > 0.55 and single.max() < 2.05 and single.max() - single.min() > 0.6
    assert shift.radius_ranges[1] == (0.6, 2.0)


def test_a_count_without_room_shrinks_its_upper_radius_until_the_balls_fit():
    shift = second_shift((1.0, 4.0), (0, 0, 1), n_images=5, seed=0)
    low, high = shift.radius_ranges[3]
    assert low == 1.0 and high < 4.0
    assert len(shift.counts) == 5


def test_balls_that_never_fit_raise():
    with pytest.raises(NoRoomError):
        second_shift((4.0, 4.0), (0, 0, 1), n_images=2, seed=0)


def test_the_same_seed_gives_the_same_images():
    a, b = (second_shift((0.6, 2.0), (1, 1, 1), n_images=6, seed=3) for _ in range(2))
    assert np.array_equal(a.images.numpy(), b.images.numpy())
