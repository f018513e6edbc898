"""The actor modules that setup.py compiles with mypyc: a compiled extension, where one was
built, is imported instead of the .py file, so it must have been built from the current
source (an edit after the build would otherwise go untested)."""

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _compiled_sources() -> list[str]:
    tree = ast.parse((ROOT / "setup.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "COMPILED":
            return list(ast.literal_eval(node.value))
    raise AssertionError("setup.py has no COMPILED list")


@pytest.mark.parametrize("source", _compiled_sources())
def test_compiled_module_is_built_from_the_current_source(source: str) -> None:
    name = source.removesuffix(".py").replace("/", ".")
    module = importlib.import_module(name)
    loaded = Path(module.__file__ or "")
    if loaded.suffix == ".py":
        pytest.skip("not compiled here (no C compiler, or EVENTWIRE_NO_COMPILE=1)")
    src = ROOT / source
    assert loaded.stat().st_mtime >= src.stat().st_mtime, (
        f"{loaded.name} was compiled before {source} last changed: run `make venv` "
        "(or `pip install --no-deps -e .`) to rebuild it"
    )


def test_compiled_list_names_existing_modules() -> None:
    assert all((ROOT / s).is_file() for s in _compiled_sources())


def test_compiled_modules_are_all_compiled_or_none() -> None:
    # The resolver's stages are classes in several modules (scanner._Scanner, then
    # composer._Composer, then resolver.ActorResolver): mypyc compiles a class natively only
    # together with its bases, so a module left out of the build (or a stale extension kept
    # beside a new one) would leave part of a resolver interpreted, or fail to import.
    names = [s.removesuffix(".py").replace("/", ".") for s in _compiled_sources()]
    loaded = {n: Path(importlib.import_module(n).__file__ or "") for n in names}
    assert len({p.suffix for p in loaded.values()}) == 1, {n: p.name for n, p in loaded.items()}


def test_compiled_frozen_records_could_not_be_unpickled() -> None:
    # mypyc restores a compiled object attribute by attribute, which a frozen dataclass
    # refuses: a pickled resolver (a Dask task, a process pool) failed to load.
    import pickle

    from eventwire.actors import ActorResolver
    from eventwire.actors.kb import load_builtin

    resolver = ActorResolver(load_builtin())
    before = resolver.explain("President Laurent Gbago")  # fuzzy: builds the FuzzyIndex
    copy = pickle.loads(pickle.dumps(resolver))
    assert copy.explain("President Laurent Gbago") == before
    assert pickle.loads(pickle.dumps(before)) == before
    e = copy.resolve("the North Korean foreign minister")
    assert e is not None and (e.code, e.sector) == ("PRK", "GOV")
