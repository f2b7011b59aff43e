import io

import matplotlib.colors
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import seaborn as sns
import torch
from matplotlib.text import Text
from PIL import Image

from lib.metrics import VideoMetrics
from lib.report import plots


def frames_of(fig) -> list:
    return [ax for ax in fig.axes if ax.get_images() and ax.get_label() != "<colorbar>"]


def test_clip_comparison_draws_one_full_width_strip_per_clip():
    inputs, targets = torch.zeros(4, 5, 8, 8), torch.ones(4, 5, 8, 8)
    predictions = {"A": torch.full((4, 5, 8, 8), 2.0), "B": torch.full((4, 5, 8, 8), 0.25)}
    fig = plots.clip_comparison([1, 3], inputs, targets, predictions)
    frames = frames_of(fig)
    # Per clip: 10 frames (input, truth), then A and its error, B and its error under the truth.
    assert len(frames) == 2 * (10 + 4 * 5)
    first, second = frames[:30], frames[30:]
    assert [ax.get_title() for ax in first[:10]] == [
        "t0 (input)",
        "t1",
        "t2",
        "t3",
        "t4",
        "t5 (truth)",
        "t6",
        "t7",
        "t8",
        "t9",
    ]
    # The second strip lies wholly below the first, at the same left edge.
    assert max(ax.get_position().y1 for ax in second) < min(ax.get_position().y0 for ax in first)
    assert second[0].get_position().x0 == pytest.approx(first[0].get_position().x0)
    # Predictions and errors stand under the true frames, column by column.
    truth_x = [ax.get_position().x0 for ax in first[5:10]]
    for row in range(4):
        row_x = [ax.get_position().x0 for ax in first[10 + 5 * row : 15 + 5 * row]]
        assert row_x == pytest.approx(truth_x)
    texts = [text.get_text() for text in fig.texts]
    assert texts.count("clip 1") == texts.count("clip 3") == 1
    assert texts.count("A →") == texts.count("|error| →") / 2 == 2
    plt.close(fig)


def test_clip_comparison_clips_predictions_and_shows_errors_on_a_square_root_scale():
    inputs, targets = torch.zeros(1, 5, 8, 8), torch.ones(1, 5, 8, 8)
    fig = plots.clip_comparison([0], inputs, targets, {"A": torch.full((1, 5, 8, 8), 0.75)})
    frames = frames_of(fig)
    predicted, error = frames[10].get_images()[0], frames[15].get_images()[0]
    assert np.allclose(predicted.get_array(), 0.75)
    assert np.allclose(error.get_array(), 0.25)
    assert error.get_cmap().name == plots.ERROR_CMAP.name != predicted.get_cmap().name
    assert error.get_cmap()(0.0)[:3] == (1.0, 1.0, 1.0)  # white where the error is zero
    # An error of 0.25 fills half the colour range: small errors stay visible.
    assert error.norm(0.25) == pytest.approx(0.5)
    assert len(fig.axes) == len(frames) + 1  # one colour bar per strip
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
    # the last input frame; the truth; the prediction clipped to 1
    assert values == [0.5] + [1.0] * 10
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
    assert first["Task 6 U-Net"] == second["Task 6 U-Net"]
    assert first["last frame"] == second["last frame"]
    assert len(set(second.values())) == 4


def line_colours(fig) -> dict[str, tuple]:
    """The colour of each labelled line of a figure, read from what was drawn."""
    return {
        line.get_label(): line.get_color()
        for ax in fig.axes
        for line in ax.get_lines()
        if not line.get_label().startswith("_")
    }


def test_a_model_is_drawn_in_one_colour_in_every_figure_that_shows_it():
    history = {"train_loss": [0.3, 0.2], "val_loss": [0.4, 0.3]}
    curves = plots.training_curves(
        {"Task 6 U-Net (added skips, Table 3)": history, "U-Net (no skips)": history},
        [(["train_loss"], "training"), (["val_loss"], "validation")],
    )
    # The same model beside another companion, in another order.
    steps = plots.training_curves(
        {"Task 7 final": history, "U-Net (no skips)": history, "Task 6 U-Net": history},
        [(["val_loss"], "validation")],
    )
    drawn_curves, drawn_steps = line_colours(curves), line_colours(steps)
    assert drawn_curves["Task 6 U-Net (added skips, Table 3)"] == drawn_steps["Task 6 U-Net"]
    assert drawn_curves["U-Net (no skips)"] == drawn_steps["U-Net (no skips)"]
    assert drawn_steps["Task 6 U-Net"] != drawn_steps["U-Net (no skips)"]
    plt.close(curves)
    plt.close(steps)


def test_panels_of_one_quantity_share_their_y_axis_and_every_panel_is_labelled():
    history = {"train_loss": [0.3, 0.2], "val_loss": [0.04, 0.03], "val_accuracy": [0.5, 0.9]}
    shared = plots.training_curves(
        {"m": history}, [(["train_loss"], "training"), (["val_loss"], "validation")]
    )
    left, right = shared.axes
    assert left.get_ylim() == right.get_ylim()
    assert left.get_ylabel() == "loss"
    separate = plots.training_curves(
        {"m": history}, [(["train_loss", "val_loss"], "loss"), (["val_accuracy"], "accuracy")]
    )
    left, right = separate.axes
    assert left.get_ylim() != right.get_ylim()
    assert (left.get_ylabel(), right.get_ylabel()) == ("loss", "accuracy")
    plt.close(shared)
    plt.close(separate)


def test_every_palette_colour_is_a_models_or_a_free_one_never_both():
    models, free = set(plots.MODEL_COLOURS.values()), set(plots.FREE_COLOURS)
    assert not models & free
    assert sorted(models | free) == list(range(10))


# --- Every figure legible at its printed size ---------------------------------------------------


def saved_width_inches(fig) -> float:
    """How wide the notebook saves `fig`: IPython's inline backend crops it to its drawing
    (bbox_inches="tight", plus savefig.pad_inches around)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    return Image.open(buffer).size[0] / fig.dpi


def printed_text_sizes(fig) -> dict[str, float]:
    """Each visible text of `fig` and the size in points it prints at (the smallest if repeated):
    Typst prints the saved image at its own size, shrunk to the text width if wider."""
    saved = saved_width_inches(fig)
    scale = min(saved, plots.TEXT_WIDTH_INCHES) / saved
    sizes: dict[str, float] = {}
    for text in fig.findobj(Text):
        if text.get_visible() and text.get_text().strip():
            key = text.get_text()
            sizes[key] = min(sizes.get(key, np.inf), text.get_fontsize() * scale)
    return sizes


def too_small(fig) -> dict[str, float]:
    return {
        text: size
        for text, size in printed_text_sizes(fig).items()
        if size < plots.SMALLEST_FONT_PT - 1e-6
    }


CLIPS = torch.rand(6, 10, 32, 32)


def step_metrics(psnr_per_step: np.ndarray, ssim_per_step) -> VideoMetrics:
    """Scores of clips (rows) at each prediction step (columns), the per-clip ones left empty."""
    n = len(psnr_per_step)
    return VideoMetrics(
        mse=np.zeros(n),
        ssim=np.zeros(n),
        psnr=np.zeros(n),
        mse_per_step=10 ** (-psnr_per_step / 10),
        ssim_per_step=np.asarray(ssim_per_step),
        psnr_per_step=psnr_per_step,
    )


FIGURES = {
    "frame_grid": lambda: plots.frame_grid(
        [CLIPS[i].numpy() for i in range(4)],
        [f"clip {i}\n{i + 1} balls" for i in range(4)],
        column_labels=[f"t = {t}" for t in range(10)],
    ),
    "frame_grid of Part 1 images": lambda: plots.frame_grid(
        [CLIPS[i, :8].numpy() for i in range(6)], [f"train, {i} balls" for i in range(6)]
    ),
    "training_curves": lambda: plots.training_curves(
        {
            f"{label} #{s}": {
                "train_loss": list(FILLED[:20] + s),
                "val_loss": list(FILLED[20:40]),
                "train_accuracy": list(FILLED[40:60]),
                "val_accuracy": list(FILLED[60:80]),
            }
            for s in range(3)
            for label in ("baseline CNN", "final model")
        },
        [
            (["train_loss", "val_loss"], "cross-entropy loss"),
            (["train_accuracy", "val_accuracy"], "accuracy"),
        ],
    ),
    "step_scores": lambda: plots.step_scores(
        {
            label: step_metrics(np.array([[20.0 + k, 18.0 + k] * 3]), [[0.9, 0.8] * 3])
            for k, label in enumerate(("last frame", "Task 6 U-Net", "Task 7 final"))
        },
        {
            "Task 6 U-Net": (range(1, 21), FILLED[:20]),
            "Task 7 final": (range(4, 121, 4), FILLED[:30]),
        },
    ),
    "clip_comparison": lambda: plots.clip_comparison(
        [0, 2, 5],
        CLIPS[:, :5],
        CLIPS[:, 5:],
        {"Task 6 U-Net": CLIPS[:, 5:] * 0.5, "Task 7 final": CLIPS[:, 5:] * 0.9},
    ),
    "clip_rows": lambda: plots.clip_rows(
        [0, 2, 5], CLIPS[:, :5], CLIPS[:, 5:], CLIPS[:, 5:] * 0.5, label="physics"
    ),
    "confusion_heatmaps": lambda: plots.confusion_heatmaps(
        {"seed 0": np.arange(9).reshape(3, 3) * 11, "sum over 3 seeds": np.ones((3, 3), int) * 99}
    ),
    "image_gallery": lambda: plots.image_gallery(
        [image[0].numpy() for image in CLIPS[:, :3].reshape(18, 1, 32, 32)[:16]],
        [str(i % 3 + 1) for i in range(16)],
    ),
    "curves_by_group": lambda: plots.curves_by_group(
        {
            title: pd.DataFrame(
                {
                    "radius": np.tile(np.linspace(0.6, 2.0, 15), 3),
                    "count": np.repeat([1, 2, 3], 15),
                    "predicted": FILLED[:45] * 3 + 0.5,
                }
            )
            for title in ("baseline CNN", "final model")
        },
        x="radius",
        y="predicted",
        group="count",
        xlabel="ball radius (box units)",
        ylabel="mean predicted count",
        group_label="true count",
        vline=1.2,
    ),
}


@pytest.mark.parametrize("name", FIGURES)
def test_every_text_of_every_figure_prints_at_seven_points_or_more(name):
    fig = FIGURES[name]()
    assert printed_text_sizes(fig), name  # the check sees the figure's texts
    assert not too_small(fig), name
    plt.close(fig)


@pytest.mark.parametrize("name", FIGURES)
def test_every_figure_is_saved_no_wider_than_the_text_so_it_prints_at_its_own_size(name):
    fig = FIGURES[name]()
    assert saved_width_inches(fig) <= plots.TEXT_WIDTH_INCHES, name
    plt.close(fig)


def test_the_size_check_sees_a_figure_drawn_too_wide_to_print_its_text_at_seven_points():
    fig, ax = plt.subplots(figsize=(12, 3))
    ax.set_title("title at 8 pt", fontsize=8)
    ax.plot([1, 2], [1, 2])
    assert "title at 8 pt" in too_small(fig)
    plt.close(fig)


def test_a_clip_figure_refuses_more_than_three_clips():
    with pytest.raises(ValueError, match="at most 3 clips"):
        plots.clip_comparison([0, 1, 2, 3], CLIPS[:, :5], CLIPS[:, 5:], {"A": CLIPS[:, 5:]})
    with pytest.raises(ValueError, match="at most 3 clips"):
        plots.clip_rows([0, 1, 2, 3], CLIPS[:, :5], CLIPS[:, 5:], CLIPS[:, 5:])


# --- Epoch axes ---------------------------------------------------------------------------------


def visible_ticks(axis) -> np.ndarray:
    low, high = sorted(axis.get_view_interval())
    ticks = np.asarray(axis.get_majorticklocs())
    return ticks[(ticks >= low) & (ticks <= high)]


@pytest.mark.parametrize("n_epochs", [1, 2, 7, 60])
def test_epoch_axes_have_whole_epoch_ticks_only(n_epochs):
    history = {"train_loss": list(FILLED[:n_epochs]), "val_loss": list(FILLED[:n_epochs])}
    curves = plots.training_curves({"m": history}, [(["train_loss", "val_loss"], "loss")])
    for ax in curves.axes:
        ticks = visible_ticks(ax.xaxis)
        assert ticks.size >= 1
        assert np.array_equal(ticks, np.round(ticks)), ticks
        assert ticks.min() >= 1 and ticks.max() <= n_epochs
    plt.close(curves)


def test_curves_spanning_powers_of_ten_get_a_log_scale_unless_told():
    history = {"train_loss": [1.0, 0.1, 0.02], "val_accuracy": [0.5, 0.8, 0.9]}
    panels = [(["train_loss"], "loss"), (["val_accuracy"], "accuracy")]
    auto = plots.training_curves({"m": history}, panels)
    assert [ax.get_yscale() for ax in auto.axes] == ["log", "linear"]
    linear = plots.training_curves({"m": history}, panels, log_y=False)
    assert [ax.get_yscale() for ax in linear.axes] == ["linear", "linear"]
    plt.close(auto)
    plt.close(linear)


# --- One colour per model, one per number of balls -----------------------------------------------

# The labels the chapters pass, by the model each names.
CHAPTER_LABELS = {
    "baseline CNN": "baseline",
    "Task 6 U-Net": "Task 6",
    "Task 6 U-Net (added skips, Table 3)": "Task 6",
    "U-Net (concatenated skips)": "concatenated skips",
    "U-Net (no skips)": "no skips",
    "Task 7 final": "Task 7",
    "final model": "final",
    "last frame": "last frame",
    "last-frame baseline": "last frame",
    "physics": "physics",
    "hybrid: physics, else the network": "hybrid",
}


def drawn_colour(fig, label: str) -> tuple:
    """The colour of the line labelled `label` (or "label (training)") in `fig`."""
    for ax in fig.axes:
        for line in ax.get_lines():
            if line.get_label() in (label, f"{label} (training)"):
                return to_rgb(line.get_color())
    raise AssertionError(f"no line labelled {label!r}")


def to_rgb(colour) -> tuple:
    return tuple(round(c, 6) for c in matplotlib.colors.to_rgb(colour))


@pytest.mark.parametrize("label", CHAPTER_LABELS)
def test_a_model_has_one_colour_in_every_figure_that_draws_models(label):
    history = {"train_loss": [0.3, 0.2], "val_loss": [0.4, 0.3]}
    other = "a model of no known name"
    figures = [
        plots.training_curves({label: history, other: history}, [(["train_loss"], "loss")]),
        plots.training_curves(
            {f"{label} #0": history, f"{label} #1": history},
            [(["train_loss", "val_loss"], "loss")],
        ),
        plots.training_curves({other: history, label: history}, [(["val_loss"], "loss")]),
    ]
    expected = to_rgb(sns.color_palette("deep", 10)[plots.MODEL_COLOURS[CHAPTER_LABELS[label]]])
    assert [drawn_colour(fig, label) for fig in figures] == [expected] * len(figures)
    for fig in figures:
        plt.close(fig)


def test_different_models_get_different_colours():
    colours = plots.colours_for(
        [
            "baseline CNN",
            "final model",
            "last frame",
            "Task 6 U-Net",
            "U-Net (concatenated skips)",
            "U-Net (no skips)",
            "Task 7 final",
            "physics",
            "hybrid: physics, else the network",
        ]
    )
    part1 = ["baseline CNN", "final model"]
    part2 = [label for label in colours if label not in part1]
    assert len({colours[label] for label in part1}) == len(part1)
    assert len({colours[label] for label in part2}) == len(part2)


def test_a_number_of_balls_has_one_colour_in_every_figure():
    counts = pd.DataFrame({"radius": [1.0, 2.0] * 3, "count": [1, 1, 2, 2, 3, 3], "mean": 1.0})
    fig = plots.curves_by_group(
        {"all": counts, "two and three": counts[counts["count"] > 1]},
        x="radius",
        y="mean",
        group="count",
        xlabel="x",
        ylabel="y",
        group_label="count",
    )
    every, some = (
        {line.get_label(): to_rgb(line.get_color()) for line in ax.get_lines()} for ax in fig.axes
    )
    assert some["2"] == every["2"] and some["3"] == every["3"]
    assert len({every["1"], every["2"], every["3"]}) == 3
    plt.close(fig)


def test_the_training_curves_legend_names_models_by_colour_and_splits_by_line_style():
    history = {"train_loss": [0.3, 0.2], "val_loss": [0.4, 0.3]}
    both = plots.training_curves(
        {"baseline CNN #0": history, "baseline CNN #1": history, "final model": history},
        [(["train_loss", "val_loss"], "loss")],
    )
    [legend] = both.legends
    assert [t.get_text() for t in legend.get_texts()] == [
        "baseline CNN",
        "final model",
        "training",
        "validation",
    ]
    assert [h.get_linestyle() for h in legend.legend_handles[2:]] == ["-", "--"]
    one_split = plots.training_curves(
        {"baseline CNN": history}, [(["train_loss"], "training"), (["val_loss"], "validation")]
    )
    assert [t.get_text() for t in one_split.legends[0].get_texts()] == ["baseline CNN"]
    plt.close(both)
    plt.close(one_split)


HELPERS = {
    "use_book_style",
    "model_colour_index",
    "colours_for",
    "count_colours",
    "legend_below",
    "epoch_axis",
    "spans_decades",
}


def test_the_size_checks_draw_every_figure_of_the_module():
    public = {
        name
        for name, value in vars(plots).items()
        if callable(value) and not name.startswith("_") and value.__module__ == plots.__name__
    }
    drawn = {name.split(" ")[0] for name in FIGURES}
    assert public - HELPERS == drawn


def test_long_trainings_are_drawn_without_markers_so_their_line_styles_show():
    short = {"train_loss": [0.3, 0.2], "val_loss": [0.4, 0.3]}
    long = {key: list(np.linspace(1, 0.1, 120)) for key in short}
    for history, marker in ((short, "o"), (long, "None")):
        fig = plots.training_curves({"m": history}, [(["train_loss", "val_loss"], "loss")])
        assert {line.get_marker() for line in fig.axes[0].get_lines()} == {marker}
        plt.close(fig)


def test_step_scores_draw_each_step_capped_and_the_curves_in_each_models_colour():
    # Two clips, two steps; the second clip is exact at t+2 (infinite PSNR, capped at 100 dB).
    scores = step_metrics(np.array([[20.0, 30.0], [40.0, np.inf]]), [[0.5, 0.7], [0.9, 1.0]])
    curves = {"Task 7 final": ([4, 8, 10], [0.01, 0.005, 0.004])}
    fig = plots.step_scores({"last frame": scores, "Task 7 final": scores}, curves)
    psnr_ax, ssim_ax, curve_ax = fig.axes
    final_psnr = psnr_ax.get_lines()[1]
    assert final_psnr.get_ydata().tolist() == [30.0, 65.0]  # (20 + 40) / 2, (30 + 100) / 2
    assert ssim_ax.get_lines()[1].get_ydata().tolist() == pytest.approx([0.7, 0.85])
    assert [t.get_text() for t in psnr_ax.get_xticklabels()] == ["t+1", "t+2"]
    (curve,) = curve_ax.get_lines()
    assert curve.get_xdata().tolist() == [4, 8, 10] and curve_ax.get_yscale() == "log"
    assert curve.get_color() == final_psnr.get_color() != psnr_ax.get_lines()[0].get_color()
    plt.close(fig)
