from dataclasses import replace
from functools import partial

import numpy as np
import pytest
import torch

from lib.report.words import power_of_ten
from lib.settings import TASK7_FINAL
from lib.training.loop import TrainConfig
from lib.video.ablation import (
    TASK6,
    Variant,
    ablation_variants,
    measured_delta,
    measured_rows,
    reference,
    seed_sd,
    side_variants,
    training_run,
    with_seeds,
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
FINAL_LR = replace(SHORT, lr=4e-3)
TASK7 = dict(
    architecture=dict(skip_mode="concat"), loss=FrameLoss(log_mse=1e-3), augment=SymmetryAugment()
)


def built(precision="float32"):
    ablation = ablation_variants(SHORT, FINAL, precision, **TASK7, threads=2)
    return ablation, side_variants(SHORT, FINAL_LR, precision, **TASK7)


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
    # The planned budget even in a quick preview, and the learning rate the final row trains with.
    assert final.change == f"final: {TASK7_FINAL.epochs} epochs, peak lr {power_of_ten(FINAL.lr)}"


@pytest.mark.parametrize("precision", ["float32", "bfloat16"])
def test_side_experiments_change_one_thing_of_an_ablation_row(precision):
    ablation, side = built(precision)
    rows = {row.name: row for row in ablation}
    assert [v.name for v in side] == ["t7-no-reversal", "t7-rollout", "t7-peak-lr"]
    for variant in side:
        assert len(changed(variant, rows[variant.parent])) == 1, variant.name


def test_names_are_unique_and_every_change_has_a_prediction():
    ablation, side = built("bfloat16")
    names = [v.name for v in [*ablation, *side]]
    assert len(names) == len(set(names))
    assert not any(np.isnan(v.expected_db) for v in [*ablation, *side])
    assert not any(np.isnan(v.expected_ssim) for v in ablation)


def test_a_row_with_seeds_is_itself_for_its_own_seed_and_renamed_copies_for_the_others():
    row = built()[0][4]
    runs = with_seeds(row, range(3))
    assert runs[0] is row
    assert [v.name for v in runs] == ["t7-loss", "t7-loss-seed1", "t7-loss-seed2"]
    assert [v.config.seed for v in runs] == [0, 1, 2]
    assert all(changed(v, row) == {"config"} for v in runs[1:])


@pytest.mark.parametrize("precision", ["float32", "bfloat16"])
def test_every_row_computes_in_the_chosen_precision(precision):
    def wraps_bfloat16(build):
        return isinstance(build, partial) and build.func.__name__ == "in_bfloat16"

    ablation, side = built(precision)
    assert all(wraps_bfloat16(v.build) == (precision == "bfloat16") for v in [*ablation, *side])


def test_the_peak_lr_experiment_is_the_loss_row_at_the_final_learning_rate():
    ablation, side = built()
    peak = next(v for v in side if v.name == "t7-peak-lr")
    assert peak.config == replace(SHORT, lr=FINAL_LR.lr) and peak.parent == "t7-loss"


def test_a_variant_trains_with_its_own_budget_loss_augmentation_and_threads():
    final = built()[0][-1]
    data = VideoData((torch.zeros(2, 5, 8, 8),) * 2, (torch.zeros(1, 5, 8, 8),) * 2, np.ones(1))
    run = training_run(final, data)
    assert (run.name, run.build_model, run.config) == (final.name, final.build, final.config)
    assert (run.loss_fn, run.augment, run.threads) == (final.loss, final.augment, final.threads)


def test_the_seed_sd_pools_the_rows_with_several_seeds():
    # Row a: deviations -1, 0, 1 (sum of squares 2, 2 degrees of freedom); row b: -2, 2 (8, 1).
    psnrs = {"a": [9.0, 10.0, 11.0], "b": [18.0, 22.0], "single": [5.0]}
    assert seed_sd(psnrs) == pytest.approx(np.sqrt(10 / 3))
    with pytest.raises(ValueError, match="more than one seed"):
        seed_sd({"single": [5.0]})


def test_a_row_is_measured_by_its_mean_over_seeds_with_the_band_of_a_difference_of_means():
    psnrs = {
        TASK6: [20.0],
        "first": [21.0, 21.5, 22.0],
        "second": [23.0, 23.5, 24.0],
        "side": [21.0],
    }
    rows = measured_rows([*ABLATION, SIDE], ABLATION, psnrs, sd=0.3, sds=2)
    assert rows["first"].psnr == pytest.approx(21.5) and rows["first"].delta == pytest.approx(1.5)
    assert rows["first"].band == pytest.approx(2 * 0.3 * np.sqrt(1 / 3 + 1))
    assert rows["second"].delta == pytest.approx(2.0)
    assert rows["second"].band == pytest.approx(2 * 0.3 * np.sqrt(2 / 3))
    assert rows["side"].delta == pytest.approx(-0.5) and rows["side"].seeds == 1
