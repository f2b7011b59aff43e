import json

import numpy as np
import pytest

from lib.metrics import video_metrics
from lib.report.results import ChapterResults, load_results
from lib.training.device import pick_device


def test_record_holds_mean_std_seed_count_and_the_device_that_trains(tmp_path):
    results = ChapterResults("02-x", tmp_path)
    record = results.add("task3", "baseline-cnn", "test_accuracy", [0.8, 0.9, 1.0])
    assert record == {
        "task": "task3",
        "model": "baseline-cnn",
        "metric": "test_accuracy",
        "value": pytest.approx(0.9),
        "std": pytest.approx(0.1),
        "n_seeds": 3,
        "device": str(pick_device()),
    }
    assert results.add("task6", "unet", "val_psnr", 21.5)["std"] == 0.0


def test_the_device_recorded_is_the_one_device_picks(tmp_path, monkeypatch):
    # "meta" is a device every torch has and no machine trains on: it cannot be a default.
    monkeypatch.setenv("DEVICE", "meta")
    record = ChapterResults("02-x", tmp_path).add("task3", "m", "test_accuracy", 1.0)
    assert record["device"] == "meta"


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


def test_video_scores_record_the_psnr_of_the_mean_mse_of_clipped_predictions(tmp_path):
    targets = np.zeros((2, 1, 8, 8))
    targets[:, :, :4] = 1.0
    predictions = targets + 0.5  # half the pixels above 1: clipping removes their error
    results = ChapterResults("04-x", tmp_path)
    results.add_video_scores("task6", "unet-add", video_metrics(predictions, targets))
    recorded = {r["metric"]: r["value"] for r in results.records}
    assert recorded["val_mse"] == pytest.approx(0.25)  # the raw predictions, as the training loss
    # clipped: 0.125
    assert recorded["val_psnr_of_mean_mse"] == pytest.approx(10 * np.log10(1 / 0.125))
    assert set(recorded) == {"val_mse", "val_ssim", "val_psnr", "val_psnr_of_mean_mse"}
