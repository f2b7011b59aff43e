from dataclasses import replace
from functools import partial

import numpy as np
import pytest
import torch

from lib.settings import TASK7_FINAL
from lib.training.loop import TrainConfig
from lib.video.ablation import (
    TASK6,
    Variant,
    ablation_variants,
    measured_delta,
    reference,
    seed_spread,
    side_variants,
    training_run,
)
from lib.video.augment import SymmetryAugment
from lib.video.losses import FrameLoss
from lib.video.workflow import VideoData

CONFIG = TrainConfig(epochs=1)
ABLATION = [Variant("first", "a", object, CONFIG), Variant("second", "b", object, CONFIG)]
SIDE = Variant("side", "c", object, CONFIG, parent="first")
PSNR = {TASK6: 20.0, "first": 21.0, "second": 23.5, "side": 20.5}


def test_a_row_is_measured_against_the_row_above_and_the_first_against_task6():
    assert [reference(v, ABLATION) for v in ABLATION] == [TASK6, "first"]
    assert [measured_delta(v, ABLATION, PSNR) for v in ABLATION] == pytest.approx([1.0, 2.5])


def test_a_side_experiment_is_measured_against_its_parent():
    assert reference(SIDE, ABLATION) == "first"
    assert measured_delta(SIDE, ABLATION, PSNR) == pytest.approx(-0.5)


def test_predictions_default_to_none_written():
    assert np.isnan(ABLATION[0].expected_db) and np.isnan(ABLATION[0].expected_ssim)


SHORT = TrainConfig(epochs=2, batch_size=32, schedule="onecycle")
FINAL = replace(SHORT, epochs=3)  # a quick preview: the change names the planned budget
TASK7 = dict(
    architecture=dict(skip_mode="concat"), loss=FrameLoss(log_mse=1e-3), augment=SymmetryAugment()
)


def built(precision="float32"):
    ablation = ablation_variants(SHORT, FINAL, precision, **TASK7, threads=2)
    return ablation, side_variants(SHORT, precision, **TASK7)


def recipe(variant):
    """What a variant trains: its builder (a partial, spelt out), budget, loss and augmentation."""

    def spelt(build):
        if isinstance(build, partial):
            return (spelt(build.func), build.args, sorted(build.keywords.items()))
        return build

    return {
        "build": spelt(variant.build),
        "config": variant.config,
        "loss": variant.loss,
        "augment": variant.augment,
    }


def changed(variant, reference):
    mine, theirs = recipe(variant), recipe(reference)
    return {part for part in mine if mine[part] != theirs[part]}


@pytest.mark.parametrize("precision", ["float32", "bfloat16"])
def test_every_ablation_row_adds_one_change_to_the_row_above(precision):
    ablation, _ = built(precision)
    for above, row in zip(ablation[:-2], ablation[1:-1], strict=True):
        assert len(changed(row, above)) == 1, row.name
    assert all(row.config == SHORT and row.threads == 1 for row in ablation[:-1])


@pytest.mark.parametrize("precision", ["float32", "bfloat16"])
def test_the_final_row_has_the_final_config(precision):
    ablation, _ = built(precision)
    final = ablation[-1]
    assert (final.name, final.config, final.threads) == ("t7-final", FINAL, 2)
    assert (final.loss, final.augment) == (ablation[-2].loss, ablation[-2].augment)
    assert final.change.startswith("bfloat16, ") == (precision == "bfloat16")
    assert f"{TASK7_FINAL.epochs} epochs, peak lr " in final.change
    assert final.change.endswith("(final model)")


@pytest.mark.parametrize("precision", ["float32", "bfloat16"])
def test_side_experiments_change_one_thing_of_an_ablation_row(precision):
    ablation, side = built(precision)
    rows = {row.name: row for row in ablation}
    assert ("t7-bfloat16" in {v.name for v in side}) == (precision == "bfloat16")
    for variant in side:
        assert len(changed(variant, rows[variant.parent])) == 1, variant.name


def test_names_are_unique_and_every_change_has_a_prediction():
    ablation, side = built("bfloat16")
    names = [v.name for v in [*ablation, *side]]
    assert len(names) == len(set(names))
    assert not any(np.isnan(v.expected_db) for v in [*ablation, *side])
    assert not any(np.isnan(v.expected_ssim) for v in ablation)


def test_a_seed_spread_trains_the_same_row_with_other_seeds():
    row = built()[0][4]
    spread = seed_spread(row, (1, 2))
    assert [v.name for v in spread] == ["t7-loss-seed1", "t7-loss-seed2"]
    assert [v.config.seed for v in spread] == [1, 2]
    assert all(changed(v, row) == {"config"} for v in spread)


def test_a_variant_trains_with_its_own_budget_loss_augmentation_and_threads():
    final = built()[0][-1]
    data = VideoData((torch.zeros(2, 5, 8, 8),) * 2, (torch.zeros(1, 5, 8, 8),) * 2, np.ones(1))
    run = training_run(final, data)
    assert (run.name, run.build_model, run.config) == (final.name, final.build, final.config)
    assert (run.loss_fn, run.augment, run.threads) == (final.loss, final.augment, final.threads)
