import numpy as np
import pandas as pd
import torch
from torch import nn

from lib.counting.size_sweep import landmarks, least, size_sweep, sweep_factors, sweep_scores
from tests.counting.test_augment import ball_images


def test_sweep_factors_are_log_spaced_and_hold_one_once():
    np.testing.assert_allclose(sweep_factors((0.5, 2.0), 5), [0.5, 0.71, 1.0, 1.41, 2.0])
    np.testing.assert_allclose(sweep_factors((0.5, 2.0), 4), [0.5, 0.79, 1.0, 1.26, 2.0])


def images_of_one_and_two_balls():
    images = ball_images([[(5.0, 5.0, 1.2)], [(3.0, 3.0, 1.2), (7.0, 7.0, 1.2)]])
    return images, torch.tensor([1, 2])


def test_a_sweep_keeps_only_the_images_with_room_at_each_factor():
    images, counts = images_of_one_and_two_balls()
    sweep = size_sweep(images, counts, [1.0, 2.5])
    assert sweep.factors.tolist() == [1.0, 1.0, 2.5] and sweep.tried.tolist() == [
        1.0,
        2.5,
    ]  # the pair has no room at 2.5
    assert sweep.counts.tolist() == [1, 2, 1]
    assert sweep.offered == {1: 1, 2: 1}
    assert torch.equal(sweep.images[:2], images)  # at 1: as rendered
    # the single ball really grew: its brightness by about the factor squared
    ratio = sweep.images[2].sum() / images[0].sum()
    assert 0.9 * 2.5**2 < ratio < 1.1 * 2.5**2


class SaysOne(nn.Module):
    def __init__(self):
        super().__init__()
        self.logits = nn.Parameter(torch.tensor([1.0, 0.0, 0.0]))

    def forward(self, x):
        return self.logits.expand(len(x), 3)


def test_sweep_scores_give_room_separation_and_accuracy_per_factor_and_count():
    images, counts = images_of_one_and_two_balls()
    scores = sweep_scores(size_sweep(images, counts, [1.0, 2.5]), [SaysOne()], body_level=0.5)
    rows = {(r.factor, r["count"]): r for _, r in scores.iterrows()}
    assert set(rows) == {(1.0, 1), (1.0, 2), (2.5, 1), (2.5, 2)}
    assert rows[(1.0, 1)].accuracy == 1.0 and rows[(1.0, 2)].accuracy == 0.0
    assert rows[(1.0, 2)].room == 1.0 and rows[(2.5, 1)].room == 1.0
    # no two-ball image had room at 2.5: none there, and no accuracy
    assert rows[(2.5, 2)].room == 0.0 and np.isnan(rows[(2.5, 2)].accuracy)
    assert rows[(1.0, 2)].separate == 1.0


def test_landmarks_are_the_ends_with_room_one_and_its_neighbours():
    scores = pd.DataFrame(
        {"factor": [0.5, 0.79, 1.0, 1.26, 2.0, 3.0], "images": [4, 4, 4, 4, 1, 0]}
    )
    assert landmarks(scores) == {"low": 0.5, "below": 0.79, "one": 1.0, "above": 1.26, "high": 2.0}


def test_least_is_the_worst_count_at_a_factor():
    scores = pd.DataFrame({"factor": [1.0, 1.0, 2.0], "count": [1, 2, 1], "room": [1.0, 0.4, 0.2]})
    assert least(scores, 1.0, "room") == 0.4
