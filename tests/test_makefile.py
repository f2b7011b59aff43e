"""The Makefile: a chapter is re-executed when any module it can import changes, and the environment
is set up in the right order, keeping an existing interpreter's torch."""

import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = "05-video-beyond.ipynb"
OLD, NEW = 1_000_000_000, 1_100_000_000  # seconds since the epoch: sources older than outputs


@pytest.fixture
def built_tree(tmp_path, copy_work_tree):
    """A copy of the work tree in which every chapter looks executed after its last edit."""
    tree = copy_work_tree(tmp_path)
    (tree / "data").mkdir(exist_ok=True)
    for name in ("part1_bballs_training.npz", "part1_bballs_test.npz", "part2_bballs_sequence.npz"):
        (tree / "data" / name).touch()
    (tree / "build" / "chapters").mkdir(parents=True)
    (tree / "build" / "mode").write_text("full\n")
    for chapter in (tree / "chapters").glob("*.ipynb"):
        (tree / "build" / "chapters" / chapter.name).touch()
    for path in tree.rglob("*"):
        os.utime(path, (OLD, OLD))
    for path in (tree / "build").rglob("*"):
        os.utime(path, (NEW, NEW))
    return tree


def executes_chapter(tree: Path) -> bool:
    """Whether `make` would re-execute the chapter: a dry run, the build mode taken as unchanged
    (its rule always runs) and no environment to set up (PYTHON=true)."""
    dry_run = subprocess.run(
        ["make", "-n", "-o", "build/mode", "PYTHON=true", f"build/chapters/{CHAPTER}"],
        cwd=tree,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return f"Executing chapters/{CHAPTER}" in dry_run


def test_an_up_to_date_chapter_is_not_executed_again(built_tree):
    assert not executes_chapter(built_tree)


@pytest.mark.parametrize(
    "module", ["lib/physics/motion.py", "lib/report/words.py", "lib/settings.py"]
)
def test_editing_a_module_in_any_package_executes_the_chapter_again(built_tree, module):
    os.utime(built_tree / module, (NEW + 1, NEW + 1))
    assert executes_chapter(built_tree)


def test_the_chapter_with_the_longest_training_starts_first_and_every_chapter_runs(built_tree):
    for chapter in (built_tree / "chapters").glob("*.ipynb"):
        os.utime(chapter, (NEW + 1, NEW + 1))
    dry_run = subprocess.run(
        ["make", "-n", "-o", "build/mode", "PYTHON=true", "report"],
        cwd=built_tree,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    started = re.findall(r"Executing (chapters/\S+\.ipynb)", dry_run)
    assert started[0] == f"chapters/{CHAPTER}"
    assert sorted(started) == sorted(
        f"chapters/{path.name}" for path in (built_tree / "chapters").glob("*.ipynb")
    )


def make_hooks(tree: Path) -> subprocess.CompletedProcess:
    # ENV_STAMP= : the tree borrows this checkout's .venv, which make must not rebuild.
    return subprocess.run(
        ["make", "--no-print-directory", "hooks", "ENV_STAMP="],
        cwd=tree,
        capture_output=True,
        text=True,
        check=True,
    )


def test_the_pre_commit_hooks_are_installed_in_a_git_checkout_and_quietly_skipped_outside(
    tmp_path, copy_work_tree
):
    tree = copy_work_tree(tmp_path)
    (tree / ".venv").symlink_to(ROOT / ".venv")
    assert make_hooks(tree).stdout == ""  # an unpacked code.zip: no git, nothing said
    subprocess.run(["git", "init", "-q"], cwd=tree, check=True)
    assert "hooks installed" in make_hooks(tree).stdout
    assert "pre-commit" in (tree / ".git" / "hooks" / "pre-commit").read_text()


def environment_steps(*arguments: str) -> list[str]:
    """The commands `make env` would run (a dry run that takes every target as out of date)."""
    dry_run = subprocess.run(
        ["make", "--no-print-directory", "-n", "-B", "env", *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return dry_run.splitlines()


def test_the_venv_is_made_only_after_the_bootstrap_pythons_version_is_checked():
    steps = environment_steps("BOOTSTRAP_PYTHON=python3.x")
    check = steps.index("python3.x -m tools.prepare_python --check-version")
    assert check < steps.index("python3.x -m venv .venv")
    assert ".venv/bin/python -m tools.prepare_python" in steps  # no --keep-torch: the pin rules


def test_an_existing_interpreter_is_made_ready_keeping_its_torch():
    steps = environment_steps("PYTHON=/opt/conda/bin/python")
    assert steps == ["/opt/conda/bin/python -m tools.prepare_python --keep-torch"]
