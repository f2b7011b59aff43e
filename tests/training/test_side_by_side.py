import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
import torch

from lib.counting.models import baseline_cnn
from lib.counting.workflow import correct, cross_entropy
from lib.settings import BALL_COUNTS
from lib.training import side_by_side
from lib.training.cache import train_cached
from lib.training.loop import TrainConfig, TrainingRun
from lib.training.plan import Planned, PlanRecord
from lib.training.side_by_side import train_side_by_side


def tiny_runs(seeds, samples=40, epochs=1, batch_size=32):
    generator = torch.Generator().manual_seed(5)
    images = torch.rand(samples, 1, 32, 32, generator=generator)
    counts = torch.tensor(BALL_COUNTS)[torch.arange(samples) % 3]
    split = samples * 4 // 5
    return [
        TrainingRun(
            "tiny",
            baseline_cnn,
            (images[:split], counts[:split]),
            (images[split:], counts[split:]),
            TrainConfig(epochs=epochs, seed=seed, batch_size=batch_size),
            cross_entropy,
            metrics={"accuracy": correct},
        )
        for seed in seeds
    ]


def assert_same_weights(a, b):
    assert a.key == b.key and a.history == b.history
    for name, weights in a.model.state_dict().items():
        assert torch.equal(weights, b.model.state_dict()[name]), name


@pytest.mark.slow
def test_runs_trained_in_the_pool_equal_runs_trained_one_after_the_other(tmp_path, monkeypatch):
    monkeypatch.setattr(side_by_side, "available_cores", lambda: 2)
    runs = tiny_runs([0, 1, 2])
    in_pool = train_side_by_side(runs, tmp_path / "pool")
    assert [run.config.seed for run in in_pool] == [0, 1, 2]
    assert not any(run.from_cache for run in in_pool)  # trained by the workers in this call
    assert all(run.from_cache for run in train_side_by_side(runs, tmp_path / "pool"))
    one_after_the_other = [train_cached(run, tmp_path / "here") for run in runs]
    assert not any(run.from_cache for run in one_after_the_other)
    for a, b in zip(in_pool, one_after_the_other, strict=True):
        assert_same_weights(a, b)


def test_a_run_listed_twice_trains_once_and_cached_runs_do_not_train(tmp_path):
    runs = tiny_runs([0])
    first = train_side_by_side(runs * 2, tmp_path)
    assert [run.key for run in first] == [first[0].key] * 2 and not any(
        run.from_cache for run in first
    )
    assert len(list(tmp_path.rglob("model.pt"))) == 1
    again = train_side_by_side(runs, tmp_path)
    assert again[0].from_cache


def test_pooled_runs_use_no_more_threads_than_there_are_cores(tmp_path, monkeypatch):
    monkeypatch.setattr(side_by_side, "available_cores", lambda: 2)
    pools = []

    def record_pool(runs, cache_dir, workers, progress=None):
        pools.append(([run.config.seed for run in runs], workers))
        for run in runs:
            train_cached(run, cache_dir)

    monkeypatch.setattr(side_by_side, "_train_in_pool", record_pool)
    one_thread = tiny_runs([0, 1, 2])
    two_threads = [replace(run, threads=2) for run in tiny_runs([3, 4])]
    trained = train_side_by_side([two_threads[0], *one_thread, two_threads[1]], tmp_path)
    assert [run.config.seed for run in trained] == [3, 0, 1, 2, 4]
    assert not any(run.from_cache for run in trained)
    # Two one-thread runs at a time; two-thread runs one at a time, in this process.
    assert pools == [([0, 1, 2], 2)]


def handed_to_a_pool_of_two(monkeypatch) -> list:
    """The runs handed to the pool, in order, on two cores (trained here, one after the other)."""
    monkeypatch.setattr(side_by_side, "available_cores", lambda: 2)
    handed: list = []

    def record_pool(runs, cache_dir, workers, progress=None):
        handed.extend(runs)
        for run in runs:
            train_cached(run, cache_dir)

    monkeypatch.setattr(side_by_side, "_train_in_pool", record_pool)
    return handed


def test_the_longest_runs_are_handed_to_the_pool_first(tmp_path, monkeypatch):
    handed = handed_to_a_pool_of_two(monkeypatch)
    runs = [
        replace(run, config=replace(run.config, epochs=epochs))
        for run, epochs in zip(tiny_runs([0, 1, 2]), (1, 3, 2), strict=True)
    ]
    trained = train_side_by_side(runs, tmp_path)
    assert [run.config.epochs for run in handed] == [3, 2, 1]
    assert [run.config.epochs for run in trained] == [1, 3, 2]  # returned in the order asked


def test_the_plan_s_longest_estimate_goes_to_the_pool_first_whatever_its_steps(
    tmp_path, monkeypatch
):
    handed = handed_to_a_pool_of_two(monkeypatch)
    # Seed 0 has the most steps, seed 2 the slowest steps: the estimate, not the steps, decides.
    seconds = {0: 10.0, 1: 5.0, 2: 60.0}

    def fake_plan(runs, cores):
        planned = [Planned(r.name, r.steps, r.threads, seconds[r.config.seed]) for r in runs]
        return planned, PlanRecord(len(runs), 0, 60.0, 0.0)

    monkeypatch.setattr(side_by_side, "plan", fake_plan)
    runs = [
        replace(run, config=replace(run.config, epochs=epochs))
        for run, epochs in zip(tiny_runs([0, 1, 2]), (3, 2, 1), strict=True)
    ]
    train_side_by_side(runs, tmp_path)
    assert [run.config.seed for run in handed] == [2, 0, 1]


KILLED_BUILD = """
import sys
from pathlib import Path
from lib.training import side_by_side
from tests.training.test_side_by_side import slow_runs

side_by_side.available_cores = lambda: 2  # a pool of two workers even on a one-core machine
side_by_side.train_side_by_side(slow_runs(), Path(sys.argv[1]))
"""


def slow_runs():
    """Two runs of a few epochs each: long enough to be killed between checkpoints."""
    return tiny_runs([0, 1], samples=250, epochs=4, batch_size=4)


@pytest.mark.slow
def test_a_killed_pool_resumes_to_the_weights_of_an_uninterrupted_training(
    tmp_path, monkeypatch, capsys
):
    cache_dir = tmp_path / "killed"
    root = Path(__file__).resolve().parents[2]
    # Its own process group, so that the kill reaches the workers as Ctrl-C in a build would.
    build = subprocess.Popen(
        [sys.executable, "-c", KILLED_BUILD, str(cache_dir)], cwd=root, start_new_session=True
    )
    deadline = time.monotonic() + 120
    while len(list(cache_dir.rglob("checkpoint.pt"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    os.killpg(build.pid, signal.SIGKILL)
    build.wait()
    assert len(list(cache_dir.rglob("checkpoint.pt"))) == 2, "both workers checkpointed"
    assert not list(cache_dir.rglob("model.pt")), "a run finished before it could be killed"

    monkeypatch.setattr(side_by_side, "available_cores", lambda: 1)  # resumed in this process
    resumed = train_side_by_side(slow_runs(), cache_dir)
    assert capsys.readouterr().err.count("resuming after epoch") == 2
    uninterrupted = [train_cached(run, tmp_path / "reference") for run in slow_runs()]
    for a, b in zip(resumed, uninterrupted, strict=True):
        assert_same_weights(a, b)
