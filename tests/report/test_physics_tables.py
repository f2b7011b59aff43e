"""Chapter 6's table of scores: the clip-by-clip count against the network and the layout."""

import numpy as np

from lib.metrics import VideoMetrics
from lib.report import physics_tables


def metrics(psnr, ssim=0.9):
    psnr = np.asarray(psnr, dtype=float)
    n = len(psnr)
    mse = 10 ** (-psnr / 10)
    return VideoMetrics(
        mse, np.full(n, ssim), psnr, mse[:, None], np.full((n, 1), ssim), psnr[:, None]
    )


def test_better_worse_counts_clips_and_ties_exact_ones():
    better, worse = physics_tables.better_worse(
        np.array([np.inf, 150.0, 30.0, 20.0]), np.array([120.0, np.inf, 25.0, 20.0])
    )
    # Both exact (at the cap) tie; an equal clip counts on neither side.
    assert (better, worse) == (1, 0)
    assert physics_tables.better_worse(np.array([10.0, 40.0]), np.array([20.0, 30.0])) == (1, 1)


def test_scores_table_has_a_block_per_set_of_clips_and_no_count_for_the_network():
    network, physics = metrics([30.0, 30.0, 30.0]), metrics([np.inf, np.inf, 10.0], ssim=0.99)
    table = physics_tables.scores_table(
        {
            "validation clips": ({"net": network, "physics": physics}, "net"),
            "other settings": ({"net": network}, "net"),
        }
    )
    lines = table.splitlines()
    assert lines[0].split("|")[1].strip() == "predictor"
    assert physics_tables.AGAINST_NETWORK in lines[0]
    cells = [[cell.strip() for cell in line.split("|")[1:-1]] for line in lines[2:]]
    assert [row[0] for row in cells] == [
        "*validation clips*",
        "net",
        "physics",
        "*other settings*",
        "net",
    ]
    assert cells[1][-1] == "—" and cells[2][-1] == "2 / 1"
    # Two exact clips of three: the PSNR of the mean MSE is that of the one failure, over three.
    assert cells[2][1] == f"{10 * np.log10(3 / 0.1):.2f}"
    assert cells[2][2] == "70.00"  # the mean of per-clip PSNRs, each capped at 100
    assert cells[2][4] == "66.7%"
    assert cells[0][1:] == [""] * 5


def test_worst_clips_draws_the_failures_or_the_single_worst_clip():
    psnr = np.array([50.0, 20.0, np.inf, 30.0, 10.0, 35.0])
    assert physics_tables.worst_clips(psnr, 40.0) == [4, 1, 3]  # four below, the worst three
    assert physics_tables.worst_clips(psnr, 25.0) == [4, 1]
    assert physics_tables.worst_clips(psnr, 5.0) == [4]  # none below: the worst clip


def test_the_failures_table_says_per_clip_what_the_self_check_did():
    table = physics_tables.failures_table(
        [1, 0],
        n_balls=[2, 3],
        events=["wall bounce", "collision"],
        psnr=np.array([21.64, 30.04]),
        futures=[1, 2],
        reasons=["input not reproduced (MSE 1e-05)", ""],
    )
    assert table.to_dict("records") == [
        {
            "clip": "1",
            "balls": "3 balls",
            "in the target frames": "collision",
            "PSNR (dB)": "30.0",
            "futures averaged": "2",
            "self-check": "kept",
        },
        {
            "clip": "0",
            "balls": "2 balls",
            "in the target frames": "wall bounce",
            "PSNR (dB)": "21.6",
            "futures averaged": "1",
            "self-check": "sent to the network (input not reproduced)",
        },
    ]
