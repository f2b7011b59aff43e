"""The rules' variant (walls and collisions) and settings are identified from clips of each
variant, drawn by this directory's own generator (tests/physics/variant_clips.py) with a rim
exponent, walls, radius, speed and sub-steps that are not the book's; prediction is then exact
on clips whose input allows one future."""

import numpy as np
import pytest
import torch

from lib.physics.identify import identify_settings
from lib.physics.predictor import predict_physics
from tests.physics.variant_clips import CROWDED, Variant, clips


@pytest.mark.parametrize(
    "variant",
    [
        Variant(),
        Variant(wall_rule="hold"),
        Variant(collision_rule="next_overlap"),
        Variant(wall_rule="hold", collision_rule="next_overlap", substeps=4),
        Variant(collision_rule="overlapping", **CROWDED),
        Variant(**CROWDED),
    ],
    ids=lambda variant: f"{variant.wall_rule}-{variant.collision_rule}-r{variant.radius:g}",
)
def test_the_variant_and_settings_are_identified_and_prediction_is_exact(variant):
    torch.set_num_threads(1)
    settings = identify_settings(clips(150, variant, seed=0))
    assert (settings.wall_rule, settings.collision_rule) == (
        variant.wall_rule,
        variant.collision_rule,
    )
    assert settings.unexplained_share < settings.runner_up_unexplained_share or (
        variant.collision_rule == "approaching"  # the default wins the ties with "overlapping"
    )
    assert settings.substeps == variant.substeps
    assert settings.radius == pytest.approx(variant.radius, rel=1e-3)
    assert settings.sharpness == pytest.approx(variant.sharpness, rel=1e-3)
    np.testing.assert_allclose(settings.walls, variant.walls, atol=0.02)

    validation = clips(40, variant, seed=1)
    prediction = predict_physics(validation[:, :5], settings, 5)
    mse = (prediction.frames.double() - validation[:, 5:]).pow(2).mean(dim=(1, 2, 3))
    one_future = (prediction.n_futures == 1) & (prediction.reproduction_mse < 1e-10)
    assert one_future.sum() >= 30
    assert (mse[one_future] < 1e-8).double().mean() >= 0.95
