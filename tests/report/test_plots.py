import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import torch

from lib.report import plots


def test_clip_comparison_has_input_truth_and_each_prediction_with_its_error_per_clip_side_by_side():
    inputs, targets = torch.zeros(4, 5, 8, 8), torch.ones(4, 5, 8, 8)
    predictions = {"A": torch.full((4, 5, 8, 8), 2.0), "B": torch.full((4, 5, 8, 8), 0.25)}
    fig = plots.clip_comparison([1, 3], inputs, targets, predictions)
    frames = [ax for ax in fig.axes if ax.get_images() and ax.get_label() != "<colorbar>"]
    assert (
        len(frames) == 2 * 6 * 5
    )  # 2 clips x (input, truth, A, |error| A, B, |error| B) rows x 5 frames
    clip1, clip3 = np.array(frames[:30]).reshape(6, 5), np.array(frames[30:]).reshape(6, 5)
    labels = [row[0].get_ylabel() for row in clip1]
    assert labels == ["input t0–4", "truth t5–9", "A", "|error|", "B", "|error|"]
    assert [row[0].get_ylabel() for row in clip3] == [""] * 6  # the labels are drawn once per line
    assert clip1[0, 2].get_title() == "clip 1" and clip3[0, 2].get_title() == "clip 3"
    # Side by side: the second clip's rows sit at the heights of the first's, to its right.
    assert clip3[0, 0].get_position().y0 == pytest.approx(clip1[0, 0].get_position().y0)
    assert clip3[0, 0].get_position().x0 > clip1[0, -1].get_position().x1
    images = [row[0].get_images()[0] for row in clip1]
    assert images[2].get_array().max() == 1.0  # predictions are clipped to [0, 1]
    assert np.allclose(images[3].get_array(), 0.0) and np.allclose(images[5].get_array(), 0.75)
    assert images[5].get_cmap().name == plots.ERROR_CMAP != images[4].get_cmap().name
    assert len(fig.axes) == 2 * 6 * 5 + 2  # one colour bar per error row, at the end of the line
    plt.close(fig)


def test_more_clips_than_fit_across_start_a_new_line():
    clips = list(range(plots.BLOCKS_PER_LINE + 1))
    data = torch.zeros(len(clips), 5, 8, 8)
    fig = plots.clip_comparison(clips, data, data, {"A": data})
    frames = [ax for ax in fig.axes if ax.get_images() and ax.get_label() != "<colorbar>"]
    first, last = frames[0], frames[-4 * 5]  # the first frame of the first and of the last clip
    assert last.get_position().y1 < first.get_position().y0  # below the first line
    assert last.get_position().x0 == pytest.approx(first.get_position().x0)
    assert last.get_ylabel() == "input t0–4"
    plt.close(fig)


def test_clip_rows_put_the_last_input_the_truth_and_the_prediction_in_one_row_per_clip():
    inputs, targets = torch.zeros(4, 5, 8, 8), torch.ones(4, 5, 8, 8)
    inputs[:, -1] = 0.5
    fig = plots.clip_rows(
        [0, 2, 3], inputs, targets, torch.full((4, 5, 8, 8), 2.0), label="physics"
    )
    axes = np.array(fig.axes).reshape(3, 11)
    assert [row[0].get_ylabel() for row in axes] == ["clip 0", "clip 2", "clip 3"]
    assert [ax.get_title() for ax in axes[0]][:2] == ["last\ninput", "true\n1"]
    assert axes[0, -1].get_title() == "physics\n5"
    values = [ax.get_images()[0].get_array().max() for ax in axes[0]]
    assert (
        values == [0.5] + [1.0] * 10
    )  # the last input frame; the truth; the prediction clipped to 1
    plt.close(fig)


def inside(box, xy: np.ndarray) -> np.ndarray:
    """Which display points (N, 2) lie in `box`."""
    xy = xy.reshape(-1, 2)
    return (xy[:, 0] >= box.x0) & (xy[:, 0] <= box.x1) & (xy[:, 1] >= box.y0) & (xy[:, 1] <= box.y1)


def points_under_legends(fig) -> list[str]:
    """The plotted points (line vertices, scatter points, bars) that a legend's box covers, as
    'axes title: artist' strings; matplotlib knows both boxes once the figure is drawn."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    legends = [*fig.legends, *(ax.get_legend() for ax in fig.axes if ax.get_legend())]
    covered = []
    for legend in legends:
        box = legend.get_window_extent(renderer)
        for ax in fig.axes:
            points = [
                (line, line.get_transform().transform(line.get_xydata())) for line in ax.get_lines()
            ]
            points += [
                (c, c.get_offset_transform().transform(c.get_offsets())) for c in ax.collections
            ]
            covered += [
                f"{ax.get_title()}: {artist}"
                for artist, xy in points
                if inside(box, np.asarray(xy)).any()
            ]
            covered += [
                f"{ax.get_title()}: {patch}"
                for patch in ax.patches
                if box.overlaps(patch.get_window_extent(renderer))
            ]
    return covered


def test_the_overlap_check_sees_a_legend_drawn_over_data():
    fig, ax = plt.subplots()
    ax.scatter(np.linspace(0, 1, 50), np.linspace(0, 1, 50), label="diagonal")
    ax.legend(loc="center")
    assert points_under_legends(fig)
    plt.close(fig)


class Scores:
    """Per-step scores of 20 clips, as lib.metrics.VideoMetrics holds them."""

    def __init__(self, level):
        rng = np.random.default_rng(int(level * 10))
        self.mse_per_step = level * (1 + rng.uniform(size=(20, 5)))
        self.ssim_per_step = 1 - self.mse_per_step
        self.psnr_per_step = -10 * np.log10(self.mse_per_step)


FILLED = np.random.default_rng(0).uniform(size=200)  # data in every corner of an axes


@pytest.mark.parametrize(
    "name, draw",
    [
        (
            "training_curves",
            lambda: plots.training_curves(
                {
                    f"m #{s}": {
                        "train_loss": list(FILLED[:20] + s),
                        "val_loss": list(FILLED[20:40]),
                    }
                    for s in range(2)
                },
                [(("train_loss", "val_loss"), "loss")],
            ),
        ),
        (
            "per_step_curves",
            lambda: plots.per_step_curves(
                {
                    "last frame": Scores(0.05),
                    "Task 6 U-Net": Scores(0.004),
                    "Task 7 final": Scores(0.001),
                }
            ),
        ),
        (
            "cumulative_distributions",
            lambda: plots.cumulative_distributions(
                {"training file": FILLED * 40, "test file": FILLED[::-1] * 90}, xlabel="brightness"
            ),
        ),
        (
            "expected_vs_measured",
            lambda: plots.expected_vs_measured(
                ["a", "b", "c", "d"], [0.5, 1.0, -0.2, 5.0], [0.4, 1.5, -17.0, 5.5], xlabel="dB"
            ),
        ),
        (
            "labelled_scatter",
            lambda: plots.labelled_scatter(
                FILLED * 4,
                np.rint(FILLED[::-1] * 2 + 1),
                (np.arange(200) % 3) + 1,
                "x",
                "y",
                "predicted",
                vlines=(1.5,),
            ),
        ),
        (
            "curves_by_group",
            lambda: plots.curves_by_group(
                {
                    "baseline": pd.DataFrame(
                        {
                            "radius": np.tile(np.linspace(0.6, 2.0, 15), 3),
                            "count": np.repeat([1, 2, 3], 15),
                            "predicted": FILLED[:45] * 3 + 0.5,
                        }
                    )
                },
                x="radius",
                y="predicted",
                group="count",
                xlabel="radius",
                ylabel="count",
                group_label="true count",
                vline=1.2,
            ),
        ),
    ],
)
def test_no_legend_covers_plotted_points(name, draw):
    fig = draw()
    assert not points_under_legends(fig), name
    plt.close(fig)


def test_models_keep_their_colours_from_figure_to_figure():
    first = plots.colours_for(["Task 6 U-Net", "last frame"])
    second = plots.colours_for(["last frame", "Task 6 U-Net", "Task 7 final", "something new"])
    assert (
        first["Task 6 U-Net"] == second["Task 6 U-Net"]
        and first["last frame"] == second["last frame"]
    )
    assert len(set(second.values())) == 4


def test_every_palette_colour_is_a_models_or_a_free_one_never_both():
    assert sorted([*plots.MODEL_COLOURS.values(), *plots.FREE_COLOURS]) == list(range(10))


def test_an_outlier_bar_does_not_set_the_axis():
    low, high = plots.bar_range(np.array([0.5, 1.0, -0.2, 0.4, 1.5, -17.0]))
    assert -5 < low < -0.2 and 1.5 < high < 2


def test_every_seed_keeps_its_own_dot_when_values_are_equal():
    fig = plots.seed_spread({"a": [0.9, 0.9, 0.9, 0.9, 0.9], "b": [0.5]}, ylabel="accuracy")
    dots = fig.axes[0].collections[0].get_offsets()
    assert len({x for x, _ in dots}) == 5
    plt.close(fig)
