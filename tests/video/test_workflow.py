"""lib/video/workflow.py: the example clips, the events of a clip, and the tables and timings of
the chapters."""

import numpy as np
import pytest
import torch
from torch import nn

from lib.data.blobs import count_blobs
from lib.data.simulate import render
from lib.metrics import VideoMetrics
from lib.settings import BALL_BODY_LEVEL
from lib.video.workflow import (
    EVENTS,
    VideoData,
    ball_count_groups,
    beats_at_every_step,
    clip_events,
    evaluate_predictor,
    example_clips,
    inference_ms,
    scores_by_ball_count,
)

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
    assert (
        count_blobs(touching[0, 0], BALL_BODY_LEVEL) == 2
        and count_blobs(touching[0, 1], BALL_BODY_LEVEL) == 1
    )


def metrics(mse_per_step, psnr_per_step, ssim_per_step):
    """VideoMetrics of one clip per row from per-step scores (N, T)."""
    steps = [
        np.atleast_2d(np.asarray(s, dtype=float))
        for s in (mse_per_step, ssim_per_step, psnr_per_step)
    ]
    return VideoMetrics(*(s.mean(axis=1) for s in steps), *steps)


def test_beats_at_every_step_needs_all_three_scores_at_all_steps_against_every_baseline():
    model = metrics([0.1, 0.2], [20, 18], [0.9, 0.8])
    weaker = metrics([0.2, 0.3], [19, 17], [0.8, 0.7])
    assert beats_at_every_step(model, [weaker, weaker])
    # PSNR at t+2
    assert not beats_at_every_step(model, [weaker, metrics([0.2, 0.3], [19, 18.5], [0.8, 0.7])])
    # MSE at t+1
    assert not beats_at_every_step(model, [metrics([0.05, 0.3], [19, 17], [0.8, 0.7])])
    # SSIM at t+2
    assert not beats_at_every_step(model, [metrics([0.2, 0.3], [19, 17], [0.8, 0.85])])


def test_scores_by_ball_count_average_each_predictor_over_the_clips_of_each_count():
    counts = np.array([1, 3, 3])
    model = metrics([[0.1], [0.2], [0.4]], [[20], [18], [16]], [[0.9], [0.8], [0.6]])
    table = scores_by_ball_count({"model": model, "copy": model}, counts)
    assert list(ball_count_groups(counts)) == [1, 3]  # no clip with 2 balls: no row
    assert table[["balls", "clips", "model"]].values.tolist() == [
        [1, 1, "model"],
        [1, 1, "copy"],
        [3, 2, "model"],
        [3, 2, "copy"],
    ]
    assert table["MSE"].tolist() == pytest.approx([0.1, 0.1, 0.3, 0.3])
    assert table["PSNR (dB)"].tolist() == pytest.approx([20, 20, 17, 17])


def test_inference_ms_is_per_clip():
    assert 0 < inference_ms(nn.Conv2d(5, 5, 1), torch.zeros(8, 5, 32, 32)) < 1000


def test_a_predictor_is_scored_on_the_validation_clips_by_name():
    class LastFrame(nn.Module):
        def __init__(self):
            super().__init__()
            self.unused = nn.Parameter(torch.zeros(1))  # predict() reads the device off one

        def forward(self, x):
            return x[:, -1:].expand(-1, 5, -1, -1)

    clips = torch.rand(3, 10, 32, 32, generator=torch.Generator().manual_seed(0))
    data = VideoData((clips[:, :5], clips[:, 5:]), (clips[:, :5], clips[:, 5:]), np.ones(3))
    evaluated = evaluate_predictor(LastFrame(), data)
    assert torch.equal(evaluated.predictions, clips[:, 4:5].expand(-1, 5, -1, -1))
    expected = ((clips[:, 4:5] - clips[:, 5:]) ** 2).mean(dim=(1, 2, 3)).numpy()
    np.testing.assert_allclose(evaluated.scores.mse, expected, rtol=1e-5)
