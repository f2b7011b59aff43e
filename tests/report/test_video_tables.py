"""Part 2's tables: the rows as the chapters print them, on hand-made scores."""

from dataclasses import replace
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import torch
from torch import nn

from lib.metrics import VideoMetrics
from lib.physics.identify import Settings
from lib.report import video_tables
from lib.report.tables import markdown_table
from lib.report.video_verdicts import Measured
from lib.training.loop import TrainConfig
from lib.video.ablation import Variant
from lib.video.augment import SymmetryAugment
from lib.video.losses import FrameLoss
from lib.video.unet import TABLE3, UNetConfig
from lib.video.workflow import mse_loss


def metrics(mse, ssim, psnr):
    """Scores of clips with one prediction step each."""
    mse, ssim, psnr = (np.asarray(x, dtype=float) for x in (mse, ssim, psnr))
    return VideoMetrics(mse, ssim, psnr, mse[:, None], ssim[:, None], psnr[:, None])


def rows(table):
    """The cells of a Markdown table's body rows, stripped."""
    return [
        [cell.strip() for cell in line.strip("|").split("|")] for line in table.splitlines()[2:]
    ]


UNET = metrics([0.01, 0.03], [0.9, 0.8], [20.0, 16.0])
LAST = metrics([0.04, 0.04], [0.7, 0.7], [14.0, 14.0])
RUN = SimpleNamespace(model=nn.Linear(2, 3), train_seconds=12.4)


def test_scores_and_costs_give_a_baseline_no_parameters_and_no_time():
    table = video_tables.scores_and_costs({"U-Net": (UNET, RUN), "last frame": (LAST, None)})
    # MSE: the mean of the clips' MSEs behind their PSNRs, (10^-2 + 10^-1.6) / 2 = 0.01756, as the
    # PSNR of the mean MSE (17.55 dB) scores it.
    assert rows(table) == [
        ["U-Net", "0.01756", "0.8500", "18.00", "17.55", "9", "0.2"],
        ["last frame", "0.03981", "0.7000", "14.00", "14.00", "0", "0.0"],
    ]


def test_with_clipped_mse_gives_the_mse_that_psnr_scores():
    # Raw MSEs (the training loss) differ from the clipped predictions' MSEs behind the PSNRs.
    raw = metrics([0.5, 0.02], [0.9, 0.8], [20.0, np.inf])
    clipped = video_tables.with_clipped_mse(raw)
    assert clipped.mse == pytest.approx([0.01, 0.0])
    assert clipped.mse_per_step[:, 0] == pytest.approx([0.01, 0.0])
    assert clipped.summary()["mse"] == pytest.approx(clipped.psnr_summary().mean_mse)
    assert clipped.ssim is raw.ssim and clipped.psnr is raw.psnr


def test_an_ablation_row_without_a_reference_or_prediction_has_dashes():
    table = video_tables.ablation(
        [
            video_tables.ablation_row("Task 6", 0.85, 18.0, minutes=12.4),
            video_tables.ablation_row(
                "next", 0.7, 14.0, 3.0, -3.5, Measured(14.0, -4.0, 0.31, 3, "worse", "as expected")
            ),
            video_tables.ablation_row(
                "single", 0.7, 15.0, 3.0, 1.0, Measured(15.0, 1.0, None, 1, "one run", "one run")
            ),
        ]
    )
    assert rows(table) == [
        ["Task 6", "—", "—", "—", "18.00", "0.8500", "12.4"],
        ["next", "-3.5", "-4.00 ± 0.31", "worse, as expected", "14.00", "0.7000", "3.0"],
        ["single", "+1.0", "+1.00", "one run", "15.00", "0.7000", "3.0"],
    ]


def test_groups_without_clips_are_left_out():
    groups = [("1 ball", np.array([True, False])), ("4 balls", np.array([False, False]))]
    table = video_tables.by_group(groups, {"U-Net": UNET}, LAST)
    assert table.to_dict("records") == [
        {"clips": "1 ball", "n": 1, "U-Net PSNR": 20.0, "Task 7 final SSIM": 0.7}
    ]


def test_the_mean_psnr_of_a_group_caps_every_clip():
    exact = metrics([0.0, 0.01], [1.0, 0.9], [np.inf, 20.0])
    table = video_tables.by_group([("both", np.array([True, True]))], {"exact": exact}, exact)
    assert table["exact PSNR"].tolist() == [pytest.approx(60.0)]  # (100 + 20) / 2


def test_a_psnr_at_or_above_the_cap_prints_as_at_least_the_cap():
    assert video_tables.psnr_text(np.inf) == "≥ 100"
    assert video_tables.psnr_text(100.0) == "≥ 100"
    assert video_tables.psnr_text(99.994) == "99.99"
    assert video_tables.psnr_text(150.0, cap=120.0) == "≥ 120"
    assert video_tables.capped(np.inf) == video_tables.capped(180.0) == 100.0


def settings_rows(records):
    """The settings table's cells, as markdown_table prints them."""
    return rows(markdown_table(pd.DataFrame(records)))


FOUND = Settings(
    radius=4.21,
    sharpness=2.5,
    walls=(0.01, 31.99, 0.0, 32.02),
    substeps=2,
    max_balls=3,
    look_frames=10,
    wall_rule="reflect",
    collision_rule="approaching",
    bounces=40,
    on_grid_share=1.0,
    other_wall_rule_grid_share=0.6,
    rule_clips=12,
    unexplained_share=0.001,
    runner_up="overlapping",
    runner_up_unexplained_share=0.05,
)
SIMULATED = {"resolution": 32, "physics": {"box_size": 10.0, "substeps": 2}, "radius_range": [1, 1]}


def test_the_settings_table_gives_the_runner_up_only_where_a_rule_was_chosen():
    table = settings_rows(video_tables.physics_settings(FOUND, None))
    assert [row[0] for row in table][-4:] == [
        "wall rule",
        "collision rule",
        "radius rule",
        "mass rule",
    ]
    assert [row[2] for row in table[:5]] == ["—"] * 5
    assert table[5][1:] == ["reflect", "0% / 40% of 40 bounces"]
    assert table[6][1:] == ["approaching", "0.10% / 5.00% (overlapping, 12 clips)"]
    assert table[2][1] == "0.01–31.99, 0.00–32.02"


def test_the_settings_table_sets_the_simulator_beside_a_simulated_file():
    table = settings_rows(video_tables.physics_settings(FOUND, SIMULATED))
    assert [row[3] for row in table] == [
        "3.200",
        "—",
        "0–32, 0–32",
        "2",
        "—",
        "reflect",
        "approaching",
        "one",
        "equal",
    ]


def test_the_settings_table_shows_the_radius_and_mass_rules_with_their_evidence():
    table = settings_rows(video_tables.physics_settings(FOUND, SIMULATED))
    assert table[7][1:] == ["one", "0 / 0 (lone-ball MSE)", "one"]
    assert table[8][1:] == ["equal", "not compared: one radius", "equal"]
    own = replace(
        FOUND,
        radius_rule="per_ball",
        radii_seen=(2.0, 3.5),
        one_radius_mse=1.1e-3,
        own_radius_mse=9e-35,
        mass_rule="area",
        mass_runner_up="equal",
        mass_runner_up_unexplained_share=0.4,
    )
    varied = {**SIMULATED, "radius_range": [1.0, 1.5]}
    table = settings_rows(video_tables.physics_settings(own, varied))
    assert table[0][1] == "2.000 to 3.500" and table[0][3] == "3.200 to 4.800"
    assert table[7][1:] == [
        "per ball",
        "1.1\u00a0·\u00a010⁻³ / 9\u00a0·\u00a010⁻³⁵ (lone-ball MSE)",
        "per ball",
    ]
    assert table[8][1:3] == ["area", "0.10% / 40.00%, equal"]


def test_nothing_identified_fills_the_settings_table_with_not_identified():
    table = settings_rows(video_tables.physics_settings(None, SIMULATED))
    assert {row[1] for row in table} == {"not identified"}


def test_a_change_that_rounds_to_zero_prints_without_a_minus():
    tiny = Measured(18.0, -0.001, 0.2, 3, "within noise", "as expected")
    table = video_tables.ablation(
        [video_tables.ablation_row("tiny drop", 0.85, 18.0, measured=tiny)]
    )
    assert "+0.00 ± 0.20" in table and "-0.00" not in table


def test_a_change_names_the_planned_budget_and_the_learning_rate_its_row_trains_with():
    preview = TrainConfig(epochs=1, lr=4e-3)  # a quick preview trains fewer epochs than planned
    final = Variant("t7-final", "final: {epochs} epochs, peak lr {lr}", object, preview)
    assert video_tables.change_text(final, TrainConfig(epochs=120)) == (
        "final: 120 epochs, peak lr 4\u00a0·\u00a010⁻³"
    )
    plain = Variant("t7-delta", "last frame + change output", object, preview)
    assert video_tables.change_text(plain, TrainConfig(epochs=120)) == plain.change


def test_an_unmet_goal_is_bold_and_an_unmeasured_one_a_dash_in_the_goals_table():
    table = video_tables.goals(
        [("PSNR ≥ 30 dB", "31.2 dB", True), ("SSIM ≥ 0.99", "0.98", False), ("time", "GPU", None)]
    )
    assert rows(table) == [
        ["PSNR ≥ 30 dB", "31.2 dB", "yes"],
        ["SSIM ≥ 0.99", "0.98", "**no**"],
        ["time", "GPU", "—"],
    ]


def test_clip_groups_are_the_ball_counts_present_then_every_event():
    counts = np.array([1, 3, 3, 1])
    events = np.array(["collision", "free flight", "collision", "wall bounce"])
    groups = video_tables.clip_groups(counts, events)
    assert [label for label, _ in groups] == [
        "1 ball",
        "3 balls",
        "free flight",
        "wall bounce",
        "collision",
    ]
    assert [mask.tolist() for _, mask in groups][1] == [False, True, True, False]
    assert groups[-1][1].tolist() == [True, False, True, False]


def test_a_measured_row_averages_its_seeds():
    variant = Variant("t7-loss", "loss", object, TrainConfig(epochs=1), expected_db=0.6)
    measured = Measured(30.0, 0.5, 0.2, 2, "better", "as expected")
    row = video_tables.measured_row("loss", variant, measured, [0.5, 0.75], [2.0, 4.0])
    assert row == video_tables.ablation_row("loss", 0.625, 30.0, 3.0, 0.6, measured)


def test_the_psnr_of_the_mean_mse_per_group_leaves_out_empty_groups_and_caps():
    psnr = np.array([10.0, 20.0, np.inf, np.inf])
    groups = [("a", np.array([1, 1, 0, 0], bool)), ("b", np.array([0, 0, 1, 1], bool))]
    groups.append(("empty", np.zeros(4, bool)))
    by_group = video_tables.psnr_of_mean_mse_by_group(psnr, groups)
    # MSEs 0.1 and 0.01: mean 0.055, 12.6 dB; exact clips sit at the cap.
    assert by_group == pytest.approx({"a": -10 * np.log10(0.055), "b": 100.0})


def test_the_recipe_of_table3_trained_as_the_handout_says():
    recipe = video_tables.recipe(
        TABLE3, TrainConfig(epochs=20), mse_loss, None, "float32", parameters=615339
    )
    assert recipe["skip connections"] == "added"
    assert recipe["coordinate channels"] == "none"
    assert recipe["output"] == "the frames, through a ReLU"
    assert recipe["loss"] == "MSE"
    assert recipe["learning rate"] == "10⁻³, constant"
    assert recipe["optimiser"] == "Adam (weight decay\u00a00)"
    assert recipe["epochs × batch size"] == "20 × 4"
    assert recipe["augmentation"] == "none"
    assert recipe["parameters"] == "615,339"


def test_the_recipe_of_a_task7_network_names_every_change():
    architecture = UNetConfig(output="delta", head="wide", skip="concat", coords=True)
    config = TrainConfig(epochs=120, batch_size=32, lr=4e-3, schedule="onecycle", seed=3)
    recipe = video_tables.recipe(
        architecture, config, FrameLoss(log_mse=5e-4), SymmetryAugment(), "bfloat16", 1000
    )
    assert recipe["skip connections"] == "concatenated"
    assert recipe["coordinate channels"] == "row and column"
    assert recipe["output"].startswith("a change, added to the last input frame")
    assert recipe["output head"].startswith("3\u00a0×\u00a03 convolution of 32 filters")
    assert recipe["loss"] == "MSE + 5\u00a0·\u00a010⁻⁴ × log-MSE"
    assert recipe["learning rate"] == (
        "one-cycle: 1.6\u00a0·\u00a010⁻⁴ → 4\u00a0·\u00a010⁻³ (first 30% of the steps) → "
        "1.6\u00a0·\u00a010⁻⁸, cosine"
    )
    assert recipe["augmentation"] == (
        "a random one of the square's 8 symmetries; time reversal with probability ½"
    )
    assert (recipe["precision"], recipe["seed"]) == ("bfloat16", "3")
    no_reversal = video_tables.augment_text(SymmetryAugment(time_reversal=False))
    assert no_reversal == "a random one of the square's 8 symmetries"


def test_a_loss_without_a_name_is_refused():
    with pytest.raises(ValueError, match="no name"):
        video_tables.loss_text(len)


def test_the_recipes_table_sets_the_networks_side_by_side():
    table = video_tables.recipes_table({"a": {"seed": "0"}, "b": {"seed": "1"}})
    assert [cell.strip() for cell in table.splitlines()[0].split("|")[1:-1]] == [
        "setting",
        "a",
        "b",
    ]
    assert rows(table) == [["seed", "0", "1"]]


def test_a_wall_a_hair_below_zero_prints_without_a_minus_sign():
    found = replace(FOUND, walls=(0.01, 31.99, -0.001, 32.02))
    table = settings_rows(video_tables.physics_settings(found, None))
    assert table[2][1] == "0.01–31.99, 0.00–32.02"


def test_the_late_gain_is_the_rise_of_the_psnr_over_the_last_quarter_of_the_epochs():
    # 8 epochs: the last 2, from MSE 0.01 (epoch 6) to 0.001 (epoch 8), gain 10 dB.
    epochs, gain = video_tables.late_gain([0.1] * 5 + [0.01, 0.005, 0.001])
    assert (epochs, gain) == (2, pytest.approx(10.0))
    assert video_tables.late_gain([0.1, 0.1]) == (1, pytest.approx(0.0))  # never all the epochs
    assert video_tables.late_gain([0.1]) == (0, 0.0)
    # Validated after epochs 4, 8, ..., 32: the last 2 of 8 validations span epochs 24 to 32.
    sparse = video_tables.late_gain([0.1] * 5 + [0.01, 0.005, 0.001], range(4, 33, 4))
    assert sparse == (8, pytest.approx(10.0))


def test_the_clipped_mse_clips_the_predictions_to_the_pixel_range_first():
    # Truth 1 everywhere: an answer of 2, clipped to 1, is exact; 0.5 is off by 0.5 everywhere.
    inputs = torch.zeros(3, 5, 4, 4)
    targets = torch.ones(3, 5, 4, 4)
    assert video_tables.clipped_mse(Constant(2.0), inputs, targets) == 0.0
    assert video_tables.clipped_mse(Constant(0.5), inputs, targets) == pytest.approx(0.25)


class Constant(torch.nn.Module):
    """Predicts `value` for every pixel of five 4 x 4 frames."""

    def __init__(self, value: float) -> None:
        super().__init__()
        self.value = value
        self.anchor = torch.nn.Parameter(torch.zeros(()))  # predict() reads the device from it

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.full_like(x, self.value) + 0 * self.anchor
