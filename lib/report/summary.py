"""The report's one-page summary: each task's headline result beside what the handout asks.

Built from the chapters' records (lib.report.results); every judgement in it is lib.report.judge's.
A row whose records are missing (a chapter that did not run) is left out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from tabulate import tabulate

from lib.report.conclusion import MissingResult, recorded
from lib.report.judge import BETTER, ONE_RUN, WITHIN, WORSE, Seeds, verdict
from lib.report.video_tables import psnr_text
from lib.report.words import listed
from lib.settings import HANDOUT_PART1_TRAINING, HANDOUT_PART2_TRAINING

# How a verdict of a model against a reference reads in the summary.
AGAINST = {
    BETTER: "above {ref}, beyond the seeds' noise",
    WORSE: "below {ref}, beyond the seeds' noise",
    WITHIN: "within the seeds' noise of {ref}",
    ONE_RUN: "one run: not judged against {ref}",
}


def find(records: Sequence[dict], task: str, model: str, metric: str) -> dict | None:
    """The record of `metric` for `model` under `task`, or None (its row is left out)."""
    try:
        return recorded(records, task, model, metric)
    except MissingResult:
        return None


def accuracy(record: dict) -> str:
    """'93.1% ± 1.2% over 5 seeds', or '93.1% in one run'."""
    if record["n_seeds"] < 2:
        return f"{record['value']:.1%} in one run"
    return f"{record['value']:.1%}\u00a0±\u00a0{record['std']:.1%} over {record['n_seeds']} seeds"


def against(record: dict, reference: dict, reference_name: str) -> str:
    """`record` judged against `reference` by the book's one rule, in the summary's words."""
    word = verdict(Seeds.recorded(record), Seeds.recorded(reference))
    return AGAINST[word].format(ref=reference_name)


def summary_rows(records: Sequence[dict]) -> list[tuple[str, str, str]]:
    """(task, what the handout asks, my result) for every task whose records are there."""
    p1, p2 = HANDOUT_PART1_TRAINING, HANDOUT_PART2_TRAINING
    val = find(records, "task2", "baseline-cnn", "val_accuracy")
    test = find(records, "task3", "baseline-cnn", "test_accuracy")
    robust = find(records, "task4", "robust-cnn", "test_accuracy")
    skips = {
        label: find(records, task, model, "val_psnr")
        for label, task, model in (
            ("added", "task6", "unet-add"),
            ("concatenated", "task5", "unet-concat"),
            ("none", "task5", "unet-none"),
        )
    }
    final_psnr, final_ssim = (
        find(records, "task7", "t7-final-ensemble", m) for m in ("val_psnr", "val_ssim")
    )
    unet_ssim = find(records, "task6", "unet-add", "val_ssim")
    last_psnr = find(records, "task6", "last-frame", "val_psnr")
    physics = find(records, "task7", "physics", "val_share_better")
    rows = [("1", "Build the CNN of Table 2.", "Built layer for layer (@sec-task1).")]
    if val:
        rows.append(
            (
                "2",
                f"Train it ({p1['epochs']} epochs, batch {p1['batch_size']}); validation accuracy "
                "and training curves.",
                f"Validation accuracy {accuracy(val)} (@sec-task2).",
            )
        )
    if test and val:
        rows.append(
            (
                "3",
                "Accuracy on the test file, and why it differs.",
                f"Test accuracy {accuracy(test)}: {against(test, val, 'validation')} (@sec-task3).",
            )
        )
    if robust and test:
        rows.append(
            (
                "4",
                "A counter that copes with the test file's shift.",
                f"Test accuracy {accuracy(robust)}: {against(robust, test, 'Task 3')} "
                "(@sec-task4).",
            )
        )
    rows.append(
        (
            "5",
            "Implement the U-Net of Table 3; discuss skip connections.",
            "Built layer for layer; skips discussed and three skip variants trained (@sec-task5).",
        )
    )
    unet_psnr = skips["added"]
    if unet_psnr and unet_ssim:
        others = ", ".join(
            f"{label} {psnr_text(r['value'])} dB"
            for label, r in skips.items()
            if r and label != "added"
        )
        rows.append(
            (
                "6",
                f"Train it ({p2['epochs']} epochs, batch {p2['batch_size']}): loss curves, "
                "validation SSIM and PSNR, predictions beside the truth.",
                f"Validation PSNR {psnr_text(unet_psnr['value'])} dB, SSIM "
                f"{unet_ssim['value']:.4f}"
                + (f"; other skips: {others}" if others else "")
                + "; one run each (@sec-task6).",
            )
        )
    if final_psnr and final_ssim and last_psnr and unet_psnr:
        rows.append(
            (
                "7",
                "Customise anything; compare with the Task 6 U-Net and the last frame; say why "
                "and whether it met expectations.",
                f"Final network: validation PSNR {psnr_text(final_psnr['value'])} dB, SSIM "
                f"{final_ssim['value']:.4f}, against the Task 6 U-Net's "
                f"{psnr_text(unet_psnr['value'])} dB and the last frame's "
                f"{psnr_text(last_psnr['value'])} dB; one run each (@sec-task7)."
                + (
                    " A physics-informed predictor, told the families of rules behind the clips "
                    "and without weights, predicts "
                    f"{physics['value']:.1%} of the validation clips better than the final "
                    "network (@sec-physics)."
                    if physics
                    else ""
                ),
            )
        )
    return rows


def data_sentence(origins: Mapping[str, str]) -> str:
    """Where the numbers come from: `origins` maps each course file's name to "simulated" (made by
    this project) or "supplied" (lib.data.course_files.data_origin)."""
    simulated = [name for name, origin in origins.items() if origin == "simulated"]
    supplied = [name for name, origin in origins.items() if origin != "simulated"]
    if not supplied:
        return (
            "The course's data files were not available to me, so every number below comes from "
            "files I simulated with the rules of the original generator (@sec-data)."
        )
    if not simulated:
        return "Every number below comes from the course's own data files (@sec-data)."
    return (
        f"I used the course's own {listed(supplied)} and simulated {listed(simulated)} (@sec-data)."
    )


def summary_table(records: Sequence[dict], origins: Mapping[str, str] | None = None) -> str:
    """The summary as a Markdown pipe table, after the data's origin (`data_sentence`, where
    `origins` are given), and the rule its judgements follow."""
    table = tabulate(
        summary_rows(records),
        headers=["task", "the handout asks", "my result"],
        tablefmt="pipe",
        disable_numparse=True,
    )
    data = f"{data_sentence(origins)}\n\n" if origins else ""
    return f"{data}{table}\n\n{RULE}\n"


RULE = (
    '"Beyond the seeds\' noise" is the one rule by which I judge a difference between two models, '
    "stated in @sec-task2; a model trained once has no noise band, and I do not judge it."
)
