"""The conclusion's numbers and words: headline results read back from the chapters' records.

The conclusion runs after every other chapter and writes no result of its own; what it says
depends on the records (lib.report.results), through the rules below, each with a unit test.
"""

from __future__ import annotations

from collections.abc import Sequence

from lib.report.judge import BETTER, ONE_RUN, WITHIN, WORSE, Seeds, verdict
from lib.settings import PSNR_CAP


class MissingResult(KeyError):
    """A headline result that no chapter recorded; the message names it."""


def recorded(records: Sequence[dict], task: str, model: str, metric: str) -> dict:
    """The record of `metric` for `model` under `task` (value = mean over seeds, std, n_seeds)."""
    for record in records:
        if (record["task"], record["model"], record["metric"]) == (task, model, metric):
            return record
    raise MissingResult(f"no chapter recorded {metric} of {model} under {task}")


def recorded_values(
    records: Sequence[dict], runs: Sequence[tuple[str, str]], metrics: Sequence[str]
) -> list[dict[str, float]]:
    """Per (task, model) of `runs`, the recorded value of each of `metrics`, by metric."""
    return [
        {metric: recorded(records, task, model, metric)["value"] for metric in metrics}
        for task, model in runs
    ]


def shift_cost(val_accuracy: dict, test_accuracy: dict) -> str:
    """What the test file's distribution shift does to a counter's accuracy (records of its
    validation and test accuracy), by judge.verdict: "costs" when the test accuracy is lower
    beyond the noise band, "gains" when it is higher, "none" within it, "one run" when a side
    has a single seed."""
    shift = verdict(Seeds.recorded(test_accuracy), Seeds.recorded(val_accuracy))
    return {WORSE: "costs", BETTER: "gains", WITHIN: "none"}.get(shift, ONE_RUN)


def counter_verdict(baseline: dict, robust: dict) -> str:
    """Whether Task 4's counter "beats" the baseline on the test file beyond the noise band
    (judge.verdict), falls "below" it, stays "within" it, or has "one run" on a side (records of
    test accuracy)."""
    judged = verdict(Seeds.recorded(robust), Seeds.recorded(baseline))
    return {BETTER: "beats", WORSE: "below", WITHIN: "within"}.get(judged, ONE_RUN)


def psnr_gains(model: dict, reference: dict) -> tuple[float, float]:
    """A model's PSNR gain over a reference both ways, from their validation scores (val_psnr: the
    capped mean of per-clip PSNR, val_psnr_of_mean_mse): by the mean, and by the mean MSE."""
    return (
        model["val_psnr"] - reference["val_psnr"],
        model["val_psnr_of_mean_mse"] - reference["val_psnr_of_mean_mse"],
    )


def psnr_both_ways(scores: dict) -> dict[str, str]:
    """A model's validation scores (val_psnr: the capped mean of per-clip PSNR,
    val_psnr_of_mean_mse, val_ssim) as the conclusion writes them; a PSNR at or above
    lib.settings.PSNR_CAP prints as "≥ 100", as in every table."""

    def db(value: float) -> str:
        return f"≥ {PSNR_CAP:g}" if value >= PSNR_CAP else f"{value:.1f}"

    return {
        "mean": db(scores["val_psnr"]),
        "of_mse": db(scores["val_psnr_of_mean_mse"]),
        "ssim": f"{scores['val_ssim']:.4f}",
    }


def hybrid_worse_on(hybrid: dict, network: dict) -> list[str]:
    """The measures that failures dominate on which the hybrid is worse than the final network:
    "MSE" (as the PSNR of the mean MSE) and "SSIM" (means over the clips)."""
    return [
        measure
        for measure, key in (("MSE", "val_psnr_of_mean_mse"), ("SSIM", "val_ssim"))
        if hybrid[key] < network[key]
    ]


def hybrid_verdict(hybrid: dict, network: dict) -> str:
    """What the hybrid is next to the final network (validation scores of both): "network" when it
    scores exactly as the network on every measure (the physics' self-check trusted no clip),
    "worse" when it is worse on a measure of `hybrid_worse_on`, else "not-worse"."""
    if all(hybrid[key] == network[key] for key in network.keys() & hybrid.keys()):
        return "network"
    return "worse" if hybrid_worse_on(hybrid, network) else "not-worse"
