"""Part 1, Task 4: the ablation's rows (each change alone, then all together), trained over seeds
and scored on the validation split, the rescaled validation split, the test file and a second,
simulated shift."""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from pathlib import Path

import torch

from lib.counting.augment import count_preserving, rescale_balls
from lib.counting.models import baseline_cnn, counting_cnn
from lib.counting.workflow import CountingData, counter_run, evaluate_counter
from lib.training.loop import TrainConfig
from lib.training.side_by_side import train_side_by_side

RESCALED_VAL_SEED = 2023  # the one fixed draw of the rescaled validation split


# Rows the chapter names: the diagnosed recipe, the final model, the secondary comparison.
ALL_RESCALED_ROW = "all changes, every image rescaled"
FINAL_ROW = "all changes (final)"
SECONDARY_ROW = "secondary: final, test-informed range"


def ablation_rows(
    baseline: TrainConfig,
    longer: TrainConfig,
    scale_range: tuple[float, float],
    rendered_share: float,
    test_informed_range: tuple[float, float] | None = None,
) -> dict[str, tuple]:
    """Row name: (run name, model, augmentation, training settings); the baseline first, then
    each change alone, then every change with the size augmentation rescaling every image (the
    recipe chapter 3 diagnoses), then the final model: every change, the size augmentation
    drawing from `scale_range` and leaving `rendered_share` of the images as rendered. With
    `test_informed_range`, a last, secondary row repeats the final model with that range.
    (Over 50 lines: one literal row per change, in the order the ablation table reads them.)"""

    def size_augmentation(size_range, share=rendered_share, flips=False):
        return partial(count_preserving, scale_range=size_range, rendered_share=share, flips=flips)

    final_model = partial(counting_cnn, batch_norm=True, global_pool=True)
    rows = {
        "baseline": ("baseline-cnn", baseline_cnn, None, baseline),
        "size augmentation": (
            "cnn-size-augment",
            baseline_cnn,
            size_augmentation(scale_range),
            baseline,
        ),
        "flips and quarter turns": (
            "cnn-flips",
            baseline_cnn,
            partial(count_preserving, flips=True),
            baseline,
        ),
        "batch normalisation": (
            "cnn-batchnorm",
            partial(counting_cnn, batch_norm=True),
            None,
            baseline,
        ),
        "global average pooling": (
            "cnn-global-pool",
            partial(counting_cnn, global_pool=True),
            None,
            baseline,
        ),
        "longer training, one-cycle": ("cnn-long-onecycle", baseline_cnn, None, longer),
        ALL_RESCALED_ROW: (
            "robust-cnn-all-rescaled",
            final_model,
            size_augmentation(scale_range, share=0.0, flips=True),
            longer,
        ),
        FINAL_ROW: (
            "robust-cnn",
            final_model,
            size_augmentation(scale_range, flips=True),
            longer,
        ),
    }
    if test_informed_range is not None:
        rows[SECONDARY_ROW] = (
            "robust-cnn-test-range",
            final_model,
            size_augmentation(test_informed_range, flips=True),
            longer,
        )
    return rows


def train_rows(rows: dict[str, tuple], data: CountingData, seeds, cache_dir: Path) -> dict:
    """The trained (or cached) runs of every row, one per seed, by row."""
    # All rows and seeds train side by side; the trained models come back in the order listed.
    planned = [
        (row, counter_run(name, build, data, replace(config, seed=s), augment=augment))
        for row, (name, build, augment, config) in rows.items()
        for s in seeds
    ]
    trained = train_side_by_side([run for _, run in planned], cache_dir)
    return {
        row: [
            model
            for (planned_row, _), model in zip(planned, trained, strict=True)
            if planned_row == row
        ]
        for row in rows
    }


def rescaled_validation(data: CountingData, scale_range: tuple[float, float]):
    """The validation split with its balls rescaled once by the size augmentation."""
    images, counts = data.val
    return rescale_balls(
        images, torch.Generator().manual_seed(RESCALED_VAL_SEED), scale_range
    ), counts


def row_scores(runs: dict, data: CountingData, rescaled_val, second_shift) -> dict[str, dict]:
    """Per row, per seed: validation, rescaled-validation and second-shift accuracy (the last
    two: (images, counts)), test evaluation and accuracy, training seconds."""
    scores = {}
    for row, row_runs in runs.items():
        test = [evaluate_counter(run.model, data.test) for run in row_runs]
        scores[row] = {
            "val": [run.history["val_accuracy"][-1] for run in row_runs],
            "rescaled val": [
                evaluate_counter(run.model, rescaled_val).accuracy for run in row_runs
            ],
            "second shift": [
                evaluate_counter(run.model, second_shift).accuracy for run in row_runs
            ],
            "test": test,
            "test accuracy": [e.accuracy for e in test],
            "seconds": [run.train_seconds for run in row_runs],
        }
    return scores
