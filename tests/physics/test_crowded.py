"""The overlapping rule on a crowded file (tests/physics/variant_clips.py's CROWDED: large, fast
balls between near walls), where three balls often meet at once: every clip the physics
reproduces exactly is predicted exactly, or, where several numberings of the balls reproduce
the input and foresee different futures, as the mean of those futures, the true one among them.

A meeting of three balls in one sub-step changes the velocities in the order the rules resolve
its pairs, which is the order of the balls' numbers; the frame after the sub-step shows the
positions before that change, so a meeting at the last sub-step before the last input frame (or
later) leaves no trace in the input, and the numberings foresee different futures."""

import numpy as np
import pytest
import torch

from lib.physics.identify import Settings
from lib.physics.motion import Rules
from lib.physics.predictor import predict_physics
from lib.physics.state import fit_states
from lib.settings import FUTURE_TOLERANCE, POSITION_TOLERANCE
from tests.physics.variant_clips import CROWDED, Variant, draw, simulate

N_IN, N_OUT = 5, 5
VARIANT = Variant(collision_rule="overlapping", **CROWDED)
RULES = Rules(4.0, (4.0, 4.0), (28.0, 28.0), 2, collision_rule="overlapping")
SETTINGS = Settings(
    radius=4.0,
    sharpness=6.0,
    walls=(4.0, 28.0, 4.0, 28.0),
    substeps=2,
    max_balls=3,
    look_frames=0,
    bounces=0,
    on_grid_share=1.0,
    collision_rule="overlapping",
)  # the crowded variant's own settings


def test_three_balls_reproduced_exactly_have_the_true_future_or_it_among_the_averaged_ones():
    positions, _ = simulate(150, VARIANT, seed=3)
    three = positions[~np.isnan(positions[:, 0, :, 0]).any(axis=1)]  # clips of three balls
    truth = torch.from_numpy(three)
    present = torch.ones(len(truth), 3, dtype=torch.bool)
    fit = fit_states(truth[:, :N_IN], present, RULES, N_OUT)
    explained = fit.position_error <= POSITION_TOLERANCE
    several = explained & (fit.future_spread > FUTURE_TOLERANCE)
    one = explained & ~several
    assert one.sum() >= 20 and several.sum() >= 3
    future = truth[:, N_IN:]
    assert (fit.future[one] - future[one]).abs().max() < 1e-9
    # Each averaged clip: a numbering that explains the input foresees the true future.
    off = (fit.numbered_futures[several] - future[several, None]).abs().amax(dim=(2, 3, 4))
    true_among = ((off < 1e-9) & (fit.numbering_weights[several] > 0)).any(1)
    assert true_among.all()


@pytest.mark.slow
def test_every_clip_reproduced_exactly_is_predicted_exactly_or_as_a_mean_of_futures():
    positions, _ = simulate(150, VARIANT, seed=4)
    clips = draw(positions, VARIANT)
    prediction = predict_physics(clips[:, :N_IN], SETTINGS, N_OUT)
    mse = (prediction.frames.double() - clips[:, N_IN:]).pow(2).mean(dim=(1, 2, 3))
    reproduced = prediction.reproduction_mse < 1e-20
    averaged = prediction.n_futures > 1
    assert (reproduced & ~averaged).sum() >= 50 and (reproduced & averaged).sum() >= 3
    assert mse[reproduced & ~averaged].max() < 1e-8
