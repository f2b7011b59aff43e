import numpy as np
import pytest
import torch

from lib.training.loop import TrainConfig
from lib.video.ablation import (
    TASK6,
    Variant,
    over_seeds,
    planned_runs,
    reference,
    row_name,
    seed_sd,
    training_run,
)
from lib.video.workflow import VideoData

CONFIG = TrainConfig(epochs=1)
ABLATION = [Variant("first", "a", object, CONFIG), Variant("second", "b", object, CONFIG)]
SIDE = Variant("side", "c", object, CONFIG, parent="first")


def test_a_row_is_measured_against_the_row_above_and_the_first_against_task6():
    assert [reference(v, ABLATION) for v in ABLATION] == [TASK6, "first"]


def test_a_side_experiment_is_measured_against_its_parent():
    assert reference(SIDE, ABLATION) == "first"


def test_predictions_default_to_none_written():
    assert np.isnan(ABLATION[0].expected_db) and np.isnan(ABLATION[0].expected_ssim)


def test_a_variant_trains_with_its_own_budget_loss_augmentation_and_threads():
    final = Variant("final", "f", object, CONFIG, loss=len, augment=max, threads=2)
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


def test_the_plan_starts_the_final_row_and_trains_every_other_row_once_per_seed():
    rows = [*ABLATION, Variant("final", "f", object, CONFIG)]
    runs = planned_runs(rows, [SIDE], range(2))
    assert [v.name for v in runs] == [
        "final",
        "first",
        "first-seed1",
        "second",
        "second-seed1",
        "side",
    ]


def test_values_over_seeds_are_those_of_the_runs_that_have_one():
    values = {"first": 1.0, "first-seed1": 2.0, "side": 5.0}
    assert over_seeds(ABLATION[0], values, range(3)) == [1.0, 2.0]
    assert over_seeds(SIDE, values, range(1)) == [5.0]


def test_a_seeded_runs_row_name_drops_only_the_seed_suffix():
    assert row_name("t7-loss-seed12") == row_name("t7-loss") == "t7-loss"
    assert row_name("t7-seedless") == "t7-seedless"
