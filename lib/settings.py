"""One home for the settings that chapters, the library and the benches must agree on.

A setting typed twice drifts, and the model cache then silently trains a different model, so
each lives here once; tests/test_settings.py fails if a chapter or a bench script spells one out.
"""

from __future__ import annotations

import math
from typing import Any

# The course files and what their labels hold.
PART1_TRAINING = "part1_bballs_training.npz"
PART1_TEST = "part1_bballs_test.npz"
PART2_SEQUENCE = "part2_bballs_sequence.npz"
BALL_COUNTS = (1, 2, 3)

# Part 1 models train once per seed: one run of 5 epochs on 400 images is noisy.
N_SEEDS, N_SEEDS_QUICK = 5, 2

# Training settings are plain keyword values here; the objects built from them (TrainConfig,
# FrameLoss, the Task 7 network's options) live beside the code that uses them:
# lib/counting/recipes.py and lib/video/recipes.py.
# The handout's training settings: Task 2 (Part 1) and Task 6 (Part 2).
HANDOUT_PART1_TRAINING: dict[str, Any] = dict(epochs=5, batch_size=4, lr=1e-3)
HANDOUT_PART2_TRAINING: dict[str, Any] = dict(epochs=20, batch_size=4, lr=1e-3, seed=0)

# Task 7: the short budget of the ablation, and the final model's architecture, loss and budget.
# An ablation row is scored after its training, so it validates only after its last epoch; the
# final network validates every few epochs for its learning curve. Validation never changes the
# weights, and each costs about a tenth of an epoch's training.
TASK7_SHORT_TRAINING: dict[str, Any] = dict(
    epochs=10, batch_size=32, lr=2e-3, schedule="onecycle", seed=0, val_every=10
)
TASK7_FINAL_TRAINING: dict[str, Any] = dict(TASK7_SHORT_TRAINING, epochs=120, lr=4e-3, val_every=4)
TASK7_ARCHITECTURE: dict[str, Any] = dict(output="delta", head="wide", skip="concat", coords=True)
TASK7_LOSS_WEIGHTS: dict[str, Any] = dict(mse=1.0, log_mse=5e-4)
# The roll-out side experiment's one-step network: narrower, as it runs five times per clip.
TASK7_ROLLOUT_WIDTHS = (16, 32, 64)
# One thread, like every training: beside a busy process two threads wait for each other and slow
# down erratically, one thread does not (make bench: bench/busy_neighbour.py); and the pool runs
# one-thread trainings side by side, the longest first.
TASK7_FINAL_THREADS = 1
# Every ablation row trains with this many seeds: a row's change is judged against the
# seed-to-seed noise of the rows themselves, pooled over the rows. With the numbers of the last
# clean build that had three, two seeds widen the band from 0.33 to 0.40 dB and change no verdict,
# and the third cost about a sixth of the build's training.
N_TASK7_SEEDS, N_TASK7_SEEDS_QUICK = 2, 2


def seeds(quick: bool) -> range:
    """The seeds of every Part 1 model (fewer in a quick preview)."""
    return range(N_SEEDS_QUICK if quick else N_SEEDS)


def task7_seeds(quick: bool) -> range:
    """The seeds of every Task 7 ablation row (as many or fewer in a quick preview)."""
    return range(N_TASK7_SEEDS_QUICK if quick else N_TASK7_SEEDS)


# Part 1 ---------------------------------------------------------------------------------------
# The simulator's training ball radius (box units): what this build simulates, never a fact
# about a supplied file, whose radii the chapters measure.
TRAINING_RADIUS = 1.2
TEST_RADIUS_RANGE = (0.8, 1.8)  # the simulated test file's per-ball radii: the distribution shift
TRAIN_FRACTION = 0.8  # the handout's split: the first 80 % of the training file train
TEST_BRIGHTNESS_PERCENTILES = (5, 95)  # the test file's brightness-per-ball range quoted in 01
SIZE_SHIFT_TOLERANCE = 0.1  # a test brightness this far outside the training range is a shift
SAME_SIZE_TOLERANCE = 0.05  # training radii within this fraction of each other: one size
BALL_BODY_LEVEL = 0.5  # pixels brighter than this are a ball's body, not its soft rim
FITTED_ACCURACY = 0.95  # a mean validation accuracy from which a model fits its own distribution
NOISE_SDS = 2  # a change counts when it exceeds this many of the baseline's seed deviations
# Task 4's size augmentation takes its range from the training images alone
# (lib.counting.augment.training_scale_range): the smallest ball it draws has this radius (pixels),
# 4 px across, one cell of the CNN's last feature maps (two 2x2 poolings); the largest is as much
# larger than a training ball as that one is smaller.
MIN_BALL_RADIUS_PX = 2.0
# The range used before, set to cover the test images' ball sizes: a secondary, labelled row only.
TEST_INFORMED_SCALE_RANGE = (0.6, 1.6)
TARGET_ACCURACY = 0.97  # the mean test accuracy Task 4's final model should reach
# Task 4's other goals, set before the runs: its seeds' test accuracies spread by no more than
# this (sample sd), it still fits the unaugmented validation split, and it counts a second shift
# (lib.counting.second_shift) almost as well as the test file.
TARGET_SEED_SD = 0.02
TARGET_VAL_ACCURACY = 0.99
TARGET_SECOND_SHIFT = 0.95
# The size augmentation leaves this share of every batch as rendered: a network shown only
# resampled balls never sees a ball as the renderer draws it (chapter 3's diagnosis).
RENDERED_SHARE = 0.5
# The size sweep's factors (lib.counting.size_sweep): even, so every one is resampled; the sweep
# adds 1, the images as rendered.
SIZE_SWEEP_STEPS = 8
# Chapter 2 groups the test images by brightness per ball relative to the training balls'
# (lib.counting.workflow.errors_by_size): name, (lower, upper] bounds.
SIZE_GROUPS = {
    "smaller (< 0.8×)": (0.0, 0.8),
    "similar (0.8–1.2×)": (0.8, 1.2),
    "larger (> 1.2×)": (1.2, math.inf),
}
# The second shift: its number of images, their mix of 1, 2 and 3 balls (another mix than the
# course files' even one, more of the harder, many-ball images) and its seed.
SECOND_SHIFT_IMAGES = 300
SECOND_SHIFT_COUNT_WEIGHTS = (1, 2, 3)
SECOND_SHIFT_SEED = 0
# Task 4's longer training, for the ablation's row and the final model.
ROBUST_PART1_TRAINING: dict[str, Any] = dict(HANDOUT_PART1_TRAINING, epochs=15, schedule="onecycle")

# Part 2 thresholds: the rules that turn Task 6 and Task 7's numbers into words.
PSNR_CAP = 100.0  # dB; an exact clip (MSE 0, PSNR +inf) counts as this in a mean of per-clip PSNRs
SAME_DB = 0.3  # two PSNRs closer than this are on par: within the noise of one run
HELPS_DB = 0.1  # a side experiment "helps" when it gains more than this
TOLERANCE_DB = 0.5  # a measured change this close to its prediction counts as "as expected"
OVERFIT_RATIO = 1.3  # a validation MSE this many times the training MSE means memorised clips
# Task 7's goals, set before the runs: PSNR gain over the Task 6 U-Net, mean SSIM, training time.
GOAL_GAIN_DB, GOAL_SSIM, GOAL_MINUTES = 6.0, 0.99, 20
# The physics' gate (lib.physics.predictor) and the words about it.
GOOD_MSE = 1e-4  # a prediction this close (40 dB or better) counts as right when the gate is chosen
FAILURE_DB = -10 * math.log10(GOOD_MSE)  # a clip the physics predicts below this is a failure
MAX_BAD_SHARE = 0.1  # the gate closes at the first run of training clips with more wrong than this
GATE_RUN_SHARE = 0.05  # runs of this share of the gate's clips ...
GATE_RUN_MIN = 20  # ... and of at least this many
# Pixels: the futures of states that all explain a clip agree to ~3e-5 px on the book's clips, or
# part by 0.1 px and more where the order of a meeting is not shown.
FUTURE_TOLERANCE = 0.01
RADIUS_GOAL = 0.01  # the identified radius should be within this share of the simulator's
WALL_GOAL_SHARE = 0.01  # and every wall within this share of the frame

# The physics-informed predictor (lib/physics): thresholds and limits. Plain values only.
# A clip whose input the physics reproduces this closely (MSE; rounding of float32 frames is far
# below) is kept by any gate that keeps the best-reproduced clips: thresholds chosen on training
# clips otherwise fall between rounding errors (3.05e-29 against 3.2e-29) and drop exact clips.
EXACT_REPRODUCTION_MSE = 1e-12
# Training clips the settings are identified on (more place the walls better).
IDENTIFICATION_CLIPS = 2000
GATE_CLIPS = 1000  # further training clips the gate is chosen on
# Identification (lib.physics.identify):
LOOK_FRAMES = 400  # one-blob frames fitted for the ball's look; more changes the medians little
INLIER_FACTOR = 10.0  # frames fitting within this factor of the median residual are one ball
BALL_LIMIT = 5  # perception tries up to this many balls per training frame
MAX_SUBSTEPS = 12  # sub-step counts tried: 1 to this
GRID_TOLERANCE = 1e-3  # a bounce time within this (in frames) of a sub-step lies on the grid
FLIP_TOLERANCE = 1e-3  # pixels per frame: a velocity component is flipped (or kept) to this
GRID_SHARE_MARGIN = 0.02  # a sub-step count within this share of the best one's grid share ties
# Early exits of identification, so that clips of other physics fail fast and say what was
# measured:
EVIDENCE_SECONDS = 60.0  # past this, evidence still missing (a wall never bounced off) fails
# ... and past this, identification fails whatever it has found: a file that perceives slowly must
# not hold the book up (the book's 2000 clips take about a minute on one core)
GIVE_UP_SECONDS = 900.0
CHECK_CLIPS = 10  # clips perceived before the evidence is first checked ...
CHUNK_CLIPS = 200  # ... and then after each further chunk of this many
MAX_CHANGING_SHARE = 0.25  # clips whose ball count changes between frames: 0 on the book's clips
JUDGE_BOUNCES = 20  # bounces needed before their grid or wall positions can contradict the rules
MIN_GRID_SHARE = 0.5  # bounces on the best sub-step grid: 100% on the book's clips
LOOK_RESIDUAL_SHARE = 0.05  # of one ball's energy: the look must fit one-blob frames better
WALL_SPREAD_LIMIT = 0.5  # px two bounces off one wall may disagree on it: < 0 on the book's clips
RULE_CLIPS = 400  # tracked clips in which balls meet that the collision rules are compared on
# Balls have radii of their own when one radius leaves this factor more residual on the lone
# balls than each ball's own, and more than this share of a ball's energy (float32 frames of one
# radius: the same residual both ways; radii 1% apart: about 5e-4 of the energy).
RADIUS_RESIDUAL_FACTOR = 10.0
RADIUS_RESIDUAL_SHARE = 1e-4
# A ball must explain this share of one ball's energy (sum of squared pixels) to be counted,
# so a spurious extra ball fitted into noise or a rendering mismatch does not pay.
BALL_PENALTY_SHARE = 0.05
# A candidate that reproduces every tracked centre to this many pixels explains the clip.
POSITION_TOLERANCE = 1e-3
# A radius differing by 0.01 px costs as much as a centre 1 px away: radii are measured to far
# better than 0.01 px, and balls whose radii differ by less are told apart by their paths.
RADIUS_WEIGHT = 100.0
