import pytest

from lib.data.course_files import ensure_course_files
from tools import make_data


def test_bad_file_stops_with_one_line_and_stays_untouched(tmp_path, capsys):
    paths = ensure_course_files(tmp_path, max_clips=10)
    broken = paths["part1_bballs_test.npz"]
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(SystemExit) as stop:
        make_data.main([str(tmp_path)])
    message = str(stop.value.code)
    assert message.startswith(f"error: {broken}") and "\n" not in message
    assert broken.read_bytes() == b"PK\x03\x04 not really a zip"


def test_complete_good_folder_is_only_checked(tmp_path, capsys):
    paths = ensure_course_files(tmp_path, max_clips=10)
    before = {name: path.read_bytes() for name, path in paths.items()}
    make_data.main([str(tmp_path)])
    assert {name: path.read_bytes() for name, path in paths.items()} == before
    assert "simulated" in capsys.readouterr().err
