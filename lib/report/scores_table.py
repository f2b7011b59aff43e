"""The headline scores of both parts, one table per part, for the conclusion: the headline model
of each task in the report's order, from the chapters' records (lib.report.results)."""

from __future__ import annotations

from tabulate import tabulate

from lib.report.video_tables import psnr_text
from lib.settings import PSNR_CAP

# The rows: the headline model of each task, in the report's order and in words a reader
# knows; each is (part, label, model, the tasks its records are under, first found wins). Task 7's
# headline is the learned network; the physics-informed predictor and the hybrid follow it.
GLANCE = (
    (1, "Task 3: prescribed CNN", "baseline-cnn", ("task3", "task2")),
    (1, "Task 4: robust counter", "robust-cnn", ("task4",)),
    (2, "Baseline: last frame repeated", "last-frame", ("task6",)),
    (2, "Task 6: prescribed U-Net", "unet-add", ("task6",)),
    (2, "**Task 7: final network**", "t7-final-ensemble", ("task7",)),
    (2, "Physics-informed predictor", "physics", ("task7",)),
    (2, "Hybrid: physics, else the network", "physics-hybrid", ("task7",)),
)
FINAL, PHYSICS, HYBRID = "t7-final-ensemble", "physics", "physics-hybrid"
# Each part gets its own narrow table under a plain caption line (no numbered caption), the same
# in both renderers.
PARTS = {
    1: (
        "**Part 1, counting the balls.** Accuracy on the test file and on the validation split: "
        "mean over seeds ± the standard deviation.",
        {"test_accuracy": "test", "val_accuracy": "validation"},
    ),
    2: (
        "**Part 2, predicting the next five frames.** Scores on the validation clips, all of the "
        "predictions clipped to \\[0, 1\\]: the mean squared error over all clips, the mean SSIM, "
        f"the mean of per-clip PSNRs (each clip capped at {PSNR_CAP:.0f} dB) and the PSNR of the "
        "mean squared error, i.e. of the MSE column.",
        {
            "val_clipped_mse": "MSE",
            "val_ssim": "SSIM",
            "val_psnr": "PSNR, mean (dB)",
            "val_psnr_of_mean_mse": "PSNR of MSE (dB)",
        },
    ),
}
# What the caption adds about the rows of Task 7 that the records hold.
FINAL_NOTE = "The final network is scored with its symmetry ensemble."
PHYSICS_NOTE = (
    "The physics-informed predictor is not a learned network: it assumes the rule family of the "
    "generator that made the data and identifies its settings from the training clips."
)
HYBRID_NOTE = (
    "The hybrid takes the physics' prediction where its self-check passes and the final "
    "network's elsewhere."
)
HYBRID_IS_NETWORK_NOTE = (
    "The physics' self-check passed on no clip, so the hybrid is the final network and is not "
    "listed."
)
# Columns computed from a recorded metric: the mean MSE of the clipped predictions, which the
# chapters record as its PSNR (so that every row's MSE is the clipped one, whichever chapter
# recorded it).
DERIVED = {"val_clipped_mse": ("val_psnr_of_mean_mse", lambda psnr: 10 ** (-psnr / 10))}
# A value and its spread stay on one line: non-breaking spaces around the ±.
PLUS_MINUS = "\u00a0±\u00a0"


def formatted(metric: str, record: dict) -> str:
    """A record's value as the table prints it, with its spread over seeds when there are
    several."""
    if metric.endswith("accuracy"):
        text = f"{record['value']:.1%}"
        return text + (f"{PLUS_MINUS}{record['std']:.1%}" if record["n_seeds"] > 1 else "")
    if metric == "val_clipped_mse":
        return f"{record['value']:.2e}"
    if metric == "val_ssim":
        return f"{record['value']:.4f}"
    return psnr_text(record["value"])


def found_record(records: list[dict], model: str, tasks: tuple[str, ...], metric: str):
    """The record of `metric` for `model` under the first of `tasks` that has one, or None."""
    return next(
        (
            r
            for task in tasks
            for r in records
            if (r["task"], r["model"], r["metric"]) == (task, model, metric)
        ),
        None,
    )


def glance_cells(
    records: list[dict], model: str, tasks: tuple[str, ...], metrics
) -> dict[str, str]:
    """The cells of one row: for each metric the record of `model` under the first of `tasks`
    that has one (for a `DERIVED` metric, the record it is computed from)."""
    found = {}
    for metric in metrics:
        recorded, convert = DERIVED.get(metric, (metric, None))
        record = found_record(records, model, tasks, recorded)
        if record is not None and convert is not None:
            record = {**record, "value": convert(record["value"])}
        if record is not None:
            found[metric] = formatted(metric, record)
    return found


def hybrid_is_network(records: list[dict]) -> bool:
    """Whether the hybrid scored exactly as the final network on every metric both have: the
    physics' self-check trusted no clip (e.g. it identified nothing)."""
    scores = {
        model: {
            r["metric"]: r["value"] for r in records if (r["task"], r["model"]) == ("task7", model)
        }
        for model in (FINAL, HYBRID)
    }
    shared = scores[FINAL].keys() & scores[HYBRID].keys()
    return bool(shared) and all(scores[FINAL][m] == scores[HYBRID][m] for m in shared)


def part2_notes(shown: set[str], records: list[dict]) -> list[str]:
    """The caption's sentences about the Task 7 rows that are shown."""
    notes = [FINAL_NOTE] if FINAL in shown else []
    if PHYSICS in shown:
        notes.append(PHYSICS_NOTE)
    if HYBRID in shown:
        notes.append(HYBRID_NOTE)
    elif hybrid_is_network(records):
        notes.append(HYBRID_IS_NETWORK_NOTE)
    return notes


def scores_tables(records: list[dict]) -> str:
    """Markdown: per part, a caption line and a pipe table with one row per
    headline model of `GLANCE` that the records hold, in the report's order."""
    blocks = []
    drop_hybrid = hybrid_is_network(records)
    for part, (caption, columns) in PARTS.items():
        rows = [
            (model, label, glance_cells(records, model, tasks, columns))
            for row_part, label, model, tasks in GLANCE
            if row_part == part and not (model == HYBRID and drop_hybrid)
        ]
        rows = [(model, label, cells) for model, label, cells in rows if cells]
        if not rows:
            continue
        if part == 2:
            caption = " ".join([caption, *part2_notes({m for m, _, _ in rows}, records)])
        # tabulate pads every column, so pandoc sizes the columns by their content.
        table = tabulate(
            [[label, *(cells.get(m, "–") for m in columns)] for _, label, cells in rows],
            headers=["model", *columns.values()],
            tablefmt="pipe",
            colalign=("left", *("right" for _ in columns)),
            disable_numparse=True,
        )
        blocks.append(f"{caption}\n\n{table}\n")
    return "\n".join(blocks)
