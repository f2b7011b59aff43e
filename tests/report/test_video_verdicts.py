"""Part 2's rules: each decision on both sides of its threshold."""

from lib.report import video_verdicts as verdicts


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


def test_a_validation_mse_lowest_at_the_last_epoch_was_still_improving():
    assert verdicts.lowest_at_end([0.3, 0.2, 0.1]) == "yes"
    assert verdicts.lowest_at_end([0.3, 0.1, 0.2]) == "no"
