"""The book on supplied course files made with other settings: it states what those files hold.

The three files are simulated here with a training radius of 1.0 (the project's simulator uses
1.2) and test radii from 0.7 to 1.5 (it uses 0.8 to 1.8), and handed to a quick build as the
user's own files (no manifest), as the real course files would be.
"""
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from pypdf import PdfReader

from lib.data import FRAME_PIXELS, PART1_TEST, PART1_TRAINING, PART2_SEQUENCE
from lib.simulate import simulate_clips

ROOT = Path(__file__).resolve().parents[1]
TRAINING_RADIUS = 1.0
TEST_RADII = (0.7, 1.5)
FILES = {PART1_TRAINING: (500, 1, (TRAINING_RADIUS,) * 2), PART1_TEST: (200, 1, TEST_RADII),
         PART2_SEQUENCE: (500, 10, (TRAINING_RADIUS,) * 2)}  # clips, frames, radius range


def supply_course_files(data_dir: Path) -> None:
    """Write the three course files in the handout's format, as another simulator would."""
    data_dir.mkdir()
    for seed, (name, (n_clips, n_frames, radii)) in enumerate(FILES.items()):
        frames, labels = simulate_clips(n_clips, n_frames, np.random.default_rng(100 + seed),
                                        radius_range=radii)
        np.savez_compressed(data_dir / name, data=frames.reshape(n_clips, n_frames, FRAME_PIXELS),
                            labels=labels)


def chapter_text(executed: Path) -> str:
    """The prose of an executed chapter: its Markdown cells and Markdown outputs, one line."""
    parts = []
    for cell in json.loads(executed.read_text())["cells"]:
        if cell["cell_type"] == "markdown":
            parts.append("".join(cell["source"]))
        for output in cell.get("outputs", []):
            parts.append("".join(output.get("data", {}).get("text/markdown", "")))
    return " ".join(" ".join(parts).split())


@pytest.fixture(scope="module")
def supplied_build(tmp_path_factory, copy_work_tree):
    """A copy of the repository built with QUICK=1 on supplied files; its executed chapters' text."""
    copy = copy_work_tree(tmp_path_factory.mktemp("book"))
    data_dir = tmp_path_factory.mktemp("supplied") / "data"
    supply_course_files(data_dir)
    result = subprocess.run(["make", "report", "QUICK=1", f"DATA_DIR={data_dir}", f"PYTHON={sys.executable}"],
                            cwd=copy, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert sorted(p.name for p in data_dir.iterdir()) == sorted(FILES)  # nothing simulated there
    texts = {chapter.stem: chapter_text(chapter)
             for chapter in sorted((copy / "build" / "chapters").glob("*.ipynb"))}
    pdf = " ".join(" ".join(page.extract_text() for page in PdfReader(copy / "report-quick.pdf").pages).split())
    return texts, pdf, result.stdout + result.stderr


def test_the_build_takes_the_files_as_supplied(supplied_build):
    texts, _, log = supplied_build
    assert "supplied" in log and "simulated" not in log.split("data checked")[-1].split("\n")[0]
    assert "the files were supplied, not simulated by this build" in texts["01-data"]
    assert not [name for name, text in texts.items() if "This build simulated" in text]


def test_the_training_radius_is_the_files_not_the_simulators(supplied_build):
    texts, _, _ = supplied_build
    assert "the training balls have a radius of 1.00" in texts["01-data"]
    assert re.search(r"its balls all have about the same size \(radii (0\.99|1\.0\d) to (0\.99|1\.0\d) box units",
                     texts["02-counting"])
    chapter3 = texts["03-counting-robust"]
    assert "the training balls measure 1.00 box units" in chapter3
    assert "At the radius of the training balls (1.00) the baseline counts" in chapter3


def test_the_test_radii_are_measured_from_the_test_file(supplied_build):
    texts, _, _ = supplied_build
    for chapter, pattern in (("01-data", r"balls of the test file's single-ball images (\d\.\d\d) to (\d\.\d\d)"),
                             ("03-counting-robust", r"the range of the test file's balls \(measured from "
                                                    r"their brightness: (\d\.\d\d) to (\d\.\d\d)\)")):
        low, high = map(float, re.search(pattern, texts[chapter]).groups())
        assert TEST_RADII[0] - 0.01 <= low < high <= TEST_RADII[1] + 0.01
        assert high - low > 0.4


def test_no_simulator_setting_is_stated_as_a_fact_about_the_files(supplied_build):
    texts, pdf, _ = supplied_build
    for text in (*texts.values(), pdf):
        assert "0.8 to 1.8" not in text and "simulated test file" not in text
        assert "training radius is 1.2" not in text and "radius 1.2 of" not in text
    # The simulator's training radius, 1.2, may only be named as the simulator's.
    for text in texts.values():
        for sentence in re.split(r"(?<=\.)\s", text):
            if re.search(r"\b1\.2\b(?!×)", sentence) and re.search("training|radius|radii", sentence):
                assert "simulat" in sentence, sentence


def test_the_build_log_carries_no_kernel_chatter(supplied_build):
    """No 'running over TCP without encryption' warning, no 'KeyboardInterrupt caught' error."""
    _, _, log = supplied_build
    assert "Executing chapters/06-provenance.ipynb" in log
    assert "IPKernelApp" not in log
