from lib.report.summary import data_sentence, summary_rows, summary_table


def record(task, model, metric, value, std=0.0, n_seeds=1):
    return dict(task=task, model=model, metric=metric, value=value, std=std, n_seeds=n_seeds)


PART1 = [
    record("task2", "baseline-cnn", "val_accuracy", 0.99, 0.01, 5),
    record("task3", "baseline-cnn", "test_accuracy", 0.80, 0.02, 5),
    record("task4", "robust-cnn", "test_accuracy", 0.97, 0.01, 5),
]
PART2 = [
    record("task6", "unet-add", "val_psnr", 27.8),
    record("task6", "unet-add", "val_ssim", 0.961),
    record("task5", "unet-concat", "val_psnr", 28.1),
    record("task5", "unet-none", "val_psnr", 25.0),
    record("task7", "t7-final-ensemble", "val_psnr", 38.6),
    record("task7", "t7-final-ensemble", "val_ssim", 0.99),
    record("task6", "last-frame", "val_psnr", 12.9),
    record("task7", "physics", "val_share_better", 0.999),
]


def result(rows, task):
    return next(r for t, _, r in rows if t == task)


def test_every_task_has_a_row_in_order_with_the_handouts_request():
    rows = summary_rows(PART1 + PART2)
    assert [t for t, _, _ in rows] == ["1", "2", "3", "4", "5", "6", "7"]
    assert "5 epochs, batch 4" in rows[1][1] and "20 epochs, batch 4" in rows[5][1]


def test_the_judgements_are_the_books_one_rule():
    rows = summary_rows(PART1 + PART2)
    # 80 % ± 2 % against 99 % ± 1 % over 5 seeds: far below, beyond the band.
    assert "below validation, beyond the seeds' noise" in result(rows, "3")
    assert "above Task 3, beyond the seeds' noise" in result(rows, "4")
    close = [*PART1[:2], record("task4", "robust-cnn", "test_accuracy", 0.81, 0.02, 5)]
    assert "within the seeds' noise of Task 3" in result(summary_rows(close), "4")
    single = [*PART1[:2], record("task4", "robust-cnn", "test_accuracy", 0.97)]
    assert "one run: not judged" in result(summary_rows(single), "4")


def test_part_2_rows_give_numbers_without_a_verdict_for_single_runs():
    rows = summary_rows(PART2)
    assert result(rows, "6") == (
        "Validation PSNR 27.80 dB, SSIM 0.9610; other skips: concatenated 28.10 dB, "
        "none 25.00 dB; one run each (@sec-task6)."
    )
    task7 = result(rows, "7")
    assert task7.startswith(
        "Final network: validation PSNR 38.60 dB, SSIM 0.9900, against the Task 6 U-Net's "
        "27.80 dB and the last frame's 12.90 dB; one run each (@sec-task7)."
    )
    # The physics, exact on most clips, by the share of clips it predicts better: one number.
    assert task7.endswith(
        "A physics-informed predictor, told the families of rules behind the clips and without "
        "weights, predicts 99.9% of the validation clips better than the final network "
        "(@sec-physics)."
    )
    without_physics = result(summary_rows(PART2[:-1]), "7")
    assert without_physics.endswith("one run each (@sec-task7).")


def test_missing_records_leave_their_rows_out_and_no_code_names_show():
    rows = summary_rows(PART1[:1])
    assert [t for t, _, _ in rows] == ["1", "2", "5"]
    table = summary_table(PART1 + PART2)
    assert "baseline-cnn" not in table and "t7-" not in table and table.startswith("| task")


def test_the_summary_refers_to_the_rule_where_it_is_stated_instead_of_repeating_it():
    table = summary_table(PART1)
    assert "@sec-task2" in table.split("\n\n")[-1] and "standard error" not in table


def test_the_summary_says_first_whether_its_numbers_come_from_simulated_or_supplied_files():
    simulated = {"a.npz": "simulated", "b.npz": "simulated"}
    assert "files I simulated" in data_sentence(simulated)
    assert "course's own data files" in data_sentence(dict.fromkeys(simulated, "supplied"))
    mixed = data_sentence({"a.npz": "supplied", "b.npz": "simulated", "c.npz": "simulated"})
    assert mixed == "I used the course's own a.npz and simulated b.npz and c.npz (@sec-data)."
    assert summary_table(PART1, simulated).startswith(data_sentence(simulated) + "\n\n| task")
    assert summary_table(PART1).startswith("| task")
