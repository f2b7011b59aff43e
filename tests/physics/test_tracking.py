"""lib/physics/tracking.py: each ball keeps its slot through frames whose slots are shuffled."""

import torch

from lib.physics.tracking import order_balls, order_balls_and_radii

# Three balls in straight lines, 1 px per frame, in six frames: (T, 3, 2).
STARTS = torch.tensor([[5.0, 5.0], [15.0, 5.0], [10.0, 20.0]])
VELOCITIES = torch.tensor([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]])
TRUE_TRACKS = STARTS + torch.arange(6.0)[:, None, None] * VELOCITIES


def test_identities_survive_a_different_permutation_in_every_frame():
    orders = [[0, 1, 2], [2, 0, 1], [1, 2, 0], [0, 2, 1], [2, 1, 0], [1, 0, 2]]
    shuffled = torch.stack([TRUE_TRACKS[t, order] for t, order in enumerate(orders)])
    torch.testing.assert_close(order_balls(shuffled[None], 3)[0], TRUE_TRACKS)


def test_the_first_frame_sets_the_slots_and_padding_slots_are_dropped():
    first = [1, 2, 0]
    shuffled = torch.cat([TRUE_TRACKS[:, first], torch.full((6, 1, 2), float("nan"))], dim=1)
    torch.testing.assert_close(order_balls(shuffled[None], 3)[0], TRUE_TRACKS[:, first])


def test_balls_passing_close_are_told_apart_by_their_velocity():
    """Two balls 0.5 px apart sideways pass each other vertically at 1.5 px per frame. From
    frame 2, (10, 7) and (10.5, 9), to frame 3, (10, 8.5) and (10.5, 7.5), the swapped assignment
    is nearer the last positions (squared distances 1.0 against 4.5); the constant-velocity guess
    is met exactly by the true one."""
    a = torch.stack([torch.tensor([10.0, 4.0 + 1.5 * t]) for t in range(6)])
    b = torch.stack([torch.tensor([10.5, 12.0 - 1.5 * t]) for t in range(6)])
    true = torch.stack([a, b], dim=1)
    shuffled = true.clone()
    shuffled[3] = true[3, [1, 0]]
    torch.testing.assert_close(order_balls(shuffled[None], 2)[0], true)


def test_balls_of_their_own_radii_keep_their_identities_where_they_trade_velocities():
    """Radii 2 and 3 head on at 2 px a frame trade velocities at x = 12 and 15: each then ends
    nearer where the other would have gone, which the positions alone take for a swap."""
    xs = torch.tensor([[10.0, 17.0], [12.0, 15.0], [10.0, 17.0], [8.0, 19.0]], dtype=torch.float64)
    centres = torch.stack([xs, torch.full_like(xs, 5.0)], dim=-1)[None]  # (1, 4, 2, 2)
    radii = torch.tensor([2.0, 3.0], dtype=torch.float64).expand(1, 4, 2)
    shuffled, shuffled_radii = centres.flip(2), radii.flip(2)
    shuffled[:, ::2], shuffled_radii[:, ::2] = centres[:, ::2], radii[:, ::2]  # even frames kept
    tracks, found = order_balls_and_radii(shuffled, shuffled_radii, 2)
    torch.testing.assert_close(tracks, centres)
    torch.testing.assert_close(found, radii[:, 0])
    assert not torch.equal(order_balls(centres, 2), centres)  # positions alone swap them
    assert order_balls_and_radii(centres, None, 2)[1] is None
