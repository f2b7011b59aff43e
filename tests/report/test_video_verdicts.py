"""Part 2's rules: each decision on both sides of its threshold."""

import pytest

from lib.report import video_verdicts as verdicts


def test_beats_a_reference_only_above_it():
    assert verdicts.beats(25.0, 22.0)
    assert not verdicts.beats(22.0, 22.0)
    assert not verdicts.beats(21.0, 22.0)


def test_worse_or_better_is_signed_against_the_reference():
    assert verdicts.worse_or_better(20.0, 21.5) == "worse"
    assert verdicts.worse_or_better(22.0, 21.5) == "better"
    assert verdicts.worse_or_better(21.5, 21.5) == "better"


@pytest.mark.parametrize("none, matter", [(20.0, True), (21.5, False), (23.0, False)])
def test_skips_matter_only_below_both_skip_variants(none, matter):
    assert verdicts.skips_matter(22.0, 21.0, none) is matter


@pytest.mark.parametrize(
    "concat, better", [(22.5, "concat"), (21.5, "add"), (22.2, "par"), (21.8, "par")]
)
def test_add_or_concat_with_a_noise_margin(concat, better):
    assert verdicts.add_or_concat(22.0, concat) == better


@pytest.mark.parametrize("val, overfits", [(0.0014, True), (0.0012, False)])
def test_overfitting_above_thirty_percent(val, overfits):
    assert verdicts.overfits(0.001, val) is overfits


@pytest.mark.parametrize(
    "measured, word",
    [
        (1.4, "as expected"),
        (0.6, "as expected"),
        (1.6, "more than expected"),
        (0.4, "less than expected"),
    ],
)
def test_against_prediction_within_the_tolerance(measured, word):
    assert verdicts.against_prediction(1.0, measured, 0.5) == word


def test_a_change_below_the_noise_is_marked_in_the_tables_and_the_ranking():
    assert verdicts.effect_word(0.2, noise_db=0.3) == "within noise"
    assert verdicts.effect_word(-0.2, noise_db=0.3) == "within noise"
    assert verdicts.effect_word(0.4, noise_db=0.3) == "helps"
    assert verdicts.effect_word(0.05, noise_db=0.01) == "no gain"
    assert verdicts.effect_word(-0.6, noise_db=0.3) == "hurts"
    assert verdicts.ranked_changes(
        [("a", 0.1, 0.3), ("b", 5.0, 0.3), ("c", -0.5, 0.3), ("d", 0.2, 0.3), ("e", 0.4, 0.3)]
    ) == ("*b* and *e* helped, largest gain first; *d* and *a* are within noise; *c* cost accuracy")
    assert verdicts.ranked_changes([("a, b", 1.0, 0.3)]) == "*a, b* helped"
    # Each change is judged against its own band.
    assert verdicts.ranked_changes([("a", 0.4, 0.5), ("b", 0.4, 0.3)]) == (
        "*b* helped; *a* is within noise"
    )


@pytest.mark.parametrize("gain", [0.0, 0.15, 0.29, -0.29, 2.0, -2.0])
@pytest.mark.parametrize("noise", [0.0, 0.3, 1.0, 3.0])
def test_a_change_within_noise_is_never_worded_as_helping(gain, noise):
    """The same change reads the same in the ablation table, the effect and the lists."""
    within = verdicts.effect_word(gain, noise) == "within noise"
    if within:
        assert verdicts.effect(gain, noise) == "neutral"
        assert verdicts.time_reversal(22.0 + gain, 22.0, noise) == "neutral"
        did_not, helped = verdicts.side_findings([("idea", gain, noise)])
        assert helped == "" and did_not == "idea (within noise)"
        assert "helped" not in verdicts.ranked_changes([("idea", gain, noise)])
    if verdicts.effect(gain, noise) == "helps":
        assert not within and gain > 0
        assert verdicts.effect_word(gain, noise) == "helps"


@pytest.mark.parametrize("without, effect", [(21.8, "helps"), (22.0, "neutral"), (22.2, "hurts")])
def test_time_reversal_three_ways(without, effect):
    assert verdicts.time_reversal(22.0, without) == effect
    assert verdicts.time_reversal(22.0, without, noise_db=0.3) == "neutral"


def test_where_trained_names_threads_only_on_a_cpu():
    assert verdicts.where_trained("cpu", 2) == "the CPU with 2 threads"
    assert verdicts.where_trained("cpu", 1) == "the CPU with 1 thread"
    assert verdicts.where_trained("cuda", 2) == "the CUDA"


def test_hardest_group_is_the_lowest_psnr():
    assert verdicts.hardest_group({"1 ball": 35.0, "collision": 25.0}) == "collision"
    assert verdicts.hardest_group({"3 balls": 24.0, "collision": 25.0}) == "3 balls"


FINAL = {"psnr": 30.0, "ssim": 0.995, "mse": 0.0002}
TASK6 = {"psnr": 22.0, "ssim": 0.9, "mse": 0.0012}


def test_task7_goals_are_met_or_not_one_by_one():
    met = verdicts.task7_goals(FINAL, TASK6, True, 19.0, "cpu, float32")
    assert [ok for _, _, ok in met] == [True, True, True, True, True]
    assert verdicts.missed_goals(met) == []
    missed = verdicts.task7_goals(
        {"psnr": 25.0, "ssim": 0.98, "mse": 0.0005}, TASK6, False, 21.0, "cpu"
    )
    assert [ok for _, _, ok in missed] == [False, False, False, False, False]
    assert [measured for _, measured, _ in missed] == [
        "+3.00 dB",
        "0.42 of it",
        "0.9800",
        "not at every step",
        "21.0 min (cpu)",
    ]
    ssim_only = verdicts.task7_goals({**FINAL, "ssim": 0.98}, TASK6, True, 19.0, "cpu")
    assert verdicts.missed_goals(ssim_only) == [verdicts.SSIM_GOAL]


def test_side_findings_split_at_a_tenth_of_a_db_and_the_noise():
    did_not, helped = verdicts.side_findings([("a", -0.5, 0.0), ("b", 0.1, 0.0), ("c", 0.3, 0.0)])
    assert did_not == "a (worse); b (no gain)"
    assert helped == "c"
    assert verdicts.side_findings([("a", -0.5, 0.0)]) == ("a (worse)", "")
    did_not, helped = verdicts.side_findings([("a", -0.5, 0.4), ("c", 0.3, 0.4)])
    assert (did_not, helped) == ("a (worse); c (within noise)", "")


def test_clip_scores_names_balls_and_event():
    assert (
        verdicts.clip_scores(7, "collision", 1, 12.34, 20.0)
        == "Clip 7 (1 ball, collision): U-Net 12.3 dB, final model 20.0 dB."
    )


# The physics-informed predictor ------------------------------------------------------------------


def test_times_less_or_more():
    assert verdicts.times_less(0.04, 0.01) == "4.0 times less"
    assert verdicts.times_less(0.01, 0.012) == "1.2 times more"
