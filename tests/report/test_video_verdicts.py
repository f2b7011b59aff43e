"""Part 2's rules: each decision on both sides of its threshold."""

import numpy as np
import pytest

from lib.report import judge
from lib.report import video_verdicts as verdicts
from lib.training.loop import TrainConfig
from lib.video.ablation import TASK6, Variant


@pytest.mark.parametrize(
    "psnr, ssim, where",
    [
        (14.0, 0.7, "both"),
        (14.0, 0.6, "psnr-only"),
        (14.0, 0.5, "psnr-only"),
        (13.0, 0.9, "not-psnr"),
    ],
)
def test_a_model_against_the_last_frame_needs_both_scores_above_to_read_as_moving_the_balls(
    psnr, ssim, where
):
    assert verdicts.against_last_frame(
        {"psnr": psnr, "ssim": ssim}, {"psnr": 13.0, "ssim": 0.6}
    ) == (where)


CONFIG = TrainConfig(epochs=1)
ABLATION = [
    Variant("first", "a", object, CONFIG, expected_db=1.0),
    Variant("second", "b", object, CONFIG, expected_db=0.5),
]
SIDE = Variant("side", "c", object, CONFIG, expected_db=0.0, parent="first")
PSNRS = {TASK6: [20.0], "first": [21.0, 21.5, 22.0], "second": [23.0, 23.5, 24.0], "side": [21.0]}


def test_a_row_is_judged_with_the_band_of_judge_from_the_pooled_sd_on_both_sides():
    rows = verdicts.measured_rows([*ABLATION, SIDE], ABLATION, PSNRS, sd=0.3, sds=2)
    second = rows["second"]
    assert (second.psnr, second.delta, second.seeds) == pytest.approx((23.5, 2.0, 3))
    pooled = judge.Seeds(0.0, 0.3, 3)
    assert second.band == pytest.approx(judge.band(pooled, pooled, 2))
    assert second.band == pytest.approx(2 * 0.3 * np.sqrt(2 / 3))
    assert second.verdict == judge.BETTER
    # +2.0 measured against +0.5 predicted: beyond the band of 0.49.
    assert second.against == "more than expected"


def test_a_row_with_a_single_run_on_either_side_is_one_run_and_not_judged():
    rows = verdicts.measured_rows([*ABLATION, SIDE], ABLATION, PSNRS, sd=0.3)
    # The first row's reference is the Task 6 U-Net, trained once; the side experiment ran once.
    for name in ("first", "side"):
        assert rows[name].band is None
        assert rows[name].verdict == rows[name].against == judge.ONE_RUN
    assert rows["first"].delta == pytest.approx(1.5)
    assert rows["side"].delta == pytest.approx(-0.5)


def test_a_change_within_its_band_of_zero_is_within_noise():
    psnrs = {**PSNRS, "second": [21.4, 21.5, 21.6]}
    assert verdicts.measured_rows(ABLATION, ABLATION, psnrs, sd=0.3)["second"].verdict == (
        judge.WITHIN
    )


@pytest.mark.parametrize(
    "measured, word",
    [
        (1.4, "as expected"),
        (0.6, "as expected"),
        (1.6, "more than expected"),
        (0.4, "less than expected"),
    ],
)
def test_against_prediction_within_the_band(measured, word):
    assert verdicts.against_prediction(1.0, measured, 0.5) == word
    assert verdicts.against_prediction(1.0, measured, None) == judge.ONE_RUN


def measured(delta, verdict):
    return verdicts.Measured(20.0, delta, 0.3, 3, verdict, "as expected")


def test_ranked_changes_follow_the_verdicts_largest_gain_first():
    changes = [
        ("a", measured(0.1, judge.WITHIN)),
        ("b", measured(5.0, judge.BETTER)),
        ("c", measured(-0.5, judge.WORSE)),
        ("d", measured(0.2, judge.WITHIN)),
        ("e", measured(0.4, judge.BETTER)),
        ("f", measured(3.0, judge.ONE_RUN)),
    ]
    assert verdicts.ranked_changes(changes) == (
        "*b* and *e* raised the PSNR beyond the noise, largest gain first; *d* and *a* are within "
        "noise; *c* lowered the PSNR beyond the noise; *f* is a single run, not judged"
    )
    # A large gain of a single run is never listed as raising the PSNR.
    assert verdicts.ranked_changes([("a, b", measured(9.0, judge.ONE_RUN))]) == (
        "*a, b* is a single run, not judged"
    )
    assert verdicts.ranked_changes([("x", measured(1.0, judge.BETTER))]) == (
        "*x* raised the PSNR beyond the noise"
    )


def test_hardest_group_is_the_lowest_psnr():
    assert verdicts.hardest_group({"1 ball": 35.0, "collision": 25.0}) == "collision"
    assert verdicts.hardest_group({"3 balls": 24.0, "collision": 25.0}) == "3 balls"


FINAL = {"psnr": 30.0, "ssim": 0.995, "mse": 0.0002}
TASK6_SCORES = {"psnr": 22.0, "ssim": 0.9, "mse": 0.0012}


def test_task7_goals_are_met_or_not_one_by_one():
    met = verdicts.task7_goals(FINAL, TASK6_SCORES, True, 19.0, "cpu")
    assert [ok for _, _, ok in met] == [True, True, True, True, True]
    missed = verdicts.task7_goals(
        {"psnr": 25.0, "ssim": 0.98, "mse": 0.0005}, TASK6_SCORES, False, 21.0, "cpu"
    )
    assert [ok for _, _, ok in missed] == [False, False, False, False, False]
    assert [measured for _, measured, _ in missed] == [
        "+3.00 dB",
        "42% of it",
        "0.9800",
        "not at every step",
        "21.0 min on the CPU",
    ]


def test_the_time_goal_is_judged_only_on_a_cpu():
    goals = verdicts.task7_goals(FINAL, TASK6_SCORES, True, 5.0, "cuda")
    goal, measured, met = goals[-1]
    assert "two-core CPU" in goal
    assert met is None and measured == "5.0 min on the CUDA, not measured on a CPU"
