"""Part 2: the rules that turn the chapters' numbers into words.

Each function decides between the sentences a chapter may need, so that the text stays true on
any course files; tests/test_video_verdicts.py covers every branch. Scores are dicts with the
keys of lib.metrics.VideoMetrics.summary: "mse", "ssim", "psnr".
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from lib.report.words import balls, fixed, listed, sample_sd

SAME_DB = 0.3  # PSNR differences below this are within the noise of one run


def gain_over_last_frame(model_psnr: float, last_frame_psnr: float) -> str:
    """Whether a predictor does better than repeating the last input frame."""
    if model_psnr > last_frame_psnr:
        return (
            f"it gains {model_psnr - last_frame_psnr:.1f} dB, so it has learnt to move the balls rather "
            "than copy them."
        )
    return "it does not beat copying the last frame."


def worse_or_better(psnr: float, reference_psnr: float) -> str:
    """'1.2 dB worse' or '0.4 dB better' than the reference."""
    if psnr < reference_psnr:
        return f"{reference_psnr - psnr:.1f} dB worse"
    return f"{psnr - reference_psnr:.1f} dB better"


def skips_matter(add_psnr: float, concat_psnr: float, none_psnr: float) -> str:
    """Whether removing the skips costs accuracy against both ways of keeping them."""
    if none_psnr < min(add_psnr, concat_psnr):
        return "Skips therefore matter here, as argued above."
    return "Against the argument above, removing the skips does not cost accuracy in this run."


def add_or_concat(add_psnr: float, concat_psnr: float, extra_parameters: float) -> str:
    """Added against concatenated skips; `extra_parameters` is the concatenating network's extra
    share of parameters (0.2: 20 % more)."""
    if concat_psnr > add_psnr + SAME_DB:
        return (
            f"Concatenation gains {concat_psnr - add_psnr:.1f} dB over addition, for {extra_parameters:.0%} "
            "more parameters: letting the next convolution weigh the skip freely is worth something beyond "
            "a residual update."
        )
    if add_psnr > concat_psnr + SAME_DB:
        return f"Addition is {add_psnr - concat_psnr:.1f} dB better than concatenation with fewer parameters."
    return "Addition and concatenation are on par, so the cheaper addition loses nothing."


# Task 7 -------------------------------------------------------------------------------------------

HELPS_DB = 0.1  # a side experiment "helps" when it gains more than this


def overfitting(train_mse: float, val_mse: float) -> str:
    """Whether the Task 6 U-Net's validation error is well above its training error (by 30 %)."""
    if val_mse > 1.3 * train_mse:
        return "it has partly memorised its 4000 clips, which is what more (augmented) data cures."
    return "it does not overfit much, so more data should help less than expected."


def against_prediction(
    expected_db: float, measured_db: float, tolerance_db: float, noise_db: float = 0.0
) -> str:
    """How a measured PSNR change compares with its prediction (within the tolerance or not), and
    whether it is within the seed-to-seed noise (below `noise_db` in size)."""
    gap = measured_db - expected_db
    word = (
        "as expected"
        if abs(gap) <= tolerance_db
        else "more than expected"
        if gap > 0
        else "less than expected"
    )
    return f"{word}, within noise" if abs(measured_db) < noise_db else word


def ranked_changes(steps: list[tuple[str, float]], noise_db: float) -> str:
    """The changes ranked by what they bought (dB, largest first), each below `noise_db` in size
    marked as within noise: a single run cannot rank them."""
    ranked = sorted(steps, key=lambda step: -step[1])
    return "; ".join(
        f"{label} ({gain:+.2f} dB{', within noise' if abs(gain) < noise_db else ''})"
        for label, gain in ranked
    )


def delta_output(psnr_gain_db: float, ssim_gain: float) -> str:
    """Why the last frame + change output helps, as far as its ablation row's measured changes
    (against the row before it, at the short budget) support it."""
    start = (
        "The last frame + change output starts the network from the right answer for every pixel "
        "that does not change and keeps the background exactly black"
    )
    if ssim_gain >= 0:
        return f"{start}, which SSIM rewards (at the short budget: SSIM {ssim_gain:+.4f}, PSNR {psnr_gain_db:+.2f} dB)."
    return (
        f"{start}; yet at the short budget it lowered SSIM ({ssim_gain:+.4f}) while PSNR moved "
        f"{psnr_gain_db:+.2f} dB, so an exactly black background does not by itself buy SSIM."
    )


def seed_noise(psnrs: list[float], name: str) -> tuple[float, str]:
    """Twice the seed-to-seed standard deviation of one row's PSNR over seeds, and a sentence."""
    noise = 2 * sample_sd(psnrs)
    return noise, (
        f"The same row ({name}) trained with {len(psnrs)} seeds scores "
        f"{listed([f'{p:.2f}' for p in psnrs])} dB: a seed-to-seed standard deviation of "
        f"{noise / 2:.2f} dB, so a difference smaller than {noise:.2f} dB is within noise, and the "
        "ranking and the comparisons below say so."
    )


def time_reversal(with_psnr: float, without_psnr: float) -> str:
    """What training on reversed clips did, against the same training without them."""
    if with_psnr > without_psnr + HELPS_DB:
        return "the reversed clips help despite their slightly wrong bounces."
    if with_psnr > without_psnr - HELPS_DB:
        return (
            "the reversed clips do not help measurably; their slightly wrong bounces may cancel what the "
            "extra data gives."
        )
    return "the reversed clips hurt: their slightly wrong bounces teach the wrong physics."


def sigmoid_output(
    final_val_loss: float, black_mse: float, sigmoid_psnr: float, delta_psnr: float
) -> str:
    """Whether the sigmoid-output network collapsed to an all-black prediction (its validation loss
    within 10 % of the MSE of predicting black), and what it scored."""
    if abs(final_val_loss - black_mse) < 0.1 * black_mse:
        return (
            f"Training collapsed: the validation loss settled at {final_val_loss:.4f}, the MSE of an "
            f"all-black prediction ({black_mse:.4f}), and the final PSNR is {sigmoid_psnr:.2f} dB. Most "
            "pixels are black, so the first steps push every output towards 0; the sigmoid saturates, its "
            "derivative vanishes, and under squared error no gradient is left to bring the balls back. The "
            "last frame + change output has no such trap: its gradient is passed straight through the clip."
        )
    return f"It scores {sigmoid_psnr:.2f} dB against {delta_psnr:.2f} dB for the last frame + change output."


def log_mse_alone(alone: dict, mixed: dict) -> str:
    """Log-MSE alone against MSE + log-MSE; why MSE stays the main term if the error grew by 20 %."""
    scores = (
        f"It scores {alone['psnr']:.2f} dB (MSE + log-MSE: {mixed['psnr']:.2f} dB), an MSE of "
        f"{alone['mse']:.5f} (against {mixed['mse']:.5f}) and an SSIM of {alone['ssim']:.4f} (against "
        f"{mixed['ssim']:.4f})"
    )
    if alone["mse"] > 1.2 * mixed["mse"]:
        return (
            scores
            + ": weighting every clip by the inverse of its error, it gives up on the hard clips "
            "(collisions) to polish the easy ones, which raises a mean of logarithms while the mean error "
            "grows. That is why the chosen loss keeps MSE as its main term."
        )
    return scores + "."


def ssim_term(with_ssim: dict, without: dict, last_frame: dict) -> str:
    """Whether training with an SSIM term died (its error within 5 % of the last frame's)."""
    if abs(with_ssim["mse"] - last_frame["mse"]) < 0.05 * last_frame["mse"]:
        return (
            f"Training died: the model's predictions are the last input frame ({with_ssim['psnr']:.2f} dB, "
            f"the last-frame baseline scores {last_frame['psnr']:.2f} dB), i.e. the predicted change is zero "
            "everywhere. SSIM divides by the local variances plus constants of 10⁻⁴ to 10⁻³, so on nearly "
            "black windows its gradient is hundreds of times larger than the squared error's; a few such "
            "steps drive every ReLU of the network negative, after which no gradient flows. A smaller "
            "weight, a warm-up of the term or a larger SSIM constant might tame it; none fitted this budget."
        )
    return (
        f"It scores {with_ssim['psnr']:.2f} dB and SSIM {with_ssim['ssim']:.4f}, against "
        f"{without['psnr']:.2f} dB and {without['ssim']:.4f} without it."
    )


def bfloat16(
    bf16: dict | None, fp32: dict, bf16_minutes: float, fp32_minutes: float, device: str
) -> str:
    """bfloat16 against float32 at the short budget; `bf16` is None where it was not run."""
    if bf16 is None:
        return (
            f"Not run in this build: the {device.upper()} it ran on has no native bfloat16, which PyTorch "
            "would emulate many times slower than float32, so the final model trained in float32."
        )
    return (
        f"At the short budget the same network trained in bfloat16 scores {bf16['psnr']:.2f} dB, SSIM "
        f"{bf16['ssim']:.4f} and MSE {bf16['mse']:.5f}, against {fp32['psnr']:.2f} dB, {fp32['ssim']:.4f} and "
        f"{fp32['mse']:.5f} in float32, and trained in {bf16_minutes:.1f} instead of {fp32_minutes:.1f} minutes"
        + (
            ": the lower precision costs little, and the time it saves buys the final model's longer run."
            if bf16["psnr"] > fp32["psnr"] - 0.5
            else ": the lower precision costs accuracy, which the longer run it pays for has to win back."
        )
    )


def rollout(rollout_psnr: float, direct_psnr: float) -> str:
    """The one-step model rolled out against the direct model it replaces."""
    if rollout_psnr < direct_psnr:
        return (
            "five passes of even a narrower network cost more than one pass of the wide one, and at this "
            "budget the reuse of one small mapping does not make up for it."
        )
    return "it is the better model at this budget, but its cost per epoch rules it out for the 20-minute final run."


def where_trained(device: str, threads: int) -> str:
    """'the CPU with 2 threads', or 'the CUDA' on a GPU (where threads do not matter)."""
    return f"the {device.upper()}" + (
        "" if device.startswith("cuda") else f" with {threads} threads"
    )


def hardest_group(psnr_by_group: Mapping[str, float]) -> str:
    """The group of validation clips the final model predicts worst."""
    hardest = min(psnr_by_group, key=psnr_by_group.get)
    if hardest == "collision":
        return (
            f"Collisions remain the hardest case ({psnr_by_group[hardest]:.1f} dB): where two balls touch, "
            "the outcome depends on the exact contact geometry, which five 32 × 32 frames pin down only to a "
            "fraction of a pixel, and a small error in the angle of contact sends both balls off in visibly "
            "wrong directions by the fifth frame."
        )
    return f"The hardest group is now *{hardest}* ({psnr_by_group[hardest]:.1f} dB)."


GOAL_GAIN_DB, GOAL_SSIM, GOAL_MINUTES = 6.0, 0.99, 20  # Task 7's goals, set before the runs
SSIM_GOAL = f"mean SSIM at least {GOAL_SSIM}"


def task7_goals(
    final: dict, task6: dict, every_step: bool, minutes: float, where: str
) -> list[tuple[str, str, bool]]:
    """Each goal of Task 7 as (goal, what was measured, met) for the final model's scores."""
    return [
        (
            f"PSNR at least {GOAL_GAIN_DB:g} dB above the Task 6 U-Net",
            f"{final['psnr'] - task6['psnr']:+.2f} dB",
            final["psnr"] >= task6["psnr"] + GOAL_GAIN_DB,
        ),
        (
            "MSE at most a quarter of the Task 6 U-Net's",
            f"{final['mse'] / task6['mse']:.2f} of it",
            final["mse"] <= task6["mse"] / 4,
        ),
        (SSIM_GOAL, f"{final['ssim']:.4f}", final["ssim"] >= GOAL_SSIM),
        (
            "lower MSE, higher PSNR and higher SSIM than both baselines at every step t+1 … t+5",
            "at every step" if every_step else "not at every step",
            every_step,
        ),
        (
            f"training in at most {GOAL_MINUTES} minutes on a two-core CPU",
            f"{minutes:.1f} min ({where})",
            minutes <= GOAL_MINUTES,
        ),
    ]


def goals_verdict(goals: list[tuple[str, str, bool]]) -> str:
    """How many goals of the goals table are met, naming only those that are not (the table has
    the rest)."""
    missed = [goal for goal, _, ok in goals if not ok]
    if not missed:
        return f"all {len(goals)} goals of @tbl-goals are met."
    met = len(goals) - len(missed)
    return (
        f"{met} of the {len(goals)} goals of @tbl-goals {'is' if met == 1 else 'are'} met; not met: "
        f"{'; '.join(missed)}."
    )


def remaining_error(
    goals: list[tuple[str, str, bool]],
    hardest: str,
    hardest_psnr: float,
    worst_step: int,
    worst_step_psnr: float,
) -> str:
    """Where the error that keeps a goal from being met sits; nothing when every goal is met."""
    missed = [goal for goal, _, ok in goals if not ok]
    if not missed:
        return ""
    words = (
        f"The remaining error sits mostly in *{hardest}* clips ({hardest_psnr:.1f} dB) and at step "
        f"t+{worst_step} ({worst_step_psnr:.1f} dB), where small errors in the estimated velocities have "
        f"grown for {worst_step} frames."
    )
    if SSIM_GOAL in missed:
        words += (
            " Before settling on this recipe, a sweep on a borrowed GPU (its table "
            "is in the project notes) tried 100 epochs, wider (48/96/192 channels) and deeper (four levels) "
            "networks, residual blocks, other peak learning rates, batch sizes and loss weights: none lifted "
            f"the ensemble's mean SSIM clearly past {GOAL_SSIM}, so that goal seems to need a different idea "
            "rather than more of the same training, for instance a model that tracks each ball's position "
            "and velocity explicitly, which @sec-physics tries."
        )
    return words


def side_findings(idea_gains: list[tuple[str, float]]) -> tuple[str, str]:
    """The side experiments that did not work (gain at most HELPS_DB), listed with their gains, and a
    sentence on those that helped (empty if none did)."""
    listed = [f"{idea} ({gain:+.2f} dB)" for idea, gain in idea_gains]
    helped = [text for text, (_, gain) in zip(listed, idea_gains) if gain > HELPS_DB]
    did_not = "; ".join(text for text, (_, gain) in zip(listed, idea_gains) if gain <= HELPS_DB)
    return did_not, (
        f"What the side experiments found to help: {'; '.join(helped)}." if helped else ""
    )


def clip_scores(clip: int, event: str, n_balls: int, task6_psnr: float, final_psnr: float) -> str:
    """One shown clip: what happens in it and both models' PSNR."""
    return (
        f"Clip {clip} ({balls(n_balls)}, {event}): U-Net {task6_psnr:.1f} dB, "
        f"final model {final_psnr:.1f} dB."
    )


# The physics-informed predictor ---------------------------------------------------------------------

FAILURE_DB = (
    40.0  # a clip predicted below this is drawn and explained (lib.physics.predictor.GOOD_MSE)
)
RADIUS_GOAL, WALL_GOAL_SHARE = (
    0.01,
    0.01,
)  # identification goals: radius within 1 %, walls within 1 % of the frame
REASON_WORDS = {
    "input not reproduced": "the fitted trajectory did not reproduce their input frames to the gate's threshold",
    "ball count changes between frames": "the number of balls found changed between their frames",
    "no ball found": "no ball was found in them",
    "pixels outside [0, 1]": "their pixels leave [0, 1]",
    "settings not identified": "the settings could not be identified",
    "the input allows different futures": (
        "states that explain their input equally well, with the balls' "
        "contacts resolved in different orders, predict different futures"
    ),
}


def identification(
    radius_px: float | None,
    sharpness: float,
    walls: tuple[float, ...],
    substeps: int,
    max_balls: int,
    px_per_unit: float,
    problem: str,
) -> str:
    """What the predictor identified from the training clips, or why it could not (radius None)."""
    if radius_px is None:
        return (
            f"The settings could not be identified from these training clips ({problem}), so the physics "
            "predicts nothing here and the gate sends every clip to the network."
        )
    x_low, x_high, y_low, y_high = (fixed(wall, 2) for wall in walls)
    return (
        f"The identified radius of the balls is {radius_px:.2f} px ({radius_px / px_per_unit:.2f} box units at "
        f"{px_per_unit:.3g} px each), their rim sharpness p = {sharpness:.2f}; the walls the balls bounce off lie at "
        f"x = {x_low} and {x_high} px and y = {y_low} and {y_high} px; the balls "
        f"move in {substeps} sub-steps per frame, and training clips hold up to {max_balls} balls."
    )


def identification_against_simulator(
    errors: tuple[float, float, bool] | None, frame_px: int
) -> str:
    """The identified settings against the simulator's (`errors` from lib.physics.workflow.settings_errors:
    radius's relative error, largest wall error in px, sub-steps exact), None for supplied files."""
    if errors is None:
        return (
            "These files were supplied, so no simulator's settings exist to compare with; how well the "
            "identified ones explain the clips is what the gate below measures."
        )
    radius, walls, substeps = errors
    measured = (
        f"radius within {radius:.2%} of the simulator's, every wall within {walls:.3f} px, the "
        f"sub-step count {'exact' if substeps else 'wrong'}"
    )
    if radius <= RADIUS_GOAL and walls <= WALL_GOAL_SHARE * frame_px and substeps:
        return f"Against the simulator's settings the identification meets its goals: {measured}."
    return f"Against the simulator's settings the identification misses a goal (radius and walls within 1 %): {measured}."


def count_agreement(share: float | None, n_clips: int) -> str:
    """How often the ball count read from the frames equals the label; None without settings."""
    if share is None:
        return "Without identified settings the balls are not counted from the frames."
    where = "every one" if share == 1.0 else f"{share:.1%}"
    return (
        f"The ball count read from the frames (labels never read) agrees with the file's labels on {where} "
        f"of the {n_clips} validation clips: Part 1's task, solved by fitting the renderer."
    )


def gate_sends(reasons: Mapping[str, int], n_clips: int) -> str:
    """How many clips the gate sent to the network and why (lib.physics.predictor.reason_counts)."""
    sent = sum(reasons.values())
    if not sent:
        return f"The gate sent none of the {n_clips} validation clips to the network."
    if len(reasons) == 1:
        (kind,) = reasons
        why = f"all of them because {REASON_WORDS.get(kind, kind)}"
    else:
        why = "; ".join(
            f"{count} because {REASON_WORDS.get(kind, kind)}" for kind, count in reasons.items()
        )
    return f"The gate sent {sent} of the {n_clips} validation clips to the network, {why}."


def physics_failure(
    clip: int,
    n_balls: int,
    event: str,
    physics_psnr: float,
    hybrid_psnr: float,
    reason: str,
    reproduction_mse: float,
) -> str:
    """One validation clip the physics predicts below FAILURE_DB, and what the gate made of it."""
    head = f"Clip {clip} ({balls(n_balls)}, {event}): physics {physics_psnr:.1f} dB"
    if reason:
        flat = re.sub(
            r" \((.*)\)$", r", \1", reason
        )  # "x (detail)" -> "x, detail": no brackets in brackets
        return f"{head}; the gate sent it to the network ({flat}), and the hybrid scores {hybrid_psnr:.1f} dB."
    return (
        f"{head}, although its input frames were reproduced (MSE {reproduction_mse:.1e}) by one state only: "
        "what went wrong after the input is not visible in it, so the hybrid keeps this prediction."
    )


def failures_shown(n_below: int, n_drawn: int) -> str:
    """Which clips the failure figure draws: those below FAILURE_DB, or the worst clip if none is."""
    if not n_below:
        return (
            f"No validation clip falls below {FAILURE_DB:g} dB; @fig-physics-failures draws the physics' "
            "worst clip instead."
        )
    if n_drawn < n_below:
        drawn = f"the {n_drawn} worst are"
    else:
        drawn = {1: "it is", 2: "both are"}.get(n_below, "all are")
    clips = "1 validation clip falls" if n_below == 1 else f"{n_below} validation clips fall"
    return f"{clips} below {FAILURE_DB:g} dB; {drawn} drawn in @fig-physics-failures."


def gain_two_ways(mean_gain_db: float, mse_gain_db: float) -> str:
    """A gain over the Task 6 U-Net measured as the mean of per-clip PSNRs and as the PSNR of the mean MSE."""
    both = f"{mean_gain_db:+.1f} dB as a mean of per-clip PSNRs and {mse_gain_db:+.1f} dB as the PSNR of the mean MSE"
    if mean_gain_db > mse_gain_db + SAME_DB:
        return (
            f"{both}: it gains most on the many clips that were already good, while the few hard clips, "
            "which dominate the mean MSE, improve less."
        )
    if mse_gain_db > mean_gain_db + SAME_DB:
        return f"{both}: it gains most on the hard clips, which dominate the mean MSE."
    return f"{both}: about the same on both measures."


def hybrid_verdict(
    hybrid: Mapping[str, float],
    network: Mapping[str, float],
    physics: Mapping[str, float],
    physics_share: float,
) -> str:
    """The hybrid against the final network and the physics alone; scores hold "psnr_of_mean_mse" and
    "ssim", `physics_share` is the share of clips the gate kept for the physics."""
    scores = (
        f"PSNR of the mean MSE {hybrid['psnr_of_mean_mse']:.2f} dB against {network['psnr_of_mean_mse']:.2f} "
        f"dB for the final network and {physics['psnr_of_mean_mse']:.2f} dB for the physics alone, mean SSIM "
        f"{hybrid['ssim']:.4f} against {network['ssim']:.4f} and {physics['ssim']:.4f}"
    )
    if physics_share == 0:
        return (
            f"The gate kept no clip for the physics, so the hybrid is the final network ({scores})."
        )

    def beats(other: Mapping[str, float]) -> bool:
        return (
            hybrid["psnr_of_mean_mse"] >= other["psnr_of_mean_mse"]
            and hybrid["ssim"] >= other["ssim"]
        )

    if beats(network) and beats(physics):
        return (
            f"The hybrid, with {physics_share:.1%} of the clips predicted by the physics, is the best predictor "
            f"of the chapter on both measures that failures dominate ({scores})."
        )
    if beats(network):
        return (
            f"The hybrid, with {physics_share:.1%} of the clips predicted by the physics, beats the final "
            f"network on both measures that failures dominate, but not the physics alone ({scores}): the gate "
            "sent clips to the network that the physics would have predicted better."
        )
    return (
        f"The hybrid does not beat the final network on both measures that failures dominate ({scores}): "
        "the gate kept clips the physics then got wrong."
    )


def other_generator_verdict(
    kept_by_book: int,
    n_clips: int,
    reidentified_psnr: float,
    network_psnr: float,
    hybrid_psnr: float,
) -> str:
    """The book's model, a re-identified one and the network on clips of a generator with other settings
    (PSNRs of the mean MSE)."""
    if kept_by_book <= 0.1 * n_clips:
        caught = (
            f"The settings identified on the book's files explain {kept_by_book} of these {n_clips} clips, so "
            f"the gate sends {'all' if not kept_by_book else 'the rest'} to the network and the hybrid scores "
            f"{hybrid_psnr:.2f} dB against the network's {network_psnr:.2f} dB: the self-check notices the "
            "other generator instead of predicting wrong physics."
        )
    else:
        caught = (
            f"The settings identified on the book's files pass the gate on {kept_by_book} of these {n_clips} "
            f"clips; the hybrid scores {hybrid_psnr:.2f} dB against the network's {network_psnr:.2f} dB."
        )
    again = f"Identified again on this generator's own training clips, the physics scores {reidentified_psnr:.2f} dB"
    if reidentified_psnr > network_psnr:
        return f"{caught} {again}, with no training: it adapts to new settings where the network would need retraining."
    return f"{caught} {again}: re-identified, it does no better than the network on this generator."


def settings_source(px_per_unit: float | None, resolution: int) -> str:
    """Where the simulator column of the settings table comes from; None for supplied files."""
    if px_per_unit is None:
        return ""  # identification_against_simulator says that the files were supplied
    return (
        f", beside the settings this build simulated the file with (recorded in box units and converted "
        f"to pixels at {px_per_unit:g} px per box unit, the frame's {resolution} pixels over the box's side; "
        "the rim's sharpness and the ball counts are not recorded)"
    )
