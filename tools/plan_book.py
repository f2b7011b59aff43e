"""Before a build trains anything: what the book will train, and about how long that takes here.

    python -m tools.plan_book --data-dir data --cache-dir cache --out build/plan.json
        [--quick] [--chapters chapters/05-video-beyond.ipynb ...]

`make report` runs it before the first chapter. It lists every run the chapters train
(`book_chapters`, built with the same recipe functions), finds those missing from the cache, probes
each distinct missing model for a few optimiser steps on one thread (lib.training.plan.probe, run
before any chapter loads the cores) and prints the plan: the models, their steps and the estimate
of the training's wall time for this make's -jN on this machine's cores. The schedule is modelled
as `wall_estimate` says. The estimate and the time it was made go to `--out`, where the provenance
appendix sets them beside the time the chapters took.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import time
from dataclasses import replace
from pathlib import Path

from lib import settings
from lib.counting import ablation as counting_ablation
from lib.counting.augment import training_scale_range
from lib.counting.models import baseline_cnn
from lib.counting.recipes import HANDOUT_PART1, ROBUST_PART1
from lib.counting.workflow import counter_run, load_counting_data
from lib.training.cache import entry_path, run_key
from lib.training.device import pick_device
from lib.training.loop import TrainingRun, budget
from lib.training.plan import StepCost, minutes, model_kind, probe, run_seconds
from lib.training.precision import training_precision
from lib.training.side_by_side import available_cores
from lib.video import ablation as video_ablation
from lib.video import recipes
from lib.video.workflow import load_video_data, predictor_run

Chapters = dict[str, list[list[TrainingRun]]]
OTHER_CORE_COUNTS = (4, 8)  # the plan also estimates the build on these many cores


def book_chapters(data_dir: Path, quick: bool, precision: str) -> Chapters:
    """Each training chapter's `train_side_by_side` calls, in order, as lists of runs."""
    counting = load_counting_data(data_dir, quick=quick)
    video = load_video_data(data_dir, quick=quick)
    seeds = settings.seeds(quick)
    baseline, longer = budget(HANDOUT_PART1, quick), budget(ROBUST_PART1, quick)
    baselines = [
        counter_run("baseline-cnn", baseline_cnn, counting, replace(baseline, seed=s))
        for s in seeds
    ]
    rows = counting_ablation.ablation_rows(
        baseline,
        longer,
        training_scale_range(counting.train[0], settings.MIN_BALL_RADIUS_PX),
        settings.RENDERED_SHARE,
        settings.TEST_INFORMED_SCALE_RANGE,
    )
    counting_rows = [
        counter_run(name, build, counting, replace(config, seed=s), augment=augment)
        for name, build, augment, config in rows.values()
        for s in seeds
    ]
    unets = [
        predictor_run(
            f"unet-{m}", recipes.handout_unet(m), video, budget(recipes.HANDOUT_PART2, quick)
        )
        for m in ("add", "concat", "none")
    ]
    short, final = budget(recipes.TASK7_SHORT, quick), budget(recipes.TASK7_FINAL, quick)
    variants = video_ablation.planned_runs(
        recipes.ablation_variants(short, final, precision),
        recipes.side_variants(short, final, precision),
        settings.task7_seeds(quick),
    )
    task6 = recipes.task6_run(video, quick)
    final_run = video_ablation.training_run(recipes.final_variant(quick, precision), video)
    return {
        "02": [baselines],
        "03": [baselines, counting_rows],
        "04": [unets],
        "05": [[task6, *(video_ablation.training_run(v, video) for v in variants)]],
        "06": [[task6, final_run]],
    }


def run_id(run: TrainingRun) -> tuple:
    """A run as the cache tells runs apart, without hashing its data: name and settings."""
    return (run.name, tuple(sorted(run.config.as_dict().items())))


def in_order(chapters: Chapters, order: list[str]) -> Chapters:
    """`chapters` in the order make starts them (`order`: chapter numbers; the rest after)."""
    first = [number for number in order if number in chapters]
    return {n: chapters[n] for n in [*first, *(n for n in chapters if n not in first)]}


def first_listed(chapters: Chapters) -> dict[str, list[list[TrainingRun]]]:
    """Each distinct run only in the first chapter call that lists it: where a clean build trains
    it (a later chapter that lists it waits on the cache's lock, or loads it)."""
    seen: set[tuple] = set()
    trained: Chapters = {}
    for number, calls in chapters.items():
        trained[number] = []
        for call in calls:
            fresh = [run for run in call if run_id(run) not in seen]
            seen.update(run_id(run) for run in fresh)
            trained[number].append(fresh)
    return trained


def chapter_chain(calls: list[list[float]]) -> float:
    """A chapter's chain: the sum over its calls of the longest run of each (seconds)."""
    return sum(max(call, default=0.0) for call in calls)


def critical_path(chains: dict[str, list[list[float]]]) -> float:
    """The longest chapter chain (seconds)."""
    return max((chapter_chain(calls) for calls in chains.values()), default=0.0)


def wall_lower_bound(core_seconds: float, critical: float, cores: int) -> float:
    """No schedule on `cores` cores ends sooner: max(critical path, work / cores)."""
    return max(critical, core_seconds / cores)


def wall_estimate(chains: dict[str, list[list[float]]], cores: int, jobs: int) -> float:
    """Seconds of training for make -j`jobs` on `cores` cores, each run's one-thread seconds
    given per chapter call; a call ends when its longest run does, and its runs share the cores.
    One job: the chapters one after the other, each call as `wall_lower_bound` of its own runs.
    Several: the chapters side by side, `wall_lower_bound` of all the work and the longest chain."""
    if jobs <= 1:
        return sum(
            wall_lower_bound(sum(call), max(call, default=0.0), cores)
            for calls in chains.values()
            for call in calls
        )
    work = sum(sum(call) for calls in chains.values() for call in calls)
    return wall_lower_bound(work, critical_path(chains), cores)


def make_jobs(makeflags: str) -> int:
    """The -jN of the make that runs this (MAKEFLAGS); a bare -j counts as one job per core."""
    match = re.search(r"(?:^|\s)-j(\d*)", makeflags)
    if match is None:
        return 1
    return int(match[1]) if match[1] else available_cores()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("data"))
    parser.add_argument("--cache-dir", type=Path, default=Path("cache"))
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--chapters", nargs="*", default=[], help="in the order make starts them")
    args = parser.parse_args(argv)
    order = [Path(path).name[:2] for path in args.chapters]
    precision = training_precision(pick_device())
    chapters = first_listed(in_order(book_chapters(args.data_dir, args.quick, precision), order))
    missing = {
        number: [
            [
                r
                for r in call
                if not (entry_path(args.cache_dir, r.name, run_key(r)) / "model.pt").exists()
            ]
            for call in calls
        ]
        for number, calls in chapters.items()
    }
    runs = [run for calls in missing.values() for call in calls for run in call]
    cores, jobs = available_cores(), make_jobs(os.environ.get("MAKEFLAGS", ""))
    costs: dict[tuple, StepCost] = {}
    for run in runs:
        if model_kind(run) not in costs:
            costs[model_kind(run)] = probe(replace(run, threads=1))
    seconds = {id(run): run_seconds(run, costs[model_kind(run)]) for run in runs}
    chains = {n: [[seconds[id(r)] for r in call] for call in calls] for n, calls in missing.items()}
    estimate = wall_estimate(chains, cores, jobs)
    if runs:
        print(
            f"==> Plan: {len(runs)} model(s) to train, {sum(r.steps for r in runs):,} steps, "
            f"{sum(seconds.values()) / 60:.0f} core-minutes: about {minutes(estimate)} of "
            f"training with make -j{jobs} on {cores} core(s) here, plus the chapters' evaluation"
        )
        for number, calls in missing.items():
            names = sorted({r.name.split("-seed")[0] for call in calls for r in call})
            if names:
                print(f"    chapter {number}: {', '.join(names)}")
        print(
            "    the same schedule with make -jN on N cores of this CPU: "
            + ", ".join(
                f"{n} cores {minutes(wall_estimate(chains, n, n))}" for n in OTHER_CORE_COUNTS
            )
        )
    else:
        print("==> Plan: every model is in the cache; nothing to train")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {
                "models": len(runs),
                "steps": sum(r.steps for r in runs),
                "core_seconds": sum(seconds.values()),
                "estimated_seconds": estimate,
                "cores": cores,
                "jobs": jobs,
                "made_at": time.time(),
                "chains": chains,
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
