"""The book plan (tools/plan_book.py): its schedule arithmetic, make's -jN, the runs it counts."""

import json

import pytest

from tools import make_data, plan_book
from tools.plan_book import (
    chapter_chain,
    critical_path,
    first_listed,
    in_order,
    make_jobs,
    wall_estimate,
    wall_lower_bound,
)


def test_a_chapter_chain_adds_the_longest_run_of_each_call():
    # chapter 5: Task 6's U-Net alone, then the ablation whose longest run is the final network
    assert chapter_chain([[12.0], [80.0, 5.0, 5.0]]) == 92.0
    assert chapter_chain([[], [3.0]]) == 3.0


def test_the_critical_path_is_the_longest_chapter_chain():
    chapters = {"04": [[12.0, 14.0, 12.0]], "05": [[12.0], [80.0, 5.0]], "06": [[12.0, 80.0]]}
    assert critical_path(chapters) == 92.0
    assert critical_path({}) == 0.0


def test_no_build_is_shorter_than_its_critical_path_or_its_work_spread_over_the_cores():
    assert wall_lower_bound(core_seconds=240.0, critical=92.0, cores=2) == 120.0
    assert wall_lower_bound(core_seconds=240.0, critical=92.0, cores=8) == 92.0


def test_one_job_runs_the_chapters_one_after_the_other_and_several_side_by_side():
    chains = {"05": [[80.0, 10.0, 10.0]], "03": [[20.0, 20.0, 20.0, 20.0]]}
    # -j1: chapter 5 max(80, 100 / 2) = 80, then chapter 3 max(20, 80 / 2) = 40.
    assert wall_estimate(chains, cores=2, jobs=1) == 120.0
    # -j2: max(longest chain 80, all the work 180 / 2) = 90.
    assert wall_estimate(chains, cores=2, jobs=2) == 90.0
    assert wall_estimate({}, cores=2, jobs=2) == 0.0


@pytest.mark.parametrize(
    "makeflags, jobs",
    [
        ("", 1),
        (" -j2 --jobserver-auth=3,4", 2),
        ("k -j8", 8),
        (" -j", 4),
        ("--no-print-directory", 1),
    ],
)
def test_the_jobs_are_read_from_makeflags(makeflags, jobs, monkeypatch):
    monkeypatch.setattr(plan_book, "available_cores", lambda: 4)
    assert make_jobs(makeflags) == jobs


class Run:
    def __init__(self, name, seed=0):
        self.name, self.config = name, type("C", (), {"as_dict": lambda _: {"seed": seed}})()


def test_a_run_is_counted_in_the_first_chapter_make_starts_that_lists_it():
    task6, final, baseline = Run("unet-add"), Run("t7-final"), Run("baseline-cnn")
    chapters = {"02": [[baseline]], "05": [[task6, final]], "06": [[task6, final]]}
    ordered = in_order(chapters, ["05", "03"])
    assert list(ordered) == ["05", "02", "06"]
    trained = first_listed(ordered)
    assert [[r.name for r in call] for call in trained["05"]] == [["unet-add", "t7-final"]]
    assert trained["06"] == [[]] and [r.name for r in trained["02"][0]] == ["baseline-cnn"]


@pytest.mark.slow
def test_the_plan_of_a_quick_book_with_an_empty_cache_lists_every_model(tmp_path, capsys):
    make_data.main([str(tmp_path / "data")])
    out = tmp_path / "plan.json"
    plan_book.main(
        ["--quick", "--data-dir", str(tmp_path / "data"), "--cache-dir", str(tmp_path / "cache")]
        + ["--out", str(out)]
    )
    plan = json.loads(out.read_text())
    printed = capsys.readouterr().out
    assert plan["models"] > 0 and plan["estimated_seconds"] > 0
    assert "t7-final" in printed and "baseline-cnn" in printed and "unet-none" in printed
    assert "8 cores" in printed and set(plan["chains"]) == {"02", "03", "04", "05", "06"}
