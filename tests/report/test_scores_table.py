from lib.metrics import psnr_of_mse
from lib.report.scores_table import scores_tables


def record(task, model, metric, value, std=0.0, n_seeds=1):
    return {
        "task": task,
        "model": model,
        "metric": metric,
        "value": value,
        "std": std,
        "n_seeds": n_seeds,
    }


def pipe_tables(markdown):
    """Each pipe table of `markdown` as rows of stripped cells (the separator row dropped)."""
    tables, current = [], []
    for line in markdown.splitlines() + [""]:
        if line.startswith("|"):
            current.append([cell.strip() for cell in line.strip().strip("|").split("|")])
        elif current:
            tables.append([current[0], *current[2:]])
            current = []
    return tables


RECORDS = [
    record("task7", "t7-final-ensemble", "val_psnr", 38.59),
    record("task7", "t7-final-ensemble", "val_mse", 0.00078),
    record("task7", "t7-final-ensemble", "val_psnr_of_mean_mse", 31.08),
    record("task6", "unet-add", "val_psnr", 27.76),
    record("task6", "unet-add", "val_mse", 0.001),
    record(
        "task6", "unet-add", "val_psnr_of_mean_mse", 30.03
    ),  # recorded: PSNR scores clipped predictions
    record("task6", "unet-add", "val_ssim", 0.96071),
    record("task4", "baseline-cnn", "test_accuracy", 0.5),  # the ablation's copy: not a headline
    record("task3", "baseline-cnn", "test_accuracy", 0.74321, 0.0189, 5),
    record("task2", "baseline-cnn", "val_accuracy", 1.0, 0.0, 5),
    record("task2", "baseline-cnn", "train_seconds", 12.0),
    record("task7", "t7-recipe", "val_psnr", 27.94),
]


def test_scores_one_row_per_headline_model_in_the_books_order_in_words():
    part1, part2 = pipe_tables(scores_tables(RECORDS))
    assert part1 == [
        ["model", "test", "validation"],
        ["Task 3: prescribed CNN", "74.3%\u00a0±\u00a01.9%", "100.0%\u00a0±\u00a00.0%"],
    ]
    assert part2 == [
        ["model", "MSE", "SSIM", "PSNR, mean (dB)", "PSNR of MSE (dB)"],
        ["Task 6: prescribed U-Net", "9.93e-04", "0.9607", "27.76", "30.03"],
        ["**Task 7: final network**", "7.80e-04", "–", "38.59", "31.08"],
    ]


def test_scores_the_mse_column_is_the_clipped_predictions_mse_that_the_psnr_column_scores():
    _, part2 = pipe_tables(scores_tables(RECORDS))
    header = part2[0]
    for row in part2[1:]:
        mse = float(row[header.index("MSE")])
        of_mean_mse = float(row[header.index("PSNR of MSE (dB)")])
        assert abs(psnr_of_mse(mse) - of_mean_mse) < 0.01  # not the raw MSE (1.00e-03: 30.00 dB)
    summary = scores_tables(RECORDS)
    assert "clipped to" in summary[summary.index("**Part 2") :]


def test_scores_a_row_without_the_psnr_of_the_mean_mse_has_no_mse():
    records = [
        record("task6", "unet-add", "val_mse", 0.001),  # raw predictions: not shown
        record("task6", "unet-add", "val_psnr", 27.76),
    ]
    (part2,) = pipe_tables(scores_tables(records))
    assert part2[1] == ["Task 6: prescribed U-Net", "–", "–", "27.76", "–"]


def test_scores_no_code_names_timings_or_numbered_captions():
    summary = scores_tables(RECORDS)
    assert "seconds" not in summary and "t7-" not in summary and "baseline-cnn" not in summary
    # no pandoc table caption: no "Table 0.1"
    assert "{#tbl-" not in summary and "\n: " not in summary
    assert summary.index("**Part 1") < summary.index("| Task 3") < summary.index("**Part 2")


def test_scores_a_part_without_results_has_no_table():
    summary = scores_tables([record("task3", "baseline-cnn", "test_accuracy", 0.9)])
    assert len(pipe_tables(summary)) == 1 and "Part 2" not in summary


def task7(model, psnr, of_mse, ssim):
    return [
        record("task7", model, "val_psnr", psnr),
        record("task7", model, "val_psnr_of_mean_mse", of_mse),
        record("task7", model, "val_ssim", ssim),
    ]


def test_scores_the_network_heads_task_7_and_the_physics_follows_it_said_for_what_it_is():
    records = [
        *task7("physics", 97.5, 36.6, 0.9986),
        *task7("physics-hybrid", 92.1, 34.3, 0.9972),
        *task7("t7-final-ensemble", 38.6, 31.1, 0.98),
    ]
    summary = scores_tables(records)
    (part2,) = pipe_tables(summary)
    assert [row[0] for row in part2[1:]] == [
        "**Task 7: final network**",
        "Physics-informed predictor",
        "Hybrid: physics, else the network",
    ]
    caption = summary[summary.index("**Part 2") : summary.index("| model")]
    assert "not a learned network" in caption and "identifies its settings" in caption
    assert "self-check passes" in caption and "symmetry ensemble" in caption


def test_scores_a_hybrid_that_is_the_network_is_not_listed_and_the_caption_says_why():
    records = [
        *task7("physics", 12.0, 11.0, 0.5),
        *task7("physics-hybrid", 38.6, 31.1, 0.98),
        *task7("t7-final-ensemble", 38.6, 31.1, 0.98),
    ]
    summary = scores_tables(records)
    (part2,) = pipe_tables(summary)
    assert [row[0] for row in part2[1:]] == [
        "**Task 7: final network**",
        "Physics-informed predictor",
    ]
    assert "hybrid is the final network" in summary
    assert "takes the physics' prediction" not in summary


def test_scores_missing_task_7_results_leave_their_rows_and_sentences_out():
    summary = scores_tables(task7("physics", 97.5, 36.6, 0.9986))
    (part2,) = pipe_tables(summary)
    assert [row[0] for row in part2[1:]] == ["Physics-informed predictor"]
    assert "symmetry ensemble" not in summary and "hybrid" not in summary.lower()
    assert "Part 2" not in scores_tables(RECORDS[8:10])


def test_scores_a_psnr_at_or_above_the_cap_prints_as_the_cap():
    exact = [
        *RECORDS,
        record("task7", "physics", "val_psnr", 100.0),
        record("task7", "physics", "val_psnr_of_mean_mse", 181.3),
    ]
    summary = scores_tables(exact)
    assert "≥ 100" in summary and "181" not in summary
