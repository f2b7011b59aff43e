import json
import shutil
from pathlib import Path

import pytest

from tools.strip_outputs import main

CHAPTERS = sorted((Path(__file__).resolve().parents[2] / "chapters").glob("*.ipynb"))


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.name)
def test_a_clean_chapter_is_left_byte_for_byte_and_passes(chapter, tmp_path):
    copy = tmp_path / chapter.name
    shutil.copy(chapter, copy)
    assert main([str(copy)]) == 0
    assert copy.read_bytes() == chapter.read_bytes()


def test_an_executed_chapter_is_stripped_back_to_its_committed_bytes_and_fails(tmp_path, capsys):
    chapter = CHAPTERS[0]
    notebook = json.loads(chapter.read_text())
    code = next(cell for cell in notebook["cells"] if cell["cell_type"] == "code")
    code["execution_count"] = 3
    code["outputs"] = [{"name": "stdout", "output_type": "stream", "text": ["ß\n"]}]
    executed = tmp_path / chapter.name
    executed.write_text(json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    assert main([str(executed)]) == 1
    assert executed.read_bytes() == chapter.read_bytes()
    assert f"stripped outputs from {executed}" in capsys.readouterr().err
