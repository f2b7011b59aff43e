"""lib/physics is a lower layer: it imports neither Part 1's or Part 2's networks (lib.counting,
lib.video) nor the report's words (lib.report), which import it."""

import ast
from pathlib import Path

import pytest

PHYSICS = Path(__file__).resolve().parents[2] / "lib" / "physics"
ABOVE = ("lib.counting", "lib.video", "lib.report")


def imported_modules(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


@pytest.mark.parametrize("path", sorted(PHYSICS.glob("*.py")), ids=lambda path: path.name)
def test_the_physics_imports_nothing_above_it(path):
    wrong = [name for name in imported_modules(path) if name.startswith(ABOVE)]
    assert wrong == []


def test_the_check_sees_a_wrong_way_import(tmp_path):
    module = tmp_path / "module.py"
    module.write_text("from lib.video.workflow import VideoData\nimport lib.report.words\n")
    assert imported_modules(module) == ["lib.video.workflow", "lib.report.words"]
