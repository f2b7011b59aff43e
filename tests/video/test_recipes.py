"""Task 7's plan: each row one change on the row above, each side experiment one change on its
parent, every row in the chosen precision."""

from dataclasses import replace
from functools import partial

import numpy as np
import pytest
import torch

from lib.training.loop import TrainConfig
from lib.video import recipes
from lib.video.ablation import TASK6, with_seeds
from lib.video.augment import SymmetryAugment
from lib.video.losses import FrameLoss
from lib.video.recipes import ablation_variants, side_variants
from lib.video.unet import TABLE3, UNetConfig
from lib.video.workflow import VideoData

SHORT = TrainConfig(epochs=2, batch_size=32, schedule="onecycle")
FINAL = replace(SHORT, epochs=3)  # a quick preview: the change names the planned budget
FINAL_LR = replace(SHORT, lr=4e-3)
TASK7 = dict(
    architecture=UNetConfig(skip="concat"), loss=FrameLoss(log_mse=1e-3), augment=SymmetryAugment()
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


def test_the_final_variant_is_the_ablations_last_row_at_the_planned_or_preview_budget():
    full, preview = recipes.final_variant(False, "float32"), recipes.final_variant(True, "float32")
    assert full.name == preview.name == "t7-final"
    assert full.config == recipes.TASK7_FINAL and preview.config.epochs == 1
    assert full.loss == recipes.TASK7_LOSS and full.augment == recipes.TASK7_AUGMENT


def test_task6_is_table_3_with_added_skips_at_the_handouts_settings():
    data = VideoData((torch.zeros(2, 5, 8, 8),) * 2, (torch.zeros(1, 5, 8, 8),) * 2, np.ones(1))
    run = recipes.task6_run(data, quick=False)
    assert (run.name, run.config) == (TASK6, recipes.HANDOUT_PART2)
    assert run.build_model.args == (TABLE3,) and TABLE3.skip == "add"
