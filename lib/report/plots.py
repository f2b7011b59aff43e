"""Every figure of the book, in one style that fits the text width of the PDF.

Papermill, not Quarto, executes the chapters, so Quarto's figure settings never reach the
kernel: the size, resolution and fonts are set here, once, when this module is imported.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.colors import Colormap, LinearSegmentedColormap, PowerNorm
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from lib.settings import BALL_COUNTS

if TYPE_CHECKING:  # figures take tensors too, but need no torch to draw arrays
    from torch import Tensor

    from lib.metrics import VideoMetrics

# The text width of the PDF: an A4 page (21 cm) less its side margins, 3 cm in Quarto's Typst
# book template (orange-book) and 2.5 cm in the fallback renderer's (tools/fallback/template.typ).
# Typst prints an image at its own size (pixels / DPI) and shrinks it to the text width if wider.
A4_WIDTH_CM = 21.0
SIDE_MARGINS_CM = {"quarto": 3.0, "fallback": 2.5}
TEXT_WIDTH_INCHES = (A4_WIDTH_CM - 2 * max(SIDE_MARGINS_CM.values())) / 2.54
# The notebook saves a figure cropped to what it draws plus this padding on every side
# (IPython's inline backend saves with bbox_inches="tight"), so a figure drawn this wide stays
# within the text width and prints at its own size: its fonts print at their point sizes.
SAVE_PAD_INCHES = 0.03
FIGURE_WIDTH_INCHES = round(TEXT_WIDTH_INCHES - 2 * SAVE_PAD_INCHES - 0.05, 2)
DPI = 160
# The smallest type any figure prints, in points (the body text is 10-11 pt).
SMALLEST_FONT_PT = 7.5
FONT_PT = 8.5
SMALL_FONT_PT = 8.0  # tick labels, legends and the labels of frames


def use_book_style() -> None:
    """Apply the book's plot style (called on import)."""
    sns.set_theme(context="paper", style="whitegrid")
    plt.rcParams.update(
        {
            "figure.figsize": (FIGURE_WIDTH_INCHES, 2.6),
            "figure.dpi": DPI,
            "savefig.dpi": DPI,
            "savefig.pad_inches": SAVE_PAD_INCHES,
            "figure.facecolor": "white",
            "savefig.facecolor": "white",
            "font.size": FONT_PT,
            "axes.titlesize": FONT_PT,
            "axes.labelsize": FONT_PT,
            "figure.titlesize": FONT_PT,
            "xtick.labelsize": SMALL_FONT_PT,
            "ytick.labelsize": SMALL_FONT_PT,
            "legend.fontsize": SMALL_FONT_PT,
            "legend.title_fontsize": FONT_PT,
            "figure.constrained_layout.use": True,
        }
    )


use_book_style()

# A figure of video clips shows at most this many: more strips no longer fit a page legibly.
MAX_CLIPS = 3


def _at_most_three_clips(clips: Sequence[int], figure: str) -> None:
    if len(clips) > MAX_CLIPS:
        raise ValueError(
            f"{figure} draws at most {MAX_CLIPS} clips per figure, got {len(clips)} "
            f"({list(clips)}): choose at most {MAX_CLIPS}, or split them over several figures"
        )


def frame_grid(
    rows: Sequence[np.ndarray],
    row_labels: Sequence[str],
    column_labels: Sequence[str] | None = None,
    row_height: float = 0.62,
):
    """Rows of frames laid out like the handout's Figure 1: one row per clip, time left to right.

    Each entry of `rows` is an array (T, H, W) with values in [0, 1]; all rows share the same T.
    """
    n_cols = len(rows[0])
    label_room = 0.9  # inches left of the frames for the row labels
    frame = min(row_height, (FIGURE_WIDTH_INCHES - label_room) / n_cols)
    title_room = 0.3 if column_labels is not None else 0.05
    if column_labels is not None and any("\n" in label for label in column_labels):
        title_room = 0.42
    width = label_room + frame * n_cols
    height = (frame * len(rows) + title_room) * 1.08 + 0.05
    fig, axes = plt.subplots(
        len(rows),
        n_cols,
        squeeze=False,
        figsize=(width, height),
        constrained_layout=False,
        gridspec_kw={
            "left": label_room / width,
            "right": 0.99,
            "top": 1 - title_room / height,
            "bottom": 0.01,
            "wspace": 0.06,
            "hspace": 0.08,
        },
    )
    for r, frames in enumerate(rows):
        for c, ax in enumerate(axes[r]):
            ax.imshow(frames[c], cmap="gray", vmin=0.0, vmax=1.0, interpolation="nearest")
            ax.set_xticks([])
            ax.set_yticks([])
            if r == 0 and column_labels is not None:
                ax.set_title(column_labels[c], fontsize=SMALL_FONT_PT, pad=2)
        axes[r, 0].set_ylabel(
            row_labels[r], rotation=0, ha="right", va="center", fontsize=SMALL_FONT_PT, labelpad=4
        )
    return fig


# One colour per model in every figure of the book (seaborn's palette, by index). A label takes the
# colour of the model phrase that starts earliest in it ("hybrid: physics, else the network" is
# the hybrid; "Task 6 U-Net (added skips, Table 3)" the Task 6 U-Net), the longer phrase on a tie.
# The prescribed networks of both parts (the baseline CNN, the Task 6 U-Net with its added skips)
# share blue, the final networks of both parts orange. Other labels take the unused colours.
MODEL_COLOURS = {
    "baseline": 0,
    "Task 6": 0,
    "added skips": 0,
    "final": 1,
    "Task 7": 1,
    "physics": 2,
    "concatenated skips": 3,
    "hybrid": 4,
    "last frame": 7,
    "no skips": 9,
}
FREE_COLOURS = (8, 5, 6)


def model_colour_index(label: str) -> int | None:
    """The palette index of the model `label` names (MODEL_COLOURS), None for no known model."""

    def words(text: str) -> str:  # "last-frame baseline" names the last frame
        return text.lower().replace("-", " ")

    found = [(words(label).find(words(phrase)), -len(phrase), phrase) for phrase in MODEL_COLOURS]
    found = [match for match in found if match[0] >= 0]
    return MODEL_COLOURS[min(found)[2]] if found else None


def colours_for(labels: Sequence[str]) -> dict[str, tuple]:
    """The colour of each label: its model's (MODEL_COLOURS), else the next of FREE_COLOURS."""
    palette = sns.color_palette("deep", n_colors=10)
    free = iter(FREE_COLOURS * len(labels))
    colours = {}
    for label in labels:
        index = model_colour_index(label)
        colours[label] = palette[next(free) if index is None else index]
    return colours


def count_colours(values: Iterable) -> dict:
    """A colour per number of balls, the same in every figure: one sequential palette (dark blue
    to green) over the book's ball counts and any other value given, in order."""
    values = list(values)
    ordered = sorted({*BALL_COUNTS, *(int(v) for v in values)})
    palette = sns.color_palette("viridis", n_colors=len(ordered))
    return {value: palette[ordered.index(int(value))] for value in values}


def legend_below(fig, ax, title: str | None = None, handles: Sequence | None = None) -> None:
    """The legend of `ax`'s labelled artists (or of `handles`) below every panel, outside the axes,
    so that it can never cover data (figures use constrained layout, which makes room for it); in
    as many columns (at most four) as fit the figure's width."""
    if handles is None:
        handles = ax.get_legend_handles_labels()[0]
    labels = [handle.get_label() for handle in handles]
    renderer = fig.canvas.get_renderer()
    for columns in range(min(len(labels), 4), 0, -1):
        legend = fig.legend(
            handles,
            labels,
            loc="outside lower center",
            ncols=columns,
            title=title,
            frameon=False,
        )
        if columns == 1 or legend.get_window_extent(renderer).width <= 0.98 * fig.bbox.width:
            return
        legend.remove()


def epoch_axis(ax, n_epochs: int) -> None:
    """An x axis of epochs 1 ... n_epochs with whole-number ticks only (one tick for one epoch)."""
    ax.set_xlim(0.5, n_epochs + 0.5)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))
    ax.set_xlabel("epoch")


def spans_decades(values: np.ndarray) -> bool:
    """Whether positive `values` reach from one power of ten to the next (log scale reads them)."""
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    return bool(values.size) and values.min() > 0 and values.max() >= 10 * values.min()


# Up to this many epochs every epoch gets a marker; beyond, markers would hide the line styles.
MARKED_EPOCHS = 30


def training_curves(
    histories: Mapping[str, Mapping[str, Sequence[float]]],
    panels: Sequence[tuple[Sequence[str], str]],
    log_y: bool | None = None,
):
    """One panel per (history keys, title): each run's curves of those keys over epochs.

    `histories` maps a run's label to its history ({"train_loss": [...], "val_loss": [...]}).
    Each model is drawn in its own colour (MODEL_COLOURS); keys starting with "train_" solid,
    "val_" dashed. Several runs of one model (e.g. seeds) may be labelled "label #seed": they share
    a colour and only the first is drawn bold. `log_y`: a log scale on every panel (True), on none
    (False), or (None) on the panels whose values span a power of ten.
    """
    quantities = [_quantity(keys) for keys, _ in panels]
    # Panels of one quantity (training and validation loss) share the y axis, so they compare.
    share = len(set(quantities)) == 1
    fig, axes = plt.subplots(1, len(panels), squeeze=False, sharey=share)
    labels = list(dict.fromkeys(run.split(" #")[0] for run in histories))
    colours = colours_for(labels)
    seen: set[str] = set()
    for run, history in histories.items():
        label = run.split(" #")[0]
        first = label not in seen
        seen.add(label)
        for ax, (keys, _) in zip(axes[0], panels, strict=True):
            for key in keys:
                values = history[key]
                split = "training" if key.startswith("train_") else "validation"
                ax.plot(
                    np.arange(1, len(values) + 1),
                    values,
                    "-" if split == "training" else "--",
                    color=colours[label],
                    marker="o" if len(values) <= MARKED_EPOCHS else None,
                    markersize=2.5,
                    alpha=1.0 if first else 0.3,
                    label=label if first else None,
                )
    n_epochs = max(len(values) for history in histories.values() for values in history.values())
    drawn = [
        np.concatenate([np.asarray(h[k], dtype=float) for h in histories.values() for k in keys])
        for keys, _ in panels
    ]
    if log_y is not None:
        logs = [log_y] * len(panels)
    elif share:  # panels that share their axis share its scale
        logs = [spans_decades(np.concatenate(drawn))] * len(panels)
    else:
        logs = [spans_decades(values) for values in drawn]
    for ax, (_, title), quantity, log in zip(axes[0], panels, quantities, logs, strict=True):
        ax.set_title(title)
        epoch_axis(ax, n_epochs)
        if not share or ax is axes[0, 0]:
            ax.set_ylabel(quantity)
        if log:
            ax.set_yscale("log")
    # The legend names each model by its colour and, where a panel draws both, the two splits by
    # their line style.
    marker = "o" if n_epochs <= MARKED_EPOCHS else None
    handles = [
        Line2D([], [], color=colours[label], marker=marker, markersize=2.5, label=label)
        for label in labels
    ]
    if any(len({key.split("_")[0] for key in keys}) > 1 for keys, _ in panels):
        handles += [
            Line2D([], [], color="0.3", linestyle="-", label="training"),
            Line2D([], [], color="0.3", linestyle="--", label="validation"),
        ]
    legend_below(fig, axes[0, -1], handles=handles)
    return fig


# White where a prediction is right, so errors stand out (unlike dark on black): matplotlib's Reds
# starts at a pale pink, so this map starts at pure white and then follows Reds. The square-root
# scale makes an error of 0.05 as visible as a fifth of the colour range.
ERROR_CMAP = LinearSegmentedColormap.from_list(
    "white-red", ["white", *plt.get_cmap("Reds")(np.linspace(0.15, 1.0, 8))]
)
ERROR_GAMMA = 0.5
QUANTITY_NAMES = {"mse": "MSE", "ssim": "SSIM", "psnr": "PSNR (dB)"}


def _quantity(keys: Sequence[str]) -> str:
    """What a panel's history keys measure: "loss" for ["train_loss", "val_loss"]."""
    names = {key.removeprefix("train_").removeprefix("val_") for key in keys}
    return ", ".join(QUANTITY_NAMES.get(name, name) for name in sorted(names))


def clip_comparison(
    clips: Sequence[int], inputs, targets, predictions: Mapping[str, np.ndarray | Tensor]
):
    """At most three validation clips (MAX_CLIPS) in the handout's Figure 1 layout, one clip per
    full-width strip.

    The strip's first row holds the input frames and then the true future frames, each labelled
    with its time; under the true frames, each model's predicted frames (clipped to [0, 1]) and
    their absolute error on a square-root colour scale (white: none, dark red: 1, with a colour
    bar). `inputs`, `targets` and each prediction are (N, T, H, W) arrays or CPU tensors.
    """
    _at_most_three_clips(clips, "clip_comparison")
    n_in = len(inputs[clips[0]])
    rows_per_clip = 1 + 2 * len(predictions)
    fig, grid = _strips_figure(len(clips), rows_per_clip, n_in, len(targets[clips[0]]))
    norm = PowerNorm(ERROR_GAMMA, vmin=0.0, vmax=1.0)
    for strip, i in enumerate(clips):
        top = strip * (rows_per_clip + 1) + 1
        truth = np.asarray(targets[i])
        _clip_strip_top(fig, grid, top, i, np.asarray(inputs[i]), truth)
        for m, (name, prediction) in enumerate(predictions.items()):
            predicted = np.clip(np.asarray(prediction[i]), 0.0, 1.0)
            _labelled_row(fig, grid, top + 1 + 2 * m, n_in, predicted, "gray", None, name)
            error = np.abs(predicted - truth)
            axes = _labelled_row(
                fig, grid, top + 2 + 2 * m, n_in, error, ERROR_CMAP, norm, "|error|"
            )
            if m == 0:  # one colour bar per strip: every error row shares its scale
                _error_bar(fig, axes[-1])
    return fig


def step_scores(
    predictors: Mapping[str, VideoMetrics],
    curves: Mapping[str, tuple[Sequence[int], Sequence[float]]],
):
    """Three panels: each predictor's mean PSNR (each clip capped) and mean SSIM over the clips at
    every prediction step t+1 ... t+T, and the validation MSE of the trained ones (`curves`: label
    -> the epochs validated and their MSEs) over their training, on a logarithmic scale."""
    fig, axes = plt.subplots(1, 3, figsize=(FIGURE_WIDTH_INCHES, 2.1))
    colours = colours_for([*predictors, *curves])
    for label, metrics in predictors.items():
        capped = metrics.capped()
        steps = np.arange(1, capped.psnr_per_step.shape[1] + 1)
        for ax, per_step in zip(
            axes[:2], (capped.psnr_per_step, capped.ssim_per_step), strict=True
        ):
            mean = per_step.mean(axis=0)
            ax.plot(steps, mean, marker="o", ms=3, color=colours[label], label=label)
    for ax, quantity in zip(axes[:2], ("mean PSNR (dB)", "mean SSIM"), strict=True):
        ax.set_xticks(steps, [f"t+{k}" for k in steps])
        ax.set_xlabel("prediction step")
        ax.set_ylabel(quantity)
    for label, (epochs, mse) in curves.items():
        axes[2].plot(list(epochs), list(mse), color=colours[label], label=label)
    axes[2].set_yscale("log")
    axes[2].xaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))  # a narrow panel
    axes[2].set_xlabel("epoch")
    axes[2].set_ylabel("validation MSE")
    legend_below(fig, axes[0])
    return fig


def _strips_figure(n_strips: int, rows_per_clip: int, n_in: int, n_out: int):
    """A figure of `n_strips` strips, each a row of times, a row of frames and `rows_per_clip` - 1
    prediction rows; its grid has the input frames, a gap, then the future frames."""
    bar_room, gap = 0.5, 0.3  # inches for the colour bar; frame widths between input and future
    title_room = 0.3  # frame widths above each strip, for the times
    width_ratios = [1.0] * n_in + [gap] + [1.0] * n_out
    frame = min(0.62, (FIGURE_WIDTH_INCHES - bar_room - 0.1) / sum(width_ratios))
    height_ratios = ([title_room] + [1.0] * rows_per_clip) * n_strips
    width = 0.1 + bar_room + frame * sum(width_ratios)
    height = frame * sum(height_ratios) * 1.06 + 0.05
    fig = plt.figure(figsize=(width, height), constrained_layout=False)
    grid = fig.add_gridspec(
        len(height_ratios),
        len(width_ratios),
        width_ratios=width_ratios,
        height_ratios=height_ratios,
        left=0.1 / width,
        right=1 - bar_room / width,
        top=0.995,
        bottom=0.005,
        wspace=0.06,
        hspace=0.1,
    )
    return fig, grid


def _clip_strip_top(fig, grid, top: int, clip: int, inputs: np.ndarray, truth: np.ndarray) -> None:
    """A strip's first row: the input and true frames, each titled with its time, and the clip's
    name in the free space under its input frames."""
    n_in = len(inputs)
    axes = []
    for t, image in enumerate([*inputs, *truth]):
        column = t if t < n_in else t + 1
        axes.append(_frame(fig, grid[top, column], image, "gray", None))
        label = f"t{t}" + {0: " (input)", n_in: " (truth)"}.get(t, "")
        axes[-1].set_title(label, fontsize=SMALLEST_FONT_PT, pad=1.5)
    first = axes[0].get_position()
    fig.text(
        first.x0,
        first.y0 - 0.02 * first.height,
        f"clip {clip}",
        ha="left",
        va="top",
        fontsize=FONT_PT,
        fontweight="bold",
    )


def _labelled_row(
    fig, grid, row: int, n_in: int, images, cmap: str | Colormap, norm, label: str
) -> list:
    """`images` under the true frames, named by `label` to their left; their axes."""
    axes = [
        _frame(fig, grid[row, n_in + 1 + k], image, cmap, norm) for k, image in enumerate(images)
    ]
    box = axes[0].get_position()
    fig.text(
        box.x0 - 0.01,
        np.mean(box.intervaly),
        f"{label} →",
        ha="right",
        va="center",
        fontsize=SMALL_FONT_PT,
    )
    return axes


def _error_bar(fig, axis) -> None:
    """The error scale's colour bar right of `axis`."""
    width = fig.get_figwidth()
    box = axis.get_position()
    bar = fig.add_axes((box.x1 + 0.08 / width, box.y0, 0.08 / width, box.height))
    colour_bar = fig.colorbar(axis.get_images()[0], cax=bar, ticks=[0, 0.1, 0.5, 1])
    colour_bar.ax.tick_params(labelsize=SMALLEST_FONT_PT, length=2, pad=1.5)


def _frame(fig, cell, image: np.ndarray, cmap: str | Colormap, norm):
    """One frame, without ticks, in a grid cell."""
    ax = fig.add_subplot(cell)
    if norm is None:
        ax.imshow(image, cmap=cmap, vmin=0.0, vmax=1.0, interpolation="nearest")
    else:
        ax.imshow(image, cmap=cmap, norm=norm, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    return ax


def confusion_heatmaps(matrices: Mapping[str, np.ndarray], classes: Sequence[int] = BALL_COUNTS):
    """Side-by-side confusion matrices (rows: true count, columns: predicted count)."""
    fig, axes = plt.subplots(
        1,
        len(matrices),
        squeeze=False,
        figsize=(min(FIGURE_WIDTH_INCHES, 2.4 * len(matrices)), 2.2),
    )
    for ax, (title, matrix) in zip(axes[0], matrices.items(), strict=True):
        sns.heatmap(
            matrix,
            annot=True,
            fmt="d",
            cmap="Blues",
            cbar=False,
            square=True,
            ax=ax,
            xticklabels=classes,
            yticklabels=classes,
            annot_kws={"fontsize": FONT_PT},
        )
        ax.set_xlabel("predicted number of balls")
        ax.set_ylabel("true number of balls")
        ax.set_title(title)
    return fig


def image_gallery(images: Sequence[np.ndarray], titles: Sequence[str], columns: int = 8):
    """Greyscale images (H, W) in [0, 1] on a grid, each with a short title above it."""
    rows = max(1, -(-len(images) // columns))
    width = min(FIGURE_WIDTH_INCHES, 0.75 * columns)
    fig, axes = plt.subplots(
        rows, columns, squeeze=False, figsize=(width, rows * width / columns * 1.25)
    )
    for ax in axes.ravel():
        ax.axis("off")
    # The grid may have more cells than there are images: the spare ones stay blank.
    for ax, image, title in zip(axes.ravel(), images, titles, strict=False):
        ax.imshow(image, cmap="gray", vmin=0.0, vmax=1.0, interpolation="nearest")
        ax.set_title(title, fontsize=SMALL_FONT_PT, pad=2)
    return fig


def curves_by_group(
    panels: Mapping[str, pd.DataFrame],
    x: str,
    y: str,
    group: str,
    xlabel: str,
    ylabel: str,
    group_label: str,
    vline: float | None = None,
):
    """One panel per table: column `y` against column `x`, one line per value of `group` (a
    number of balls: count_colours), with dotted horizontal lines at the group values (where y
    should sit if y estimates the group) and an optional dashed vertical line at `vline`."""
    fig, axes = plt.subplots(1, len(panels), squeeze=False, sharey=True)
    for ax, (title, table) in zip(axes[0], panels.items(), strict=True):
        colours = count_colours(table[group].unique())
        for value, rows in table.groupby(group):
            colour = colours[value]
            ax.plot(rows[x], rows[y], marker="o", markersize=2.5, color=colour, label=f"{value}")
            ax.axhline(value, color=colour, linestyle=":", linewidth=0.8)
        if vline is not None:
            ax.axvline(vline, color="grey", linestyle="--", linewidth=0.8)
        ax.set_title(title)
        ax.set_xlabel(xlabel)
    axes[0, 0].set_ylabel(ylabel)
    legend_below(fig, axes[0, -1], title=group_label)
    return fig


def clip_rows(clips: Sequence[int], inputs, targets, predictions, label: str = "predicted"):
    """One row per clip, at most three (MAX_CLIPS): the last input frame, the true frames and the
    predicted frames (clipped to [0, 1]) side by side. Arrays or CPU tensors (N, T, H, W)."""
    _at_most_three_clips(clips, "clip_rows")
    rows = [
        np.concatenate(
            [
                np.asarray(inputs[i][-1:]),
                np.asarray(targets[i]),
                np.clip(np.asarray(predictions[i]), 0.0, 1.0),
            ]
        )
        for i in clips
    ]
    n_out = len(rows[0]) // 2
    # Two-line titles: eleven narrow columns have no room for "physics 5" on one line.
    columns = (
        ["last\ninput"]
        + [f"true\n{k + 1}" for k in range(n_out)]
        + [f"{label}\n{k + 1}" for k in range(n_out)]
    )
    return frame_grid(rows, [f"clip {i}" for i in clips], column_labels=columns, row_height=0.5)
