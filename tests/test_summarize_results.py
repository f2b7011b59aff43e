from tools.summarize_results import summary_table


def record(task, model, metric, value, std=0.0, n_seeds=1):
    return {"task": task, "model": model, "metric": metric, "value": value, "std": std, "n_seeds": n_seeds}


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


def test_one_table_per_part_one_row_per_model_one_column_per_metric_without_timings():
    summary = summary_table([
        record("task3", "baseline-cnn", "test_accuracy", 0.87654, 0.0123, 5),
        record("task2", "baseline-cnn", "train_seconds", 12.0),
        record("task6", "unet", "val_psnr", 21.5),
        record("task6", "unet", "val_ssim", 0.91234),
        record("task5", "unet-none", "val_psnr", 20.25),
    ])
    part1, part2 = pipe_tables(summary)
    assert part1 == [["task", "model", "test accuracy"], ["task3", "baseline-cnn", "0.877\u00a0±\u00a00.012"]]
    assert part2 == [["task", "model", "SSIM", "PSNR (dB)"], ["task5", "unet-none", "", "20.25"],
                     ["task6", "unet", "0.9123", "21.50"]]
    assert "seconds" not in summary


def test_the_unnumbered_preface_gets_plain_caption_lines_not_numbered_tables():
    summary = summary_table([record("task3", "cnn", "test_accuracy", 0.9), record("task6", "unet", "val_mse", 0.01)])
    assert "{#tbl-" not in summary and "\n: " not in summary  # no pandoc table caption: no "Table 0.1"
    assert summary.index("**Part 1") < summary.index("| task3") < summary.index("**Part 2") < summary.index("| task6")


def test_a_part_without_results_has_no_table():
    summary = summary_table([record("task3", "cnn", "test_accuracy", 0.9)])
    assert len(pipe_tables(summary)) == 1 and "Part 2" not in summary
