"""The helpers of lib/video.py that pick example clips and classify what happens in a clip."""
import numpy as np

from lib.simulate import render
from lib.video import EVENTS, clip_events, count_blobs, example_clips

R = 1.2


def clip_of(positions):
    """Render one clip from positions (T, B, 2) in box units."""
    positions = np.asarray(positions, dtype=float)[None]
    return render(positions, np.full((1, positions.shape[2]), R))


def test_example_clips_follow_the_median_and_worst_rule():
    counts = np.array([1, 2, 1, 1, 2, 3, 2, 1])
    mse = np.array([0.5, 0.1, 0.2, 0.9, 0.3, 0.05, 0.2, 0.4])
    medians, worst = example_clips(counts, mse)
    # 1 ball: clips 0, 2, 3, 7 with MSE .5 .2 .9 .4 -> sorted 2, 7, 0, 3 -> upper median clip 0.
    # 2 balls: clips 1, 4, 6 with .1 .3 .2 -> sorted 1, 6, 4 -> clip 6. 3 balls: clip 5.
    assert medians == [0, 6, 5]
    assert worst == 3


def test_example_clips_skip_absent_ball_counts():
    medians, worst = example_clips(np.array([2, 2]), np.array([0.1, 0.2]))
    assert medians == [1] and worst == 1


def test_free_flight_wall_and_collision_are_told_apart():
    free = clip_of([[[5.0, 5.0]], [[5.3, 5.0]]])
    wall = clip_of([[[5.0, 5.0]], [[1.1, 5.0]]])  # centre closer to the wall than the radius
    apart = clip_of([[[3.0, 5.0], [7.0, 5.0]], [[3.0, 5.0], [7.0, 5.0]]])
    touching = clip_of([[[3.0, 5.0], [7.0, 5.0]], [[3.9, 5.0], [6.1, 5.0]]])  # 2.2 < 2 r apart
    frames = np.concatenate([free, wall, apart, touching])
    events = clip_events(frames, np.array([1, 1, 2, 2]))
    assert list(events) == [EVENTS[0], EVENTS[1], EVENTS[0], EVENTS[2]]
    assert count_blobs(touching[0, 0]) == 2 and count_blobs(touching[0, 1]) == 1
