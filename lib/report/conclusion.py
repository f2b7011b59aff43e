"""The conclusion's numbers and words: headline results read back from the chapters' records.

The conclusion runs after every other chapter and writes no result of its own; what it says
depends on the records (lib.report.results), through the rules below, each with a unit test.
"""

from __future__ import annotations

from collections.abc import Sequence


class MissingResult(KeyError):
    """A headline result that no chapter recorded; the message names it."""


def recorded(records: Sequence[dict], task: str, model: str, metric: str) -> dict:
    """The record of `metric` for `model` under `task` (value = mean over seeds, std, n_seeds)."""
    for record in records:
        if (record["task"], record["model"], record["metric"]) == (task, model, metric):
            return record
    raise MissingResult(f"no chapter recorded {metric} of {model} under {task}")


def shift_cost(val_accuracy: float, test_accuracy: float) -> str:
    """What the test file's distribution shift costs the prescribed CNN, in words."""
    drop = 100 * (val_accuracy - test_accuracy)
    if drop >= 1:
        return f"the shifted test file costs it {drop:.1f} percentage points"
    if drop <= -1:
        return f"it does {-drop:.1f} percentage points better on the shifted test file"
    return "the shifted test file costs it no accuracy to speak of"


def counter_verdict(baseline: dict, robust: dict) -> str:
    """Whether Task 4's counter beats the baseline on the test file by more than twice the
    baseline's seed-to-seed spread (records of test accuracy)."""
    difference = robust["value"] - baseline["value"]
    if difference > 2 * baseline["std"]:
        return f"beats it by {100 * difference:.1f} points, more than twice its seed-to-seed spread"
    if difference < -2 * baseline["std"]:
        return f"falls {100 * -difference:.1f} points below it"
    return f"stays within its seed-to-seed spread ({100 * difference:+.1f} points)"


def gain_words(model: dict, reference: dict) -> str:
    """A PSNR gain both ways, from two models' validation scores (val_psnr: the capped mean of per-clip
    PSNR, val_psnr_of_mean_mse): as a mean of per-clip PSNR and as the PSNR of the mean MSE."""
    by_mean = model["val_psnr"] - reference["val_psnr"]
    by_mse = model["val_psnr_of_mean_mse"] - reference["val_psnr_of_mean_mse"]
    return (
        f"{by_mean:+.1f} dB as a mean of per-clip PSNR and {by_mse:+.1f} dB as the PSNR of the "
        "mean MSE"
    )


def psnr_both_ways(scores: dict) -> dict[str, str]:
    """A model's validation scores (val_psnr: the capped mean of per-clip PSNR, val_psnr_of_mean_mse,
    val_ssim) as the conclusion writes them: capped mean, PSNR of the mean MSE, SSIM."""
    return {
        "mean": f"{scores['val_psnr']:.1f}",
        "of_mse": f"{scores['val_psnr_of_mean_mse']:.1f}",
        "ssim": f"{scores['val_ssim']:.4f}",
    }


def hybrid_against_network(hybrid: dict, network: dict) -> str:
    """Whether the hybrid is at least as good as the final network on the two measures that
    failures dominate: the mean MSE (as the PSNR of the mean MSE) and the mean SSIM."""
    mse_ok = hybrid["val_psnr_of_mean_mse"] >= network["val_psnr_of_mean_mse"]
    ssim_ok = hybrid["val_ssim"] >= network["val_ssim"]
    if mse_ok and ssim_ok:
        return "never worse than the network alone on the mean MSE or the mean SSIM"
    worse = (
        "the mean MSE and the mean SSIM"
        if not (mse_ok or ssim_ok)
        else ("the mean MSE" if not mse_ok else "the mean SSIM")
    )
    return f"worse than the network alone on {worse}, so the gate sends clips it should keep"
