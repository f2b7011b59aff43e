import itertools

import numpy as np
import pytest
import torch
from torch import nn

import lib.data.simulate
from lib.data.simulate import Physics, render, simulate_trajectories
from lib.physics import predictor
from lib.physics.identify import Settings
from lib.physics.predictor import (
    Gate,
    PhysicsModel,
    PhysicsPrediction,
    choose_gate,
    fit_physics_model_cached,
    hybrid_predict,
    predict_physics,
)
from lib.settings import EXACT_REPRODUCTION_MSE

N_IN, N_OUT = 5, 5
TRUE = Settings(
    radius=3.84,
    sharpness=8.0,
    walls=(0.0, 32.0, 0.0, 32.0),
    substeps=2,
    max_balls=3,
    look_frames=0,
    bounces=0,
    on_grid_share=1.0,
)  # the simulator's defaults in pixels


def simulate(n_clips: int, seed: int, ball_counts=(1, 2, 3)):
    """Clips (N, 10, 32, 32) of the default simulator and their trajectories (box units)."""
    rng = np.random.default_rng(seed)
    counts = rng.choice(ball_counts, n_clips)
    radii = np.where(np.arange(3) < counts[:, None], 1.2, np.nan)
    paths = simulate_trajectories(counts, 10, radii, rng, Physics())
    return torch.from_numpy(render(paths.positions, radii)), paths


def velocity_changes(velocities: np.ndarray) -> np.ndarray:
    """(N, 9): whether any ball's velocity changed over each interval."""
    return (np.nan_to_num(np.abs(np.diff(velocities, axis=1))) > 0).any(axis=(2, 3))


class Constant(nn.Module):
    """A stand-in network that predicts one grey value everywhere."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.full_like(x, 0.25)


def clip_mse(frames: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    return (frames.double() - targets.double()).pow(2).mean(dim=(1, 2, 3))


@pytest.mark.slow
def test_free_flight_and_one_wall_bounce_after_the_input_are_predicted_exactly():
    clips, paths = simulate(80, seed=0, ball_counts=(1,))
    changes = velocity_changes(paths.velocities)
    free = ~changes.any(axis=1)
    one_bounce_later = ~changes[:, :N_IN].any(axis=1) & (changes.sum(axis=1) == 1)
    assert free.sum() >= 3 and one_bounce_later.sum() >= 3
    prediction = predict_physics(clips[:, :N_IN], TRUE, N_OUT)
    mse = clip_mse(prediction.frames, clips[:, N_IN:])
    assert mse[torch.from_numpy(free | one_bounce_later)].max() < 1e-8


@pytest.mark.slow
def test_a_bounce_inside_the_input_window_does_not_spoil_the_velocity():
    clips, paths = simulate(120, seed=1)
    early_event = velocity_changes(paths.velocities)[:, 0]  # an event between frames 0 and 1
    assert early_event.sum() >= 3
    prediction = predict_physics(clips[:, :N_IN], TRUE, N_OUT)
    assert clip_mse(prediction.frames, clips[:, N_IN:])[torch.from_numpy(early_event)].max() < 1e-8


@pytest.mark.slow
def test_balls_that_pass_through_each_other_fail_the_gate_and_go_to_the_network(monkeypatch):
    monkeypatch.setattr(lib.data.simulate, "_collide", lambda x, v, radii: v)
    clips, paths = simulate(150, seed=2, ball_counts=(2,))
    monkeypatch.undo()
    gap = np.linalg.norm(paths.positions[:, :N_IN, 0] - paths.positions[:, :N_IN, 1], axis=-1)
    # Colliding balls overlap by a sub-step's move at most; these overlap by far more in the input.
    wrong = torch.from_numpy((gap < 2 * 1.2 - 0.5).any(axis=1))
    model = PhysicsModel(TRUE, Gate(1e-10), seconds=0.0)
    hybrid = hybrid_predict(model, Constant(), clips[:, :N_IN], N_OUT)
    assert wrong.sum() >= 3
    assert not hybrid.from_physics[wrong].any(), "a clip the rules cannot explain passed the gate"
    assert (hybrid.frames[wrong] == 0.25).all()
    assert all(
        hybrid.reasons[i].startswith("input not reproduced") for i in torch.nonzero(wrong).flatten()
    )
    assert hybrid.from_physics.any()  # clips whose balls never met are still physics


@pytest.mark.slow
def test_bad_input_gets_a_reason_and_the_network_not_a_crash():
    clips, _ = simulate(4, seed=3, ball_counts=(1,))
    four_balls, _ = lib.data.simulate.simulate_clips(
        1, N_IN, np.random.default_rng(4), ball_counts=(4,)
    )
    inputs = clips[:, :N_IN].clone()
    inputs[0] *= 3  # pixels above 1
    inputs[1] = 0  # all black
    inputs[2] = torch.from_numpy(four_balls[0])
    hybrid = hybrid_predict(PhysicsModel(TRUE, Gate(1e-10), 0.0), Constant(), inputs, N_OUT)
    assert hybrid.from_physics.tolist() == [False, False, False, True]
    assert hybrid.reasons[:3] == [
        "pixels outside [0, 1]",
        "no ball found",
        "4 balls: more than any training clip (3)",
    ]
    inputs[3, 2, 5, 7] = float("nan")
    with pytest.raises(ValueError, match=r"clips \[3\]"):
        predict_physics(inputs, TRUE, N_OUT)


def test_the_gate_stops_at_the_first_run_of_mostly_wrong_clips():
    n = 100
    scores = torch.cat([torch.full((80,), 1e-10), torch.full((20,), 1e-3)]).double()
    targets = torch.zeros(n, 1, 2, 2)
    frames = torch.zeros(n, 1, 2, 2)
    frames[80:] = 0.5  # the clips with large self-check scores are wrong
    frames[3] = 0.5  # one failure the self-check cannot see does not close the gate
    prediction = PhysicsPrediction(frames, torch.ones(n), torch.zeros(n), scores, [""] * n)
    gate = choose_gate(prediction, targets)
    assert gate.threshold == pytest.approx(1e-10)
    assert gate.passes(prediction).sum() == 80


def test_clips_reproduced_to_rounding_pass_a_gate_chosen_between_rounding_errors():
    """Exact clips differ in their reproduction error by rounding alone (3.05e-29 against
    3.2e-29 on a file of balls of their own radii); a run closed by wrong clips at 1e-29 must not
    drop the exact ones just above it. Where the best run fails, nothing passes."""
    n = 100
    scores = torch.cat([torch.full((20,), 1e-29), torch.full((80,), 3.2e-29)]).double()
    frames = torch.zeros(n, 1, 2, 2)
    frames[20:60] = 0.5  # wrong clips the self-check cannot see close the gate after one run
    prediction = PhysicsPrediction(frames, torch.ones(n), torch.zeros(n), scores, [""] * n)
    gate = choose_gate(prediction, torch.zeros(n, 1, 2, 2))
    assert gate.threshold == EXACT_REPRODUCTION_MSE and gate.passes(prediction).all()
    frames[:20] = 0.5
    assert choose_gate(prediction, torch.zeros(n, 1, 2, 2)).threshold == float("-inf")
    # ... unless those are means of several futures, never within 40 dB yet no failure of the rules
    averaged = PhysicsPrediction(
        frames, torch.ones(n), torch.zeros(n), scores, [""] * n, torch.full((n,), 2)
    )
    assert choose_gate(averaged, torch.zeros(n, 1, 2, 2)).threshold == EXACT_REPRODUCTION_MSE


def test_the_fitted_model_is_cached_by_data(monkeypatch, tmp_path):
    calls = []

    def fake_fit(clips, n_input):
        calls.append(len(clips))
        return PhysicsModel(TRUE, Gate(1e-12), seconds=1.5)

    monkeypatch.setattr(predictor, "fit_physics_model", fake_fit)
    clips = torch.rand(3, 10, 32, 32)
    first, cached_first = fit_physics_model_cached(clips, N_IN, tmp_path)
    second, cached_second = fit_physics_model_cached(clips, N_IN, tmp_path)
    assert (cached_first, cached_second) == (False, True) and second == first
    fit_physics_model_cached(clips * 0.5, N_IN, tmp_path)
    assert calls == [3, 3]


def test_clips_that_show_too_little_to_identify_send_every_clip_to_the_network(tmp_path):
    clips, _ = simulate(6, seed=5)
    black = torch.zeros(6, 10, 32, 32)  # nothing to measure a ball on
    model, _ = fit_physics_model_cached(black, N_IN, tmp_path)
    assert model.settings is None and "single ball" in model.problem
    again, from_cache = fit_physics_model_cached(black, N_IN, tmp_path)
    assert from_cache and again == model
    hybrid = hybrid_predict(model, Constant(), clips[:, :N_IN], N_OUT)
    assert not hybrid.from_physics.any() and (hybrid.frames == 0.25).all()
    assert set(hybrid.reasons) == {f"settings not identified: {model.problem}"}


def test_combine_takes_the_physics_where_the_gate_passes_and_reason_counts_group_the_reasons():
    clips, _ = simulate(6, seed=6, ball_counts=(1,))
    physics = predict_physics(clips[:, :N_IN], TRUE, N_OUT)
    scores = physics.reproduction_mse.clone()
    scores[:2] = 1.0
    physics = PhysicsPrediction(
        physics.frames, physics.ball_counts, physics.start_frame, scores, physics.problems
    )
    hybrid = predictor.combine(physics, Gate(1e-10), torch.full((6, N_OUT, 32, 32), 0.25))
    assert hybrid.from_physics.tolist() == [False, False, True, True, True, True]
    assert (hybrid.frames[:2] == 0.25).all() and torch.equal(hybrid.frames[2:], physics.frames[2:])
    reasons = [
        "",
        "input not reproduced (MSE 1e-05)",
        "no ball found",
        "input not reproduced (MSE 2e-05)",
    ]
    assert predictor.reason_counts(reasons) == {"input not reproduced": 2, "no ball found": 1}


def clip_from(
    positions: list, velocities: list, numbering: tuple[int, ...] | None = None
) -> torch.Tensor:
    """One clip (1, 10, 32, 32) of the default simulator from a start state in box units, its balls
    numbered in `numbering`'s order (the order in which the simulator resolves pairs)."""
    order = list(numbering or range(len(positions)))
    x, v = np.array([positions])[:, order], np.array([velocities])[:, order]
    radii = np.full((1, len(positions)), 1.2)
    states = [x]
    for _ in range(9):
        x, v = lib.data.simulate._advance_one_frame(x, v, radii, Physics())
        states.append(x)
    return torch.from_numpy(render(np.stack(states, axis=1), radii))


def test_a_ball_with_events_after_the_start_frame_takes_its_velocity_from_before_it():
    # A collision between frames 0 and 1, a wall bounce between 1 and 2, another collision between
    # 2 and 3: no interval is free for every ball, but at frame 1 each ball has a free side.
    clip = clip_from(
        [[3.8271, 4.3762], [6.2126, 4.7861], [8.6042, 4.3905]],
        [[0.1359, 0.0321], [-0.0039, 0.2482], [0.1559, 0.3803]],
    )
    prediction = predict_physics(clip[:, :N_IN], TRUE, N_OUT)
    assert prediction.start_frame.item() == 1 and prediction.problems == [""]
    assert prediction.reproduction_mse.item() < 1e-10
    assert clip_mse(prediction.frames, clip[:, N_IN:]).item() < 1e-10


@pytest.mark.parametrize("numbering", list(itertools.permutations(range(3))))
def test_one_ball_meeting_two_inside_the_input_is_resolved_in_the_order_the_input_shows(numbering):
    # Between frames 2 and 3 one ball hits the two others in the same sub-step: the outcome depends
    # on which pair the simulator resolves first, which the frames after the meeting show.
    clip = clip_from(
        [[5.3077, 7.1885], [2.4332, 8.5026], [4.8598, 3.7817]],
        [[-0.1785, -0.2452], [0.2256, -0.2133], [-0.0186, 0.2475]],
        numbering,
    )
    prediction = predict_physics(clip[:, :N_IN], TRUE, N_OUT)
    assert prediction.problems == [""] and prediction.reproduction_mse.item() < 1e-10
    assert clip_mse(prediction.frames, clip[:, N_IN:]).item() < 1e-10


@pytest.mark.parametrize("numbering", list(itertools.permutations(range(3))))
@pytest.mark.parametrize(
    "start",
    [
        # one ball hits two others in one sub-step after the input (between frames 5 and 6) ...
        (
            [[2.9572, 8.4955], [6.4274, 8.6794], [5.0797, 2.7658]],
            [[0.2074, -0.0883], [-0.0516, -0.359], [0.0949, 0.2422]],
        ),
        # ... or in the last sub-step of the input, which then shows nothing of its outcome
        (
            [[6.7325, 7.3973], [4.1642, 5.1818], [7.0543, 2.784]],
            [[-0.1047, -0.3397], [0.0027, -0.0483], [-0.2713, 0.2184]],
        ),
    ],
)
@pytest.mark.slow
def test_three_balls_meeting_in_an_order_no_input_frame_shows_get_the_mean_of_their_futures(
    start, numbering
):
    clip = clip_from(*start, numbering)
    # By hand: the simulator's clip under every numbering; those whose input frames are this
    # clip's are the futures the input allows, each as likely as the others.
    others = [clip_from(*start, other) for other in itertools.permutations(range(3))]
    allowed = [
        other[0, N_IN:] for other in others if (other[:, :N_IN] - clip[:, :N_IN]).abs().max() < 1e-6
    ]
    futures = torch.stack(allowed).double()
    assert (futures - futures[0]).abs().max() > 0.1  # the futures differ
    hybrid = hybrid_predict(PhysicsModel(TRUE, Gate(1e-10), 0.0), Constant(), clip[:, :N_IN], N_OUT)
    prediction = predict_physics(clip[:, :N_IN], TRUE, N_OUT)
    assert hybrid.from_physics.item() and hybrid.reasons == [""]
    assert prediction.n_futures.item() == len(futures) > 1
    assert clip_mse(hybrid.frames, futures.mean(0)[None]).item() < 1e-10


def test_clips_with_a_problem_do_not_choose_the_gate():
    n = 100
    scores = torch.cat(
        [torch.full((60,), 1e-10), torch.full((20,), 2e-10), torch.full((20,), 3e-10)]
    ).double()
    frames = torch.zeros(n, 1, 2, 2)
    frames[60:80] = 0.5  # wrong, but sent anyway for their problem
    problems = [""] * 60 + ["ball count changes between frames"] * 20 + [""] * 20
    prediction = PhysicsPrediction(frames, torch.ones(n), torch.zeros(n), scores, problems)
    gate = choose_gate(prediction, torch.zeros(n, 1, 2, 2))
    assert gate.threshold == pytest.approx(3e-10)
    assert gate.passes(prediction).tolist() == [True] * 60 + [False] * 20 + [True] * 20
