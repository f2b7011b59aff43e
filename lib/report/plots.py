"""Every figure of the book, in one style that fits the text width of the PDF.

Papermill, not Quarto, executes the chapters, so Quarto's figure settings never reach the
kernel: the size, resolution and fonts are set here, once, when this module is imported.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from lib.settings import BALL_COUNTS

TEXT_WIDTH_INCHES = 6.0  # at or below the text width of an A4 page with the renderers' margins
DPI = 160


def use_book_style() -> None:
    """Apply the book's plot style (called on import)."""
    sns.set_theme(context="paper", style="whitegrid")
    plt.rcParams.update(
        {
            "figure.figsize": (TEXT_WIDTH_INCHES, 2.6),
            "figure.dpi": DPI,
            "savefig.dpi": DPI,
            "figure.facecolor": "white",
            "savefig.facecolor": "white",
            "font.size": 8,
            "axes.titlesize": 8,
            "axes.labelsize": 8,
            "xtick.labelsize": 7,
            "ytick.labelsize": 7,
            "legend.fontsize": 7,
            "figure.constrained_layout.use": True,
        }
    )


use_book_style()


BLOCKS_PER_LINE = 3  # clips side by side in a figure that compares several clips


def frame_grid(
    rows: Sequence[np.ndarray],
    row_labels: Sequence[str],
    column_labels: Sequence[str] | None = None,
    row_cmaps: Sequence[str] | None = None,
    row_height: float = 0.62,
    block_titles: Sequence[str] | None = None,
):
    """Rows of frames laid out like the handout's Figure 1: one row per clip, time left to right.

    Each entry of `rows` is an array (T, H, W) with values in [0, 1]; all rows share the same T.
    `row_cmaps` gives a colour map per row label (default grey), e.g. to set error maps apart; a
    row drawn in another colour map than grey gets a colour bar (0 to 1) at the figure's right edge.
    With `block_titles`, `rows` holds one block of len(row_labels) rows per title (one clip per
    block): the blocks stand side by side, at most BLOCKS_PER_LINE to a line, each under its title,
    so that a comparison of several clips takes a third of the height.
    """
    titles = list(block_titles) if block_titles else [None]
    per_block, n_cols = len(row_labels), len(rows[0])
    across = min(len(titles), BLOCKS_PER_LINE)
    lines = -(-len(titles) // across)
    cmaps = list(row_cmaps) if row_cmaps else ["gray"] * per_block
    bar_room = 0.45 if any(cmap != "gray" for cmap in cmaps) else 0.0  # inches for colour bars
    gap = 0.35  # between blocks, in frame widths
    width_ratios = ([1.0] * n_cols + [gap]) * across
    width_ratios.pop()
    frame = min(row_height, (TEXT_WIDTH_INCHES - 0.9 - bar_room) / sum(width_ratios))
    width = 0.9 + bar_room + frame * sum(width_ratios)
    title_room = 0.22 if (column_labels is not None or block_titles) else 0.05
    height_ratios = ([title_room / frame] + [1.0] * per_block) * lines
    height = frame * sum(height_ratios) * 1.08 + 0.05
    fig = plt.figure(figsize=(width, height), constrained_layout=False)
    grid = fig.add_gridspec(
        len(height_ratios),
        len(width_ratios),
        width_ratios=width_ratios,
        height_ratios=height_ratios,
        left=0.9 / width,
        right=1 - (bar_room + 0.05) / width,
        top=0.99,
        bottom=0.01,
        wspace=0.06,
        hspace=0.08,
    )
    for block, title in enumerate(titles):
        line, place = divmod(block, across)
        for r in range(per_block):
            frames = rows[block * per_block + r]
            grid_row = line * (per_block + 1) + 1 + r
            for c in range(n_cols):
                ax = fig.add_subplot(grid[grid_row, place * (n_cols + 1) + c])
                image = ax.imshow(
                    frames[c], cmap=cmaps[r], vmin=0.0, vmax=1.0, interpolation="nearest"
                )
                ax.set_xticks([])
                ax.set_yticks([])
                if r == 0 and column_labels is not None:
                    ax.set_title(column_labels[c], fontsize=7, pad=2)
                if r == 0 and title is not None and c == n_cols // 2:
                    ax.set_title(title, fontsize=7, pad=2)
                if c == 0 and place == 0:
                    ax.set_ylabel(
                        row_labels[r], rotation=0, ha="right", va="center", fontsize=7, labelpad=4
                    )
            last_block_of_line = place == across - 1 or block == len(titles) - 1
            if cmaps[r] != "gray" and last_block_of_line:
                box = ax.get_position()
                bar = fig.add_axes((box.x1 + 0.08 / width, box.y0, 0.08 / width, box.height))
                fig.colorbar(image, cax=bar, ticks=[0, 1]).ax.tick_params(labelsize=6, length=2)
    return fig


# A model keeps its colour in every figure; other labels take the palette's unused colours, the most
# different from one another first (red, cyan, olive before brown and pink, which resemble red).
MODEL_COLOURS = {"last frame": 7, "Task 6 U-Net": 0, "Task 7 final": 1, "physics": 2, "hybrid": 4}
FREE_COLOURS = (3, 9, 8, 5, 6)


def colours_for(labels: Sequence[str]) -> dict[str, tuple]:
    """The colour of each label: its own from MODEL_COLOURS, else the next of FREE_COLOURS."""
    palette = sns.color_palette(n_colors=10)
    free = iter(FREE_COLOURS)
    return {
        label: palette[MODEL_COLOURS[label] if label in MODEL_COLOURS else next(free)]
        for label in labels
    }


def legend_below(fig, ax, title: str | None = None) -> None:
    """The legend of `ax`'s labelled artists below every panel, outside the axes, so that it can
    never cover data (figures use constrained layout, which makes room for it)."""
    handles, labels = ax.get_legend_handles_labels()
    fig.legend(
        handles,
        labels,
        loc="outside lower center",
        ncols=min(len(labels), 4),
        title=title,
        frameon=False,
        title_fontsize=7,
    )


def training_curves(
    histories: Mapping[str, Mapping[str, Sequence[float]]],
    panels: Sequence[tuple[Sequence[str], str]],
    log_y: bool = False,
):
    """One panel per (history keys, title): each run's curves of those keys over epochs.

    `histories` maps a run's label to its history ({"train_loss": [...], "val_loss": [...]}).
    Keys starting with "train_" are drawn solid, "val_" dashed. Several runs of one model (e.g.
    seeds) may be labelled "label #seed": they share a colour and only the first is drawn bold.
    """
    fig, axes = plt.subplots(1, len(panels), squeeze=False)
    labels = list(dict.fromkeys(run.split(" #")[0] for run in histories))
    colours = colours_for(labels)
    split_colours = dict(zip(("training", "validation"), sns.color_palette()))
    seen: set[str] = set()
    for run, history in histories.items():
        label = run.split(" #")[0]
        first = label not in seen
        seen.add(label)
        for ax, (keys, _) in zip(axes[0], panels):
            for key in keys:
                values = history[key]
                split = "training" if key.startswith("train_") else "validation"
                # One model: training and validation in two colours; several: a colour per model.
                colour = split_colours[split] if len(labels) == 1 else colours[label]
                ax.plot(
                    np.arange(1, len(values) + 1),
                    values,
                    "-" if split == "training" else "--",
                    color=colour,
                    marker="o",
                    markersize=2.5,
                    alpha=1.0 if first else 0.3,
                    label=(f"{label} ({split})" if len(keys) > 1 else label) if first else None,
                )
    n_epochs = max(len(values) for history in histories.values() for values in history.values())
    for ax, (_, title) in zip(axes[0], panels):
        ax.set_title(title)
        ax.set_xlabel("epoch")
        ax.set_xlim(0.5, n_epochs + 0.5)
        ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True))
        if log_y:
            ax.set_yscale("log")
    legend_below(fig, axes[0, -1])
    return fig


ERROR_CMAP = "Reds"  # white where a prediction is right: errors stand out, unlike dark-on-black
STEP_SCORES = {"MSE": "mse_per_step", "SSIM": "ssim_per_step", "PSNR (dB)": "psnr_per_step"}


def per_step_curves(predictors: Mapping[str, object]):
    """Mean MSE (log scale, so that curves a decade apart stay apart), SSIM and PSNR per
    prediction step t+1 ... t+T, one line per model in the model's own colour.

    `predictors` maps a model's label to its scores (lib.metrics.VideoMetrics).
    """
    fig, axes = plt.subplots(1, len(STEP_SCORES), squeeze=False)
    colours = colours_for(list(predictors))
    for ax, (title, attribute) in zip(axes[0], STEP_SCORES.items()):
        for label, metrics in predictors.items():
            values = getattr(metrics, attribute)
            steps = np.arange(1, values.shape[1] + 1)
            ax.plot(
                steps,
                values.mean(axis=0),
                marker="o",
                markersize=3,
                label=label,
                color=colours[label],
            )
        ax.set_xticks(steps, [f"t+{k}" for k in steps])
        ax.set_title(title)
        ax.set_xlabel("prediction step")
        if title == "MSE":
            ax.set_yscale("log")
    legend_below(fig, axes[0, -1])
    return fig


def clip_comparison(clips: Sequence[int], inputs, targets, predictions: Mapping[str, object]):
    """The handout's Figure 1 layout for validation clips, one block per clip (side by side): rows
    of input frames, true frames, and for each model its predicted frames (clipped to [0, 1]) and
    their absolute error (white: none, dark red: 1, with a colour bar). `inputs`, `targets` and each
    prediction are (N, 5, H, W) arrays or CPU tensors."""
    rows = []
    for i in clips:
        truth = np.asarray(targets[i])
        rows += [np.asarray(inputs[i]), truth]
        for prediction in predictions.values():
            predicted = np.clip(np.asarray(prediction[i]), 0.0, 1.0)
            rows += [predicted, np.abs(predicted - truth)]
    labels = ["input t0–4", "truth t5–9"] + [
        label for name in predictions for label in (name, "|error|")
    ]
    return frame_grid(
        rows,
        labels,
        row_cmaps=["gray", "gray"] + ["gray", ERROR_CMAP] * len(predictions),
        row_height=0.42,
        block_titles=[f"clip {i}" for i in clips],
    )


def confusion_heatmaps(matrices: Mapping[str, np.ndarray], classes: Sequence[int] = BALL_COUNTS):
    """Side-by-side confusion matrices (rows: true count, columns: predicted count)."""
    fig, axes = plt.subplots(
        1, len(matrices), squeeze=False, figsize=(min(TEXT_WIDTH_INCHES, 2.4 * len(matrices)), 2.2)
    )
    for ax, (title, matrix) in zip(axes[0], matrices.items()):
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
            annot_kws={"fontsize": 8},
        )
        ax.set_xlabel("predicted number of balls")
        ax.set_ylabel("true number of balls")
        ax.set_title(title)
    return fig


def seed_spread(values: Mapping[str, Sequence[float]], ylabel: str):
    """Each model's metric over seeds: one dot per seed (side by side), and the mean as a bar."""
    fig, ax = plt.subplots(figsize=(min(TEXT_WIDTH_INCHES, 1.3 * len(values) + 1.6), 2.8))
    for i, (label, samples) in enumerate(values.items()):
        samples = np.asarray(samples, dtype=float)
        ax.bar(i, samples.mean(), color=sns.color_palette()[i % 10], alpha=0.35, width=0.6)
        # Seeds side by side, so that equal values do not hide each other.
        ax.scatter(
            i + np.linspace(-0.18, 0.18, len(samples)) * (len(samples) > 1),
            samples,
            color=sns.color_palette()[i % 10],
            s=12,
            zorder=3,
        )
    ax.set_xticks(range(len(values)), list(values), rotation=30, ha="right", rotation_mode="anchor")
    ax.set_ylabel(ylabel)
    return fig


def cumulative_distributions(samples: Mapping[str, np.ndarray], xlabel: str):
    """Empirical cumulative distributions, one per named sample (robust to a sample that is a spike)."""
    fig, ax = plt.subplots(figsize=(TEXT_WIDTH_INCHES * 0.75, 2.5))
    for label, values in samples.items():
        sns.ecdfplot(x=np.asarray(values), ax=ax, label=label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("fraction of images ≤ x")
    legend_below(fig, ax)
    return fig


def expected_vs_measured(
    labels: Sequence[str], expected: Sequence[float], measured: Sequence[float], xlabel: str
):
    """Horizontal bars per step of an ablation: the change predicted before the run and the one
    measured. The axis spans the bulk of the values; a bar far beyond them (a collapsed run)
    stops at the axis's edge and is labelled with its value, so that it does not shrink the rest."""
    fig, ax = plt.subplots(figsize=(TEXT_WIDTH_INCHES, 0.32 * len(labels) + 1.2))
    positions = np.arange(len(labels))[::-1]
    colours = sns.color_palette()
    low, high = bar_range(np.concatenate([expected, measured]))
    for offset, values, colour, label in (
        (0.2, expected, colours[7], "expected (written before the run)"),
        (-0.2, measured, colours[0], "measured"),
    ):
        values = np.asarray(values, dtype=float)
        ax.barh(
            positions + offset, np.clip(values, low, high), height=0.38, color=colour, label=label
        )
        for position, value in zip(positions + offset, values):
            if not low <= value <= high:
                ax.text(
                    np.clip(value, low, high),
                    position,
                    f" {value:+.1f} ",
                    va="center",
                    fontsize=6,
                    ha="left" if value < low else "right",
                    color="white",
                )
    ax.axvline(0.0, color="black", linewidth=0.8)
    ax.set_xlim(low, high)
    ax.set_yticks(positions, labels)
    ax.set_xlabel(xlabel)
    legend_below(fig, ax)
    return fig


def bar_range(values: np.ndarray, reach: float = 3.0) -> tuple[float, float]:
    """Axis limits that hold every value within `reach` times the third quartile of their sizes
    (and zero), with a margin: values beyond are outliers to be marked, not scaled to."""
    sizes = np.abs(values[np.isfinite(values)])
    limit = reach * max(np.quantile(sizes, 0.75), 1e-9)
    low, high = max(min(values.min(), 0.0), -limit), min(max(values.max(), 0.0), limit)
    margin = 0.08 * (high - low)
    return low - margin, high + margin


def image_gallery(images: Sequence[np.ndarray], titles: Sequence[str], columns: int = 8):
    """Greyscale images (H, W) in [0, 1] on a grid, each with a short title above it."""
    rows = max(1, -(-len(images) // columns))
    width = min(TEXT_WIDTH_INCHES, 0.75 * columns)
    fig, axes = plt.subplots(
        rows, columns, squeeze=False, figsize=(width, rows * width / columns * 1.25)
    )
    for ax in axes.ravel():
        ax.axis("off")
    for ax, image, title in zip(axes.ravel(), images, titles):
        ax.imshow(image, cmap="gray", vmin=0.0, vmax=1.0, interpolation="nearest")
        ax.set_title(title, fontsize=6.5, pad=2)
    return fig


def labelled_scatter(
    x: np.ndarray,
    y: np.ndarray,
    labels: np.ndarray,
    xlabel: str,
    ylabel: str,
    legend_title: str,
    vlines: Sequence[float] = (),
    jitter: float = 0.12,
):
    """Points (x, y) coloured by an integer label; y is jittered vertically (seeded) so that
    points on the same integer row stay visible; dotted vertical lines at `vlines`."""
    fig, ax = plt.subplots(figsize=(TEXT_WIDTH_INCHES, 2.4))
    offsets = np.random.default_rng(0).uniform(-jitter, jitter, size=len(y))
    for i, label in enumerate(np.unique(labels)):
        chosen = labels == label
        ax.scatter(
            x[chosen],
            y[chosen] + offsets[chosen],
            s=9,
            alpha=0.8,
            color=sns.color_palette()[i % 10],
            label=str(label),
        )
    for value in vlines:
        ax.axvline(value, color="grey", linestyle=":", linewidth=1)
    ax.set_yticks(np.unique(np.rint(y)))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    legend_below(fig, ax, title=legend_title)
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
    """One panel per table: column `y` against column `x`, one line per value of `group`,
    with dotted horizontal lines at the group values (where y should sit if y estimates the
    group) and an optional dashed vertical line at `vline`."""
    fig, axes = plt.subplots(1, len(panels), squeeze=False, sharey=True)
    for ax, (title, table) in zip(axes[0], panels.items()):
        for i, (value, rows) in enumerate(table.groupby(group)):
            colour = sns.color_palette()[i % 10]
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
    """One row per clip, for many clips at once: the last input frame, the true frames and the
    predicted frames (clipped to [0, 1]) side by side. Arrays or CPU tensors (N, T, H, W)."""
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
