"""tools/prepare_python.py: an interpreter of a supported version gets what it lacks, an installed
torch is kept as it is, and every refusal is one line naming the cause and the fix."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tools import prepare_python

ROOT = Path(__file__).resolve().parents[2]
PYENV_VERSIONS = Path.home() / ".pyenv" / "versions"


@pytest.mark.parametrize("version", [(3, 11), (3, 12), (3, 13)])
def test_the_supported_versions_pass(version):
    assert prepare_python.version_problem(version, "python") is None


@pytest.mark.parametrize("version", [(3, 10), (3, 14), (2, 7)])
def test_another_version_is_refused_in_one_line_that_says_what_to_do(version):
    message = prepare_python.version_problem(version, "/usr/bin/python")
    assert "\n" not in message
    assert message.startswith(f"error: /usr/bin/python is Python {version[0]}.{version[1]}, ")
    assert "needs Python 3.11 to 3.13" in message
    assert "PYTHON=" in message and "BOOTSTRAP_PYTHON=python3.11" in message


def python(version: str) -> str | None:
    """An installed interpreter of `version` (X.Y), or None. pyenv's own copies first: its shims
    on PATH refuse to run a version that is not selected."""
    candidates = sorted(PYENV_VERSIONS.glob(f"{version}.*/bin/python{version}"))
    if candidates:
        return str(candidates[-1])
    found = shutil.which(f"python{version}")
    return found if found and "/shims/" not in found else None


@pytest.mark.parametrize("version", ["3.8", "3.9", "3.10"])
def test_a_real_older_python_is_refused_with_one_line_and_no_traceback(version):
    interpreter = python(version)
    if interpreter is None:
        pytest.skip(f"no Python {version} installed here")
    result = subprocess.run(
        [interpreter, "-m", "tools.prepare_python"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"error: {interpreter} is Python {version}, ")


@pytest.mark.parametrize("version", ["3.11", "3.12", "3.13"])
def test_a_real_supported_python_passes_the_version_check_silently(version):
    interpreter = python(version)
    if interpreter is None:
        pytest.skip(f"no Python {version} installed here")
    result = subprocess.run(
        [interpreter, "-m", "tools.prepare_python", "--check-version"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_an_installed_torch_is_left_out_of_the_requirements_and_pinned_to_itself():
    requirements = {"torch": "2.13.0", "numpy": "2.4.6"}
    assert prepare_python.wanted(requirements, "2.5.1+cu121") == {"numpy": "2.4.6"}
    constraints = prepare_python.constraint_lines("numpy==2.4.6\n", "2.5.1+cu121")
    assert constraints.splitlines() == ["numpy==2.4.6", "torch==2.5.1+cu121"]


def test_without_torch_the_pinned_torch_is_installed_under_the_lock_as_it_is():
    requirements = {"torch": "2.13.0", "numpy": "2.4.6"}
    assert prepare_python.wanted(requirements, None) == requirements
    assert prepare_python.constraint_lines("numpy==2.4.6\n", None) == "numpy==2.4.6\n"


@pytest.fixture
def ready_interpreter(monkeypatch, tmp_path):
    """This interpreter as prepare_python sees it: every requirement at its pin (torch as the CPU
    wheel, whose local version meets torch==2.13.0), this checkout installed, no stamps yet."""
    pinned = prepare_python.pins(prepare_python.REQUIREMENTS)
    installed = {**pinned, "torch": pinned["torch"] + "+cpu"}
    monkeypatch.setattr(prepare_python, "installed_version", installed.get)
    monkeypatch.setattr(prepare_python, "installed_checkout", lambda: prepare_python.ROOT)
    monkeypatch.setattr(prepare_python, "STAMPS", tmp_path / "stamps")
    calls = []
    monkeypatch.setattr(prepare_python, "pip", lambda arguments, log: calls.append(arguments))
    return installed, calls


@pytest.mark.parametrize("keep_torch", [False, True])
def test_pip_runs_once_for_a_lock_then_not_while_every_pin_is_there(ready_interpreter, keep_torch):
    _, calls = ready_interpreter
    prepare_python.install(keep_torch)  # a transitive pin may have changed: pip checks them all
    assert len(calls) == 1
    prepare_python.install(keep_torch)
    assert len(calls) == 1


def test_a_changed_lock_runs_pip_again(ready_interpreter, monkeypatch, tmp_path):
    _, calls = ready_interpreter
    prepare_python.install(keep_torch=False)
    changed = tmp_path / "constraints.txt"
    changed.write_text(prepare_python.CONSTRAINTS.read_text() + "# a new transitive pin\n")
    monkeypatch.setattr(prepare_python, "CONSTRAINTS", changed)
    prepare_python.install(keep_torch=False)
    assert len(calls) == 2


@pytest.mark.parametrize("keep_torch, replaced", [(False, True), (True, False)])
def test_an_installed_torch_of_another_version_is_replaced_only_without_keep_torch(
    ready_interpreter, capsys, keep_torch, replaced
):
    installed, calls = ready_interpreter
    installed["torch"] = "2.5.1+cu121"
    prepare_python.install(keep_torch)
    message = capsys.readouterr().err
    assert ("==> Installing the pinned torch into " in message) is replaced
    assert ("torch 2.5.1+cu121 kept as it is" in message) is not replaced


@pytest.mark.parametrize(
    "installed, pinned, met",
    [
        ("2.13.0", "2.13.0", True),
        ("2.13.0+cpu", "2.13.0", True),
        ("2.13.1", "2.13.0", False),
        ("2.13.0", "2.13.0+cpu", False),
        (None, "1.0", False),
    ],
)
def test_a_pin_admits_a_local_build_of_its_release(installed, pinned, met):
    assert prepare_python.satisfies(installed, pinned) is met


def test_another_checkouts_install_is_left_alone_and_a_note_says_how_to_switch(
    ready_interpreter, monkeypatch, capsys
):
    _, calls = ready_interpreter
    monkeypatch.setattr(prepare_python, "installed_checkout", lambda: Path("/elsewhere"))
    prepare_python.install(keep_torch=True)
    assert all("--editable" not in arguments for arguments in calls)
    note = [line for line in capsys.readouterr().err.splitlines() if line.startswith("note:")]
    assert len(note) == 1 and "comes from /elsewhere" in note[0]
    assert f"pip install --no-deps -e {prepare_python.ROOT}" in note[0]


def test_this_checkout_is_the_one_installed_in_the_test_environment():
    # make env installed it: `import lib` works in a kernel started in chapters/.
    assert prepare_python.installed_checkout() == ROOT


def test_pins_reads_the_locks_pins_by_normalised_name():
    lock = prepare_python.pins(prepare_python.CONSTRAINTS)
    assert lock["pyyaml"] == prepare_python.pins(prepare_python.REQUIREMENTS)["pyyaml"] == "6.0.4"


def test_pips_failure_becomes_one_line_with_its_first_error():
    stderr = (
        "WARNING: something\n"
        "ERROR: Cannot install torch==2.12.0 because these package versions have conflicts.\n"
        "ERROR: ResolutionImpossible: for help visit https://pip.pypa.io\n"
    )
    message = prepare_python.pip_error(stderr, "/x/python")
    assert "\n" not in message
    assert message.startswith(
        "error: pip could not install the book's packages into /x/python "
        "(Cannot install torch==2.12.0 because these package versions have conflicts.): "
    )
    assert "build/prepare_python.log" in message


def test_a_package_that_cannot_be_installed_stops_with_one_line(tmp_path, copy_work_tree):
    tree = copy_work_tree(tmp_path)
    for name in ("requirements.txt", "constraints.txt"):  # a release that does not exist
        pinned = tree / name
        pinned.write_text(pinned.read_text().replace("tabulate==0.10.0", "tabulate==0.0.1"))
    # No index at all: pip fails at once, without asking a registry or changing this environment.
    environment = {**os.environ, "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(tmp_path / "none")}
    result = subprocess.run(
        [sys.executable, "-m", "tools.prepare_python"],
        cwd=tree,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    last = result.stderr.splitlines()[-1]
    assert last.startswith("error: pip could not install the book's packages into ")
    assert "tabulate" in last
    assert "ERROR" in (tree / "build" / "prepare_python.log").read_text()


def test_a_tool_missing_a_package_says_which_and_how_to_install_it_in_one_line():
    result = subprocess.run(
        [sys.executable, "-c", "import tools, package_that_is_not_installed"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(
        "error: the package that provides 'package_that_is_not_installed' is not installed in "
    )
    assert "make env" in result.stderr
