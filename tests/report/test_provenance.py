"""The provenance appendix's model tables: one row per model in the book, one per run in the
file."""

import json

import pandas as pd

from lib.report.provenance import (
    book_plan_row,
    keep_training_record,
    kept_training_record,
    model_list,
    model_summary,
    plan_summary,
    training_record_path,
)


def run(chapter, name, seed, seconds, cached, epochs=5, key="ab" * 32):
    return {
        "chapter": chapter,
        "name": name,
        "key": key,
        "epochs": epochs,
        "train_seconds": seconds,
        "from_cache": cached,
        "seed": seed,
        "device": "cpu",
    }


MODELS = [
    run("02-counting", "baseline-cnn", 0, 10.0, True),
    run("02-counting", "baseline-cnn", 1, 12.4, False),
    run("05-video-beyond", "t7-final", 0, 852.0, False, epochs=120),
    run("03-counting-robust", "baseline-cnn", 0, 10.0, True),
]


def test_the_summary_has_one_row_per_model_with_the_seeds_and_the_chapters_that_use_it():
    table = model_summary(MODELS)
    # Chapter 3 loads chapter 2's baseline: one row, counted as chapter 2 listed it.
    assert table.values.tolist() == [
        ["2, 3", "baseline-cnn", 2, "0–1", "5", "cpu", "22", "1 of 2"],
        ["5", "t7-final", 1, "0", "120", "cpu", "852", "0 of 1"],
    ]
    assert model_summary([]).empty


def test_the_list_keeps_every_run_and_its_full_cache_key():
    table = model_list(MODELS)
    assert len(table) == 4 and table["cache key"].str.len().tolist() == [64] * 4
    assert list(table.columns) == [
        "chapter",
        "model",
        "cache key",
        "epochs",
        "seed",
        "device",
        "training (s)",
        "cached",
    ]


def plan(call, models, estimated, wall):
    return dict(
        call=call,
        models=models,
        steps=100 * models,
        estimated_seconds=estimated,
        probe_seconds=1.0,
        wall_seconds=wall,
    )


def test_the_plan_table_sums_each_chapters_calls_once():
    first, second = plan("a", 2, 600.0, 660.0), plan("b", 1, 60.0, 30.0)
    models = [
        {"chapter": "05-video-beyond", "name": "x", "plan": first},
        {"chapter": "05-video-beyond", "name": "y", "plan": first},  # the same call
        {"chapter": "05-video-beyond", "name": "z", "plan": second},
        {"chapter": "02-counting", "name": "w", "plan": None},  # everything from the cache
    ]
    table = plan_summary(models)
    assert table.to_dict("records") == [
        {
            "chapter": "5",
            "models trained": 3,
            "steps": "300",
            "estimated (min)": "11.0",
            "took (min)": "11.5",
            "took/est.": "1.05",
        }
    ]
    assert plan_summary([]).empty


def test_the_books_plan_row_sets_the_estimate_beside_the_time_since_the_plan(tmp_path):

    plan = tmp_path / "plan.json"
    assert book_plan_row(plan, now=0.0) is None  # no plan made
    record = dict(models=3, steps=1500, core_seconds=900.0, estimated_seconds=600.0)
    plan.write_text(json.dumps({**record, "cores": 2, "jobs": 2, "made_at": 1000.0}))
    assert book_plan_row(plan, now=1000.0 + 720.0) == [
        "book (make -j2, 2 cores)",
        3,
        "1,500",
        "10.0",
        "12.0",
        "1.20",
    ]
    plan.write_text(json.dumps({**record, "models": 0, "cores": 2, "jobs": 2, "made_at": 0.0}))
    assert book_plan_row(plan, now=5.0) is None  # nothing to train: the chapters' rows say so


def test_a_build_that_trains_nothing_finds_the_plan_table_of_the_build_that_trained(tmp_path):
    path = training_record_path(tmp_path / "cache", quick=False)
    assert kept_training_record(path) is None
    plans = pd.DataFrame([["5", 3, "1,200", "2.0", "2.5", "1.25"]], columns=list("abcdef"))
    keep_training_record(path, plans, "2026-12-08 on AMD EPYC")
    table, made = kept_training_record(path)
    assert table.equals(plans) and made == "2026-12-08 on AMD EPYC"
    # A quick preview keeps its own record: it never stands for the full build's.
    assert training_record_path(tmp_path / "cache", quick=True) != path


def test_an_ablation_rows_seeds_named_apart_make_one_row_of_the_model_table():
    names = ["r", "r-seed1"]
    models = [run("05-video", name, seed, 60.0, False) for seed, name in enumerate(names)]
    (row,) = model_summary(models).to_dict("records")
    assert (row["model"], row["runs"], row["seeds"], row["training (s)"]) == ("r", 2, "0–1", "120")
