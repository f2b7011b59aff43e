"""lib/physics/state.py: a known state recovered from the tracked centres it produces."""

import pytest
import torch

from lib.physics.motion import Rules, roll_out
from lib.physics.state import fit_states
from lib.settings import POSITION_TOLERANCE

BOX = Rules(radius=1.0, low_walls=(0.0, 0.0), high_walls=(10.0, 10.0), substeps=1)


def test_a_ball_in_straight_flight_continues_at_its_displacement_per_frame():
    """From (2, 3) at (1, 0.5) per frame: inputs at t = 0..4, futures at t = 5, 6, 7."""
    times = torch.arange(8, dtype=torch.float64)[:, None]
    path = torch.tensor([2.0, 3.0], dtype=torch.float64) + times * torch.tensor([1.0, 0.5])
    fit = fit_states(path[None, :5, None], torch.tensor([[True]]), BOX, n_future=3)
    assert int(fit.start_frame[0]) == 0 and float(fit.position_error[0]) < 1e-12
    torch.testing.assert_close(fit.future[0, :, 0], path[5:])


def test_a_bounce_that_hides_the_velocity_takes_it_from_the_next_interval():
    """Two sub-steps, from x = 8.6 at 1.5: 9.35 is past 9, so the ball turns and is back at 8.6
    in frame 1; then 7.1, 5.6, 4.1; the future 2.6, 1.1, and 1.1 again (0.35 is below 1: it
    turns). Frame 0's displacement (0) is no velocity: the state is taken at frame 1, from the
    displacement after it."""
    rules = Rules(radius=1.0, low_walls=(0.0, 0.0), high_walls=(10.0, 10.0), substeps=2)
    x = torch.tensor([8.6, 8.6, 7.1, 5.6, 4.1, 2.6, 1.1, 1.1], dtype=torch.float64)
    tracks = torch.stack([x, torch.full_like(x, 5.0)], dim=-1)[None, :5, None]
    fit = fit_states(tracks, torch.tensor([[True]]), rules, n_future=3)
    assert int(fit.start_frame[0]) == 1
    assert float(fit.position_error[0]) < POSITION_TOLERANCE
    torch.testing.assert_close(fit.future[0, :, 0, 0], x[5:])


@pytest.mark.parametrize("n_balls", [2, 3])
def test_colliding_balls_are_fitted_and_their_future_is_the_known_states(n_balls):
    balls = torch.tensor(
        [[2.0, 5.0, 1.0, 0.1], [6.0, 5.3, -0.6, 0.0], [5.0, 8.5, 0.4, -0.7]], dtype=torch.float64
    )[None, :n_balls]
    present = torch.ones(1, n_balls, dtype=torch.bool)
    later, _ = roll_out(balls[..., :2], balls[..., 2:], present, BOX, n_frames=7)
    truth = torch.cat([balls[:, None, :, :2], later], dim=1)  # (1, 8, B, 2)
    velocities = truth.diff(dim=1)
    assert not torch.allclose(velocities[:, 0], velocities[:, 4])  # something happened inside
    fit = fit_states(truth[:, :5], present, BOX, n_future=3)
    assert float(fit.position_error[0]) < POSITION_TOLERANCE
    torch.testing.assert_close(fit.future[0], truth[0, 5:])


def test_fewer_than_three_input_frames_are_refused():
    with pytest.raises(ValueError, match="3 input frames"):
        fit_states(torch.zeros(1, 2, 1, 2), torch.tensor([[True]]), BOX, n_future=1)
