from tools.summarize_results import summary_table


def test_summary_table_lists_metrics_with_caption_and_skips_timings():
    records = [
        {"task": "task3", "model": "baseline-cnn", "metric": "test_accuracy", "value": 0.8765, "std": 0.0123, "n_seeds": 5},
        {"task": "task6", "model": "unet", "metric": "val_psnr", "value": 21.5, "std": 0.0, "n_seeds": 1},
        {"task": "task2", "model": "baseline-cnn", "metric": "train_seconds", "value": 12.0, "std": 0.0, "n_seeds": 5},
    ]
    table = summary_table(records)
    lines = table.strip().splitlines()
    assert lines[2] == "| task3 | baseline-cnn | test accuracy | 0.8765 | 0.0123 | 5 |"
    assert lines[3] == "| task6 | unet | validation PSNR (dB) | 21.5000 | – | 1 |"
    assert "training time" not in table
    assert lines[-1].endswith("{#tbl-summary}")
