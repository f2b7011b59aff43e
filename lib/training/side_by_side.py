"""Train a chapter's independent runs side by side in a process pool, one worker per core.

A chapter lists the models it needs as `TrainingRun`s (lib.training.loop). Those the cache lacks
are trained in a `ProcessPoolExecutor` of spawned workers (so nothing of the notebook's kernel is
inherited), as many at a time as their threads fit the cores this process may use; then every run
is loaded from the cache in the chapter's own process, in the order given. A run that fits no pool
beside another (one run of its thread count, or one core) trains in the chapter's process, as a
plain loop would. Each run trains with its own fixed thread count, so its weights do not depend on
what ran beside it.

Before training, it prints its plan (lib/training/plan.py): the runs missing from the cache, their
steps and an estimate of the time from a probe of a few steps of each distinct model; then "model
k of n" with the time left as each finishes, and the estimate beside the time taken. The returned
models carry that record (`PlannedModel.plan`) into the chapter's provenance.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, fields
from pathlib import Path

import torch.multiprocessing

from lib.training.cache import TrainedModel, entry_path, run_key, train_cached
from lib.training.loop import TrainingRun
from lib.training.plan import PlanRecord, Progress, plan


@dataclass
class PlannedModel(TrainedModel):
    """A trained model with the plan of the call that returned it (None: nothing was missing)."""

    plan: PlanRecord | None = None

    def provenance(self) -> dict:
        return {**super().provenance(), "plan": None if self.plan is None else self.plan.as_dict()}


def train_side_by_side(
    runs: Sequence[TrainingRun], cache_dir: Path, show_plan: bool = True
) -> list[PlannedModel]:
    """The trained model of each run, in order; the missing ones are trained in parallel first.

    `from_cache` is False for the models trained in this call, wherever they were trained. With
    `show_plan`, the plan and progress of the missing ones are printed to stderr (no probe runs
    when nothing is missing).
    """
    cache_dir = Path(cache_dir)
    entries = [entry_path(cache_dir, run.name, run_key(run)) for run in runs]
    # Those to train now; a run listed twice trains once.
    missing = {
        entry: run
        for entry, run in zip(entries, runs, strict=True)
        if not (entry / "model.pt").exists()
    }
    progress = None
    estimates: dict[Path, float] = {}
    if missing and show_plan:
        planned, planned_record = plan(list(missing.values()), available_cores())
        progress = Progress(planned, planned_record)
        estimates = {entry: p.seconds for entry, p in zip(missing, planned, strict=True)}
    # Runs of one thread count share a pool sized so that their threads fill the cores, not more.
    pooled = set()
    for threads in sorted({run.threads for run in missing.values()}):
        # Longest first (by the plan's estimate, else by steps), so that the longest training does
        # not start last and run alone: a step of one model can cost ten of another's.
        group = sorted(
            (entry for entry, run in missing.items() if run.threads == threads),
            key=lambda entry: (estimates.get(entry, 0.0), missing[entry].steps),
            reverse=True,
        )
        workers = min(len(group), available_cores() // threads)
        if workers > 1:
            _train_in_pool([missing[entry] for entry in group], cache_dir, workers, progress)
            pooled.update(group)
    models = []
    for entry, run in zip(entries, runs, strict=True):
        model = train_cached(run, cache_dir)
        if progress is not None and entry in missing and entry not in pooled:
            pooled.add(entry)  # reported once, also when listed twice
            # Trained here, or (from the cache) by another process while this one waited.
            progress.trained(run.name, None if model.from_cache else model.train_seconds)
        models.append(model)
    record = progress.finish() if progress is not None else None
    # A model a worker trained in this call comes back from the cache, but it was trained now.
    return [
        PlannedModel(
            **{
                **{f.name: getattr(model, f.name) for f in fields(model)},
                **({"from_cache": False} if entry in missing else {}),
            },
            plan=record,
        )
        for entry, model in zip(entries, models, strict=True)
    ]


def available_cores() -> int:
    """Cores this process may run on (its CPU affinity, which containers and taskset narrow)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _train_in_pool(
    runs: list[TrainingRun], cache_dir: Path, workers: int, progress: Progress | None = None
) -> None:
    # Tensors reach the workers through shared memory (torch.multiprocessing's pickler).
    context = torch.multiprocessing.get_context("spawn")
    with (
        _stderr_for_workers(),
        ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool,
    ):
        # Submitted longest first, as listed; reported as each finishes.
        futures = {pool.submit(_train_in_worker, run, cache_dir): run for run in runs}
        for future in as_completed(futures):
            seconds = future.result()  # re-raises errors
            if progress is not None:
                progress.trained(futures[future].name, seconds)


@contextmanager
def _stderr_for_workers() -> Iterator[None]:
    """Let workers inherit this process's real stderr as their file descriptor 2.

    In a Jupyter kernel, descriptor 2 is a pipe whose contents the kernel sends both to the
    notebook and to its own stderr, so a worker's progress would reach papermill's log twice;
    there `sys.stderr.fileno()` is the kernel's own stderr. Python-level writes of this process
    go through `sys.stderr` and are not affected. Where stderr has no descriptor, nothing changes.
    """
    try:
        target = sys.stderr.fileno()
    except (AttributeError, OSError):  # a stream without a descriptor (ipykernel under pytest)
        target = 2
    if target == 2:
        yield
        return
    saved = os.dup(2)
    os.dup2(target, 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _train_in_worker(run: TrainingRun, cache_dir: Path) -> float | None:
    """Train `run` into the cache (the chapter's process loads it): its training seconds, or None
    where another process had trained it meanwhile."""
    model = train_cached(run, cache_dir)
    return None if model.from_cache else model.train_seconds
