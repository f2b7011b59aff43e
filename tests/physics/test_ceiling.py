import itertools

import numpy as np
import pytest

from lib.data.simulate import Physics, advance, render, simulate_clips, simulate_clips_with_states
from lib.physics.ceiling import ceiling_prediction

N_IN = 5


def test_the_states_come_with_the_same_clips():
    frames, labels = simulate_clips(20, 10, np.random.default_rng(0))
    simulated = simulate_clips_with_states(20, 10, np.random.default_rng(0))
    assert np.array_equal(simulated.frames, frames) and np.array_equal(simulated.labels, labels)
    states, one_ball = simulated.trajectories, labels == 1
    again = advance(
        states.positions[one_ball, 0, :1],
        states.velocities[one_ball, 0, :1],
        simulated.radii[one_ball, :1],
        9,
    )
    np.testing.assert_allclose(again, states.positions[one_ball, 1:, :1])


def test_clips_whose_input_shows_the_numbering_get_their_own_future():
    simulated = simulate_clips_with_states(30, 10, np.random.default_rng(1))
    states = simulated.trajectories
    ceiling = ceiling_prediction(
        states.positions[:, 0], states.velocities[:, 0], simulated.radii, N_IN, 10
    )
    single = ~ceiling.several
    assert single.sum() >= 25 and (ceiling.n_numberings[single] > 1).any()
    np.testing.assert_allclose(ceiling.frames[single], simulated.frames[single, N_IN:], atol=1e-6)


def by_hand(positions, velocities, numbering):
    """One clip (10, 32, 32) of the simulator from a start state, balls in `numbering`'s order."""
    x = np.array([positions])[:, list(numbering)]
    v = np.array([velocities])[:, list(numbering)]
    radii = np.full((1, len(positions)), 1.2)
    path = np.concatenate([x[:, None], advance(x, v, radii, 9)], axis=1)
    return render(path, radii)[0]


@pytest.mark.parametrize(
    "positions, velocities",
    [
        # one ball hits two others in one sub-step after the input (between frames 5 and 6)
        (
            [[2.9572, 8.4955], [6.4274, 8.6794], [5.0797, 2.7658]],
            [[0.2074, -0.0883], [-0.0516, -0.359], [0.0949, 0.2422]],
        ),
    ],
)
def test_a_meeting_of_three_the_input_does_not_order_gets_the_mean_of_its_futures(
    positions, velocities
):
    clips = [by_hand(positions, velocities, order) for order in itertools.permutations(range(3))]
    allowed = [c[N_IN:] for c in clips if np.abs(c[:N_IN] - clips[0][:N_IN]).max() < 1e-6]
    assert max(np.abs(future - allowed[0]).max() for future in allowed) > 0.1  # they differ
    ceiling = ceiling_prediction(
        np.array([positions]), np.array([velocities]), np.full((1, 3), 1.2), N_IN, 10, 32, Physics()
    )
    assert ceiling.n_numberings.tolist() == [len(allowed)] and ceiling.several.tolist() == [True]
    np.testing.assert_allclose(ceiling.frames[0], np.mean(allowed, axis=0), atol=1e-6)
