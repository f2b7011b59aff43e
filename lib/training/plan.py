"""A chapter's training plan, said before it trains: what is missing, its steps and its time.

`train_side_by_side` (lib/training/side_by_side.py) probes each distinct model it must train (a
few optimiser steps on one batch of its own training data, on the run's own thread count, after
one warm-up step), estimates each run as steps × probed step time plus its per-epoch validation,
and the chapter's training time as the schedule it will run: runs of one thread count in a pool of
min(runs, cores // threads) workers, longest first, each run going to the worker free first
(`schedule_seconds`). While it trains it prints "model k of n" with the time left (the estimate
scaled by how the finished runs compared with theirs, less the time elapsed), and at the end the
estimate beside the time taken. Everything goes to stderr, one line per model at most.

The probe changes nothing that is trained: it runs inside `torch.random.fork_rng` with Python's
and numpy's generator states restored after it, on a model and optimiser of its own, and leaves
torch's thread count as it found it. The estimate is for this chapter alone on this machine as it
is during the probe (another chapter beside it under make -jN slows both).
"""

from __future__ import annotations

import heapq
import random
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import TextIO

import numpy as np
import torch

from lib.training.cache import _bound_arguments as bound_arguments  # as the cache keys them
from lib.training.device import pick_device, torch_threads
from lib.training.loop import TrainingRun, validated_epochs

PROBE_STEPS = 3  # timed optimiser steps per distinct model, after one warm-up step
Clock = Callable[[], float]


@dataclass(frozen=True)
class StepCost:
    """What the probe measured of one distinct model: seconds per optimiser step, and seconds per
    validation sample (forward pass in eval mode)."""

    step_seconds: float
    sample_seconds: float


@dataclass(frozen=True)
class Planned:
    """One run to train and its estimated seconds."""

    name: str
    steps: int
    threads: int
    seconds: float


@dataclass
class PlanRecord:
    """What one `train_side_by_side` call planned and took, for the provenance appendix."""

    models: int
    steps: int
    estimated_seconds: float
    probe_seconds: float
    wall_seconds: float = 0.0
    call: str = field(default_factory=lambda: uuid.uuid4().hex[:12])

    def as_dict(self) -> dict:
        return asdict(self)


def model_kind(run: TrainingRun) -> tuple:
    """What a run's step time depends on: its model, loss, augmentation, batch, threads and data
    shapes; runs that differ only in name, seed, epochs or learning rate share one probe."""
    callables = (run.build_model, run.loss_fn, run.augment)
    return (
        tuple(bound_arguments(f) if f is not None else None for f in callables),
        run.config.batch_size,
        run.threads,
        tuple(run.train_data[0].shape[1:]),
    )


def probe(run: TrainingRun, steps: int = PROBE_STEPS, clock: Clock = time.perf_counter) -> StepCost:
    """Time `steps` optimiser steps (after one warm-up step) and one forward pass of a model built
    like `run`'s on its first training batch, on `run.threads` threads, without touching any
    random generator state the training uses."""
    device = pick_device()
    with _untouched_generators(), torch_threads(run.threads):
        model = run.build_model().to(device)
        optimizer = torch.optim.Adam(model.parameters(), lr=run.config.lr)
        batch = run.config.batch_size
        inputs, targets = run.train_data[0][:batch], run.train_data[1][:batch]
        generator = torch.Generator().manual_seed(0)

        def step() -> None:
            x, y = run.augment(inputs, targets, generator) if run.augment else (inputs, targets)
            loss = run.loss_fn(model(x.to(device)), y.to(device))
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()

        model.train()
        step()
        started = clock()
        for _ in range(steps):
            step()
        _synchronize(device)
        step_seconds = (clock() - started) / steps
        model.eval()
        with torch.inference_mode():
            x = inputs.to(device)
            model(x)
            started = clock()
            model(x)
            _synchronize(device)
            sample_seconds = (clock() - started) / len(inputs)
    return StepCost(step_seconds, sample_seconds)


def run_seconds(run: TrainingRun, cost: StepCost) -> float:
    """Estimated training seconds of `run`: its steps, and its validations (`validated_epochs`)."""
    return (
        run.steps * cost.step_seconds
        + len(validated_epochs(run.config)) * len(run.val_data[0]) * cost.sample_seconds
    )


def lpt_makespan(durations: Sequence[float], workers: int) -> float:
    """Seconds until the last of `durations` ends when `workers` take them longest first, each
    to the worker free first (one worker or fewer: one after the other)."""
    if workers <= 1:
        return float(sum(durations))
    free_at = [0.0] * workers
    for duration in sorted(durations, reverse=True):
        heapq.heappush(free_at, heapq.heappop(free_at) + duration)
    return max(free_at)


def schedule_seconds(planned: Sequence[Planned], cores: int) -> float:
    """Estimated seconds of `train_side_by_side`'s schedule: one pool per thread count, one after
    the other, each of min(runs, cores // threads) workers."""
    total = 0.0
    for threads in sorted({p.threads for p in planned}):
        durations = [p.seconds for p in planned if p.threads == threads]
        total += lpt_makespan(durations, min(len(durations), cores // threads))
    return total


def plan(
    runs: Sequence[TrainingRun],
    cores: int,
    probe_cost: Callable[[TrainingRun], StepCost] | None = None,
    clock: Clock = time.perf_counter,
) -> tuple[list[Planned], PlanRecord]:
    """Each run's estimate and the plan's record; one probe (`probe` unless given) per distinct
    model."""
    probe_cost = probe_cost or probe
    started = clock()
    costs: dict[tuple, StepCost] = {}
    planned = []
    for run in runs:
        kind = model_kind(run)
        if kind not in costs:
            costs[kind] = probe_cost(run)
        planned.append(Planned(run.name, run.steps, run.threads, run_seconds(run, costs[kind])))
    record = PlanRecord(
        models=len(planned),
        steps=sum(p.steps for p in planned),
        estimated_seconds=schedule_seconds(planned, cores),
        probe_seconds=clock() - started,
    )
    return planned, record


def minutes(seconds: float) -> str:
    return f"{seconds / 60:.1f} min" if seconds >= 60 else f"{seconds:.0f} s"


class Progress:
    """Prints the plan, then one line per trained model with the time left, then the outcome."""

    def __init__(
        self,
        planned: Sequence[Planned],
        record: PlanRecord,
        clock: Clock = time.perf_counter,
        out: TextIO | None = None,
    ) -> None:
        self.estimates = {p.name: p.seconds for p in planned}
        self.record = record
        self.clock = clock
        self.out = out
        self.done: list[tuple[str, float | None]] = []
        self.print_progress(
            f"plan: {record.models} model(s) to train, {record.steps:,} steps, about "
            f"{minutes(record.estimated_seconds)} on this machine "
            f"(probe {record.probe_seconds:.1f} s)"
        )
        for p in planned:
            self.print_progress(f"plan:   {p.name}: {p.steps:,} steps, about {minutes(p.seconds)}")
        self.started = clock()

    def print_progress(self, line: str) -> None:
        """One line of the plan or its progress, on stderr unless `out` was given."""
        print(line, file=self.out or sys.stderr, flush=True)

    def left_seconds(self) -> float:
        """The estimate scaled by how the finished runs took against theirs, less time elapsed."""
        timed = [(name, seconds) for name, seconds in self.done if seconds is not None]
        estimated = sum(self.estimates.get(name, 0.0) for name, _ in timed)
        taken = sum(seconds for _, seconds in timed)
        pace = taken / estimated if estimated > 0 and taken > 0 else 1.0
        return max(self.record.estimated_seconds * pace - (self.clock() - self.started), 0.0)

    def trained(self, name: str, seconds: float | None) -> None:
        """A run has finished training in `seconds` (None: another process trained it)."""
        self.done.append((name, seconds))
        left = self.left_seconds() if len(self.done) < self.record.models else 0.0
        self.print_progress(
            f"plan: model {len(self.done)} of {self.record.models} trained ({name}, "
            + (
                "trained by another process"
                if seconds is None
                else f"{minutes(seconds)}, estimated {minutes(self.estimates.get(name, 0.0))}"
            )
            + f"); about {minutes(left)} left"
        )

    def finish(self) -> PlanRecord:
        """Print the estimate beside the time taken; the record with the wall time filled in."""
        self.record.wall_seconds = self.clock() - self.started
        self.print_progress(
            f"plan: trained {self.record.models} model(s) in "
            f"{minutes(self.record.wall_seconds)}; estimated "
            f"{minutes(self.record.estimated_seconds)}"
        )
        return self.record


@contextmanager
def _untouched_generators() -> Iterator[None]:
    """Restore Python's, numpy's and torch's (CPU and CUDA) global generators afterwards."""
    python_state, numpy_state = random.getstate(), np.random.get_state()
    try:
        with torch.random.fork_rng(devices=_cuda_devices()):
            yield
    finally:
        random.setstate(python_state)
        np.random.set_state(numpy_state)


def _cuda_devices() -> list[int]:
    return list(range(torch.cuda.device_count())) if torch.cuda.is_available() else []


def _synchronize(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)
