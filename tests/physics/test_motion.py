"""lib/physics/motion.py: roll-outs through wall bounces and elastic collisions, by hand."""

import pytest
import torch

from lib.physics.motion import Rules, roll_out

BOX = Rules(radius=1.0, low_walls=(0.0, 0.0), high_walls=(10.0, 10.0), substeps=1)
OPEN = Rules(radius=1.0, low_walls=(-100.0, -100.0), high_walls=(100.0, 100.0), substeps=1)


def state(*balls):
    """Positions and velocities (1, B, 2) of balls given as (x, y, vx, vy), all present."""
    values = torch.tensor(balls, dtype=torch.float64)[None]
    return values[..., :2], values[..., 2:], torch.ones(1, len(balls), dtype=torch.bool)


def test_a_ball_bounces_off_the_wall_it_comes_within_a_radius_of():
    """x = 8 moving at 1.5: 9.5 is past 10 - 1, so the velocity turns to -1.5: 8.0, then 6.5."""
    positions, velocities, present = state((8.0, 5.0, 1.5, 0.0))
    frames, after = roll_out(positions, velocities, present, BOX, n_frames=3)
    torch.testing.assert_close(
        frames[0, :, 0, 0], torch.tensor([9.5, 8.0, 6.5], dtype=torch.float64)
    )
    torch.testing.assert_close(frames[0, :, 0, 1], torch.full((3,), 5.0, dtype=torch.float64))
    torch.testing.assert_close(after[0, 0], torch.tensor([-1.5, 0.0], dtype=torch.float64))


def test_sub_steps_turn_the_ball_within_the_frame():
    """From x = 8.6 at 1.5: one step lands at 10.1; two half steps reach 9.35 (past 9), turn,
    and land at 8.6, then 7.85 and 7.1 in the next frame."""
    positions, velocities, present = state((8.6, 5.0, 1.5, 0.0))
    one, _ = roll_out(positions, velocities, present, BOX, n_frames=1)
    two, _ = roll_out(positions, velocities, present, Rules(1.0, (0.0, 0.0), (10.0, 10.0), 2), 2)
    assert abs(float(one[0, 0, 0, 0]) - 10.1) < 1e-12
    torch.testing.assert_close(two[0, :, 0, 0], torch.tensor([8.6, 7.1], dtype=torch.float64))


def test_a_wall_checked_one_move_ahead_holds_the_ball_on_it_a_move_early():
    """STOVE's billiards ("next_hold"): from x = 6.5 at 1.5 the move lands at 8, whose next move
    would reach 9.5, past 10 - 1: the ball is put on the line (9) and turned: 9, then 7.5. The
    plain "hold" lets it cross first: 8, then 9.5 put back to 9, then 7.5."""
    positions, velocities, present = state((6.5, 5.0, 1.5, 0.0))
    ahead = Rules(1.0, (0.0, 0.0), (10.0, 10.0), 1, wall_rule="next_hold")
    frames, after = roll_out(positions, velocities, present, ahead, n_frames=3)
    torch.testing.assert_close(
        frames[0, :, 0, 0], torch.tensor([9.0, 7.5, 6.0], dtype=torch.float64)
    )
    torch.testing.assert_close(after[0, 0], torch.tensor([-1.5, 0.0], dtype=torch.float64))
    held = Rules(1.0, (0.0, 0.0), (10.0, 10.0), 1, wall_rule="hold")
    frames, _ = roll_out(positions, velocities, present, held, n_frames=3)
    torch.testing.assert_close(
        frames[0, :, 0, 0], torch.tensor([8.0, 9.0, 7.5], dtype=torch.float64)
    )


def test_a_head_on_elastic_collision_exchanges_the_velocities():
    """A from x = 2 at 1, B from x = 6 at -0.5: 3 and 5.5 (2.5 apart), then 4 and 5 (1 apart,
    closing at 1.5): they exchange velocities, so A goes back at -0.5 to 3.5, B on at 1 to 6."""
    positions, velocities, present = state((2.0, 5.0, 1.0, 0.0), (6.0, 5.0, -0.5, 0.0))
    frames, after = roll_out(positions, velocities, present, BOX, n_frames=3)
    expected_x = torch.tensor([[3.0, 5.5], [4.0, 5.0], [3.5, 6.0]], dtype=torch.float64)
    torch.testing.assert_close(frames[0, :, :, 0], expected_x)
    torch.testing.assert_close(
        after[0], torch.tensor([[-0.5, 0.0], [1.0, 0.0]], dtype=torch.float64)
    )


def test_an_oblique_collision_conserves_momentum_and_energy():
    positions, velocities, present = state((0.0, 0.0, 1.0, 0.3), (3.0, 1.2, -0.4, 0.0))
    _, after = roll_out(positions, velocities, present, OPEN, n_frames=4)
    assert not torch.allclose(after, velocities)  # they did collide
    torch.testing.assert_close(after.sum(dim=1), velocities.sum(dim=1))
    torch.testing.assert_close(after.pow(2).sum(), velocities.pow(2).sum())


def test_overlapping_balls_moving_apart_do_not_collide():
    """4.5 and 5 moving apart at 0.5 each: 4 and 5.5 after one frame, 1.5 apart but separating."""
    positions, velocities, present = state((4.5, 5.0, -0.5, 0.0), (5.0, 5.0, 0.5, 0.0))
    _, after = roll_out(positions, velocities, present, BOX, n_frames=1)
    torch.testing.assert_close(after, velocities)


def test_absent_balls_take_no_part_even_in_the_way_or_undefined():
    """A from x = 2 at 1 goes straight to 3, 4, 5 past an absent ball on its path (x = 6) or
    one whose position is NaN."""
    for absent_at in (6.0, float("nan")):
        positions, velocities, _ = state((2.0, 5.0, 1.0, 0.0), (absent_at, 5.0, -0.5, 0.0))
        present = torch.tensor([[True, False]])
        frames, _ = roll_out(positions, velocities, present, BOX, n_frames=3)
        torch.testing.assert_close(
            frames[0, :, 0], torch.tensor([[3.0, 5.0], [4.0, 5.0], [5.0, 5.0]], dtype=torch.float64)
        )


def test_a_held_ball_is_put_back_on_the_wall():
    """x = 8.6 at 1.5 reaches 10.1, past 10 - 1: put back at 9, turned to -1.5: 7.5 next."""
    positions, velocities, present = state((8.6, 5.0, 1.5, 0.0))
    held = Rules(1.0, (0.0, 0.0), (10.0, 10.0), 1, wall_rule="hold")
    frames, _ = roll_out(positions, velocities, present, held, n_frames=2)
    torch.testing.assert_close(frames[0, :, 0, 0], torch.tensor([9.0, 7.5], dtype=torch.float64))


def test_overlapping_balls_moving_apart_collide_under_the_overlapping_rule():
    """4.5 and 5 moving apart at 0.5 each: 4 and 5.5, still overlapping: the velocities swap."""
    positions, velocities, present = state((4.5, 5.0, -0.5, 0.0), (5.0, 5.0, 0.5, 0.0))
    overlapping = Rules(1.0, (0.0, 0.0), (10.0, 10.0), 1, collision_rule="overlapping")
    _, after = roll_out(positions, velocities, present, overlapping, n_frames=1)
    torch.testing.assert_close(after, velocities.flip(1))


def test_balls_whose_next_positions_overlap_collide_a_move_early():
    """A from x = 2 at 1, B from 6 at -0.5: at 3 and 5.5 their next positions (4, 5) overlap, so
    they exchange velocities there: 2.5 and 6.5 next, never closer than 2.5."""
    positions, velocities, present = state((2.0, 5.0, 1.0, 0.0), (6.0, 5.0, -0.5, 0.0))
    early = Rules(1.0, (0.0, 0.0), (10.0, 10.0), 1, collision_rule="next_overlap")
    frames, _ = roll_out(positions, velocities, present, early, n_frames=2)
    expected_x = torch.tensor([[3.0, 5.5], [2.5, 6.5]], dtype=torch.float64)
    torch.testing.assert_close(frames[0, :, :, 0], expected_x)


def test_balls_of_their_own_radii_meet_at_the_sum_of_them_and_bounce_one_radius_from_a_wall():
    """Radii 1 and 2: A from x = 2 at 1, B from x = 6.5 at -0.5 are 3 apart at 3 and 6 (the sum:
    not closer), then 1.5 apart at 4 and 5.5, closing: equal masses exchange the velocities. B
    (radius 2) then turns 2 from the wall at 10: from 8 at 1 to 9 (past 8), so back to 8."""
    positions, velocities, present = state((2.0, 5.0, 1.0, 0.0), (6.5, 5.0, -0.5, 0.0))
    radii = torch.tensor([[1.0, 2.0]], dtype=torch.float64)
    frames, after = roll_out(positions, velocities, present, BOX, 2, radii)
    torch.testing.assert_close(frames[0, :, :, 0], torch.tensor([[3.0, 6.0], [4.0, 5.5]]).double())
    torch.testing.assert_close(after[0, :, 0], torch.tensor([-0.5, 1.0], dtype=torch.float64))
    wall, _ = roll_out(*state((8.0, 5.0, 1.0, 0.0)), BOX, 2, torch.tensor([[2.0]]).double())
    torch.testing.assert_close(wall[0, :, 0, 0], torch.tensor([9.0, 8.0], dtype=torch.float64))


def test_masses_in_proportion_to_the_area_conserve_momentum_and_energy():
    """Radii 1 and 2 (masses 1 and 4), head on at 1 and -0.5 (closing 1.5): A's velocity changes
    by 2 * 4 / 5 * 1.5 = 2.4 to -1.4, B's by 2 * 1 / 5 * 1.5 = 0.6 to 0.1."""
    positions, velocities, present = state((2.0, 5.0, 1.0, 0.0), (6.5, 5.0, -0.5, 0.0))
    radii = torch.tensor([[1.0, 2.0]], dtype=torch.float64)
    area = Rules(1.0, (-100.0, -100.0), (100.0, 100.0), 1, mass_rule="area")
    _, after = roll_out(positions, velocities, present, area, 2, radii)
    torch.testing.assert_close(after[0, :, 0], torch.tensor([-1.4, 0.1], dtype=torch.float64))
    masses = radii[0] ** 2
    assert float((masses * after[0, :, 0]).sum()) == pytest.approx(1.0 - 2.0)
    energy = (masses * after[0, :, 0] ** 2).sum()
    assert float(energy) == pytest.approx(1.0 + 4 * 0.25)


def test_masses_in_proportion_to_the_area_of_equal_balls_are_equal_masses():
    positions, velocities, present = state((2.0, 5.0, 1.0, 0.3), (5.0, 5.5, -0.5, 0.0))
    radii = torch.ones(1, 2, dtype=torch.float64)
    area = Rules(1.0, (0.0, 0.0), (10.0, 10.0), 2, mass_rule="area")
    equal = Rules(1.0, (0.0, 0.0), (10.0, 10.0), 2)
    torch.testing.assert_close(
        roll_out(positions, velocities, present, area, 4, radii),
        roll_out(positions, velocities, present, equal, 4),
        rtol=0,
        atol=1e-12,
    )
