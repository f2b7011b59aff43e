"""Part 1's tables against hand-computed values."""

from functools import partial

import numpy as np
import pytest
import torch

from lib.counting.ablation import ablation_rows
from lib.counting.diagnosis import ball_brightness
from lib.counting.models import baseline_cnn
from lib.counting.recipes import HANDOUT_PART1, ROBUST_PART1
from lib.report import counting_tables as tables


def test_a_files_origin_names_the_simulators_radii_only_for_a_simulated_file():
    assert tables.file_origin({"radius_range": [1.2, 1.2]}) == "simulated, radius 1.2"
    assert (
        tables.file_origin({"radius_range": [0.8, 1.8]}) == "simulated, radii drawn from 0.8 to 1.8"
    )
    assert tables.file_origin(None) == "course file"


def disk(radius_px: float, centre: tuple[float, float]) -> np.ndarray:
    """A ball as the simulator renders it, on a 32 x 32 frame."""
    y, x = np.mgrid[0:32, 0:32] + 0.5
    d = np.hypot(y - centre[0], x - centre[1])
    return np.exp(-((d / radius_px) ** 8))


def test_ball_sizes_give_the_brightness_per_ball_and_its_radius():
    # One ball of radius 4 px (1.25 box units) and two of them: the same brightness per ball.
    one = disk(4, (10, 10))[None]
    two = (disk(4, (10, 10)) + disk(4, (22, 22)))[None]
    frames = np.stack([one, two])
    table = tables.ball_sizes({"f": (frames, np.array([1, 2]))}, (5, 95))
    row = table.iloc[0]
    assert row["file"] == "f"
    assert float(row["brightness per ball: mean"]) == pytest.approx(ball_brightness(1.25), abs=0.1)
    assert row["ball radius: median"] == "1.25"
    assert row["radius min–max"] == "1.25–1.25"
    assert list(table.columns)[2] == "5th–95th percentile"


def test_last_epoch_reads_the_end_of_every_history():
    histories = [
        {
            "train_loss": [1.0, 0.1],
            "val_loss": [1.0, 0.2],
            "train_accuracy": [0.5, 0.9],
            "val_accuracy": [0.5, 1.0],
        },
        {
            "train_loss": [1.0, 0.3],
            "val_loss": [1.0, 0.2],
            "train_accuracy": [0.5, 0.7],
            "val_accuracy": [0.5, 0.8],
        },
    ]
    table = tables.last_epoch(histories).set_index("split")
    assert table.loc["training", "loss"] == "0.200 ± 0.141"
    assert table.loc["validation", "accuracy"] == "90.0% ± 14.1%"


def test_seed_accuracies_end_with_the_judged_difference():
    table = tables.seed_accuracies([1.0, 0.99, 1.0], [0.80, 0.75, 0.78]).set_index("split")
    assert table.loc["test", "seed 1"] == "75.0%"
    difference = table.loc["test − validation"]
    assert difference["seed 0"] == "-20.0"
    assert difference["mean ± sd"].startswith("-22.0 ± ")
    assert difference["verdict"] == "worse"
    assert table.loc["validation", "verdict"] == ""


def test_seed_accuracies_of_one_seed_are_not_judged():
    table = tables.seed_accuracies([1.0], [0.5]).set_index("split")
    assert table.loc["test − validation", "verdict"] == "one run"


def test_the_recipe_table_reads_every_setting_from_the_recipes():
    rows = ablation_rows(HANDOUT_PART1, ROBUST_PART1, (0.46, 2.17), 0.5)
    recipes = {"baseline": rows["baseline"], "final": rows["all changes (final)"]}
    table = tables.recipe_table(recipes, range(5), (400, 100)).set_index("setting")
    baseline, final = table["baseline"], table["final"]
    assert baseline["architecture"] == "handout's Table 2"
    assert final["architecture"] == (
        "handout's Table 2 with batch normalisation after each convolution and global average "
        "pooling before the dense layers"
    )
    assert baseline["parameters"] == f"{sum(p.numel() for p in baseline_cnn().parameters()):,}"
    assert final["parameters"] != baseline["parameters"]
    assert (baseline["epochs"], final["epochs"]) == (
        str(HANDOUT_PART1.epochs),
        str(ROBUST_PART1.epochs),
    )
    assert baseline["batch size"] == str(HANDOUT_PART1.batch_size)
    assert baseline["learning rate"] == "10⁻³, constant"
    assert final["learning rate"] == (
        "one-cycle: 4\u00a0·\u00a010⁻⁵ → 10⁻³ (first 30% of the steps) → 4\u00a0·\u00a010⁻⁹, cosine"
    )
    assert (
        baseline["ball scale factor (log-uniform)"],
        final["ball scale factor (log-uniform)"],
    ) == (
        "not changed",
        "0.46–2.17",
    )
    assert (baseline["images kept as rendered"], final["images kept as rendered"]) == (
        "all",
        "50% of each batch",
    )
    assert (baseline["flips and quarter turns"], final["flips and quarter turns"]) == ("no", "yes")
    assert final["seeds"] == "5 (0–4)"
    assert final["training / validation images"] == "400 / 100"


def test_the_recipe_table_names_a_single_seed_and_can_leave_out_the_augmentation():
    recipe = ("baseline-cnn", baseline_cnn, None, HANDOUT_PART1)
    table = tables.recipe_table({"baseline": recipe}, range(1), (64, 32), augmentation=False)
    table = table.set_index("setting")
    assert table.loc["seeds", "baseline"] == "0"
    assert not set(tables.AUGMENTATION_ROWS) & set(table.index)
    assert "epochs" in table.index


def two_ball_images(radii_px: list[float]) -> torch.Tensor:
    return torch.tensor(
        np.stack([(disk(r, (9, 9)) + disk(r, (23, 23)))[None] for r in radii_px]),
        dtype=torch.float32,
    )


def test_the_diagnosis_table_scores_both_rules_and_the_baseline():
    # Training: two balls of 4 px. Test: two balls of 4 px, then two of 6 px, which the
    # brightness counter takes for more (clipped to 3) and the region counter counts right.
    train = (two_ball_images([4, 4]), torch.tensor([2, 2]))
    test = (two_ball_images([4, 6]), torch.tensor([2, 2]))
    baseline = np.array([[2, 3], [2, 2]])  # seed 0 gives the brightness counter's error
    table = tables.diagnosis_table(train, test, 0.5, baseline).set_index("counter")
    assert table.loc["brightness counter", "test file"] == "50.0%"
    regions = table.loc["region counter (threshold 0.50)"]
    assert (regions["training split"], regions["test file"]) == ("100.0%", "100.0%")
    assert regions["brightness counter's answer"] == "50.0%"
    cnn = table.loc["baseline CNN"]
    assert cnn["test file"] == "75.0% ± 35.4%"
    assert cnn["brightness counter's answer"] == "75.0% (of its errors: 100.0%)"


def test_the_ablation_table_judges_each_row_against_its_reference():
    scores = {
        row: {
            "val": [1.0, 1.0],
            "rescaled val": [0.5, 0.6],
            "second shift": [0.4, 0.5],
            "test accuracy": test,
        }
        for row, test in (
            ("baseline", [0.75, 0.77]),
            ("final", [0.97, 0.99]),
            ("secondary", [0.98, 0.98]),
        )
    }
    references = {"final": "baseline", "secondary": "final"}
    verdicts = {"baseline": "", "final": "better", "secondary": "within noise"}
    table = tables.ablation_table(scores, verdicts, references).set_index("model")
    assert table.loc["baseline", "Δ test"] == "—" and table.loc["baseline", "verdict"] == ""
    assert table.loc["final", "Δ test"] == "+22.0"
    assert table.loc["secondary", "Δ test"] == "+0.0"
    assert table.loc["final", "rescaled val"] == "55.0% ± 7.1%"


@pytest.mark.parametrize(
    "test, met",
    [
        ([0.98, 0.99, 0.98], ["yes", "yes", "yes", "yes", "yes"]),
        ([0.90, 0.99, 0.96], ["no", "yes", "no", "yes", "yes"]),
    ],
)
def test_the_goals_are_checked_each_against_its_target(test, met):
    final = {"test accuracy": test, "val": [1.0, 0.99, 1.0], "second shift": [0.97, 0.96, 0.98]}
    table = tables.goals_table(final, [0.74, 0.76, 0.75])
    assert list(table["met"]) == met


def test_a_final_model_within_noise_of_the_baseline_misses_the_goal_of_beating_it():
    final = {"test accuracy": [0.97, 0.99, 0.80], "val": [1.0, 1.0], "second shift": [0.97, 0.97]}
    table = tables.goals_table(final, [0.90, 0.92, 0.91]).set_index("goal")
    beating = table.loc["test accuracy against the baseline"]
    assert beating["reached"] == "+1.0 points, within noise"
    assert beating["met"] == "no"


def test_a_function_builder_counts_as_the_handouts_network():
    recipe = ("x", partial(baseline_cnn), None, HANDOUT_PART1)
    table = tables.recipe_table({"x": recipe}, range(2), (1, 1)).set_index("setting")
    assert table.loc["architecture", "x"] == "handout's Table 2"


def test_a_confusion_matrix_in_words_counts_the_errors_above_the_diagonal_as_over_counts():
    matrix = np.array([[8, 2, 0], [1, 6, 3], [0, 0, 10]])  # 6 errors in 30 images, 5 too high
    assert tables.confusion_words(matrix, (1, 2, 3)) == {
        "error_share": "20%",
        "over_share": "83%",
        "commonest_error": "2 balls counted as 3",
    }


def test_a_confusion_matrix_without_errors_has_no_commonest_error():
    words = tables.confusion_words(np.diag([3, 4, 5]), (1, 2, 3))
    assert words == {"error_share": "0%", "over_share": "—", "commonest_error": "—"}
