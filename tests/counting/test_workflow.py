import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from lib.counting.workflow import (
    correct,
    cross_entropy,
    errors_by_size,
    evaluate_counter,
    load_counting_data,
    predicted_counts,
)
from lib.settings import BALL_COUNTS, PART1_TEST, PART1_TRAINING, SIZE_GROUPS


def images_of_brightness(*totals):
    """Images (N, 1, 2, 2) whose pixels sum to the given totals."""
    return torch.tensor(totals, dtype=torch.float32)[:, None, None, None].expand(-1, 1, 2, 2) / 4


def test_errors_by_size_groups_test_images_by_brightness_per_ball_relative_to_training():
    train = (images_of_brightness(10.0, 20.0, 30.0), np.array([1, 2, 3]))  # 10 per ball
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


def test_logits_stand_for_the_ball_counts_in_order():
    logits = torch.tensor([[5.0, 0.0, 0.0], [0.0, 0.0, 5.0], [0.0, 5.0, 0.0]])
    counts = torch.tensor(BALL_COUNTS)[[0, 2, 1]]
    assert predicted_counts(logits).tolist() == counts.tolist()
    assert correct(logits, counts).tolist() == [1.0, 1.0, 1.0]
    assert correct(logits, counts.flip(0)).tolist() == [0.0, 1.0, 0.0]
    # the loss reads the counts as the index of their logit
    assert cross_entropy(logits, counts) == pytest.approx(
        F.cross_entropy(logits, torch.tensor([0, 2, 1])).item()
    )


class FixedCounter(nn.Module):
    """Logits that pick the ball counts given, whatever the images."""

    def __init__(self, counts):
        super().__init__()
        self.logits = nn.Parameter(
            F.one_hot(torch.tensor(counts) - BALL_COUNTS[0], len(BALL_COUNTS)).float()
        )

    def forward(self, images):
        return self.logits[: len(images)]


def test_evaluate_counter_scores_counts_and_fills_the_confusion_matrix_by_count():
    images, counts = torch.zeros(4, 1, 32, 32), torch.tensor([1, 2, 3, 3])
    evaluation = evaluate_counter(FixedCounter([1, 2, 2, 3]), (images, counts))
    assert evaluation.accuracy == 0.75
    assert evaluation.predicted.tolist() == [1, 2, 2, 3]
    assert evaluation.confusion.tolist() == [[1, 0, 0], [0, 1, 0], [0, 1, 1]]


def test_counting_data_holds_the_number_of_balls_as_the_files_do(tmp_path):
    labels = {
        PART1_TRAINING: np.array([1, 2, 3, 3, 2, 1, 1, 2, 3, 3]),
        PART1_TEST: np.array([3, 1, 2]),
    }
    for name, counts in labels.items():
        np.savez(tmp_path / name, data=np.zeros((len(counts), 1, 1024), np.float32), labels=counts)
    data = load_counting_data(tmp_path)
    assert data.train[1].tolist() == labels[PART1_TRAINING][:8].tolist()
    assert data.val[1].tolist() == labels[PART1_TRAINING][8:].tolist()
    assert data.test[1].tolist() == labels[PART1_TEST].tolist()
    assert data.test[0].shape == (3, 1, 32, 32)
