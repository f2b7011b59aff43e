import pytest

from lib import video_verdicts as verdicts


@pytest.mark.parametrize("psnr, words", [(25.0, "it gains 3.0 dB, so it has learnt to move the balls"),
                                         (22.0, "it does not beat copying the last frame")])
def test_gain_over_last_frame(psnr, words):
    assert verdicts.gain_over_last_frame(psnr, 22.0).startswith(words)


def test_worse_or_better_is_signed_against_the_reference():
    assert verdicts.worse_or_better(20.0, 21.5) == "1.5 dB worse"
    assert verdicts.worse_or_better(22.0, 21.5) == "0.5 dB better"


@pytest.mark.parametrize("none, words", [(20.0, "Skips therefore matter"), (21.5, "does not cost accuracy"),
                                         (23.0, "does not cost accuracy")])
def test_skips_matter_only_below_both_skip_variants(none, words):
    assert words in verdicts.skips_matter(22.0, 21.0, none)


@pytest.mark.parametrize("concat, words", [(22.5, "Concatenation gains 0.5 dB over addition, for 20% more"),
                                           (21.5, "Addition is 0.5 dB better"), (22.2, "on par"), (21.8, "on par")])
def test_add_or_concat_with_a_noise_margin(concat, words):
    assert words in verdicts.add_or_concat(22.0, concat, 0.2)


@pytest.mark.parametrize("val, words", [(0.0014, "partly memorised"), (0.0012, "does not overfit much")])
def test_overfitting_above_thirty_percent(val, words):
    assert words in verdicts.overfitting(0.001, val)


@pytest.mark.parametrize("measured, word", [(1.4, "(as expected)"), (0.6, "(as expected)"),
                                            (1.6, "(more than expected)"), (0.4, "(less than expected)")])
def test_expectation_within_the_tolerance(measured, word):
    text = verdicts.expectation("batch 32", 1.0, measured, 0.5)
    assert text.startswith("*batch 32*: predicted +1.0 dB, measured") and text.endswith(word)


@pytest.mark.parametrize("without, words", [(21.5, "help despite"), (22.0, "do not help measurably"),
                                            (22.5, "hurt")])
def test_time_reversal_three_ways(without, words):
    assert words in verdicts.time_reversal(22.0, without)


@pytest.mark.parametrize("loss, collapsed", [(0.0200, True), (0.0185, True), (0.0170, False)])
def test_sigmoid_collapse_when_the_loss_sits_at_the_all_black_error(loss, collapsed):
    words = verdicts.sigmoid_output(loss, 0.0200, 17.0, 30.0)
    assert words.startswith("Training collapsed") == collapsed
    assert ("against 30.00 dB" in words) == (not collapsed)


MIXED = {"psnr": 30.0, "ssim": 0.98, "mse": 0.0010}


@pytest.mark.parametrize("mse, explains", [(0.0013, True), (0.0011, False)])
def test_log_mse_alone_explains_a_grown_error(mse, explains):
    words = verdicts.log_mse_alone({"psnr": 30.2, "ssim": 0.97, "mse": mse}, MIXED)
    assert words.startswith("It scores 30.20 dB (MSE + log-MSE: 30.00 dB)")
    assert ("keeps MSE as its main term" in words) == explains


@pytest.mark.parametrize("mse, died", [(0.0101, True), (0.0050, False)])
def test_ssim_term_died_when_it_predicts_the_last_frame(mse, died):
    words = verdicts.ssim_term({"psnr": 20.0, "ssim": 0.9, "mse": mse}, MIXED, {"psnr": 20.0, "mse": 0.0100})
    assert words.startswith("Training died") == died


@pytest.mark.parametrize("bf16_psnr, words", [(29.8, "costs little"), (29.0, "costs accuracy")])
def test_bfloat16_cost(bf16_psnr, words):
    text = verdicts.bfloat16({"psnr": bf16_psnr, "ssim": 0.98, "mse": 0.001}, MIXED, 3.0, 6.0, "cpu")
    assert words in text and "trained in 3.0 instead of 6.0 minutes" in text


def test_bfloat16_not_run_names_the_device():
    assert verdicts.bfloat16(None, MIXED, float("nan"), 6.0, "cpu").startswith("Not run in this build: the CPU")


@pytest.mark.parametrize("rollout, words", [(29.0, "five passes"), (31.0, "better model at this budget")])
def test_rollout(rollout, words):
    assert words in verdicts.rollout(rollout, 30.0)


def test_where_trained_names_threads_only_on_a_cpu():
    assert verdicts.where_trained("cpu", 2) == "the CPU with 2 threads"
    assert verdicts.where_trained("cuda", 2) == "the CUDA"


@pytest.mark.parametrize("groups, words", [({"1 ball": 35.0, "collision": 25.0}, "Collisions remain the hardest case (25.0 dB)"),
                                           ({"3 balls": 24.0, "collision": 25.0}, "The hardest group is now *3 balls* (24.0 dB)")])
def test_hardest_group(groups, words):
    assert verdicts.hardest_group(groups).startswith(words)


FINAL = {"psnr": 30.0, "ssim": 0.995, "mse": 0.0002}
TASK6 = {"psnr": 22.0, "ssim": 0.9, "mse": 0.0012}


def test_task7_goals_are_met_or_not_one_by_one():
    met = [ok for _, _, ok in verdicts.task7_goals(FINAL, TASK6, True, 19.0, "cpu, float32")]
    assert met == [True, True, True, True, True]
    missed = verdicts.task7_goals({"psnr": 25.0, "ssim": 0.98, "mse": 0.0005}, TASK6, False, 21.0, "cpu")
    assert [ok for _, _, ok in missed] == [False, False, False, False, False]
    assert [measured for _, measured, _ in missed] == ["+3.00 dB", "0.42 of it", "0.9800", "not at every step",
                                                      "21.0 min (cpu)"]


def test_goals_verdict_and_remaining_error():
    all_met = verdicts.task7_goals(FINAL, TASK6, True, 19.0, "cpu")
    assert verdicts.goals_verdict(all_met).endswith("All goals are met.")
    assert verdicts.remaining_error(all_met, "collision", 25.0, 5, 24.0, (15, 120), 1.5) == ""
    ssim_missed = verdicts.task7_goals({**FINAL, "ssim": 0.98}, TASK6, True, 19.0, "cpu")
    assert verdicts.goals_verdict(ssim_missed).endswith("Not met: mean SSIM at least 0.99.")
    words = verdicts.remaining_error(ssim_missed, "collision", 25.0, 5, 24.0, (15, 120), 1.5)
    assert "*collision* clips (25.0 dB) and at step t+5" in words and "from 15 to 120 epochs" in words
    assert "bought +1.50 dB" in words
    assert "sweep on a borrowed GPU" in words
    slow = verdicts.task7_goals(FINAL, TASK6, True, 25.0, "cpu")
    assert "sweep" not in verdicts.remaining_error(slow, "collision", 25.0, 5, 24.0, (15, 120), 1.5)
    assert verdicts.goals_verdict(verdicts.task7_goals({**FINAL, "psnr": 0.0, "mse": 1.0, "ssim": 0.0}, TASK6,
                                                       False, 30.0, "cpu")).startswith("Not met:")


def test_side_findings_split_at_a_tenth_of_a_db():
    did_not, helped = verdicts.side_findings([("a", -0.5), ("b", 0.1), ("c", 0.3)])
    assert did_not == "a (-0.50 dB); b (+0.10 dB)"
    assert helped == "What the side experiments found to help: c (+0.30 dB)."
    assert verdicts.side_findings([("a", -0.5)]) == ("a (-0.50 dB)", "")


def test_clip_scores_names_balls_and_event():
    assert verdicts.clip_scores(7, "collision", 1, 12.34, 20.0) == \
        "Clip 7 (1 ball, collision): U-Net 12.3 dB, final model 20.0 dB."
