"""What a cached result's key is made of: its name, parameters, data and the code it can run.

The code of a result is every module of `lib/` that the modules defining its functions and
classes import, transitively (read from each module's import statements, wherever they stand in
it), with the packages' `__init__` files that importing them runs. A change to any of those files
changes the key; a change to a module outside them does not. Both caches key this way: the
trained models (lib/training/cache.py) and the physics fit (lib/physics/predictor.py).

This module imports nothing from `lib`, so what uses it adds no other `lib` code to its keys.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import inspect
import json
import site
import sysconfig
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

from torch import Tensor

LIB = Path(__file__).resolve().parents[1]
# Where installed packages live (the user's site too, as pip --user fills it): their code is
# pinned by requirements.txt, so their names key it.
_INSTALLED = {
    Path(folder).resolve()
    for folder in (
        *(sysconfig.get_path(kind) for kind in ("stdlib", "platstdlib", "purelib", "platlib")),
        site.getusersitepackages(),
    )
}


def result_key(
    name: str,
    code: Iterable[Any],
    data: Iterable[Tensor],
    parameters: Mapping[str, Any],
    sources: Mapping[str, str] | None = None,
) -> str:
    """SHA-256 over a result's name, JSON-able parameters, data tensors and the code behind
    `code` (see `code_digest`)."""
    parts = {
        "name": name,
        "parameters": parameters,
        "data": [tensor_digest(tensor) for tensor in data],
        "code": code_digest(code, sources),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def entry_path(cache_dir: Path, name: str, key: str) -> Path:
    """The folder holding one cached result (and a model's checkpoint while it trains)."""
    return Path(cache_dir) / name / key[:16]


def tensor_digest(tensor: Tensor) -> str:
    """SHA-256 of a tensor's dtype, shape and bytes."""
    array = tensor.detach().cpu().contiguous().numpy()
    digest = hashlib.sha256(f"{array.dtype}{array.shape}".encode())
    digest.update(array.tobytes())
    return digest.hexdigest()


def code_digest(objects: Iterable[Any], sources: Mapping[str, str] | None = None) -> str:
    """SHA-256 of the code the functions, classes, instances and modules in `objects` can run.

    Each `lib` module reached from the modules defining them (`modules_reached`) counts with its
    source; a module outside `lib` and outside the installed packages (a test's helper) counts
    with its own file and the `lib` modules it imports. `sources` maps `lib` module names to
    their text (default: the files, `lib_sources()`); pass another to ask what a change would do.
    """
    sources = lib_sources() if sources is None else sources
    roots: set[str] = set()
    outside: dict[str, str] = {}
    for obj in objects:
        module = defining_module(obj)
        if module.__name__ in sources:
            roots.add(module.__name__)
        elif not _is_installed(module):
            text = Path(_file_of(module)).read_text()
            outside[module.__name__] = text
            roots |= imported_lib_modules(module.__name__, text, frozenset(sources))
    digest = hashlib.sha256()
    reached = modules_reached(roots, sources)
    for name, text in sorted([*outside.items(), *((name, sources[name]) for name in reached)]):
        digest.update(f"{name}\n{len(text)}\n{text}".encode())
    return digest.hexdigest()


def lib_sources() -> dict[str, str]:
    """Every module of `lib` by name (`lib.video.unet`; a package by its own name), with its
    source text."""
    sources = {}
    for path in sorted(LIB.rglob("*.py")):
        parts = path.relative_to(LIB.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        sources[name] = path.read_text()
    return sources


def modules_reached(roots: Iterable[str], sources: Mapping[str, str]) -> set[str]:
    """The `lib` modules in `roots`, those they import, transitively, and their packages."""
    known = frozenset(sources)
    reached: set[str] = set()
    waiting = [package for root in roots for package in _with_packages(root, known)]
    while waiting:
        name = waiting.pop()
        if name not in reached:
            reached.add(name)
            waiting.extend(imported_lib_modules(name, sources[name], known))
    return reached


@functools.cache
def imported_lib_modules(module: str, source: str, known: frozenset[str]) -> frozenset[str]:
    """The modules among `known` that `module`'s source imports anywhere in it (a function's
    body too), with their packages; `from lib.x import y` counts `lib.x.y` where it is a module.
    Cached by source text: a key is computed many times, over files that rarely change."""
    imported: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _import_base(module, node, known)
            imported.add(base)
            imported.update(f"{base}.{alias.name}" for alias in node.names)
    return frozenset(
        package for name in imported if name in known for package in _with_packages(name, known)
    )


def defining_module(obj: Any) -> ModuleType:
    """The module whose code defines `obj`: a function's or class's own, an instance's class's,
    a functools.partial's function's; a module is itself."""
    while isinstance(obj, functools.partial):
        obj = obj.func
    if inspect.ismodule(obj):
        return obj
    defined = obj if inspect.isfunction(obj) or inspect.isclass(obj) else type(obj)
    module = inspect.getmodule(defined)
    if module is None or module.__name__ == "__main__" or not getattr(module, "__file__", None):
        raise ValueError(
            f"cannot key the cache on {obj!r}: define it in a lib/ module, not in a notebook"
        )
    return module


def _import_base(module: str, node: ast.ImportFrom, known: frozenset[str]) -> str:
    """The module a `from ... import` statement of `module` imports from, made absolute."""
    if not node.level:
        return node.module or ""
    package = module if _is_package(module, known) else module.rpartition(".")[0]
    for _ in range(node.level - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{node.module}" if node.module else package


def _is_package(module: str, known: frozenset[str]) -> bool:
    return any(name.startswith(f"{module}.") for name in known)


def _with_packages(module: str, known: frozenset[str]) -> list[str]:
    """`module` and the packages above it that are among `known` (importing it runs them)."""
    parts = module.split(".")
    return [name for i in range(len(parts)) if (name := ".".join(parts[: i + 1])) in known]


def _is_installed(module: ModuleType) -> bool:
    path = Path(_file_of(module)).resolve()
    return any(path.is_relative_to(folder) for folder in _INSTALLED)


def _file_of(module: ModuleType) -> str:
    return str(module.__file__)
