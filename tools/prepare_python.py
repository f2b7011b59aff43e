"""Make a Python interpreter ready for the book: check its version, install what it lacks.

    python -m tools.prepare_python                  check the version, then install
    python -m tools.prepare_python --keep-torch     the same, keeping an installed torch
    python -m tools.prepare_python --check-version  only check the version

Installs requirements.txt under the lock constraints.txt, then this project in editable mode (so
that `import lib` works from any folder, `chapters/` included) unless it is installed already; when
that install is another checkout's, a note says so. With --keep-torch (an existing interpreter:
Colab's and Kaggle's CUDA builds, a conda environment), a torch that is already installed is kept
exactly as it is, whatever its version or build: it is left out of the requirements and pinned to
itself. The project's own .venv follows requirements.txt's torch pin instead. Nothing runs when
this interpreter was made ready from the same requirements.txt and constraints.txt (a stamp under
build/environments/) and still has every requirement at its pin. A Python of another version, a
Python without pip or a package that pip cannot install stops with one line; pip's own messages go
to build/prepare_python.log.

Runs before any package of the book is installed, so it uses the standard library only, and runs
on Python 3.8 and newer, so that an older Python hears in one line why it is refused.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urlparse

ROOT = Path(__file__).resolve().parents[1]
REQUIREMENTS = ROOT / "requirements.txt"
CONSTRAINTS = ROOT / "constraints.txt"
PYPROJECT = ROOT / "pyproject.toml"
LOG = ROOT / "build" / "prepare_python.log"
STAMPS = ROOT / "build" / "environments"
PROJECT = "bouncing-balls"
TORCH = "torch"


def supported_versions(pyproject: Path = PYPROJECT) -> tuple[tuple[int, int], tuple[int, int]]:
    """The lowest supported (major, minor) and the first unsupported one, from requires-python
    (read with a regex: tomllib is not there before Python 3.11)."""
    match = re.search(
        r'requires-python\s*=\s*">=(\d+)\.(\d+),\s*<(\d+)\.(\d+)"', pyproject.read_text()
    )
    if not match:
        raise SystemExit(f'error: {pyproject} needs a line requires-python = ">=X.Y,<X.Z"')
    low_major, low_minor, high_major, high_minor = (int(part) for part in match.groups())
    return (low_major, low_minor), (high_major, high_minor)


def version_problem(version: tuple[int, int], executable: str) -> str | None:
    """One line saying why `version` cannot build the book and what to do, or None if it can."""
    (low_major, low_minor), (high_major, high_minor) = supported_versions()
    if (low_major, low_minor) <= version < (high_major, high_minor):
        return None
    newest = f"{high_major}.{high_minor - 1}" if high_minor else f"{high_major - 1}.x"
    return (
        f"error: {executable} is Python {version[0]}.{version[1]}, but the book needs Python "
        f"{low_major}.{low_minor} to {newest}: pick one with PYTHON=/path/to/python (an existing "
        f"interpreter) or BOOTSTRAP_PYTHON=python{low_major}.{low_minor} (for the project's .venv)"
    )


def pins(path: Path) -> dict[str, str]:
    """`name==version` lines of a requirements or constraints file, by normalised name."""
    found = {}
    for line in path.read_text().splitlines():
        match = re.match(r"([A-Za-z0-9_.\-]+)==(\S+)", line)
        if match:
            found[normalised(match.group(1))] = match.group(2)
    return found


def normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def installed_version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def satisfies(installed: str | None, pinned: str) -> bool:
    """Whether an installed version meets `==pinned`, which (PEP 440) also admits a local build
    of that release when the pin names none: ==2.13.0 admits 2.13.0+cpu."""
    if installed is None:
        return False
    return installed == pinned or ("+" not in pinned and installed.split("+")[0] == pinned)


def installed_checkout() -> Path | None:
    """The checkout this project is installed from (in editable mode), or None when it is not.

    Only an installed copy has direct_url.json: the egg-info that the editable build leaves in
    the checkout, which sys.path also finds from the repository root, does not count."""
    for distribution in metadata.distributions(name=PROJECT):
        direct_url = json.loads(distribution.read_text("direct_url.json") or "{}")
        url = urlparse(direct_url.get("url", ""))
        if url.scheme == "file":
            return Path(unquote(url.path))
    return None


def wanted(requirements: dict[str, str], torch_version: str | None) -> dict[str, str]:
    """The pinned requirements to install: an installed torch is kept, so it is not asked for."""
    return {
        name: version
        for name, version in requirements.items()
        if not (name == TORCH and torch_version)
    }


def constraint_lines(constraints: str, torch_version: str | None) -> str:
    """The lock, plus the installed torch pinned to itself, so that no package can replace it."""
    if torch_version is None:
        return constraints
    return f"{constraints.rstrip()}\n{TORCH}=={torch_version}\n"


def stamp(torch_version: str | None) -> Path:
    """The file that says this interpreter was made ready from the current requirements and lock
    (with this torch kept, if one is): a change to either, a transitive pin included, installs
    again."""
    digest = hashlib.sha256()
    for part in (
        sys.executable,
        torch_version or "",
        REQUIREMENTS.read_text(),
        CONSTRAINTS.read_text(),
    ):
        digest.update(part.encode() + b"\0")
    return STAMPS / digest.hexdigest()[:16]


def pip_error(stderr: str, executable: str) -> str:
    """One line from what a failed pip printed: its first ERROR line, which names the package
    (the last one is often a generic "ResolutionImpossible"), and where the rest is."""
    errors = [line for line in stderr.splitlines() if line.startswith("ERROR:")]
    cause = errors[0][len("ERROR:") :].strip() if errors else "pip failed"
    return (
        f"error: pip could not install the book's packages into {executable} ({cause}): check the "
        f"network connection, or use Python 3.11, for which every pinned package has a wheel "
        f"(pip's messages: {LOG.relative_to(ROOT)})"
    )


def pip(arguments: list[str], log) -> None:
    """Run pip in this interpreter; stop with one line when it fails."""
    result = subprocess.run(
        [sys.executable, "-m", "pip", *arguments], capture_output=True, text=True, cwd=ROOT
    )
    log.write(f"$ pip {' '.join(arguments)}\n{result.stdout}{result.stderr}\n")
    if result.returncode:
        raise SystemExit(pip_error(result.stderr, sys.executable))


def install(keep_torch: bool) -> None:
    torch_version = installed_version(TORCH) if keep_torch else None
    requirements = wanted(pins(REQUIREMENTS), torch_version)
    missing = [
        name
        for name, version in requirements.items()
        if not satisfies(installed_version(name), version)
    ]
    checkout = installed_checkout()
    if checkout not in (None, ROOT):
        # Another checkout's lib stays what a kernel started outside it imports; make's own runs
        # start in this checkout, whose lib comes first on sys.path, so they are not affected.
        print(
            f"note: outside make, `import lib` in {sys.executable} comes from {checkout}; "
            f"`{sys.executable} -m pip install --no-deps -e {ROOT}` makes it this checkout's",
            file=sys.stderr,
        )
    ready = stamp(torch_version)
    if not missing and checkout is not None and ready.exists():
        return
    if subprocess.run([sys.executable, "-m", "pip", "--version"], capture_output=True).returncode:
        raise SystemExit(
            f"error: {sys.executable} has no pip: install it (`{sys.executable} -m ensurepip`) "
            "or pick another Python with PYTHON=/path/to/python"
        )
    kept = f"; torch {torch_version} kept as it is" if torch_version else ""
    installing = [f"the pinned {', '.join(missing)}"] if missing else ["the locked packages"]
    installing += ["this project (editable)"] if checkout is None else []
    print(
        f"==> Installing {' and '.join(installing)} into {sys.executable}{kept}",
        file=sys.stderr,
        flush=True,
    )
    LOG.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder, LOG.open("w") as log:
        requirement_file = Path(folder) / "requirements.txt"
        constraint_file = Path(folder) / "constraints.txt"
        requirement_file.write_text("".join(f"{n}=={v}\n" for n, v in requirements.items()))
        constraint_file.write_text(constraint_lines(CONSTRAINTS.read_text(), torch_version))
        pip(["install", "--quiet", "-r", str(requirement_file), "-c", str(constraint_file)], log)
        if checkout is None:
            pip(["install", "--quiet", "--no-deps", "--editable", str(ROOT)], log)
    ready.parent.mkdir(parents=True, exist_ok=True)
    ready.touch()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check-version", action="store_true", help="only check the version")
    parser.add_argument("--keep-torch", action="store_true", help="keep an installed torch")
    args = parser.parse_args(argv)
    problem = version_problem(sys.version_info[:2], sys.executable)
    if problem:
        raise SystemExit(problem)
    if not args.check_version:
        install(args.keep_torch)


if __name__ == "__main__":
    main()
