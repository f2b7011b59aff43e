import io
import random
from dataclasses import replace

import numpy as np
import pytest
import torch

from lib.training import plan as plan_module
from lib.training import side_by_side
from lib.training.plan import (
    Planned,
    PlanRecord,
    Progress,
    StepCost,
    lpt_makespan,
    plan,
    probe,
    run_seconds,
    schedule_seconds,
)
from lib.training.side_by_side import train_side_by_side
from tests.training.test_side_by_side import assert_same_weights, tiny_runs


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_longest_first_makespan():
    assert lpt_makespan([5, 3, 3, 2], workers=2) == 7  # 5+2 and 3+3
    assert lpt_makespan([5, 3, 3, 2], workers=1) == 13
    assert lpt_makespan([4, 1], workers=8) == 4
    assert lpt_makespan([], workers=2) == 0


def test_schedule_runs_one_pool_per_thread_count_one_after_the_other():
    planned = [
        Planned("a", 10, 1, 60.0),
        Planned("b", 10, 1, 30.0),
        Planned("c", 10, 1, 30.0),
        Planned("d", 10, 2, 20.0),
        Planned("e", 10, 2, 20.0),
    ]
    # one-thread pool of two workers: 60; two-thread runs one at a time on two cores: 40
    assert schedule_seconds(planned, cores=2) == 100
    assert schedule_seconds(planned, cores=4) == 60 + 20
    assert schedule_seconds(planned, cores=1) == 120 + 0 + 40  # 1 // 2 = 0 workers: in turn


def test_a_run_is_estimated_from_its_steps_and_its_validation():
    (run,) = tiny_runs([0], samples=40, epochs=3, batch_size=4)  # 32 train, 8 val samples
    assert run.steps == 24
    assert run_seconds(run, StepCost(0.5, 0.01)) == pytest.approx(24 * 0.5 + 3 * 8 * 0.01)
    # Validated after epochs 2 and 3 only: two validations of the 8 samples.
    sparse = replace(run, config=replace(run.config, val_every=2))
    assert run_seconds(sparse, StepCost(0.5, 0.01)) == pytest.approx(24 * 0.5 + 2 * 8 * 0.01)


def test_plan_probes_each_distinct_model_once():
    runs = tiny_runs([0, 1, 2], samples=40, epochs=1, batch_size=4)
    runs.append(replace(runs[0], name="other", config=replace(runs[0].config, batch_size=8)))
    probed = []

    def fake_probe(run):
        probed.append(run.config.batch_size)
        return StepCost(step_seconds=run.config.batch_size / 4, sample_seconds=0.0)

    planned, record = plan(runs, cores=2, probe_cost=fake_probe)
    assert probed == [4, 8]  # the seeds share a probe; another batch size is another model
    assert [p.seconds for p in planned] == [8.0, 8.0, 8.0, 8.0]
    assert record.models == 4 and record.steps == 8 * 3 + 4
    assert record.estimated_seconds == 16.0


def test_progress_prints_the_plan_the_time_left_and_the_outcome():
    clock, out = FakeClock(), io.StringIO()
    planned = [Planned("long", 1000, 1, 600.0), Planned("short", 100, 1, 60.0)]
    record = PlanRecord(models=2, steps=1100, estimated_seconds=600.0, probe_seconds=1.5)
    progress = Progress(planned, record, clock=clock, out=out)
    clock.now = 90.0
    progress.trained("short", 90.0)  # took 1.5 times its estimate
    clock.now = 900.0
    progress.trained("long", 900.0)
    finished = progress.finish()
    assert finished.wall_seconds == 900.0
    assert out.getvalue().splitlines() == [
        "plan: 2 model(s) to train, 1,100 steps, about 10.0 min on this machine (probe 1.5 s)",
        "plan:   long: 1,000 steps, about 10.0 min",
        "plan:   short: 100 steps, about 1.0 min",
        "plan: model 1 of 2 trained (short, 1.5 min, estimated 1.0 min); about 13.5 min left",
        "plan: model 2 of 2 trained (long, 15.0 min, estimated 10.0 min); about 0 s left",
        "plan: trained 2 model(s) in 15.0 min; estimated 10.0 min",
    ]


def test_a_model_another_process_trained_counts_but_does_not_set_the_pace():
    clock, out = FakeClock(), io.StringIO()
    planned = [Planned("a", 10, 1, 100.0), Planned("b", 10, 1, 100.0), Planned("c", 10, 1, 100.0)]
    record = PlanRecord(models=3, steps=30, estimated_seconds=300.0, probe_seconds=0.1)
    progress = Progress(planned, record, clock=clock, out=out)
    clock.now = 10.0
    progress.trained("a", None)
    clock.now = 200.0
    progress.trained("b", 200.0)  # twice its estimate: 600 s in all, 200 gone
    lines = out.getvalue().splitlines()
    assert (
        lines[-2]
        == "plan: model 1 of 3 trained (a, trained by another process); about 4.8 min left"
    )
    assert lines[-1].endswith("about 6.7 min left")


def test_the_probe_leaves_every_generator_and_the_thread_count_as_it_found_them():
    (run,) = tiny_runs([0], samples=40, batch_size=4)
    torch.manual_seed(7)
    random.seed(7)
    np.random.seed(7)
    threads = torch.get_num_threads()
    states = (torch.get_rng_state(), random.getstate(), np.random.get_state()[1].copy())
    cost = probe(replace(run, threads=1), steps=2)
    assert cost.step_seconds > 0 and cost.sample_seconds > 0
    assert torch.equal(torch.get_rng_state(), states[0])
    assert random.getstate() == states[1]
    assert np.array_equal(np.random.get_state()[1], states[2])
    assert torch.get_num_threads() == threads


def test_weights_are_bit_identical_with_and_without_the_plan(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(side_by_side, "available_cores", lambda: 1)  # in this process, no pool
    runs = tiny_runs([0, 1], samples=40, epochs=2, batch_size=4)
    planned = train_side_by_side(runs, tmp_path / "planned")
    err = capsys.readouterr().err
    assert "plan: 2 model(s) to train" in err and "plan: model 2 of 2 trained" in err
    unplanned = train_side_by_side(runs, tmp_path / "unplanned", show_plan=False)
    assert "plan:" not in capsys.readouterr().err
    for a, b in zip(planned, unplanned, strict=True):
        assert_same_weights(a, b)
    record = planned[0].provenance()["plan"]
    assert record["models"] == 2 and record["wall_seconds"] > 0
    assert record["call"] == planned[1].provenance()["plan"]["call"]
    assert unplanned[0].provenance()["plan"] is None


def test_nothing_missing_means_no_probe_and_no_plan(tmp_path, monkeypatch, capsys):
    runs = tiny_runs([0], samples=40, batch_size=8)
    train_side_by_side(runs, tmp_path)
    capsys.readouterr()

    def no_probe(run):
        raise AssertionError("probed although nothing was missing")

    monkeypatch.setattr(plan_module, "probe", no_probe)
    (again,) = train_side_by_side(runs, tmp_path)
    assert again.from_cache and again.provenance()["plan"] is None
    assert "plan:" not in capsys.readouterr().err


def test_a_run_listed_twice_is_one_model_of_the_plan(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(side_by_side, "available_cores", lambda: 1)
    runs = tiny_runs([0], samples=40, batch_size=8)
    train_side_by_side(runs * 2, tmp_path)
    err = capsys.readouterr().err
    assert "plan: model 1 of 1 trained" in err and "model 2 of" not in err
