from tools.summarize_results import summary_table


def record(task, model, metric, value, std=0.0, n_seeds=1):
    return {"task": task, "model": model, "metric": metric, "value": value, "std": std, "n_seeds": n_seeds}


def test_one_row_per_model_one_column_per_metric_without_timings():
    table = summary_table([
        record("task3", "baseline-cnn", "test_accuracy", 0.87654, 0.0123, 5),
        record("task2", "baseline-cnn", "train_seconds", 12.0),
        record("task6", "unet", "val_psnr", 21.5),
        record("task6", "unet", "val_ssim", 0.91234),
    ])
    lines = table.strip().splitlines()
    cells = [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[:4]]
    assert cells[0] == ["task", "model", "test acc.", "val. SSIM", "val. PSNR (dB)"]
    assert cells[2] == ["task3", "baseline-cnn", "0.877 ± 0.012", "", ""]
    assert cells[3] == ["task6", "unet", "", "0.9123", "21.50"]
    assert len(lines) == 6 and "seconds" not in table
    assert lines[-1].endswith("{#tbl-summary}")
