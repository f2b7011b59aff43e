"""Part 2's tables: the rows as the chapters print them, on hand-made scores."""

from types import SimpleNamespace

import numpy as np
from torch import nn

from lib.metrics import VideoMetrics
from lib.report import video_tables
from lib.video.ablation import Measured


def metrics(mse, ssim, psnr):
    """Scores of clips with one prediction step each."""
    mse, ssim, psnr = (np.asarray(x, dtype=float) for x in (mse, ssim, psnr))
    return VideoMetrics(mse, ssim, psnr, mse[:, None], ssim[:, None], psnr[:, None])


def rows(table):
    """The cells of a Markdown table's body rows, stripped."""
    return [
        [cell.strip() for cell in line.strip("|").split("|")] for line in table.splitlines()[2:]
    ]


UNET = metrics([0.01, 0.03], [0.9, 0.8], [20.0, 16.0])
LAST = metrics([0.04, 0.04], [0.7, 0.7], [14.0, 14.0])
RUN = SimpleNamespace(model=nn.Linear(2, 3), train_seconds=12.4)


def test_scores_and_costs_give_a_baseline_no_parameters_and_no_time():
    table = video_tables.scores_and_costs({"U-Net": (UNET, RUN), "last frame": (LAST, None)})
    assert rows(table) == [
        ["U-Net", "0.02000", "0.8500", "18.00", "9", "12"],
        ["last frame", "0.04000", "0.7000", "14.00", "0", "0"],
    ]


def test_events_absent_from_the_clips_are_left_out():
    events = np.array(["collision", "free flight"], dtype=object)
    assert rows(video_tables.task6_by_event(events, UNET, LAST)) == [
        ["free flight", "1", "16.00", "0.03000", "0.04000"],
        ["collision", "1", "20.00", "0.01000", "0.04000"],
    ]


def test_an_ablation_row_without_a_reference_or_prediction_has_dashes():
    table = video_tables.ablation(
        [
            video_tables.ablation_row("Task 6", 0.85, 18.0, minutes=12.4),
            video_tables.ablation_row(
                "next", 0.7, 14.0, 3.0, -3.5, Measured(14.0, -4.0, 0.31, 3), "hurts"
            ),
        ]
    )
    assert rows(table) == [
        ["Task 6", "—", "—", "18.00", "0.8500", "12.4", "—"],
        ["next", "-3.5", "-4.00 ± 0.31", "14.00", "0.7000", "3.0", "hurts"],
    ]


def test_groups_without_clips_are_left_out():
    groups = [("1 ball", np.array([True, False])), ("4 balls", np.array([False, False]))]
    table = video_tables.by_group(groups, {"U-Net": UNET}, LAST)
    assert table.to_dict("records") == [
        {"clips": "1 ball", "n": 1, "U-Net PSNR": 20.0, "Task 7 final SSIM": 0.7}
    ]


def test_capped_scores_count_the_clips_at_or_above_the_threshold():
    exact = metrics([0.0, 0.01], [1.0, 0.9], [np.inf, 20.0])
    (row,) = rows(video_tables.capped_scores({"physics": exact}, good_db=40.0))
    assert row == ["physics", "5.00e-03", "0.9500", "60.00", "23.01", "50.0%"]
    assert "≥ 40 dB" in video_tables.capped_scores({"physics": exact}, good_db=40.0)


def test_other_generator_gives_the_share_at_the_cap():
    exact = metrics([0.0, 0.01], [1.0, 0.9], [np.inf, 20.0])
    assert rows(video_tables.other_generator({"hybrid": exact})) == [
        ["hybrid", "60.00", "50%", "23.01", "0.9500"]
    ]


def test_a_change_that_rounds_to_zero_prints_without_a_minus():
    tiny = Measured(18.0, -0.001, 0.2, 3)
    table = video_tables.ablation(
        [video_tables.ablation_row("tiny drop", 0.85, 18.0, measured=tiny)]
    )
    assert "+0.00 ± 0.20" in table and "-0.00" not in table
