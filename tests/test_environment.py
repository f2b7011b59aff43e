"""The environment: requirements.txt pins what the project imports, constraints.txt locks every
package installed with them, environment.yml and the Makefile install both, the project is
installed so that a chapter runs from its own folder, and an existing interpreter is made ready
without touching its torch."""

import os
import re
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import nbformat
import papermill
import pytest
import yaml

from tools.prepare_python import normalised, pins

ROOT = Path(__file__).resolve().parents[1]


def requirement_lines():
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def test_every_requirement_is_pinned_and_torch_is_the_cpu_wheel():
    lines = requirement_lines()
    assert all(re.fullmatch(r"[A-Za-z0-9_.\-]+==[0-9][0-9A-Za-z.]*", line) for line in lines), lines
    assert "torch==2.13.0" in lines


def test_requirements_cover_what_the_project_imports():
    names = {line.split("==")[0].lower() for line in requirement_lines()}
    needed = {
        "torch",
        "numpy",
        "matplotlib",
        "seaborn",
        "scikit-image",
        "scikit-learn",
        "papermill",
        "ipykernel",
        "torchsummary",
        "tqdm",
        "pytest",
        "pypandoc-binary",
        "typst",
        "pypdf",
        "tabulate",
        "pyyaml",
    }
    assert needed <= names, needed - names


def test_conda_environment_installs_the_requirements_under_the_lock_and_quarto():
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    dependencies = environment["dependencies"]
    assert "python=3.11" in dependencies and "quarto" in dependencies
    pip_section = next(d["pip"] for d in dependencies if isinstance(d, dict))
    assert pip_section == ["-r requirements.txt", "-c constraints.txt"]


def test_the_lock_holds_every_requirement_at_its_pin_and_leaves_torch_to_requirements_txt():
    requirements, lock = pins(ROOT / "requirements.txt"), pins(ROOT / "constraints.txt")
    assert {name: lock.get(name) for name in requirements if name != "torch"} == {
        name: version for name, version in requirements.items() if name != "torch"
    }
    assert "torch" not in lock


def test_the_lock_pins_jupyter_client_whose_private_method_run_chapter_overrides():
    assert "_async_interrupt_kernel" in (ROOT / "tools" / "run_chapter.py").read_text()
    assert re.fullmatch(r"\d+\.\d+\.\d+", pins(ROOT / "constraints.txt")["jupyter-client"])


def test_the_lock_was_written_by_the_makefiles_lock_command():
    recipe = subprocess.run(
        ["make", "-n", "lock"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.replace("\\\n", " ")
    run = set(re.search(r"pip-compile (.*)", recipe).group(1).split()) - {"--quiet"}
    # pip-compile's header writes the command with its options sorted and joined by "=".
    header = re.search(r"#    pip-compile (.*)", (ROOT / "constraints.txt").read_text()).group(1)
    written = {word for option in header.split() for word in option.split("=")}
    assert written == run


def test_every_package_of_the_projects_venv_is_locked_at_its_version():
    if Path(sys.prefix) != ROOT / ".venv":
        pytest.skip("not running in the project's .venv (make env makes it)")
    lock = pins(ROOT / "constraints.txt")
    unlocked = {
        normalised(dist.metadata["Name"]): dist.version
        for dist in metadata.distributions()
        if lock.get(normalised(dist.metadata["Name"])) != dist.version
    }
    # pip is pinned by the Makefile, torch by requirements.txt, the project is this checkout.
    assert set(unlocked) == {"pip", "torch", "bouncing-balls"}, unlocked


def test_pyproject_states_the_supported_pythons_and_installs_lib():
    text = (ROOT / "pyproject.toml").read_text()
    assert 'requires-python = ">=3.11,<3.14"' in text
    assert 'include = ["lib", "lib.*"]' in text


# --- A chapter opened where Jupyter, VS Code and Colab start its kernel ----------------------


@pytest.fixture
def folders_under_build():
    """A folder named relative to the repository root, as a chapter's default folders are (under
    the git-ignored build/), with the course files simulated in its data/."""
    relative = Path("build") / f"chapter-in-its-folder-{os.getpid()}"
    subprocess.run(
        [sys.executable, "-m", "tools.make_data", str(relative / "data")],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    yield relative
    shutil.rmtree(ROOT / relative)


@pytest.mark.e2e
def test_a_chapter_runs_with_its_own_folder_as_the_working_directory(folders_under_build, tmp_path):
    executed = tmp_path / "01-data.ipynb"
    papermill.execute_notebook(
        str(ROOT / "chapters" / "01-data.ipynb"),
        str(executed),
        # A relative folder, as the default is: from chapters/ it names nothing, so the chapter
        # finds the data only if it resolves the folder from the repository root.
        parameters={"quick": True, "data_dir": str(folders_under_build / "data")},
        cwd=str(ROOT / "chapters"),
        kernel_name="python3",
        progress_bar=False,
    )
    # papermill raises on a failed cell; the files table shows that the data was read.
    outputs = [
        output.get("data", {}).get("text/markdown", "")
        for cell in nbformat.read(executed, as_version=4).cells
        for output in cell.get("outputs", [])
    ]
    assert any("part2_bballs_sequence.npz" in text for text in outputs)


# --- An existing interpreter: Colab's, Kaggle's, a conda environment's -----------------------


def torch_version(python: Path) -> str:
    return subprocess.run(
        [str(python), "-c", "import torch; print(torch.__version__)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


@pytest.mark.e2e
def test_an_interpreter_holding_only_torch_builds_the_quick_book_and_keeps_its_torch(
    tmp_path, copy_work_tree
):
    venv = tmp_path / "torch-only"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            f"torch=={torch_version(Path(sys.executable))}",
        ],
        check=True,
    )
    before = torch_version(python)
    tree = copy_work_tree(tmp_path / "tree")
    # The book pins another torch than the one installed, as on Colab: it must be kept. Should it
    # not be, this constraint makes pip fail at once instead of downloading a torch of several GB.
    requirements = tree / "requirements.txt"
    requirements.write_text(requirements.read_text().replace("torch==2.13.0", "torch==2.12.0"))
    keep_torch = tmp_path / "keep-torch.txt"
    keep_torch.write_text(f"torch=={before}\n")
    result = subprocess.run(
        ["make", "report", "QUICK=1", f"PYTHON={python}"],
        cwd=tree,
        env={**os.environ, "PIP_CONSTRAINT": str(keep_torch)},
        capture_output=True,
        text=True,
        timeout=1500,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert (tree / "report-quick.pdf").is_file()
    assert torch_version(python) == before
    assert f"torch {before} kept as it is" in result.stderr
