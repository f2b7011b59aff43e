import numpy as np
import pytest
import torch

from lib.data.simulate import Physics, simulate_clips
from lib.physics.identify import identify_settings

N_CLIPS = 150  # enough wall bounces (about one per clip) to place each wall and time the sub-steps


@pytest.mark.parametrize(
    "radius, physics",
    [
        (1.0, Physics()),
        (1.5, Physics()),
        (
            1.2,
            Physics(box_size=12.0),
        ),  # still rendered at 32 px: smaller balls, walls at the image edges
        (1.2, Physics(substeps=3)),
        (1.2, Physics(speed=0.8)),
    ],
)
@pytest.mark.slow
def test_identification_recovers_the_simulators_settings(radius, physics):
    frames, _ = simulate_clips(
        N_CLIPS, 10, np.random.default_rng(0), radius_range=(radius, radius), physics=physics
    )
    settings = identify_settings(torch.from_numpy(frames))
    pixels_per_unit = 32 / physics.box_size  # the image spans the box
    assert settings.radius == pytest.approx(radius * pixels_per_unit, rel=0.01)
    assert settings.sharpness == pytest.approx(8.0, rel=0.01)
    np.testing.assert_allclose(settings.walls, (0, 32, 0, 32), atol=0.01 * 32)
    assert settings.substeps == physics.substeps
    assert settings.max_balls == 3


def test_identification_refuses_clips_without_a_single_ball():
    with pytest.raises(ValueError, match="single ball"):
        identify_settings(torch.zeros(4, 10, 32, 32))
