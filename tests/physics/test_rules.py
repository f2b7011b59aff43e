"""The rules' variant (walls, collisions, radii and masses) and settings are identified from clips
of each variant, drawn by this directory's own generator (tests/physics/variant_clips.py) with a
rim exponent, walls, radius, speed and sub-steps that are not the book's; prediction is then exact
on clips whose input allows one future."""

import numpy as np
import pytest
import torch

from lib.physics.identify import identify_settings
from lib.physics.predictor import predict_physics
from tests.physics.variant_clips import CROWDED, STOVE_BILLIARDS, Variant, clips


@pytest.mark.parametrize(
    "variant",
    [
        Variant(),
        Variant(wall_rule="hold"),
        Variant(collision_rule="next_overlap"),
        Variant(wall_rule="hold", collision_rule="next_overlap", substeps=4),
        Variant(collision_rule="overlapping", **CROWDED),
        Variant(**CROWDED),
        Variant(radii=(2.0, 3.5), mass_rule="area"),
        Variant(radii=(2.0, 3.5)),
        Variant(
            wall_rule="hold", collision_rule="next_overlap", radii=(1.8, 3.2), mass_rule="area"
        ),
        Variant(**STOVE_BILLIARDS),
        Variant(wall_rule="next_hold", radii=(2.5, 6.5), mass_rule="area"),
    ],
    ids=lambda variant: (
        f"{variant.wall_rule}-{variant.collision_rule}-r{variant.radii or variant.radius}"
        f"-{variant.mass_rule}"
    ),
)
@pytest.mark.slow
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
    assert settings.mass_rule == variant.mass_rule
    if variant.radii is None:
        # One radius: equal masses whatever the mass rule, which is then not compared.
        assert (settings.radius_rule, settings.mass_runner_up) == ("one", "")
        assert settings.radius == pytest.approx(variant.radius, rel=1e-3)
    else:
        assert settings.radius_rule == "per_ball"
        assert settings.one_radius_mse > 1e6 * settings.own_radius_mse
        assert (
            variant.radii[0] <= settings.radii_seen[0] < settings.radii_seen[1] <= variant.radii[1]
        )
        assert settings.unexplained_share < settings.mass_runner_up_unexplained_share
    assert settings.sharpness == pytest.approx(variant.sharpness, rel=1e-3)
    np.testing.assert_allclose(settings.walls, variant.walls, atol=0.02)

    validation = clips(40, variant, seed=1)
    prediction = predict_physics(validation[:, :5], settings, 5)
    mse = (prediction.frames.double() - validation[:, 5:]).pow(2).mean(dim=(1, 2, 3))
    one_future = (prediction.n_futures == 1) & (prediction.reproduction_mse < 1e-10)
    assert one_future.sum() >= 30
    assert (mse[one_future] < 1e-8).double().mean() >= 0.95
