"""The environment files agree: requirements.txt pins everything, environment.yml installs it."""

import re
from pathlib import Path

import yaml

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


def test_conda_environment_installs_requirements_txt_and_quarto():
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    dependencies = environment["dependencies"]
    assert "python=3.11" in dependencies and "quarto" in dependencies
    pip_section = next(d["pip"] for d in dependencies if isinstance(d, dict))
    assert pip_section == ["-r requirements.txt"]
