import functools
import importlib
import sys
import types

import pytest
import torch
import torch.nn.functional as F

from lib.training.cache_keys import (
    code_digest,
    defining_module,
    lib_sources,
    modules_reached,
    result_key,
)

# A small lib of its own: each way Python spells an import, and a module nothing imports.
SOURCES = {
    "lib": "",
    "lib.a": "",
    "lib.a.top": "import lib.a.plain\nfrom lib.a import named\nfrom lib.b.base import thing\n",
    "lib.a.plain": "",
    "lib.a.named": "def f():\n    from . import relative\n",
    "lib.a.relative": "",
    "lib.b": "",
    "lib.b.base": "thing = 1\n",
    "lib.b.unused": "",
}


def test_every_spelling_of_an_import_is_followed_with_the_packages_it_runs():
    assert modules_reached(["lib.a.top"], SOURCES) == set(SOURCES) - {"lib.b.unused"}


def test_a_module_is_reached_only_through_what_imports_it():
    assert modules_reached(["lib.b.base"], SOURCES) == {"lib", "lib.b", "lib.b.base"}


def top_digest(sources):
    """The digest of the code lib.a.top can run, its modules read from `sources`."""
    return code_digest([types.ModuleType("lib.a.top")], sources)


def edited(module, sources=SOURCES):
    return {**sources, module: sources[module] + "# edited\n"}


@pytest.mark.parametrize("module", sorted(SOURCES))
def test_a_change_changes_the_digest_exactly_where_it_is_reached(module):
    reached = module != "lib.b.unused"
    assert (top_digest(edited(module)) != top_digest(SOURCES)) == reached


def test_a_new_import_brings_its_module_into_the_digest():
    importing = {**SOURCES, "lib.b.base": SOURCES["lib.b.base"] + "import lib.b.unused\n"}
    assert top_digest(edited("lib.b.unused", importing)) != top_digest(importing)


def test_lib_sources_names_modules_and_packages_as_python_does():
    sources = lib_sources()
    for name in ("lib", "lib.training", "lib.training.cache_keys", "lib.video.unet"):
        assert sources[name] == importlib.import_module(name).__loader__.get_source(name)


def test_installed_code_is_keyed_by_name_and_a_notebook_function_is_refused():
    assert code_digest([F.mse_loss]) == code_digest([F.cross_entropy, torch.nn.Linear])

    def defined_in_a_notebook():
        pass

    defined_in_a_notebook.__module__ = "__main__"
    with pytest.raises(ValueError, match="define it in a lib/ module"):
        defining_module(defined_in_a_notebook)


def test_a_helper_outside_lib_is_keyed_by_its_own_file(tmp_path, monkeypatch):
    def digest_of_helper(text):
        (tmp_path / "helper_module.py").write_text(text)
        monkeypatch.syspath_prepend(str(tmp_path))
        try:
            return code_digest([importlib.import_module("helper_module").helper])
        finally:
            sys.modules.pop("helper_module")

    base = digest_of_helper("def helper():\n    pass\n")
    assert digest_of_helper("def helper():\n    return 1\n") != base
    assert digest_of_helper("def helper():\n    pass\n") == base


def test_defining_module_looks_through_partials_and_instances():
    from lib.video.augment import SymmetryAugment
    from lib.video.unet import UNet

    assert defining_module(functools.partial(UNet, skip_mode="add")).__name__ == "lib.video.unet"
    assert defining_module(SymmetryAugment()).__name__ == "lib.video.augment"


def test_result_key_covers_name_parameters_and_data():
    data = [torch.zeros(2, 3)]
    key = result_key("x", [], data, {"n": 1})
    assert result_key("y", [], data, {"n": 1}) != key
    assert result_key("x", [], data, {"n": 2}) != key
    assert result_key("x", [], [torch.ones(2, 3)], {"n": 1}) != key
    assert result_key("x", [], [torch.zeros(2, 3)], {"n": 1}) == key
