import pytest

from lib.report import video_verdicts as verdicts


@pytest.mark.parametrize(
    "psnr, words",
    [
        (25.0, "it gains 3.0 dB, so it has learnt to move the balls"),
        (22.0, "it does not beat copying the last frame"),
    ],
)
def test_gain_over_last_frame(psnr, words):
    assert verdicts.gain_over_last_frame(psnr, 22.0).startswith(words)


def test_worse_or_better_is_signed_against_the_reference():
    assert verdicts.worse_or_better(20.0, 21.5) == "1.5 dB worse"
    assert verdicts.worse_or_better(22.0, 21.5) == "0.5 dB better"


@pytest.mark.parametrize(
    "none, words",
    [
        (20.0, "Skips therefore matter"),
        (21.5, "does not cost accuracy"),
        (23.0, "does not cost accuracy"),
    ],
)
def test_skips_matter_only_below_both_skip_variants(none, words):
    assert words in verdicts.skips_matter(22.0, 21.0, none)


@pytest.mark.parametrize(
    "concat, words",
    [
        (22.5, "Concatenation gains 0.5 dB over addition, for 20% more"),
        (21.5, "Addition is 0.5 dB better"),
        (22.2, "on par"),
        (21.8, "on par"),
    ],
)
def test_add_or_concat_with_a_noise_margin(concat, words):
    assert words in verdicts.add_or_concat(22.0, concat, 0.2)


@pytest.mark.parametrize(
    "val, words", [(0.0014, "partly memorised"), (0.0012, "does not overfit much")]
)
def test_overfitting_above_thirty_percent(val, words):
    assert words in verdicts.overfitting(0.001, val)


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


@pytest.mark.parametrize(
    "without, words", [(21.5, "help despite"), (22.0, "do not help measurably"), (22.5, "hurt")]
)
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
    words = verdicts.ssim_term(
        {"psnr": 20.0, "ssim": 0.9, "mse": mse}, MIXED, {"psnr": 20.0, "mse": 0.0100}
    )
    assert words.startswith("Training died") == died


@pytest.mark.parametrize("bf16_psnr, words", [(29.8, "costs little"), (29.0, "costs accuracy")])
def test_bfloat16_cost(bf16_psnr, words):
    text = verdicts.bfloat16(
        {"psnr": bf16_psnr, "ssim": 0.98, "mse": 0.001}, MIXED, 3.0, 6.0, "cpu"
    )
    assert words in text and "trained in 3.0 instead of 6.0 minutes" in text


def test_bfloat16_not_run_names_the_device():
    assert verdicts.bfloat16(None, MIXED, float("nan"), 6.0, "cpu").startswith(
        "Not run in this build: the CPU"
    )


@pytest.mark.parametrize(
    "rollout, words", [(29.0, "five passes"), (31.0, "better model at this budget")]
)
def test_rollout(rollout, words):
    assert words in verdicts.rollout(rollout, 30.0)


def test_where_trained_names_threads_only_on_a_cpu():
    assert verdicts.where_trained("cpu", 2) == "the CPU with 2 threads"
    assert verdicts.where_trained("cuda", 2) == "the CUDA"


@pytest.mark.parametrize(
    "groups, words",
    [
        ({"1 ball": 35.0, "collision": 25.0}, "Collisions remain the hardest case (25.0 dB)"),
        ({"3 balls": 24.0, "collision": 25.0}, "The hardest group is now *3 balls* (24.0 dB)"),
    ],
)
def test_hardest_group(groups, words):
    assert verdicts.hardest_group(groups).startswith(words)


FINAL = {"psnr": 30.0, "ssim": 0.995, "mse": 0.0002}
TASK6 = {"psnr": 22.0, "ssim": 0.9, "mse": 0.0012}


def test_task7_goals_are_met_or_not_one_by_one():
    met = [ok for _, _, ok in verdicts.task7_goals(FINAL, TASK6, True, 19.0, "cpu, float32")]
    assert met == [True, True, True, True, True]
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


def test_goals_verdict_and_remaining_error():
    all_met = verdicts.task7_goals(FINAL, TASK6, True, 19.0, "cpu")
    assert verdicts.goals_verdict(all_met) == f"all {len(all_met)} goals of @tbl-goals are met."
    assert verdicts.remaining_error(all_met, "collision", 25.0, 5, 24.0) == ""
    ssim_missed = verdicts.task7_goals({**FINAL, "ssim": 0.98}, TASK6, True, 19.0, "cpu")
    assert verdicts.goals_verdict(ssim_missed) == (
        f"{len(ssim_missed) - 1} of the {len(ssim_missed)} goals of "
        "@tbl-goals are met; not met: mean SSIM at least 0.99."
    )
    words = verdicts.remaining_error(ssim_missed, "collision", 25.0, 5, 24.0)
    assert (
        "*collision* clips (25.0 dB) and at step t+5 (24.0 dB)" in words
        and "grown for 5 frames" in words
    )
    assert "sweep on a borrowed GPU" in words
    slow = verdicts.task7_goals(FINAL, TASK6, True, 25.0, "cpu")
    assert "sweep" not in verdicts.remaining_error(slow, "collision", 25.0, 5, 24.0)
    assert verdicts.goals_verdict(
        verdicts.task7_goals(
            {**FINAL, "psnr": 0.0, "mse": 1.0, "ssim": 0.0}, TASK6, False, 30.0, "cpu"
        )
    ).startswith("0 of the 5 goals")
    one_met = [("a", "1", True), ("b", "2", False)]
    assert verdicts.goals_verdict(one_met) == "1 of the 2 goals of @tbl-goals is met; not met: b."


def test_the_delta_output_claims_ssim_only_where_it_was_measured():
    assert verdicts.delta_output(0.3, 0.002).endswith(
        "which SSIM rewards (at the short budget: SSIM +0.0020, PSNR +0.30 dB)."
    )
    lowered = verdicts.delta_output(0.12, -0.002)
    assert (
        "SSIM rewards" not in lowered
        and "lowered SSIM (-0.0020) while PSNR moved +0.12 dB" in lowered
    )


def test_side_findings_split_at_a_tenth_of_a_db():
    did_not, helped = verdicts.side_findings([("a", -0.5), ("b", 0.1), ("c", 0.3)])
    assert did_not == "a (-0.50 dB); b (+0.10 dB)"
    assert helped == "What the side experiments found to help: c (+0.30 dB)."
    assert verdicts.side_findings([("a", -0.5)]) == ("a (-0.50 dB)", "")


def test_clip_scores_names_balls_and_event():
    assert (
        verdicts.clip_scores(7, "collision", 1, 12.34, 20.0)
        == "Clip 7 (1 ball, collision): U-Net 12.3 dB, final model 20.0 dB."
    )


# The physics-informed predictor ------------------------------------------------------------------


def test_identification_states_the_radius_in_pixels_and_box_units():
    words = verdicts.identification(6.4, 8.0, (0.0, 32.0, 0.0, 32.0), 2, 3, 3.2, "")
    assert words.startswith(
        "The identified radius of the balls is 6.40 px (2.00 box units at 3.2 px each)"
    )
    assert "2 sub-steps per frame" in words and "up to 3 balls" in words


def test_identification_writes_no_negative_zero():
    words = verdicts.identification(3.84, 8.0, (-0.001, 32.0, -0.004, 31.996), 2, 3, 3.2, "")
    assert "x = 0.00 and 32.00 px and y = 0.00 and 32.00 px" in words


def test_identification_says_what_could_not_be_identified():
    words = verdicts.identification(None, 0.0, (), 0, 0, 3.2, "no bounce off the low x wall")
    assert "could not be identified" in words and "(no bounce off the low x wall)" in words
    assert "every clip to the network" in words


@pytest.mark.parametrize(
    "errors, words",
    [
        (None, "These files were supplied"),
        (
            (0.005, 0.1, True),
            "meets its goals: radius within 0.50% of the simulator's, every wall within 0.100 px",
        ),
        ((0.02, 0.1, True), "misses a goal"),
        ((0.0, 0.5, True), "misses a goal"),
        ((0.0, 0.0, False), "the sub-step count wrong"),
    ],
)
def test_identification_against_the_simulator(errors, words):
    assert words in verdicts.identification_against_simulator(errors, 32)


@pytest.mark.parametrize(
    "share, words",
    [(None, "not counted"), (1.0, "on every one of the 1000"), (0.999, "on 99.9% of the 1000")],
)
def test_count_agreement(share, words):
    assert words in verdicts.count_agreement(share, 1000)


def test_gate_sends_none_or_counts_reasons():
    assert (
        verdicts.gate_sends({}, 32)
        == "The gate sent none of the 32 validation clips to the network."
    )
    words = verdicts.gate_sends(
        {"input not reproduced": 3, "5 balls: more than any training clip (3)": 1}, 1000
    )
    assert words.startswith(
        "The gate sent 4 of the 1000 validation clips to the network, 3 because the fitted"
    )
    assert words.endswith("; 1 because 5 balls: more than any training clip (3).")
    ambiguous = verdicts.gate_sends({"the input allows different futures": 5}, 1000)
    assert ambiguous.endswith(
        "to the network, all of them because states that explain their input equally well, with the balls' contacts "
        "resolved in different orders, predict different futures."
    )


def test_physics_failure_sent_or_kept():
    sent = verdicts.physics_failure(
        5, 2, "collision", 30.04, 38.0, "input not reproduced (MSE 1e-05)", 1e-5
    )
    assert sent == (
        "Clip 5 (2 balls, collision): physics 30.0 dB; the gate sent it to the network "
        "(input not reproduced, MSE 1e-05), and the hybrid scores 38.0 dB."
    )
    kept = verdicts.physics_failure(5, 1, "wall bounce", 30.0, 30.0, "", 1e-13)
    assert (
        "although its input frames were reproduced (MSE 1.0e-13)" in kept and "hybrid keeps" in kept
    )


@pytest.mark.parametrize(
    "below, drawn, words",
    [
        (0, 1, "No validation clip falls below 40 dB"),
        (1, 1, "1 validation clip falls below 40 dB; it is drawn"),
        (2, 2, "both are drawn"),
        (4, 4, "all are drawn"),
        (20, 12, "the 12 worst are drawn"),
    ],
)
def test_failures_shown(below, drawn, words):
    assert words in verdicts.failures_shown(below, drawn)


@pytest.mark.parametrize(
    "mse_gain, words",
    [(6.3, "already good"), (12.0, "most on the hard clips"), (11.1, "about the same")],
)
def test_gain_two_ways(mse_gain, words):
    text = verdicts.gain_two_ways(11.0, mse_gain)
    assert (
        text.startswith(f"+11.0 dB as a mean of per-clip PSNRs and {mse_gain:+.1f} dB")
        and words in text
    )


NETWORK = {"psnr_of_mean_mse": 31.0, "capped_mean": 38.0, "ssim": 0.99}


PHYSICS = {"psnr_of_mean_mse": 36.0, "ssim": 0.998}


@pytest.mark.parametrize(
    "hybrid, share, words",
    [
        (NETWORK, 0.0, "kept no clip for the physics"),
        ({"psnr_of_mean_mse": 40.0, "ssim": 0.999}, 0.99, "is the best predictor"),
        ({"psnr_of_mean_mse": 33.0, "ssim": 0.995}, 0.99, "but not the physics alone"),
        ({"psnr_of_mean_mse": 30.0, "ssim": 0.999}, 0.99, "does not beat"),
    ],
)
def test_hybrid_verdict(hybrid, share, words):
    assert words in verdicts.hybrid_verdict(hybrid, NETWORK, PHYSICS, share)


@pytest.mark.parametrize(
    "kept, again, words",
    [
        (0, 120.0, ("the gate sends all", "adapts")),
        (5, 120.0, ("sends the rest", "adapts")),
        (50, 10.0, ("pass the gate on 50", "does no better")),
    ],
)
def test_other_generator_verdict(kept, again, words):
    text = verdicts.other_generator_verdict(kept, 100, again, 14.0, 14.5)
    assert all(word in text for word in words)


def test_settings_source_converts_units_only_for_simulated_files():
    assert verdicts.settings_source(None, 32) == ""
    assert (
        "converted to pixels at 3.2 px per box unit, the frame's 32 pixels"
        in verdicts.settings_source(3.2, 32)
    )


def test_a_change_below_the_noise_is_marked_in_the_tables_and_the_ranking():
    assert verdicts.against_prediction(0.5, 0.2, 0.5, noise_db=0.3) == "as expected, within noise"
    assert (
        verdicts.against_prediction(0.5, -0.2, 0.5, noise_db=0.3)
        == "less than expected, within noise"
    )
    assert verdicts.against_prediction(0.5, 0.4, 0.5, noise_db=0.3) == "as expected"
    assert verdicts.ranked_changes([("a", 0.1), ("b", 5.0), ("c", -0.5)], noise_db=0.3) == (
        "b (+5.00 dB); a (+0.10 dB, within noise); c (-0.50 dB)"
    )


def test_seed_noise_is_twice_the_standard_deviation():
    noise, words = verdicts.seed_noise([30.0, 30.2, 30.4], "t7-loss")
    assert noise == pytest.approx(0.4)
    assert words.startswith(
        "The same row (t7-loss) trained with 3 seeds scores 30.00, 30.20 and 30.40 dB: "
        "a seed-to-seed standard deviation of 0.20 dB, so a difference smaller than 0.40 dB"
    )
