import matplotlib.pyplot as plt
import numpy as np
import torch

from lib import plots


def test_clip_comparison_has_input_truth_each_prediction_and_the_last_models_error_per_clip():
    inputs, targets = torch.zeros(4, 5, 8, 8), torch.ones(4, 5, 8, 8)
    predictions = {"A": torch.full((4, 5, 8, 8), 2.0), "B": torch.full((4, 5, 8, 8), 0.25)}
    fig = plots.clip_comparison([1, 3], inputs, targets, predictions, error_label="|error| B")
    axes = np.array(fig.axes).reshape(-1, 5)
    assert axes.shape == (2 * 5, 5)  # 2 clips x (input, truth, A, B, error) rows, 5 frames each
    labels = [row[0].get_ylabel() for row in axes]
    assert labels[:5] == ["clip 1: input t0–4", "truth t5–9", "A", "B", "|error| B"]
    assert labels[5] == "clip 3: input t0–4"
    images = [row[0].get_images()[0].get_array() for row in axes[:5]]
    assert images[2].max() == 1.0                  # predictions are clipped to [0, 1]
    assert np.allclose(images[4], 0.75)            # |B - truth|
    plt.close(fig)


def test_clip_rows_put_the_last_input_the_truth_and_the_prediction_in_one_row_per_clip():
    inputs, targets = torch.zeros(4, 5, 8, 8), torch.ones(4, 5, 8, 8)
    inputs[:, -1] = 0.5
    fig = plots.clip_rows([0, 2, 3], inputs, targets, torch.full((4, 5, 8, 8), 2.0), label="physics")
    axes = np.array(fig.axes).reshape(3, 11)
    assert [row[0].get_ylabel() for row in axes] == ["clip 0", "clip 2", "clip 3"]
    assert [ax.get_title() for ax in axes[0]][:2] == ["input", "true 1"] and axes[0, -1].get_title() == "physics 5"
    values = [ax.get_images()[0].get_array().max() for ax in axes[0]]
    assert values == [0.5] + [1.0] * 10  # the last input frame; the truth; the prediction clipped to 1
    plt.close(fig)
