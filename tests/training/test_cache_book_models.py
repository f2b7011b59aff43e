"""Every model the book trains, and the physics fit, is keyed by exactly the lib code it can run.

A change is simulated by appending a comment to one module's source in the mapping the keys are
read from (lib.training.cache_keys.lib_sources), never by editing a file. What a result "can
run" is found independently of the cache's own import reader: Python's modulefinder, from the
modules that define its model, loss, metrics and augmentation, and the trainer's.
"""

import functools
import inspect
import modulefinder
from pathlib import Path

import numpy as np
import pytest
import torch

from lib import settings
from lib.counting import ablation as counting_ablation
from lib.counting.models import baseline_cnn
from lib.counting.recipes import HANDOUT_PART1, ROBUST_PART1
from lib.counting.workflow import CountingData, counter_run
from lib.physics import predictor
from lib.training import cache_keys
from lib.training.cache import run_key as cache_run_key
from lib.training.loop import TrainingRun
from lib.video import ablation as video_ablation
from lib.video import recipes as video_recipes
from lib.video.workflow import VideoData, predictor_run

ROOT = Path(__file__).resolve().parents[2]
SOURCES = cache_keys.lib_sources()
TRAINER = "lib.training.cache"


def counting_runs() -> list[TrainingRun]:
    """Chapter 2's counter and chapter 3's ablation rows, built as the chapters build them."""
    images = torch.zeros(4, 1, 32, 32)
    counts = torch.tensor([1, 2, 3, 1])
    data = CountingData((images, counts), (images, counts), (images, counts))
    config = HANDOUT_PART1
    rows = counting_ablation.ablation_rows(
        config, ROBUST_PART1, (0.7, 1.4), settings.TEST_INFORMED_SCALE_RANGE
    )
    return [counter_run("baseline-cnn", baseline_cnn, data, config)] + [
        counter_run(name, build, data, config, augment=augment)
        for name, build, augment, config in rows.values()
    ]


def video_data() -> VideoData:
    clips = torch.zeros(2, 5, 32, 32)
    return VideoData((clips, clips), (clips, clips), np.array([1, 2]))


def task6_runs() -> list[TrainingRun]:
    """Chapter 4's U-Nets, one per way of joining the skips."""
    return [
        predictor_run(
            f"unet-{mode}",
            video_recipes.handout_unet(mode),
            video_data(),
            video_recipes.HANDOUT_PART2,
        )
        for mode in ("add", "concat", "none")
    ]


def task7_runs() -> list[TrainingRun]:
    """Chapter 5's ablation rows and side experiments, in both precisions a build may choose."""
    short, final = video_recipes.TASK7_SHORT, video_recipes.TASK7_FINAL
    variants = [
        variant
        for precision in ("float32", "bfloat16")
        for variant in [
            *video_recipes.ablation_variants(short, final, precision),
            *video_recipes.side_variants(short, final, precision),
        ]
    ]
    return [video_ablation.training_run(variant, video_data()) for variant in variants]


BOOK = {"part 1": counting_runs(), "task 6": task6_runs(), "task 7": task7_runs()}
RUNS = [run for runs in BOOK.values() for run in runs]


def run_key(run: TrainingRun, sources, monkeypatch) -> str:
    monkeypatch.setattr(cache_keys, "lib_sources", lambda: sources)
    return cache_run_key(run)


def physics_key(sources, monkeypatch) -> str:
    monkeypatch.setattr(cache_keys, "lib_sources", lambda: sources)
    return predictor.physics_fit_key("physics", torch.zeros(2, 10, 32, 32), 5)


def modules_of(run: TrainingRun) -> set[str]:
    """The modules defining the run's callables (through partials, their callable arguments)."""
    found = set()
    waiting = [run.build_model, run.loss_fn, run.augment, *(run.metrics or {}).values()]
    while waiting:
        obj = waiting.pop()
        if isinstance(obj, functools.partial):
            waiting += [obj.func, *obj.args, *obj.keywords.values()]
        elif inspect.isfunction(obj) or inspect.isclass(obj):
            found.add(obj.__module__)
        elif obj is not None and type(obj).__module__.startswith("lib."):
            found.add(type(obj).__module__)
    return found


def can_run(modules: set[str]) -> set[str]:
    """The lib modules that importing `modules` can load, by Python's own modulefinder."""
    finder = modulefinder.ModuleFinder(path=[str(ROOT)])
    for module in modules:
        finder.import_hook(module)
    return {name for name in finder.modules if name == "lib" or name.startswith("lib.")}


def changed_keys(key_of, monkeypatch) -> set[str]:
    """The lib modules whose edit changes the key `key_of(sources)`."""
    base = key_of(SOURCES)
    return {
        module
        for module, text in SOURCES.items()
        if key_of({**SOURCES, module: text + "\n# edited\n"}) != base
    }


@pytest.mark.parametrize("run", RUNS, ids=[f"{i}-{run.name}" for i, run in enumerate(RUNS)])
def test_a_model_retrains_exactly_when_a_module_it_can_run_changes(run, monkeypatch):
    changed = changed_keys(lambda sources: run_key(run, sources, monkeypatch), monkeypatch)
    assert changed == can_run(modules_of(run) | {TRAINER})
    assert not {module for module in changed if module.startswith("lib.report")}


def test_the_physics_fit_refits_exactly_when_a_module_it_can_run_changes(monkeypatch):
    changed = changed_keys(lambda sources: physics_key(sources, monkeypatch), monkeypatch)
    assert changed == can_run({"lib.physics.predictor"})
    # The two modules its hand-made list of keys used to miss.
    assert {"lib.settings", "lib.data.blobs"} <= changed
    assert not {m for m in changed if m.startswith(("lib.report", "lib.counting"))}


def test_a_part_does_not_retrain_for_the_other_parts_models():
    for run in BOOK["part 1"]:
        assert not {"lib.video.unet", "lib.video.models"} & can_run(modules_of(run) | {TRAINER})
    for run in BOOK["task 6"] + BOOK["task 7"]:
        assert not {m for m in can_run(modules_of(run)) if m.startswith("lib.counting")}


def test_the_task7_networks_retrain_when_the_handouts_blocks_change(monkeypatch):
    """Task 7's networks are built from lib/video/unet.py's ConvBlock: a change there (3x3 to 5x5,
    an activation) must reach them, although their class lives in lib/video/models.py."""
    edited = {**SOURCES, "lib.video.unet": SOURCES["lib.video.unet"] + "\n# 5x5\n"}
    for run in BOOK["task 7"]:
        assert run_key(run, edited, monkeypatch) != run_key(run, SOURCES, monkeypatch)


def test_book_runs_cover_every_kind_of_model():
    names = {run.name for run in RUNS}
    assert {"baseline-cnn", "robust-cnn", "unet-add", "t7-final", "t7-rollout"} <= names
    assert len(BOOK["task 7"]) == 2 * len({run.name for run in BOOK["task 7"]})
