"""The submission: code.zip holds exactly what git tracks, never data, models or build outputs."""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tools.submission import SubmissionError, git_files, write_code_zip
from tools.title_page import PLACEHOLDERS

ROOT = Path(__file__).resolve().parents[2]
NOT_CODE = (".npz", ".npy", ".pt", ".pth", ".ckpt", ".pdf", ".zip")

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def git(repo, *args):
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def write(path, content=b"x"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)


@pytest.fixture
def repo(tmp_path):
    """A small checkout: tracked sources, and the data, models, builds and venv it ignores."""
    repo = tmp_path / "repo"
    tracked = [
        "Makefile",
        "README.md",
        ".gitignore",
        "lib/data/course_files.py",
        "tools/run.py",
        "data/README.md",
        "cache/README.md",
        "chapters/01-data.ipynb",
    ]
    write(
        repo / ".gitignore",
        b"data/*\n!data/README.md\ncache/*\n!cache/README.md\nbuild/\n.venv/\n*.pdf\nsubmission/\n",
    )
    for name in tracked[:2] + tracked[3:]:
        write(repo / name, f"contents of {name}\n".encode())
    for name in [
        "data/part1_bballs_training.npz",
        "data/simulated.json",
        "cache/unet/model.pt",
        "cache/unet/checkpoint.pt",
        "build/chapters/01-data.ipynb",
        "build/results.json",
        ".venv/bin/python",
        ".venv/lib/site.py",
        "report.pdf",
        "submission/code.zip",
    ]:
        write(repo / name)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "sources")
    write(repo / "notes.txt")  # untracked and not ignored: reported, not packed
    return repo, sorted(tracked)


def test_code_zip_holds_exactly_the_tracked_files(repo, tmp_path):
    repo, tracked = repo
    (repo / "lib" / "data" / "course_files.py").write_text("edited, not yet committed\n")
    names = write_code_zip(repo, tmp_path / "code.zip")
    assert names == tracked
    with zipfile.ZipFile(tmp_path / "code.zip") as archive:
        assert archive.namelist() == [f"code/{name}" for name in tracked]
        # the working tree
        assert archive.read("code/lib/data/course_files.py") == b"edited, not yet committed\n"
        assert not [n for n in archive.namelist() if n.endswith(NOT_CODE)]


def test_code_zip_is_the_same_bytes_every_time(repo, tmp_path):
    repo, _ = repo
    write_code_zip(repo, tmp_path / "a.zip")
    (repo / "Makefile").touch()
    write_code_zip(repo, tmp_path / "b.zip")
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()


def test_the_tool_writes_both_files_and_says_what_and_how_large(repo):
    repo, tracked = repo
    write(repo / "report.pdf", b"%PDF-1.7 " * 200)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "tools.submission",
            "--root",
            str(repo),
            "--report",
            str(repo / "report.pdf"),
            "--out",
            str(repo / "submission"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert (repo / "submission" / "report.pdf").read_bytes() == (repo / "report.pdf").read_bytes()
    assert "code.zip  " in run.stdout and f"the {len(tracked)} files git tracks" in run.stdout
    assert "report.pdf  2 kB" in run.stdout
    assert "not in code.zip, because git does not track them yet: notes.txt" in run.stdout


def test_outside_a_git_checkout_it_fails_with_one_line(tmp_path):
    with pytest.raises(SubmissionError, match="not a git checkout"):
        git_files(tmp_path)
    run = subprocess.run(
        [sys.executable, "-m", "tools.submission", "--check", "--root", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert run.returncode != 0
    assert run.stderr.strip().count("\n") == 0 and run.stderr.startswith("error: ")


def test_this_repository_packs_no_data_models_or_build_outputs():
    if subprocess.run(["git", "rev-parse"], cwd=ROOT, capture_output=True).returncode != 0:
        pytest.skip("not a git checkout")
    names = git_files(ROOT)
    assert "Makefile" in names
    assert not [n for n in names if n.endswith(NOT_CODE)]
    assert not [n for n in names if n.split("/")[0] in {"build", ".venv", "submission"}]
    assert not [
        n for n in names if n.split("/")[0] in {"data", "cache"} and not n.endswith("README.md")
    ]


def sign(config: Path) -> None:
    """Replace the title page's placeholders by a student's own details."""
    text = config.read_text()
    for placeholder, own in zip(
        PLACEHOLDERS.values(), ("Chan Tai Man", "20912345", "tmchan@connect.ust.hk"), strict=True
    ):
        text = text.replace(placeholder, own)
    config.write_text(text)


def test_make_submission_refuses_the_templates_title_page_before_building(tmp_path, copy_work_tree):
    """The shipped _quarto.yml holds the placeholders: one line, and nothing simulated, built or
    packed, even with two jobs that could start the build beside the check."""
    clone = copy_work_tree(tmp_path)
    run = subprocess.run(
        ["make", "-j2", "submission", f"PYTHON={sys.executable}"],
        cwd=clone,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode != 0
    assert (
        "error: the title page still shows the template's name, student ID and e-mail; "
        "write yours in the book: block of _quarto.yml (author, subtitle)"
    ) in run.stderr
    assert "Executing" not in run.stdout and "Simulating" not in run.stdout
    assert not (clone / "submission").exists() and not (clone / "data").exists()


def test_make_submission_works_in_a_fresh_clone(tmp_path):
    """`make submission` in a clone, its report taken as built (`-o report.pdf`), no training."""
    clone = tmp_path / "clone"
    files = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\n")
    for name in filter(None, files):
        if (ROOT / name).is_file():
            write(clone / name, (ROOT / name).read_bytes())
    sign(clone / "_quarto.yml")
    git(clone, "init", "-q")
    git(clone, "add", "-A")
    git(clone, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "clone")
    write(clone / "report.pdf", b"%PDF-1.7 the built report")
    write(clone / "data" / "part1_bballs_training.npz")
    run = subprocess.run(
        ["make", "-o", "report.pdf", "submission", f"PYTHON={sys.executable}"],
        cwd=clone,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "submission/code.zip" in run.stdout
    with zipfile.ZipFile(clone / "submission" / "code.zip") as archive:
        names = archive.namelist()
    assert "code/Makefile" in names and "code/tools/submission.py" in names
    assert not [n for n in names if n.endswith(NOT_CODE)]
    quick = subprocess.run(
        ["make", "submission", "QUICK=1", f"PYTHON={sys.executable}"],
        cwd=clone,
        capture_output=True,
        text=True,
    )
    assert quick.returncode != 0 and "without QUICK=1" in quick.stderr
