"""The physics-informed predictor: perceive, track, fit the state through the rules, roll out,
render; a self-check per clip; a gate chosen on training clips; a hybrid with a learned network.

The self-check is the reproduction error: the fitted trajectory rendered over the input frames
it covers against those frames (mean squared pixel error). A clip whose input the physics has
not explained (or could not even be fitted: no ball, a ball count that changes, more balls than
any training clip, pixels outside [0, 1]) goes to the network. Where states with different
futures explain the input equally (three balls meeting in an order no frame shows), the
prediction is the mean of those futures' frames, one per numbering of the balls, equally
weighted: the least expected squared error when no numbering is likelier than another.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from torch import Tensor, nn

from lib.physics.identify import IdentificationError, Settings, identify_settings
from lib.physics.perception import perceive
from lib.physics.render import render_balls
from lib.physics.state import fit_states
from lib.physics.tracking import order_balls_and_radii
from lib.settings import (
    EXACT_REPRODUCTION_MSE,
    FUTURE_TOLERANCE,
    GATE_CLIPS,
    GATE_RUN_MIN,
    GATE_RUN_SHARE,
    GOOD_MSE,
    IDENTIFICATION_CLIPS,
    MAX_BAD_SHARE,
)
from lib.training.cache_keys import entry_path, result_key


@dataclass(frozen=True)
class PhysicsPrediction:
    """Predicted frames with each clip's self-check."""

    # (N, n_out, H, W) float32; the last input frame repeated where nothing was fitted
    frames: Tensor
    ball_counts: Tensor  # (N,) balls found per clip; -1 where the frames disagree
    start_frame: Tensor  # (N,) the input frame the fitted state starts at
    reproduction_mse: Tensor  # (N,) float64; inf where nothing was fitted
    problems: list[str]  # per clip, why the physics is not trusted whatever the gate ("" when none)
    # (N,) futures averaged: the numberings of the balls whose states explain the input and whose
    # futures differ by more than FUTURE_TOLERANCE (1 where the input allows one future)
    n_futures: Tensor | None = None


@dataclass(frozen=True)
class Gate:
    """Trust the physics on a clip when it ran, found one future and reproduced its input to
    `threshold` (MSE)."""

    threshold: float

    def passes(self, prediction: PhysicsPrediction) -> Tensor:
        return (prediction.reproduction_mse <= self.threshold) & _without_problem(prediction)

    def reasons(self, prediction: PhysicsPrediction) -> list[str]:
        """Why each clip is sent to the network ("" for clips the physics keeps)."""
        return [
            problem or ("" if mse <= self.threshold else f"input not reproduced (MSE {mse:.1e})")
            for problem, mse in zip(
                prediction.problems, prediction.reproduction_mse.tolist(), strict=True
            )
        ]


@dataclass(frozen=True)
class PhysicsModel:
    """What the predictor learns from training clips: the settings and the gate.

    When the training clips do not show what a setting is read from, `settings` is None,
    `problem` says what could not be identified, and every clip goes to the network.
    """

    settings: Settings | None
    gate: Gate
    seconds: float  # time to identify the settings and choose the gate
    problem: str = ""  # why nothing was identified ("" when the settings were)

    def predict(self, inputs: Tensor, n_out: int) -> PhysicsPrediction:
        """`predict_physics` with the identified settings; without them, or where the prediction
        itself fails (`refusal`), nothing fitted on any clip: every clip goes to the network."""
        if self.settings is None:
            return _nothing_fitted(inputs, n_out, f"settings not identified: {self.problem}")
        _check_finite(inputs)
        try:
            return predict_physics(inputs, self.settings, n_out)
        except Exception as error:  # the network takes over: see `refusal`
            return _nothing_fitted(inputs, n_out, f"physics failed: {refusal(error)}")


@dataclass(frozen=True)
class HybridPrediction:
    """The physics where the gate passes, the network elsewhere."""

    frames: Tensor  # (N, n_out, H, W)
    from_physics: Tensor  # (N,) bool
    reasons: list[str]  # per clip, why it went to the network ("" for physics clips)


def predict_physics(inputs: Tensor, settings: Settings, n_out: int) -> PhysicsPrediction:
    """Frames (N, n_out, H, W) after inputs (N, T, H, W), with each clip's self-check."""
    _check_finite(inputs)
    n_clips, n_frames, height, width = inputs.shape
    frames = inputs[:, -1:].repeat(1, n_out, 1, 1).float()
    reproduction = torch.full((n_clips,), float("inf"), dtype=torch.float64)
    start_frame = torch.full((n_clips,), -1)
    spread = torch.zeros(n_clips, dtype=torch.float64)
    n_futures = torch.ones(n_clips, dtype=torch.int64)
    in_range = ((inputs >= 0) & (inputs <= 1)).flatten(1).all(1)
    # One ball more than training showed, so that such a clip is recognised, not misread.
    seen = perceive(inputs, settings.look(), settings.max_balls + 1, settings.own_radii())
    counts = seen.clip_counts()
    for n_balls in range(1, settings.max_balls + 1):
        clips = torch.nonzero((counts == n_balls) & in_range).flatten()
        if not len(clips):
            continue
        tracks, radii = order_balls_and_radii(
            seen.centres[clips], None if seen.radii is None else seen.radii[clips], n_balls
        )
        present = torch.ones(len(clips), n_balls, dtype=torch.bool)
        fit = fit_states(tracks, present, settings.rules(), n_out, radii)
        # Each clip's radii (M, B), shaped to broadcast against the M clips' (..., B) frames.
        per_clip = None if radii is None else radii[:, None]
        frames[clips] = render_balls(
            fit.future, present[:, None], settings.look(), height, width, per_clip
        ).float()
        # Where states that all explain the input foresee different futures (the order of a
        # meeting no frame shows), the mean of their rendered futures, one per numbering.
        several = torch.nonzero(fit.future_spread > FUTURE_TOLERANCE).flatten()
        if len(several):
            # (M, P, n_out, H, W): each of the M clips' P numbered futures
            futures, shown = fit.numbered_futures[several], present[several, None, None]
            own = None if radii is None else radii[several, None, None]
            rendered = render_balls(futures, shown, settings.look(), height, width, own)
            weights = fit.numbering_weights[several]
            frames[clips[several]] = (rendered * weights[:, :, None, None, None]).sum(1).float()
            n_futures[clips[several]] = (weights > 0).sum(1)
        replay = render_balls(
            fit.trajectory.nan_to_num(), present[:, None], settings.look(), height, width, per_clip
        )
        covered = torch.arange(n_frames)[None] >= fit.start_frame[:, None]  # (M, T)
        squared = (replay - inputs[clips].double()).pow(2).mean(dim=(2, 3))
        reproduction[clips] = (squared * covered).sum(1) / covered.sum(1)
        start_frame[clips] = fit.start_frame
        spread[clips] = fit.future_spread
    problems = [
        _problem(int(count), bool(valid), settings.max_balls)
        for count, valid in zip(counts, in_range, strict=True)
    ]
    return PhysicsPrediction(frames, counts, start_frame, reproduction, problems, n_futures)


def choose_gate(prediction: PhysicsPrediction, targets: Tensor) -> Gate:
    """The loosest threshold below which training clips of similar self-check were predicted right.

    The clips are sorted by their reproduction error and cut into runs of GATE_RUN_SHARE of them
    (at least GATE_RUN_MIN); the threshold is the largest error of the last run, counted from the
    best, before the first run in which more than MAX_BAD_SHARE of the clips were predicted worse
    than GOOD_MSE (the targets are known on training clips). Failures no self-check can see
    (an input reproduced exactly, a future bounce mistimed) are spread over the runs, so they do
    not tighten the gate; inputs the physics did not explain form runs of their own.

    Where the best run was right, the threshold is at least EXACT_REPRODUCTION_MSE, so that no
    clip reproduced to rounding is dropped. For that run a mean of several futures (a crowded box)
    is not wrong: it is never within GOOD_MSE, yet no sign that the rules are.
    """
    error = (prediction.frames.double() - targets.double()).pow(2).mean(dim=(1, 2, 3))
    # Clips with a problem go to the network whatever the threshold: they do not choose it.
    kept = _without_problem(prediction)
    scores, order = prediction.reproduction_mse[kept].sort()
    bad = error[kept][order] > GOOD_MSE
    run = max(GATE_RUN_MIN, int(len(scores) * GATE_RUN_SHARE))
    threshold = float("-inf")
    for start in range(0, len(scores), run):
        chunk = slice(start, start + run)
        if not torch.isfinite(scores[chunk]).all() or bad[chunk].double().mean() > MAX_BAD_SHARE:
            break
        threshold = float(scores[chunk][-1])
    n_futures = prediction.n_futures
    if n_futures is None:
        n_futures = torch.ones(len(prediction.problems), dtype=torch.int64)
    wrong = bad[:run] & (n_futures[kept][order][:run] == 1)
    if torch.isfinite(scores[:run]).all() and wrong.double().mean() <= MAX_BAD_SHARE:
        threshold = max(threshold, EXACT_REPRODUCTION_MSE)
    return Gate(threshold)


def fit_physics_model(train_clips: Tensor, n_input: int) -> PhysicsModel:
    """Identify the settings on some training clips and choose the gate on others.

    `train_clips` (N, T, H, W) are whole training clips; the gate predicts frames n_input..T-1
    of its clips from the frames before, as the predictor will on new clips.
    """
    started = time.perf_counter()
    # Two thirds at most identify, so that the gate always sees clips the settings were not fitted
    # on.
    n_identify = min(IDENTIFICATION_CLIPS, 2 * len(train_clips) // 3)
    try:
        settings = identify_settings(train_clips[:n_identify])
        held_out = train_clips[n_identify : n_identify + GATE_CLIPS]
        prediction = predict_physics(held_out[:, :n_input], settings, held_out.shape[1] - n_input)
        gate = choose_gate(prediction, held_out[:, n_input:])
    except Exception as error:  # the network takes over: see `refusal`
        seconds = time.perf_counter() - started
        return PhysicsModel(None, Gate(float("-inf")), seconds, refusal(error))
    return PhysicsModel(settings, gate, time.perf_counter() - started)


def physics_fit_key(name: str, train_clips: Tensor, n_input: int) -> str:
    """The physics fit's cache key, as a model's (lib/training/cache_keys.py): the clips' bytes,
    `n_input` and every lib module this module imports, transitively, settings included."""
    return result_key(name, [fit_physics_model], [train_clips], {"n_input": n_input})


def refusal(error: Exception) -> str:
    """One line saying why the physics refused. Any failure of the physics (a measurement the
    rules do not allow, and equally a numerical failure no one foresaw) sends every clip to the
    network instead of stopping the book; an unforeseen one is named by its type and first line.
    """
    if isinstance(error, IdentificationError):
        return str(error)
    first_line = (str(error).strip().splitlines() or [""])[0]
    # torch raises private subclasses (_LinAlgError): the public name reads better
    return f"unforeseen {type(error).__name__.lstrip('_')} in the physics: {first_line}"


def fit_physics_model_cached(
    train_clips: Tensor, n_input: int, cache_dir: Path = Path("cache"), name: str = "physics"
) -> tuple[PhysicsModel, bool]:
    """`fit_physics_model` stored as JSON under cache_dir/name/<key>/; returns the model and
    whether it was cached."""
    key = physics_fit_key(name, train_clips, n_input)
    path = entry_path(cache_dir, name, key) / "physics.json"
    if path.exists():
        stored = json.loads(path.read_text())
        settings = stored["settings"] and Settings(
            **{
                **stored["settings"],
                "walls": tuple(stored["settings"]["walls"]),
                "radii_seen": tuple(stored["settings"].get("radii_seen", (0.0, 0.0))),
            }
        )
        return PhysicsModel(
            settings, Gate(**stored["gate"]), stored["seconds"], stored["problem"]
        ), True
    model = fit_physics_model(train_clips, n_input)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(asdict(model), indent=1))
    return model, False


def hybrid_predict(
    model: PhysicsModel, network: nn.Module, inputs: Tensor, n_out: int
) -> HybridPrediction:
    """The physics prediction where `model.gate` passes, `network`'s (inputs -> n_out frames)
    elsewhere."""
    physics = model.predict(inputs, n_out)
    keep = model.gate.passes(physics)
    frames = physics.frames.clone()
    sent = torch.nonzero(~keep).flatten()
    if len(sent):
        network.eval()
        with torch.no_grad():
            frames[sent] = network(inputs[sent].float()).float().cpu()
    return HybridPrediction(frames, keep, model.gate.reasons(physics))


def combine(physics: PhysicsPrediction, gate: Gate, network_frames: Tensor) -> HybridPrediction:
    """`hybrid_predict` from predictions already made: the physics where `gate` passes, else
    `network_frames` (N, n_out, H, W), the network's prediction of the same clips."""
    keep = gate.passes(physics)
    frames = torch.where(
        keep[:, None, None, None], physics.frames, network_frames.to(physics.frames.dtype)
    )
    return HybridPrediction(frames, keep, gate.reasons(physics))


def reason_counts(reasons: list[str]) -> dict[str, int]:
    """How many clips each kind of reason sent to the network, most frequent first (the text
    before any parenthesis, so "input not reproduced (MSE 2e-05)" counts as "input not
    reproduced")."""
    kinds = [reason.split(" (")[0] for reason in reasons if reason]
    return dict(
        sorted(
            ((kind, kinds.count(kind)) for kind in set(kinds)), key=lambda item: (-item[1], item[0])
        )
    )


def _check_finite(inputs: Tensor) -> None:
    """Bad input is the caller's error, not the physics' failure: it is raised, not refused."""
    if not torch.isfinite(inputs).all():
        bad = torch.nonzero(~torch.isfinite(inputs).flatten(1).all(1)).flatten().tolist()
        raise ValueError(f"clips {bad[:10]} hold NaN or infinite pixels")


def _nothing_fitted(inputs: Tensor, n_out: int, problem: str) -> PhysicsPrediction:
    """The last input frame repeated, every clip sent to the network for `problem`."""
    n_clips = len(inputs)
    return PhysicsPrediction(
        inputs[:, -1:].repeat(1, n_out, 1, 1).float(),
        torch.full((n_clips,), -1),
        torch.full((n_clips,), -1),
        torch.full((n_clips,), float("inf"), dtype=torch.float64),
        [problem] * n_clips,
    )


def _without_problem(prediction: PhysicsPrediction) -> Tensor:
    return torch.tensor([not problem for problem in prediction.problems], dtype=torch.bool)


def _problem(count: int, in_range: bool, max_balls: int) -> str:
    if not in_range:
        return "pixels outside [0, 1]"
    if count == -1:
        return "ball count changes between frames"
    if count == 0:
        return "no ball found"
    if count > max_balls:
        return f"{count} balls: more than any training clip ({max_balls})"
    return ""
