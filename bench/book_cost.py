"""Where a clean build's training time goes: every model the book trains, measured on this machine.

    .venv/bin/python -m bench.book_cost [--steps 10] [--data-dir data] [--precision float32]
        [--quick]

The runs are built with the recipe functions the chapters call, on the course files in
`--data-dir` (their sizes set the steps), in the precision chapter 5 picks on this machine unless
`--precision` says otherwise (float32: a CPU without bfloat16 units). Runs that share a model,
loss, augmentation, batch and thread count (lib.training.plan.model_kind) make one row: its FLOPs
per optimiser step (torch.utils.flop_counter over forward and backward; Adam's elementwise update
is not counted), its step time on one thread (lib.training.plan.probe, the plan's own probe, with
`--steps` timed steps), the share of this CPU's matrix-multiply peak that makes (a large torch.mm
on one thread in the model's precision, float32 or bfloat16, measured in the same run) and its
one-thread minutes: the sum over its runs of steps × step time plus each of its validations (the
epochs `lib.training.loop.validated_epochs` names), as the plan estimates them.

The schedule is modelled simply. A clean build trains each distinct run once, in the first chapter
that lists it; a chapter is a sequence of `train_side_by_side` calls, and a call ends when its
longest run does, whoever trains it (a later chapter that lists it waits on the cache's lock).
So a chapter's chain is the sum over its calls of the longest run of each, the *critical path* is
the longest chapter chain, and no number of cores makes a build shorter than max(critical path,
core-minutes / cores): the lower bound printed for 2, 4 and 8 cores. (Make's -jN, the pools'
worker counts and processes sharing cores only lengthen it.)
A benchmark, not a test: run it on an otherwise idle machine and quote its tables with the load.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import torch
from torch.utils.flop_counter import FlopCounterMode

from lib.training.device import pick_device
from lib.training.loop import TrainingRun
from lib.training.plan import StepCost, model_kind, probe, run_seconds
from lib.training.precision import Bfloat16Autocast, training_precision
from tools.plan_book import (
    book_chapters,
    chapter_chain,
    critical_path,
    run_id,
    wall_lower_bound,
)

PEAK_SIZE = 2048  # torch.mm of two PEAK_SIZE² float32 matrices


def flops_per_step(run: TrainingRun) -> float:
    """Forward and backward FLOPs of one optimiser step on one batch of `run`'s training data."""
    state = torch.get_rng_state()
    try:
        model = run.build_model()
        batch = run.config.batch_size
        x, y = run.train_data[0][:batch], run.train_data[1][:batch]
        if run.augment is not None:
            x, y = run.augment(x, y, torch.Generator().manual_seed(0))
        with FlopCounterMode(display=False) as counter:
            run.loss_fn(model(x), y).backward()
    finally:
        torch.set_rng_state(state)
    return float(counter.get_total_flops())


def matmul_peak(
    dtype: torch.dtype = torch.float32, size: int = PEAK_SIZE, repeats: int = 3
) -> float:
    """FLOP/s of torch.mm in `dtype` on one thread, the best of `repeats` after a warm-up."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        a, b = torch.rand(size, size, dtype=dtype), torch.rand(size, size, dtype=dtype)
        torch.mm(a, b)
        best = float("inf")
        for _ in range(repeats):
            started = time.perf_counter()
            torch.mm(a, b)
            best = min(best, time.perf_counter() - started)
    finally:
        torch.set_num_threads(previous)
    return 2 * size**3 / best


@dataclass
class Row:
    label: str
    batch: int
    runs: int
    steps: int
    gflop: float
    precision: str
    cost: StepCost
    seconds: float  # one-thread seconds of all its runs


def measure(distinct: Sequence[TrainingRun], steps: int) -> tuple[list[Row], dict[tuple, float]]:
    """One row per kind of model, and each run's estimated one-thread seconds by run_id."""
    kinds: dict[tuple, list[TrainingRun]] = {}
    for run in distinct:
        kinds.setdefault(model_kind(run), []).append(run)
    rows, seconds = [], {}
    for group in kinds.values():
        first = group[0]
        cost = probe(replace(first, threads=1), steps=steps)
        for run in group:
            seconds[run_id(run)] = run_seconds(run, cost)
        names = sorted({run.name.split("-seed")[0] for run in group})
        label = names[0] + (f" (+{len(names) - 1} more)" if len(names) > 1 else "")
        rows.append(
            Row(
                label,
                first.config.batch_size,
                len(group),
                sum(run.steps for run in group),
                flops_per_step(first) / 1e9,
                "bfloat16" if isinstance(first.build_model(), Bfloat16Autocast) else "float32",
                cost,
                sum(seconds[run_id(run)] for run in group),
            )
        )
    return sorted(rows, key=lambda row: -row.seconds), seconds


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=10, help="timed steps per kind of model")
    parser.add_argument("--data-dir", type=Path, default=Path("data"))
    parser.add_argument("--precision", choices=("float32", "bfloat16"), default=None)
    parser.add_argument("--quick", action="store_true", help="the quick preview's runs")
    args = parser.parse_args(argv)
    precision = args.precision or training_precision(pick_device())
    chapters = book_chapters(args.data_dir, args.quick, precision)
    distinct = list(
        {run_id(run): run for calls in chapters.values() for call in calls for run in call}.values()
    )
    peaks = {"float32": matmul_peak(torch.float32)}
    if precision == "bfloat16":
        peaks["bfloat16"] = matmul_peak(torch.bfloat16)
    rows, seconds = measure(distinct, args.steps)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"torch {torch.__version__}, "
        f"ONEDNN_MAX_CPU_ISA={os.environ.get('ONEDNN_MAX_CPU_ISA', '')!r}, "
        f"{'quick' if args.quick else 'full'} build, Task 7 in "
        f"{precision}, one thread, {args.steps} timed steps per row, load average {load:.2f}; "
        "matrix-multiply peak "
        + ", ".join(f"{p / 1e9:.0f} GFLOP/s in {name}" for name, p in peaks.items())
        + "\n"
    )
    print(
        "| model (runs of one kind) | batch | runs | steps | GFLOP/step | precision | ms/step "
        "| % of peak | core-min |"
    )
    print("|---|---:|---:|---:|---:|---|---:|---:|---:|")
    for row in rows:
        share = row.gflop * 1e9 / row.cost.step_seconds / peaks[row.precision]
        print(
            f"| {row.label} | {row.batch} | {row.runs} | {row.steps:,} | {row.gflop:.2f} "
            f"| {row.precision} "
            f"| {row.cost.step_seconds * 1000:.1f} | {share:.0%} | {row.seconds / 60:.1f} |"
        )
    work = sum(seconds.values())
    chains = {
        chapter: [[seconds[run_id(run)] for run in call] for call in calls]
        for chapter, calls in chapters.items()
    }
    critical = critical_path(chains)
    longest = max(chains, key=lambda chapter: chapter_chain(chains[chapter]))
    print(
        f"\n{len(distinct)} distinct runs: {work / 60:.0f} core-minutes; critical path "
        f"{critical / 60:.0f} minutes (chapter {longest}: "
        + " then ".join(f"{max(call) / 60:.0f}" for call in chains[longest])
        + " min); chapter chains: "
        + ", ".join(f"{c} {chapter_chain(chain) / 60:.1f}" for c, chain in chains.items())
        + " min"
    )
    print(
        "no build is shorter than: "
        + ", ".join(
            f"{cores} cores {wall_lower_bound(work, critical, cores) / 60:.0f} min"
            for cores in (2, 4, 8)
        )
    )


if __name__ == "__main__":
    main()
