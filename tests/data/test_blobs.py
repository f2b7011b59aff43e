import numpy as np
import torch

from lib.data.blobs import count_blobs
from lib.data.simulate import simulate_clips


def test_count_blobs_counts_four_connected_bright_regions_per_frame():
    frame = np.zeros((6, 6))
    frame[0, 0] = frame[2:4, 2:4] = 1.0
    frame[5, 4] = 0.3  # too dim at level 0.5
    diagonal = np.eye(6)  # touching at corners only: six regions
    assert count_blobs(frame, 0.5) == 2
    assert count_blobs(frame, 0.2) == 3
    assert count_blobs(diagonal, 0.5) == 6


def test_count_blobs_joins_diagonal_neighbours_when_asked():
    diagonal = np.eye(6)
    diagonal[0, 5] = 1.0  # a corner pixel that touches nothing
    assert count_blobs(diagonal, 0.5) == 7
    assert count_blobs(diagonal, 0.5, diagonal=True) == 2


def test_count_blobs_keeps_the_leading_dimensions_and_reads_tensors():
    frames = torch.zeros(3, 1, 4, 4)
    frames[1, 0, 0, 0] = frames[2, 0, 0, 0] = frames[2, 0, 3, 3] = 1.0
    counts = count_blobs(frames, 0.5)
    assert counts.shape == (3, 1) and counts[:, 0].tolist() == [0, 1, 2]


def test_count_blobs_counts_separate_simulated_balls_whatever_their_size():
    frames, counts = simulate_clips(40, 1, np.random.default_rng(3), radius_range=(1.2, 1.2))
    assert np.array_equal(count_blobs(frames[:, 0], 0.9), counts)
    small_and_large = simulate_clips(
        20, 1, np.random.default_rng(4), ball_counts=(3,), radius_range=(0.8, 1.8)
    )[0]
    assert np.all(count_blobs(small_and_large[:, 0], 0.9) == 3)
