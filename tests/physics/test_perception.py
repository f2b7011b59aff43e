import numpy as np
import pytest
import torch

from lib.data.simulate import simulate_clips
from lib.physics.perception import count_agreement, perceive
from lib.physics.render import BallLook, render_balls

LOOK = BallLook(radius=3.84, sharpness=8.0)  # the simulator's defaults at 32 px


def frames_of(centres: list[list[tuple[float, float]]]) -> torch.Tensor:
    """One clip per list of ball centres, one frame each."""
    n_balls = max(map(len, centres))
    positions = torch.full((len(centres), n_balls, 2), float("nan"), dtype=torch.float64)
    for clip, balls in enumerate(centres):
        positions[clip, : len(balls)] = torch.tensor(balls, dtype=torch.float64)
    return render_balls(positions, ~positions[..., 0].isnan(), LOOK, 32, 32)[:, None]


def test_render_matches_the_simulator_at_its_settings():
    frames, _ = simulate_clips(3, 1, np.random.default_rng(0))
    seen = perceive(torch.from_numpy(frames), LOOK, max_balls=4)
    rendered = render_balls(
        seen.centres[:, 0].nan_to_num(), seen.counts[:, 0, None] > torch.arange(4), LOOK, 32, 32
    )
    assert (rendered - torch.from_numpy(frames[:, 0])).abs().max() < 1e-5


def test_two_touching_balls_are_counted_and_located():
    touching = [(12.0, 15.0), (12.0 + 2 * LOOK.radius, 15.5)]
    seen = perceive(frames_of([touching]), LOOK, max_balls=4)
    assert seen.counts.item() == 2
    found = sorted(seen.centres[0, 0, :2].tolist())
    np.testing.assert_allclose(found, touching, atol=1e-4)


@pytest.mark.slow
def test_counts_come_from_the_frames_and_agree_with_labels():
    frames, labels = simulate_clips(12, 3, np.random.default_rng(1))
    seen = perceive(torch.from_numpy(frames), LOOK, max_balls=4)
    assert count_agreement(seen, labels) == 1.0
    assert count_agreement(seen, labels % 3 + 1) == 0.0
    assert seen.residual.max() < 1e-10


def test_black_frames_hold_no_ball_and_a_changing_count_is_flagged():
    clip = torch.cat([frames_of([[(10.0, 10.0)]]), torch.zeros(1, 1, 32, 32)], dim=1)
    seen = perceive(clip, LOOK, max_balls=4)
    assert seen.counts.tolist() == [[1, 0]]
    assert seen.clip_counts().tolist() == [-1]


@pytest.mark.slow
def test_balls_of_their_own_radii_are_counted_located_and_measured():
    """Two touching balls of radii 2.5 and 4.5 and a third of 3.2 (the look's radius is 3.84)."""
    balls = torch.tensor([[[10.0, 12.0], [17.0, 12.5], [22.0, 25.0]]], dtype=torch.float64)
    radii = torch.tensor([[2.5, 4.5, 3.2]], dtype=torch.float64)
    frames = render_balls(balls, torch.ones(1, 3, dtype=torch.bool), LOOK, 32, 32, radii)
    seen = perceive(frames[:, None], LOOK, max_balls=4, free_radii=True)
    assert seen.counts.item() == 3 and seen.residual.max() < 1e-16
    order = seen.centres[0, 0, :3, 0].argsort()
    torch.testing.assert_close(seen.centres[0, 0, order], balls[0], rtol=0, atol=1e-6)
    torch.testing.assert_close(seen.radii[0, 0, order], radii[0], rtol=0, atol=1e-6)
    assert perceive(frames[:, None], LOOK, max_balls=4).radii is None
