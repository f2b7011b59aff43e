import json

from bench.compare_results import comparison_table, headline


def test_two_builds_numbers_stand_side_by_side_with_their_difference(tmp_path):
    def write(name, psnr, seconds):
        records = [
            {"task": "task6", "model": "unet-add", "metric": "val_psnr", "value": psnr},
            {"task": "task6", "model": "unet-add", "metric": "train_seconds", "value": seconds},
        ]
        (tmp_path / name).write_text(json.dumps(records))
        return headline(tmp_path / name)

    table = comparison_table(
        write("gpu.json", 24.5, 10.0), write("cpu.json", 24.25, 900.0), ("GPU", "CPU")
    )
    lines = table.splitlines()
    assert lines[0] == "| task | model | metric | GPU | CPU | difference |"
    assert lines[2] == "| task6 | unet-add | PSNR (dB) | 24.50 | 24.25 | +0.25 |"
    assert len(lines) == 3  # timings are left out
