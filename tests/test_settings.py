"""Every shared setting lives in lib/settings.py: chapters and bench scripts import it, never retype
it."""

import json
import re
from pathlib import Path

import pytest

from lib import settings

ROOT = Path(__file__).resolve().parents[1]
# What a retyped setting looks like, and where its one home is.
RETYPED = {
    # A name as a whole string literal (a sentence that mentions a file, e.g. a --help text, is
    # prose).
    r"[\"']part[12]_bballs_\w+\.npz[\"']": "a course file name (lib.settings.PART1_TRAINING, ...)",
    r"(?<![=\w])\(1, 2, 3\)|range\(1, 4\)": "the ball counts (lib.settings.BALL_COUNTS)",
    r"\bTrainConfig\(": "a training configuration (lib.settings.HANDOUT_PART1, ...)",
    r"range\(\d+ if quick": "the number of seeds (lib.settings.seeds)",
    r"log_mse=5e-4": "the Task 7 loss (lib.settings.TASK7_LOSS)",
    r"head=\"wide\"|skip=\"concat\"": "the Task 7 architecture (lib.settings.TASK7_ARCHITECTURE)",
}


def code_of(path: Path) -> str:
    """A bench script's source, or a chapter's code cells without their `#|` options (captions are
    prose)."""
    if path.suffix == ".py":
        return path.read_text()
    cells = json.loads(path.read_text())["cells"]
    return "\n".join(
        line
        for cell in cells
        if cell["cell_type"] == "code"
        for line in "".join(cell["source"]).splitlines()
        if not line.startswith("#|")
    )


def retyped_settings(code: str) -> list[str]:
    return [what for pattern, what in RETYPED.items() if re.search(pattern, code)]


@pytest.mark.parametrize(
    "path", sorted([*ROOT.glob("chapters/*.ipynb"), *ROOT.glob("bench/*.py")]), ids=lambda p: p.name
)
def test_no_chapter_or_bench_script_spells_out_a_shared_setting(path):
    assert retyped_settings(code_of(path)) == []


def test_the_library_and_tools_take_the_ball_counts_from_settings():
    """simulate, counting, metrics and plots once typed their own (1, 2, 3)."""
    ball_counts = next(pattern for pattern, what in RETYPED.items() if "BALL_COUNTS" in what)
    modules = [
        p
        for p in sorted([*ROOT.glob("lib/**/*.py"), *ROOT.glob("tools/*.py")])
        if p.name != "settings.py"
    ]
    assert [
        p.relative_to(ROOT).as_posix() for p in modules if re.search(ball_counts, p.read_text())
    ] == []


@pytest.mark.parametrize(
    "code",
    [
        'load(DATA / "part1_bballs_test.npz")',
        "for n in (1, 2, 3):",
        "TrainConfig(epochs=5, batch_size=4)",
        "seeds = range(2 if quick else 5)",
        "FrameLoss(mse=1.0, log_mse=5e-4)",
        'VideoUNet(head="wide")',
    ],
)
def test_the_check_catches_each_kind_of_retyped_setting(code):
    assert len(retyped_settings(code)) == 1


def test_axes_and_sentences_are_not_settings():
    assert retyped_settings("images.sum(dim=(1, 2, 3))") == []
    assert retyped_settings('help="read part2_bballs_sequence.npz from here"') == []


def test_quick_previews_train_one_epoch_with_fewer_seeds():
    assert settings.budget(settings.HANDOUT_PART1, quick=True).epochs == 1
    assert settings.budget(settings.HANDOUT_PART1, quick=False) == settings.HANDOUT_PART1
    assert len(settings.seeds(True)) < len(settings.seeds(False)) == settings.N_SEEDS


def test_the_handout_settings():
    assert (
        settings.HANDOUT_PART1.epochs,
        settings.HANDOUT_PART1.batch_size,
        settings.HANDOUT_PART1.lr,
    ) == (5, 4, 1e-3)
    assert (
        settings.HANDOUT_PART2.epochs,
        settings.HANDOUT_PART2.batch_size,
        settings.HANDOUT_PART2.lr,
    ) == (20, 4, 1e-3)
