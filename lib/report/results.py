"""Headline numbers of the book, written per chapter as machine-readable JSON.

Each chapter saves its own file `<results_dir>/<chapter>.json` (so chapters can run in parallel);
the build merges them into one `results.json`. A record reads like
{"task": "task3", "model": "baseline-cnn", "metric": "test_accuracy", "value": 0.91,
 "std": 0.02, "n_seeds": 5, "device": "cpu"}; `value` is the mean over seeds and `device` is
where the chapter ran.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from lib.training.device import pick_device

METRICS = (
    "test_accuracy",
    "val_accuracy",
    "val_mse",
    "val_ssim",
    "val_psnr",
    "val_psnr_of_mean_mse",
    "val_share_better",  # the share of validation clips predicted better than the final network
    "val_psnr_seed_sd",  # the seed-to-seed deviation of one run's PSNR, pooled over the ablation
    "train_seconds",
)


class ChapterResults:
    """Collects one chapter's records and the provenance of the models it used."""

    def __init__(self, chapter: str, results_dir: Path) -> None:
        self.chapter = chapter
        self.path = Path(results_dir) / f"{chapter}.json"
        self.records: list[dict] = []
        self.models: list[dict] = []

    def add(self, task: str, model: str, metric: str, values: float | Sequence[float]) -> dict:
        """Record a metric; a sequence of values (one per seed) is stored as mean, std and count."""
        if metric not in METRICS:
            raise ValueError(f"unknown metric {metric!r}; expected one of {', '.join(METRICS)}")
        samples = np.atleast_1d(np.asarray(values, dtype=float))
        record = {
            "task": task,
            "model": model,
            "metric": metric,
            "value": float(samples.mean()),
            "std": float(samples.std(ddof=1)) if len(samples) > 1 else 0.0,
            "n_seeds": int(len(samples)),
            "device": str(pick_device()),
        }
        self.records.append(record)
        return record

    def add_video_scores(self, task: str, model: str, scores) -> None:
        """Record a video predictor's validation scores (a lib.metrics.VideoMetrics): the means of
        its summary and the PSNR of the mean MSE, recorded rather than recomputed from the mean MSE
        because PSNR scores the predictions clipped to [0, 1] and the MSE the raw ones."""
        for metric, value in scores.summary().items():
            self.add(task, model, f"val_{metric}", value)
        self.add(task, model, "val_psnr_of_mean_mse", scores.psnr_summary().psnr_of_mean_mse)

    def add_models(self, trained: Iterable) -> None:
        """Remember which trained models (lib.training.cache.TrainedModel) this chapter used."""
        self.models.extend({"chapter": self.chapter, **t.provenance()} for t in trained)

    def save(self) -> Path:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(self.path.name + ".partial")
        temporary.write_text(json.dumps({"records": self.records, "models": self.models}, indent=1))
        os.replace(temporary, self.path)
        return self.path


def load_results(results_dir: Path) -> tuple[list[dict], list[dict]]:
    """All chapters' records and model provenance, in chapter order."""
    records, models = [], []
    for path in sorted(Path(results_dir).glob("*.json")):
        content = json.loads(path.read_text())
        records += content["records"]
        models += content["models"]
    return records, models
