"""Imports run one way: settings -> lower layers (data, training, metrics, physics, paths) -> the
Parts (counting, video) -> report. Read from the source (AST), so a wrong-way import fails here
before anyone has to notice it in a review."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LIB = ROOT / "lib"
LOWER = ("lib.data", "lib.training", "lib.metrics", "lib.physics", "lib.paths")
PARTS = ("lib.counting", "lib.video")
REPORT = ("lib.report",)


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(source: str) -> set[str]:
    """Every module an `import` or `from ... import` names, nested ones (in functions) too."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            # `from lib import settings` imports the module lib.settings.
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def within(module: str, packages: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def forbidden(importer: str) -> tuple[str, ...]:
    """What `importer` may not import."""
    if importer == "lib.settings":
        return ("lib",)
    if within(importer, LOWER):
        return PARTS + REPORT
    if within(importer, ("lib.counting",)):
        return ("lib.video", *REPORT)
    if within(importer, ("lib.video",)):
        return ("lib.counting", *REPORT)
    return ()


def wrong_way(path: Path) -> list[str]:
    importer = module_name(path)
    banned = forbidden(importer)
    modules = {name for name in imported_modules(path.read_text()) if within(name, banned)}
    # `from lib.report.words import listed` names both the module and lib.report.words.listed.
    return sorted(f"{importer} imports {m}" for m in modules if m.rpartition(".")[0] not in modules)


def test_the_rules_catch_each_kind_of_wrong_way_import():
    assert forbidden("lib.settings") == ("lib",)
    assert within("lib.report.words", forbidden("lib.physics.workflow"))
    assert within("lib.video.workflow", forbidden("lib.physics.workflow"))
    assert within("lib.video.augment", forbidden("lib.counting.augment"))
    assert within("lib.report.words", forbidden("lib.video.ablation"))
    assert not within("lib.video.ablation", forbidden("lib.report.video_tables"))
    assert imported_modules("from lib import settings\nimport lib.video.unet") >= {
        "lib.settings",
        "lib.video.unet",
    }


@pytest.mark.parametrize(
    "path", sorted(LIB.rglob("*.py")), ids=lambda p: p.relative_to(ROOT).as_posix()
)
def test_imports_run_one_way(path):
    assert wrong_way(path) == []
