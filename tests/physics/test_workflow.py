import pytest

from lib.physics.identify import Settings
from lib.physics.workflow import settings_errors

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


def test_settings_errors():
    radius, walls, substeps = settings_errors(FOUND, SIMULATED)
    assert radius == pytest.approx(0.01 / 3.84) and walls == pytest.approx(0.1) and substeps
