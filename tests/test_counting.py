import numpy as np
import pytest
import torch

from lib.counting import SIZE_GROUPS, errors_by_size


def images_of_brightness(*totals):
    """Images (N, 1, 2, 2) whose pixels sum to the given totals."""
    return torch.tensor(totals, dtype=torch.float32)[:, None, None, None].expand(-1, 1, 2, 2) / 4


def test_errors_by_size_groups_test_images_by_brightness_per_ball_relative_to_training():
    train = (images_of_brightness(10.0, 20.0, 30.0), np.array([1, 2, 3]))   # 10 per ball
    test = (images_of_brightness(5.0, 10.0, 30.0, 15.0), np.array([1, 1, 2, 1]))  # 0.5, 1, 1.5, 1.5
    predicted = [np.array([1, 1, 3, 2]), np.array([1, 2, 2, 2])]
    table = errors_by_size(train, test, predicted)
    assert table["ball size vs training"].tolist() == list(SIZE_GROUPS)
    assert table["test images"].tolist() == [1, 1, 2]
    assert table["accuracy"].tolist() == pytest.approx([1.0, 0.5, 0.25])
    assert table["mean (predicted − true)"].tolist() == pytest.approx([0.0, 0.5, 0.75])


def test_an_empty_size_group_has_no_accuracy():
    train = (images_of_brightness(10.0), np.array([1]))
    table = errors_by_size(train, (images_of_brightness(10.0), np.array([1])), [np.array([1])])
    assert table["test images"].tolist() == [0, 1, 0]
    assert np.isnan(table["accuracy"][0])
