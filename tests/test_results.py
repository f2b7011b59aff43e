import json

import pytest

from lib.results import ChapterResults, load_results


def test_record_holds_mean_std_and_seed_count(tmp_path):
    results = ChapterResults("02-x", tmp_path)
    record = results.add("task3", "baseline-cnn", "test_accuracy", [0.8, 0.9, 1.0])
    assert record == {"task": "task3", "model": "baseline-cnn", "metric": "test_accuracy",
                      "value": pytest.approx(0.9), "std": pytest.approx(0.1), "n_seeds": 3,
                      "device": "cpu"}
    assert results.add("task6", "unet", "val_psnr", 21.5)["std"] == 0.0


def test_unknown_metric_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown metric"):
        ChapterResults("02-x", tmp_path).add("task3", "m", "accuracy", 1.0)


def test_chapters_are_merged_in_order(tmp_path):
    for chapter, value in (("03-b", 2.0), ("02-a", 1.0)):
        results = ChapterResults(chapter, tmp_path)
        results.add("t", chapter, "val_mse", value)
        results.save()
    records, models = load_results(tmp_path)
    assert [r["value"] for r in records] == [1.0, 2.0] and models == []
    assert json.loads((tmp_path / "02-a.json").read_text())["records"][0]["model"] == "02-a"
