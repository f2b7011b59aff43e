from lib.metrics import psnr_of_mse
from tools.summarize_results import summary_table


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


def test_one_row_per_headline_model_in_the_books_order_in_words():
    part1, part2 = pipe_tables(summary_table(RECORDS))
    assert part1 == [
        ["model", "test", "validation"],
        ["Task 3: prescribed CNN", "74.3%\u00a0±\u00a01.9%", "100.0%\u00a0±\u00a00.0%"],
    ]
    assert part2 == [
        ["model", "MSE", "SSIM", "PSNR (dB)", "of mean MSE (dB)"],
        ["Task 6: prescribed U-Net", "9.93e-04", "0.9607", "27.76", "30.03"],
        ["Task 7: final network", "7.80e-04", "–", "38.59", "31.08"],
    ]


def test_the_mse_column_is_the_clipped_predictions_mse_that_the_psnr_column_scores():
    _, part2 = pipe_tables(summary_table(RECORDS))
    header = part2[0]
    for row in part2[1:]:
        mse = float(row[header.index("MSE")])
        of_mean_mse = float(row[header.index("of mean MSE (dB)")])
        assert abs(psnr_of_mse(mse) - of_mean_mse) < 0.01  # not the raw MSE (1.00e-03: 30.00 dB)
    summary = summary_table(RECORDS)
    assert "clipped to" in summary[summary.index("**Part 2") :]


def test_a_row_without_the_psnr_of_the_mean_mse_has_no_mse():
    records = [
        record("task6", "unet-add", "val_mse", 0.001),  # raw predictions: not shown
        record("task6", "unet-add", "val_psnr", 27.76),
    ]
    (part2,) = pipe_tables(summary_table(records))
    assert part2[1] == ["Task 6: prescribed U-Net", "–", "–", "27.76", "–"]


def test_no_code_names_timings_or_numbered_captions():
    summary = summary_table(RECORDS)
    assert "seconds" not in summary and "t7-" not in summary and "baseline-cnn" not in summary
    # no pandoc table caption: no "Table 0.1"
    assert "{#tbl-" not in summary and "\n: " not in summary
    assert summary.index("**Part 1") < summary.index("| Task 3") < summary.index("**Part 2")


def test_a_part_without_results_has_no_table():
    summary = summary_table([record("task3", "baseline-cnn", "test_accuracy", 0.9)])
    assert len(pipe_tables(summary)) == 1 and "Part 2" not in summary
