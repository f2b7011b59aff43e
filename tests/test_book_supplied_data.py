"""The whole book on supplied course files of another generator: it builds and states what they
hold.

The files are those of the issue that found the crash: training balls of radius 1.5 box units
(the project's simulator uses 1.2), test balls of radii 0.85 to 1.6, Part 2 clips of radius 1.5,
label key `label`, float64 pixels. They are handed to a quick build as the user's own files (no
manifest), as the real course files would be, and the book is rendered.
"""

import subprocess
import sys

import pytest
from pypdf import PdfReader

from tests.supplied_files import (
    SIMULATED_HERE_CLAIMS,
    SIMULATOR_PHRASES,
    SIZES_ROW,
    TEST_SIZES_CLAIM,
    TYPED_COUNTS,
    FileSet,
    chapter_text,
    measured,
    sentences_matching,
    simulator_claims,
    supply_course_files,
)

pytestmark = pytest.mark.e2e  # builds the book (make), minutes per case

FILES = FileSet(training_radius=1.5, test_radii=(0.85, 1.6), video_radius=1.5)


@pytest.fixture(scope="module")
def supplied_build(tmp_path_factory, copy_work_tree):
    """A copy of the repository built with QUICK=1 on supplied files; its executed chapters'
    text."""
    copy = copy_work_tree(tmp_path_factory.mktemp("book"))
    data_dir = tmp_path_factory.mktemp("supplied") / "data"
    supply_course_files(data_dir, FILES)
    supplied = sorted(p.name for p in data_dir.iterdir())
    result = subprocess.run(
        ["make", "report", "QUICK=1", f"DATA_DIR={data_dir}", f"PYTHON={sys.executable}"],
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert sorted(p.name for p in data_dir.iterdir()) == supplied  # nothing simulated there
    texts = {
        chapter.stem: chapter_text(chapter)
        for chapter in sorted((copy / "build" / "chapters").glob("*.ipynb"))
    }
    pdf = " ".join(
        " ".join(page.extract_text() for page in PdfReader(copy / "report-quick.pdf").pages).split()
    )
    return texts, pdf, result.stdout + result.stderr


def test_the_build_takes_the_files_as_supplied(supplied_build):
    texts, _, log = supplied_build
    assert "supplied" in log and "simulated" not in log.split("data checked")[-1].split("\n")[0]
    # The table of files gives each file's origin: all three are the course's, none simulated.
    assert texts["01-data"].count("| course file |") == 3
    assert "simulated," not in texts["01-data"]


def test_the_training_radius_is_the_files_not_the_simulators(supplied_build):
    texts, _, _ = supplied_build
    stated, _, _ = measured(SIZES_ROW.format("training file"), texts["01-data"])
    assert abs(stated - FILES.training_radius) <= 0.02


def test_the_test_radii_are_measured_from_the_test_file(supplied_build):
    texts, _, _ = supplied_build
    _, low, high = measured(SIZES_ROW.format("test file"), texts["01-data"])
    assert FILES.test_radii[0] - 0.01 <= low < high <= FILES.test_radii[1] + 0.01
    assert high - low > 0.4


def test_no_simulator_setting_is_stated_as_a_fact_about_the_files(supplied_build):
    texts, pdf, _ = supplied_build
    assert not [phrase for phrase in SIMULATOR_PHRASES if phrase in pdf]
    assert not [claim for text in texts.values() for claim in simulator_claims(text)]


def test_no_claim_that_needs_files_simulated_here(supplied_build):
    """No comparison with the simulator's settings and no ceiling ("the best any predictor can
    do"): both need the start states and settings of files this project simulated."""
    texts, pdf, _ = supplied_build
    assert not sentences_matching(SIMULATED_HERE_CLAIMS, pdf)
    assert not [
        s for text in texts.values() for s in sentences_matching(SIMULATED_HERE_CLAIMS, text)
    ]


def test_no_fixed_size_range_is_said_to_cover_the_test_balls(supplied_build):
    """Task 4's secondary row trains on a fixed range of sizes: whether it covers the test balls
    depends on the test file, and on these files' radii it does not."""
    texts, pdf, _ = supplied_build
    assert not sentences_matching(TEST_SIZES_CLAIM, pdf)
    assert not sentences_matching(TEST_SIZES_CLAIM, texts["03-counting-robust"])


def test_no_typed_count_that_the_supplied_build_contradicts(supplied_build):
    """Seeds and clip counts come from where they are defined: a quick build on these files has
    two seeds per model and a Part 2 file of 500 clips, so a typed "three seeds" or "4000
    training clips" is false here."""
    texts, pdf, _ = supplied_build
    assert not sentences_matching(TYPED_COUNTS, pdf)
    assert not [s for text in texts.values() for s in sentences_matching(TYPED_COUNTS, text)]


def test_the_physics_chapter_states_no_simulator_setting(supplied_build):
    """Chapter 6 on files it did not simulate: the identified settings stand alone, the scores
    table has no ceiling row, and no sentence compares them with a simulator's."""
    texts, _, _ = supplied_build
    physics = texts["06-video-physics"]
    assert "| ceiling" not in physics
    assert "simulator (px)" not in physics
    assert not sentences_matching(SIMULATED_HERE_CLAIMS, physics)


def test_the_build_log_carries_no_kernel_chatter(supplied_build):
    """No 'running over TCP without encryption' warning, no 'KeyboardInterrupt caught' error."""
    _, _, log = supplied_build
    assert "Executing chapters/08-provenance.ipynb" in log
    assert "IPKernelApp" not in log
