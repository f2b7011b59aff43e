"""lib/physics/render.py: a ball adds exp(-(d / r)^p) at each pixel centre, clipped at 1."""

import math

import pytest
import torch

from lib.physics.render import BallLook, render_balls, render_with_gradients

CENTRE = torch.tensor([[[5.5, 5.5]]], dtype=torch.float64)  # on the centre of pixel (row 5, col 5)
ONE = torch.tensor([[True]])


@pytest.mark.parametrize(
    "radius, sharpness, row, column, expected",
    [
        # column 8: d = 3; (3 / 2.5)^4 = 2.0736
        (2.5, 4.0, 5, 8, math.exp(-2.0736)),
        # column 8: d = 3; (3 / 4)^2 = 0.5625
        (4.0, 2.0, 5, 8, math.exp(-0.5625)),
        # row 9, column 8: d = 5 (a 3-4-5 triangle); (5 / 4)^2 = 1.5625
        (4.0, 2.0, 9, 8, math.exp(-1.5625)),
        # row 2, column 5: d = 3 above the centre; (3 / 1.5)^3 = 8
        (1.5, 3.0, 2, 5, math.exp(-8.0)),
    ],
)
def test_a_pixel_at_a_known_distance_has_the_profiles_value(
    radius, sharpness, row, column, expected
):
    frame = render_balls(CENTRE, ONE, BallLook(radius, sharpness), 12, 12)[0]
    assert float(frame[row, column]) == pytest.approx(expected, rel=1e-12)
    assert float(frame[5, 5]) == 1.0  # d = 0: exp(0)


def test_overlapping_balls_add_and_the_sum_is_clipped_at_one():
    """Two balls 2 px apart, r = 2, p = 2: the pixel half-way is 1 px from each,
    2 exp(-1/4) = 1.56 before clipping; the pixel 3 px beyond the second, exp(-9/4) + exp(-25/4)."""
    centres = torch.tensor([[[4.5, 5.5], [6.5, 5.5]]], dtype=torch.float64)
    frame = render_balls(centres, torch.tensor([[True, True]]), BallLook(2.0, 2.0), 12, 12)[0]
    assert float(frame[5, 5]) == 1.0
    assert float(frame[5, 9]) == pytest.approx(math.exp(-9 / 4) + math.exp(-25 / 4), rel=1e-12)


def test_an_absent_ball_draws_nothing_even_at_a_nan_position():
    centres = torch.tensor([[[5.5, 5.5], [float("nan"), float("nan")]]], dtype=torch.float64)
    frame = render_balls(centres, torch.tensor([[True, False]]), BallLook(2.0, 3.0), 12, 12)
    alone = render_balls(CENTRE, ONE, BallLook(2.0, 3.0), 12, 12)
    torch.testing.assert_close(frame, alone)


def test_the_jacobian_matches_finite_differences_of_the_frames():
    centres = torch.tensor([[[5.2, 6.1]]], dtype=torch.float64)
    radius, sharpness, step = 2.3, 3.5, 1e-6
    frames, jacobian = render_with_gradients(
        centres, radius, sharpness, 12, 12, shape_gradients=True
    )

    def frame(dx=0.0, dy=0.0, dr=0.0, dp=0.0):
        moved = centres + torch.tensor([dx, dy], dtype=torch.float64)
        return render_with_gradients(moved, radius + dr, sharpness + dp, 12, 12)[0].flatten()

    for k, nudge in enumerate(({"dx": step}, {"dy": step}, {"dr": step}, {"dp": step})):
        numeric = (frame(**nudge) - frames.flatten()) / step
        torch.testing.assert_close(jacobian[0, :, k], numeric, atol=1e-5, rtol=1e-4)
