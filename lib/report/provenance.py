"""What a reader needs to replicate a build: software, machine, renderer, commit and data."""

from __future__ import annotations

import importlib.metadata
import json
import os
import platform
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import torch

from lib.data.course_files import data_origin, file_sha256, read_manifest
from lib.training.device import pick_device
from lib.training.precision import native_bfloat16, training_precision
from lib.video.ablation import row_name

PACKAGES = (
    "torch",
    "numpy",
    "scipy",
    "scikit-image",
    "scikit-learn",
    "matplotlib",
    "seaborn",
    "pandas",
    "papermill",
    "ipykernel",
    "torchsummary",
    "pypandoc-binary",
    "typst",
)


def software() -> dict[str, str]:
    """Python and the versions of the packages that compute or render the report."""
    versions = {"Python": platform.python_version()}
    for package in PACKAGES:
        try:
            versions[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return versions


def machine() -> dict[str, str]:
    """Operating system, processor and the device that trains and evaluates the models."""
    device = pick_device()
    return {
        "operating system": platform.platform(),
        "processor": cpu_name(),
        "CPU cores": str(os.cpu_count()),
        "torch threads outside training (evaluation)": str(torch.get_num_threads()),
        "device": str(device)
        + (f" ({torch.cuda.get_device_name(device)})" if device.type == "cuda" else ""),
        "Task 7 precision": training_precision(device)
        + (" (native bfloat16)" if native_bfloat16(device) else " (bfloat16 would be emulated)"),
    }


def renderer() -> str:
    """Which renderer `make report` uses on this machine: Quarto if on PATH, else the fallback."""
    quarto = shutil.which("quarto")
    if quarto is None:
        return "fallback (pandoc + Typst from PyPI): no quarto on PATH"
    version = subprocess.run([quarto, "--version"], capture_output=True, text=True).stdout.strip()
    return f"Quarto {version}"


def git_state(root: Path) -> str:
    """The commit of the working tree, and whether it had uncommitted changes."""

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True
        ).stdout.strip()

    commit = git("rev-parse", "HEAD")
    if not commit:
        return "not a git checkout"
    dirty = git("status", "--porcelain", "--untracked-files=no")
    return commit[:12] + (" with uncommitted changes" if dirty else " (clean)")


def data_files(data_dir: Path, names: list[str]) -> list[dict]:
    """SHA-256, origin and simulation seed of each data file."""
    manifest = read_manifest(data_dir)
    rows = []
    for name in names:
        path = Path(data_dir) / name
        origin = data_origin(path)
        seed = manifest.get(name, {}).get("seed") if origin == "simulated" else None
        rows.append(
            {
                "file": name,
                "origin": origin,
                "simulator seed": "–" if seed is None else seed,
                "SHA-256": file_sha256(path),
            }
        )
    return rows


def model_summary(models: list[dict]) -> pd.DataFrame:
    """One row per model (its seeds together, also those named apart as an ablation row's seeds), in
    the order the book first uses it: the
    chapters that use it, how many runs, their seeds, epochs, device, total training seconds and
    how many this build loaded from the cache, all as the first of those chapters listed them
    (later ones load the same runs). The per-run list with cache keys is `model_list`."""
    columns = ["chapters", "model", "runs", "seeds", "epochs", "device", "training (s)", "cached"]
    if not models:
        return pd.DataFrame(columns=columns)
    table = pd.DataFrame(models)
    # The chapter by its number ("03-counting-robust" is chapter 3), so that the table fits the
    # page.
    table["chapter"] = table["chapter"].str.split("-").str[0].str.lstrip("0")
    table["model"] = table["name"].map(row_name)
    rows = []
    for name, uses in table.groupby("model", sort=False):
        chapters = list(dict.fromkeys(uses["chapter"]))
        runs = uses[uses["chapter"] == chapters[0]]
        seeds = sorted(runs["seed"].unique())
        rows.append(
            [
                ", ".join(chapters),
                name,
                len(runs),
                f"{seeds[0]}–{seeds[-1]}" if len(seeds) > 1 else str(seeds[0]),
                "/".join(map(str, sorted(runs["epochs"].unique()))),
                "/".join(sorted(runs["device"].unique())),
                f"{runs['train_seconds'].sum():.0f}",
                f"{int(runs['from_cache'].sum())} of {len(runs)}",
            ]
        )
    return pd.DataFrame(rows, columns=columns)


def plan_summary(models: list[dict]) -> pd.DataFrame:
    """One row per chapter that trained models in this build: how many, their optimiser steps,
    the time its plan estimated before training (lib/training/plan.py, from a probe of a few steps)
    and the time training took, in minutes, and their ratio. A chapter's calls of
    `train_side_by_side` are summed; models loaded from the cache have no plan."""
    columns = ["chapter", "models trained", "steps", "estimated (min)", "took (min)", "took/est."]
    plans = {}
    for model in models:
        record = model.get("plan")
        if record:
            plans[(model["chapter"], record["call"])] = record
    rows: dict[str, list] = {}
    for (chapter, _), record in plans.items():
        row = rows.setdefault(chapter.split("-")[0].lstrip("0"), [0, 0, 0.0, 0.0])
        row[0] += record["models"]
        row[1] += record["steps"]
        row[2] += record["estimated_seconds"]
        row[3] += record["wall_seconds"]
    return pd.DataFrame(
        [
            [
                chapter,
                n,
                f"{steps:,}",
                f"{estimated / 60:.1f}",
                f"{took / 60:.1f}",
                f"{took / estimated:.2f}" if estimated > 0 else "–",
            ]
            for chapter, (n, steps, estimated, took) in rows.items()
        ],
        columns=columns,
    )


def book_plan_row(plan_file: Path, now: float) -> list | None:
    """The whole book's row of `plan_summary`, from the plan made before any chapter trained
    (tools/plan_book.py): the models it found missing, their steps, its estimate of the training
    time for make's -jN and the time from the plan to `now` (this appendix runs last, so that is
    the chapters' training and evaluation). None without a plan or with nothing to train."""
    if not plan_file.exists():
        return None
    plan = json.loads(plan_file.read_text())
    if plan["models"] == 0:
        return None
    took = now - plan["made_at"]
    estimated = plan["estimated_seconds"]
    return [
        f"book (make -j{plan['jobs']}, {plan['cores']} cores)",
        plan["models"],
        f"{plan['steps']:,}",
        f"{estimated / 60:.1f}",
        f"{took / 60:.1f}",
        f"{took / estimated:.2f}" if estimated > 0 else "–",
    ]


def training_record_path(cache_dir: Path, quick: bool) -> Path:
    """Where the cache keeps the plan table of the last build that trained its models, one per
    mode (a quick preview trains models of its own)."""
    return Path(cache_dir) / f"training-record-{'quick' if quick else 'full'}.json"


def keep_training_record(path: Path, plans: pd.DataFrame, made: str) -> None:
    """Keep this build's plan table (`plan_summary`, with the book's row) beside the models it
    trained, with `made` (when and on which processor), for the builds that only load them."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"made": made, "rows": plans.to_dict("records")}, indent=1))


def kept_training_record(path: Path) -> tuple[pd.DataFrame, str] | None:
    """The plan table and its `made` that `keep_training_record` kept, or None without one."""
    if not path.exists():
        return None
    record = json.loads(path.read_text())
    return pd.DataFrame(record["rows"]), record["made"]


def model_list(models: list[dict]) -> pd.DataFrame:
    """Every run of every model: chapter, model, full cache key, epochs, seed, device, training
    seconds and whether this build loaded it from the cache."""
    table = pd.DataFrame(
        models,
        columns=[
            "chapter",
            "name",
            "key",
            "epochs",
            "seed",
            "device",
            "train_seconds",
            "from_cache",
        ],
    )
    return table.rename(
        columns={
            "name": "model",
            "key": "cache key",
            "train_seconds": "training (s)",
            "from_cache": "cached",
        }
    )


def cpu_name() -> str:
    """The processor's model name, as /proc/cpuinfo gives it where there is one."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"
