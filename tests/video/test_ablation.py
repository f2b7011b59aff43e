import numpy as np
import pytest

from lib.training.loop import TrainConfig
from lib.video.ablation import TASK6, Variant, measured_delta, reference

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
