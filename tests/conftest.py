import subprocess
import sys
from pathlib import Path

import pytest

# Tests import `lib` and `tools` from the repository root without installing anything.
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


@pytest.fixture(scope="session")
def copy_work_tree():
    """A function that copies what git tracks or would track (a clean clone plus uncommitted work)
    into a folder, for the end-to-end builds."""

    def copy(destination: Path) -> Path:
        files = subprocess.run(
            ["git", "ls-files", "-co", "--exclude-standard"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split("\n")
        for name in filter(None, files):
            source = ROOT / name
            if source.is_file():
                (destination / name).parent.mkdir(parents=True, exist_ok=True)
                (destination / name).write_bytes(source.read_bytes())
        return destination

    return copy
