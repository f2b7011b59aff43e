from dataclasses import replace

import numpy as np
import pytest

from lib.metrics import video_metrics
from lib.physics.identify import Settings
from lib.physics.workflow import scores_by_group, settings_errors, settings_rows
from lib.video.workflow import psnr_three_ways

FOUND = Settings(
    radius=3.85,
    sharpness=8.0,
    walls=(0.1, 31.9, 0.0, 32.0),
    substeps=2,
    max_balls=3,
    look_frames=10,
    bounces=10,
    on_grid_share=1.0,
    wall_rule="hold",
    collision_rule="overlapping",
    rule_clips=400,
    unexplained_share=0.0125,
    runner_up="approaching",
    runner_up_unexplained_share=0.25,
)
SIMULATED = {
    "radius_range": [1.2, 1.2],
    "resolution": 32,
    "physics": {"box_size": 10.0, "substeps": 2},
}


def test_settings_rows_convert_the_simulators_box_units_to_pixels():
    rows = settings_rows(FOUND, SIMULATED)
    assert rows[0] == {
        "setting": "ball radius (px)",
        "identified": "3.850",
        "simulator (in px)": "3.840",
    }
    assert [row["simulator (in px)"] for row in rows[2:7]] == [
        "0.000",
        "32.000",
        "0.000",
        "32.000",
        "2",
    ]


def test_settings_rows_show_the_rule_variants_found_beside_the_simulators():
    rows = {row["setting"]: row for row in settings_rows(FOUND, SIMULATED)}
    assert rows["wall rule"] == {
        "setting": "wall rule",
        "identified": "hold",
        "simulator (in px)": "reflect",
    }
    assert rows["collision rule"]["identified"] == "overlapping"
    assert rows["collision rule"]["simulator (in px)"] == "approaching"
    evidence = rows["unexplained frames: chosen rule / runner-up"]["identified"]
    assert evidence == "1.25% / 25.00% (approaching, 400 clips)"


def test_settings_rows_of_supplied_files_hold_only_the_estimates():
    assert all(row.keys() == {"setting", "identified"} for row in settings_rows(FOUND, None))
    assert {row["identified"] for row in settings_rows(None, None)} == {"not identified"}


def test_settings_errors():
    radius, walls, substeps = settings_errors(FOUND, SIMULATED)
    assert radius == pytest.approx(0.01 / 3.84) and walls == pytest.approx(0.1) and substeps


def test_psnr_three_ways_and_scores_by_group():
    targets = np.zeros((4, 2, 8, 8))
    predictions = targets.copy()
    predictions[0] = 0.1  # MSE 0.01: 20 dB; the other three clips are exact
    metrics = {"model": video_metrics(predictions, targets)}
    row = psnr_three_ways(metrics).iloc[0]
    assert (row["mean, capped (dB)"], row["at the cap"], row["median (dB)"]) == (
        "80.00",
        "75.0%",
        "100.00",
    )
    assert row["of the mean MSE (dB)"] == "26.02"  # 10 log10(4 / 0.01)
    groups = {"first": np.array([True, False, False, False]), "none": np.zeros(4, dtype=bool)}
    assert scores_by_group(groups, metrics, np.array([1, 0, 0, 0])) == [
        {"clips": "first", "n": 1, "model": "20.00", "sent": 1}
    ]


def test_settings_rows_show_the_radius_and_mass_rules_with_their_evidence():
    rows = {row["setting"]: row for row in settings_rows(FOUND, SIMULATED)}
    radius_rule = rows["radius rule (lone-ball MSE: one radius / own radii)"]
    assert radius_rule["identified"] == "one (0.0e+00 / 0.0e+00)"
    assert radius_rule["simulator (in px)"] == "one"
    mass_rule = rows["mass rule (unexplained frames: chosen / other)"]
    assert mass_rule["identified"] == "equal (not compared: one radius)"
    assert mass_rule["simulator (in px)"] == "equal"
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
    rows = {row["setting"]: row for row in settings_rows(own, varied)}
    assert rows["ball radius (px)"]["identified"] == "2.000 to 3.500"
    assert rows["ball radius (px)"]["simulator (in px)"] == "3.200 to 4.800"
    radius_rule = rows["radius rule (lone-ball MSE: one radius / own radii)"]
    assert radius_rule == {
        "setting": "radius rule (lone-ball MSE: one radius / own radii)",
        "identified": "per ball (1.1e-03 / 9.0e-35)",
        "simulator (in px)": "per ball",
    }
    mass_rule = rows["mass rule (unexplained frames: chosen / other)"]["identified"]
    assert mass_rule == "area (1.25% / 40.00%, equal)"
