"""Identification on clips of other physics fails fast and says what it measured.

The clips come from this file's own small generator (not lib/data/simulate.py): balls drawn
with the renderer the predictor assumes, exp(-(d / r)^p) clipped at 1, moved by rules the
predictor does not assume.
"""

import time

import numpy as np
import pytest
import torch

import bench.physics_predictor
from lib.physics.identify import IdentificationError, identify_settings
from lib.physics.predictor import fit_physics_model
from lib.physics.workflow import settings_errors

RADIUS, SHARPNESS, SIZE = 3.0, 6.0, 32


def draw(positions: np.ndarray) -> torch.Tensor:
    """Frames (N, T, H, W) of balls at positions (N, T, B, 2), pixels; NaN balls are not drawn."""
    centres = np.arange(SIZE) + 0.5
    dx2 = (centres - positions[..., 0, None]) ** 2
    dy2 = (centres - positions[..., 1, None]) ** 2
    blobs = np.exp(-(((dy2[..., :, None] + dx2[..., None, :]) / RADIUS**2) ** (SHARPNESS / 2)))
    return torch.from_numpy(np.minimum(np.nan_to_num(blobs).sum(2), 1.0))


def attracting(n_clips: int, seed: int = 0) -> np.ndarray:
    """Two balls pulling each other (force ~ 1 / d^2) or, in every other clip, one ball alone;
    no walls; 8 sub-steps a frame. Positions (N, 10, 2, 2), NaN for the missing ball."""
    rng = np.random.default_rng(seed)
    x = np.stack([rng.uniform(8, 10, (n_clips, 2)), rng.uniform(22, 24, (n_clips, 2))], axis=1)
    v = rng.normal(0, 0.3, (n_clips, 2, 2))
    frames = []
    for _ in range(10):
        frames.append(x.copy())
        for _ in range(8):
            offset = x[:, 1] - x[:, 0]
            pull = 4.0 * offset / np.linalg.norm(offset, axis=-1, keepdims=True) ** 3
            v = v + np.stack([pull, -pull], axis=1) / 8
            x = x + v / 8
    positions = np.stack(frames, axis=1)
    positions[::2, :, 1] = np.nan
    return positions


def reflected(n_clips: int, low: np.ndarray, high: np.ndarray, substeps: int = 0) -> np.ndarray:
    """One fast ball between walls at `low` and `high` (N,) pixels, per clip and both axes:
    reflected exactly when it reaches a wall (substeps=0), or after `substeps` straight moves a
    frame, turned back once it has crossed one."""
    rng = np.random.default_rng(1)
    low, high = low[:, None] + RADIUS, high[:, None] - RADIUS
    x = low + rng.uniform(0, 1, (n_clips, 2)) * (high - low)
    v = rng.normal(0, 3.0, (n_clips, 2))
    if not substeps:  # the unfolded straight line, folded back into the box
        span = (high - low)[:, None]
        line = (x - low)[:, None] + v[:, None] * np.arange(10)[None, :, None]
        return (low[:, None] + span - np.abs(line % (2 * span) - span))[:, :, None]
    frames = []
    for _ in range(10):
        frames.append(x.copy())
        for _ in range(substeps):
            x = x + v / substeps
            v = np.where(x < low, np.abs(v), np.where(x > high, -np.abs(v), v))
    return np.stack(frames, axis=1)[:, :, None]


def assert_one_line(message: str) -> None:
    assert message and "\n" not in message


@pytest.mark.slow
def test_attracting_balls_without_walls_fail_fast_with_what_was_measured():
    clips = draw(attracting(12))
    started = time.perf_counter()
    with pytest.raises(IdentificationError) as error:
        identify_settings(clips)
    assert time.perf_counter() - started < 30
    message = str(error.value)
    assert_one_line(message)
    assert message.startswith("no clean wall bounce") and "in 12 training clips" in message


@pytest.mark.slow
def test_missing_evidence_stops_at_the_time_limit():
    clips = draw(attracting(30, seed=2))
    with pytest.raises(IdentificationError, match=r"stopped after 10 of 30 clips"):
        identify_settings(clips, time_limit=0.0)


@pytest.mark.slow
def test_bounces_off_every_sub_step_grid_are_named_as_such():
    n = 60
    positions = reflected(n, np.zeros(n), np.full(n, 32.0))
    with pytest.raises(IdentificationError) as error:
        identify_settings(draw(positions))
    assert_one_line(str(error.value))
    assert str(error.value).startswith("wall bounces do not fall on any sub-step grid from 1 to 12")


@pytest.mark.slow
def test_walls_that_move_between_clips_are_not_placed():
    n = 60
    low = np.random.default_rng(3).uniform(0, 3, n)
    with pytest.raises(IdentificationError) as error:
        identify_settings(draw(reflected(n, low, low + 29.0, substeps=2)))
    assert_one_line(str(error.value))
    assert str(error.value).startswith(
        "the bounces off the low x wall are not consistent with one wall position"
    )


@pytest.mark.slow
def test_balls_that_vanish_stop_identification_on_the_first_check():
    positions = attracting(24, seed=4)
    positions[1:12:2, 6:, 1] = np.nan  # the second ball vanishes in half the two-ball clips
    with pytest.raises(IdentificationError, match=r"changes within 5 of 10 training clips"):
        identify_settings(draw(positions))


def test_nothing_identified_is_reported_by_the_bench_and_the_workflow(monkeypatch, capsys):
    black = np.zeros((30, 10, SIZE, SIZE), dtype=np.float32)
    monkeypatch.setattr(
        bench.physics_predictor, "load_clips", lambda args: (black, np.ones(30, int), {})
    )
    monkeypatch.setattr("sys.argv", ["physics_predictor"])
    bench.physics_predictor.main()
    printed = capsys.readouterr().out
    assert "settings not identified on 24 training clips" in printed and "single ball" in printed
    model = fit_physics_model(torch.from_numpy(black), 5)
    assert model.settings is None and settings_errors(model.settings, {}) is None


@pytest.mark.slow
def test_balls_of_their_own_radii_turning_at_one_centre_position_are_refused_fast():
    """Balls of radii 2 to 3.5 px that all turn where their centre reaches one line, whatever
    their size: the rims meet the walls at places 1.5 px apart, so no one wall fits."""
    n = 60
    positions = reflected(n, np.zeros(n), np.full(n, 32.0), substeps=2)
    radii = np.random.default_rng(5).uniform(2.0, 3.5, n)[:, None, None, None, None]
    centres = np.arange(SIZE) + 0.5
    dx2 = (centres - positions[..., 0, None]) ** 2
    dy2 = (centres - positions[..., 1, None]) ** 2
    blobs = np.exp(-(((dy2[..., :, None] + dx2[..., None, :]) / radii**2) ** (SHARPNESS / 2)))
    clips = torch.from_numpy(np.minimum(blobs.sum(2), 1.0))
    started = time.perf_counter()
    with pytest.raises(IdentificationError) as error:
        identify_settings(clips)
    assert time.perf_counter() - started < 60
    assert_one_line(str(error.value))
    assert "are not consistent with one wall position" in str(error.value)


def test_an_unforeseen_failure_in_identification_or_the_gate_is_a_one_line_refusal(monkeypatch):
    import lib.physics.predictor as predictor

    clips = draw(reflected(30, np.zeros(30), np.full(30, 32.0), substeps=2))

    def singular(*args, **kwargs):
        raise torch.linalg.LinAlgError("The solver failed because the input matrix is singular.\n")

    for stage in ("identify_settings", "predict_physics", "choose_gate"):
        with monkeypatch.context() as patched:
            patched.setattr(predictor, stage, singular)
            model = fit_physics_model(clips, 5)
        assert model.settings is None
        assert model.problem == (
            "unforeseen LinAlgError in the physics: The solver failed because the input matrix "
            "is singular."
        )


def test_a_failing_prediction_sends_every_clip_to_the_network_with_its_reason(monkeypatch):
    import lib.physics.predictor as predictor
    from lib.physics.predictor import Gate, PhysicsModel

    model = fit_physics_model(draw(reflected(60, np.zeros(60), np.full(60, 32.0), substeps=2)), 5)
    assert model.settings is not None
    inputs = draw(reflected(4, np.zeros(4), np.full(4, 32.0), substeps=2))[:, :5]
    monkeypatch.setattr(predictor, "predict_physics", lambda *args: 1 / 0)
    prediction = PhysicsModel(model.settings, Gate(1.0), 0.0).predict(inputs, 5)
    assert (
        prediction.problems
        == ["physics failed: unforeseen ZeroDivisionError in the physics: division by zero"] * 4
    )
    assert not Gate(1.0).passes(prediction).any()
    inputs[0, 0, 0, 0] = float("nan")
    with pytest.raises(ValueError, match=r"clips \[0\] hold NaN"):
        model.predict(inputs, 5)
