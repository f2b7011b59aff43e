"""Part 1's tables, computed from the data, the recipes and the seeds' scores, so that the
chapters' prose quotes few numbers: each table's cells are formatted text (lib.report.tables
prints them). tests/report/test_counting_tables.py checks them against hand-computed values."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import torch

from lib.counting import diagnosis
from lib.data.blobs import count_blobs
from lib.data.course_files import radius_words
from lib.report.judge import BETTER, Seeds, verdict
from lib.report.words import balls, learning_rate_text, listed, mean_sd, sample_sd
from lib.settings import (
    TARGET_ACCURACY,
    TARGET_SECOND_SHIFT,
    TARGET_SEED_SD,
    TARGET_VAL_ACCURACY,
)

# Chapter 1 ----------------------------------------------------------------------------------------


def file_origin(settings: dict | None) -> str:
    """A data file's origin as the table of files gives it: 'simulated, radius 1.2' (the radii
    this project gave the file it simulated, lib.data.course_files.simulation_settings) or
    'course file' (a supplied file, whose making this project does not know)."""
    return f"simulated, {radius_words(settings)}" if settings else "course file"


def ball_sizes(
    files: Mapping[str, tuple[np.ndarray, np.ndarray]], percentiles: tuple[float, float]
) -> pd.DataFrame:
    """Per file (frames (N, 1, H, W), ball counts (N,)): the brightness per ball (an image's
    summed pixel values over its number of balls) and the radius, in box units, of the rendered
    ball of that brightness (lib.counting.diagnosis.ball_radii); the radius range comes from the
    single-ball images where there are any (lib.counting.diagnosis.radius_span)."""
    low, high = percentiles
    rows = []
    for name, (frames, counts) in files.items():
        per_ball = np.asarray(frames, dtype=np.float64).sum(axis=(1, 2, 3)) / np.asarray(counts)
        p_low, p_high = np.percentile(per_ball, percentiles)
        r_low, r_high = diagnosis.radius_span(frames, counts)
        rows.append(
            {
                "file": name,
                "brightness per ball: mean": f"{per_ball.mean():.1f}",
                f"{low:g}th–{high:g}th percentile": f"{p_low:.1f}–{p_high:.1f}",
                "min–max": f"{per_ball.min():.1f}–{per_ball.max():.1f}",
                "ball radius: median": f"{np.median(diagnosis.ball_radii(frames, counts)):.2f}",
                "radius min–max": f"{r_low:.2f}–{r_high:.2f}",
            }
        )
    return pd.DataFrame(rows)


# Chapter 2 ----------------------------------------------------------------------------------------


def last_epoch(histories: Sequence[Mapping[str, Sequence[float]]]) -> pd.DataFrame:
    """Loss and accuracy at the last epoch on the training and validation splits, mean ± standard
    deviation over the runs (one history per seed)."""

    def at_end(key: str) -> list[float]:
        return [history[key][-1] for history in histories]

    def loss(key: str) -> str:
        return f"{np.mean(at_end(key)):.3f} ± {sample_sd(at_end(key)):.3f}"

    return pd.DataFrame(
        [
            {
                "split": split,
                "loss": loss(f"{key}_loss"),
                "accuracy": mean_sd(at_end(f"{key}_accuracy")),
            }
            for split, key in (("training", "train"), ("validation", "val"))
        ]
    )


def confusion_words(matrix: np.ndarray, classes: Sequence[int]) -> dict[str, str]:
    """What a confusion matrix (rows: true count, columns: predicted count, in `classes`' order)
    says in words: the share of images miscounted, the share of those counted too high, and the
    commonest error ('2 balls counted as 3'); the last two are '—' when nothing was miscounted."""
    matrix = np.asarray(matrix)
    errors = matrix.sum() - np.trace(matrix)
    if errors == 0:
        return {"error_share": "0%", "over_share": "—", "commonest_error": "—"}
    off_diagonal = matrix * (1 - np.eye(len(classes), dtype=matrix.dtype))
    true, predicted = (int(i) for i in np.unravel_index(np.argmax(off_diagonal), matrix.shape))
    return {
        "error_share": f"{errors / matrix.sum():.0%}",
        "over_share": f"{np.triu(matrix, 1).sum() / errors:.0%}",
        "commonest_error": f"{balls(classes[true])} counted as {classes[predicted]}",
    }


def seed_accuracies(val_accuracy: Sequence[float], test_accuracy: Sequence[float]) -> pd.DataFrame:
    """Validation and test accuracy of one model, seed by seed and as mean ± standard deviation,
    then the test accuracy's difference from the validation accuracy (percentage points) with its
    verdict (judge.verdict)."""
    seeds = range(len(val_accuracy))
    difference = [100 * (test - val) for test, val in zip(test_accuracy, val_accuracy, strict=True)]
    rows = [
        {
            "split": split,
            "mean ± sd": mean_sd(values),
            **{f"seed {s}": f"{values[s]:.1%}" for s in seeds},
            "verdict": "",
        }
        for split, values in (("validation", val_accuracy), ("test", test_accuracy))
    ]
    rows.append(
        {
            "split": "test − validation",
            "mean ± sd": f"{np.mean(difference):+.1f} ± {sample_sd(difference):.1f} points",
            **{f"seed {s}": f"{difference[s]:+.1f}" for s in seeds},
            "verdict": verdict(Seeds.of(test_accuracy), Seeds.of(val_accuracy)),
        }
    )
    return pd.DataFrame(rows)


def recipe_table(
    recipes: Mapping[str, tuple],
    seeds: Sequence[int],
    split: tuple[int, int],
    augmentation: bool = True,
) -> pd.DataFrame:
    """The hyperparameters of Part 1 counters, one column per recipe (name: (run name, model
    builder, augmentation, lib.training.loop.TrainConfig), as lib.counting.ablation.ablation_rows
    holds them), read from the recipes themselves; `split` is the number of training and
    validation images. Without `augmentation`, the rows that describe it are left out (recipes
    that have none)."""
    columns = {name: _recipe_column(recipe, seeds) for name, recipe in recipes.items()}
    if not augmentation:
        columns = {
            name: {k: v for k, v in column.items() if k not in AUGMENTATION_ROWS}
            for name, column in columns.items()
        }
    rows = {"training / validation images": f"{split[0]} / {split[1]}"}
    table = pd.DataFrame({"setting": [*rows, *next(iter(columns.values()))]})
    for name, column in columns.items():
        table[name] = [*rows.values(), *column.values()]
    return table


# The model builders' options (lib.counting.models.counting_cnn), as the table writes them.
ARCHITECTURE_CHANGES = {
    "batch_norm": "batch normalisation after each convolution",
    "global_pool": "global average pooling before the dense layers",
}


AUGMENTATION_ROWS = (
    "ball scale factor (log-uniform)",
    "images kept as rendered",
    "flips and quarter turns",
)


def _recipe_column(recipe: tuple, seeds: Sequence[int]) -> dict[str, str]:
    _, build, augment, config = recipe
    options = getattr(build, "keywords", {})
    changes = [words for option, words in ARCHITECTURE_CHANGES.items() if options.get(option)]
    augmentation = getattr(augment, "keywords", {}) if augment is not None else {}
    scale_range = augmentation.get("scale_range")
    return {
        "architecture": "handout's Table 2" + (f" with {listed(changes)}" if changes else ""),
        "parameters": f"{sum(p.numel() for p in build().parameters()):,}",
        "loss, optimiser": f"cross-entropy, Adam (weight decay\u00a0{config.weight_decay:g})",
        "learning rate": learning_rate_text(config.schedule, config.lr),
        "batch size": str(config.batch_size),
        "epochs": str(config.epochs),
        "ball scale factor (log-uniform)": (
            f"{scale_range[0]:.2f}–{scale_range[1]:.2f}" if scale_range else "not changed"
        ),
        "images kept as rendered": (
            f"{augmentation.get('rendered_share', 0.0):.0%} of each batch" if scale_range else "all"
        ),
        "flips and quarter turns": "yes" if augmentation.get("flips") else "no",
        "seeds": f"{len(seeds)} ({seeds[0]}–{seeds[-1]})" if len(seeds) > 1 else str(seeds[0]),
    }


# Chapter 3 ----------------------------------------------------------------------------------------


def diagnosis_table(
    train: tuple[torch.Tensor, torch.Tensor],
    test: tuple[torch.Tensor, torch.Tensor],
    blob_threshold: float,
    baseline_predicted: np.ndarray,
) -> pd.DataFrame:
    """Accuracy on the training split and the test file of the two rules of
    lib.counting.diagnosis, the brightness counter and the count of separate regions brighter
    than `blob_threshold`, and of the baseline (predicted counts, one row per seed, on the test
    file), with how often each gives the brightness counter's answer on the test file (for the
    baseline, also among its errors)."""
    per_ball = diagnosis.brightness_per_ball(*train)
    true = {"train": train[1].numpy(), "test": test[1].numpy()}
    brightness = {
        s: diagnosis.brightness_counter(x[0], per_ball)
        for s, x in (("train", train), ("test", test))
    }
    regions = {
        s: count_blobs(x[0][:, 0], blob_threshold) for s, x in (("train", train), ("test", test))
    }
    wrong = baseline_predicted != true["test"]
    like_brightness = baseline_predicted == brightness["test"]
    errors_like = like_brightness[wrong].mean() if wrong.any() else 0.0

    def share(a: np.ndarray, b: np.ndarray) -> str:
        return f"{np.mean(a == b):.1%}"

    return pd.DataFrame(
        [
            {
                "counter": "brightness counter",
                "training split": share(brightness["train"], true["train"]),
                "test file": share(brightness["test"], true["test"]),
                "brightness counter's answer": "—",
            },
            {
                "counter": f"region counter (threshold {blob_threshold:.2f})",
                "training split": share(regions["train"], true["train"]),
                "test file": share(regions["test"], true["test"]),
                "brightness counter's answer": share(regions["test"], brightness["test"]),
            },
            {
                "counter": "baseline CNN",
                "training split": "—",
                "test file": mean_sd((baseline_predicted == true["test"]).mean(axis=1)),
                "brightness counter's answer": (
                    f"{like_brightness.mean():.1%} (of its errors: {errors_like:.1%})"
                ),
            },
        ]
    )


def ablation_table(
    scores: Mapping[str, Mapping[str, Sequence[float]]],
    verdicts: Mapping[str, str],
    references: Mapping[str, str],
) -> pd.DataFrame:
    """One row per ablation row (lib.counting.ablation.row_scores): its accuracy mean ±
    sd on each scored set, and the change of its mean test accuracy from its reference row's (in
    percentage points) with its verdict (`counting_verdicts.row_verdicts`); a row without a
    reference (the baseline) gets a dash and no verdict."""

    def change(row: str) -> str:
        if row not in references:
            return "—"
        reference = scores[references[row]]["test accuracy"]
        return f"{100 * (np.mean(scores[row]['test accuracy']) - np.mean(reference)):+.1f}"

    return pd.DataFrame(
        [
            {
                "model": row,
                "val": mean_sd(s["val"]),
                "rescaled val": mean_sd(s["rescaled val"]),
                "second shift": mean_sd(s["second shift"]),
                "test": mean_sd(s["test accuracy"]),
                "Δ test": change(row),
                "verdict": verdicts.get(row, ""),
            }
            for row, s in scores.items()
        ]
    )


def goals_table(
    final: Mapping[str, Sequence[float]], baseline_test: Sequence[float]
) -> pd.DataFrame:
    """Task 4's goals, set in lib.settings before the final model was trained, against what the
    final model's seeds reached (`final`: per-seed "test accuracy", "val" and "second shift"),
    and whether each is met; beating the baseline is judged by judge.verdict."""
    test = final["test accuracy"]
    beats = verdict(Seeds.of(test), Seeds.of(baseline_test))
    rows = [
        (
            "mean test accuracy",
            f"≥ {TARGET_ACCURACY:.0%}",
            mean_sd(test),
            np.mean(test) >= TARGET_ACCURACY,
        ),
        (
            "test accuracy against the baseline",
            "better",
            f"{100 * (np.mean(test) - np.mean(baseline_test)):+.1f} points, {beats}",
            beats == BETTER,
        ),
        (
            "standard deviation over seeds, test",
            f"≤ {100 * TARGET_SEED_SD:g} points",
            f"{100 * sample_sd(test):.1f} points",
            sample_sd(test) <= TARGET_SEED_SD,
        ),
        (
            "mean validation accuracy",
            f"≥ {TARGET_VAL_ACCURACY:.0%}",
            mean_sd(final["val"]),
            np.mean(final["val"]) >= TARGET_VAL_ACCURACY,
        ),
        (
            "mean second-shift accuracy",
            f"≥ {TARGET_SECOND_SHIFT:.0%}",
            mean_sd(final["second shift"]),
            np.mean(final["second shift"]) >= TARGET_SECOND_SHIFT,
        ),
    ]
    return pd.DataFrame(
        [
            {"goal": goal, "target": target, "reached": reached, "met": "yes" if met else "no"}
            for goal, target, reached, met in rows
        ]
    )
