"""eventwire.coder.base: every registered coder is what the pipeline and evaluation take it
to be, and the coders import no evaluation (training/train_ranker.py builds the ranker's
data)."""

from __future__ import annotations

import ast
from dataclasses import replace
from pathlib import Path

import pytest

from eventwire import registry
from eventwire.coder.base import ClassifiedCoder, Coder, GivenActorsCoder, RankingCoder
from eventwire.coder.detector import DetectedCoder
from eventwire.coder.ranked import RankedCoder
from eventwire.coder.rules import RuleCoder
from eventwire.config import load_config
from eventwire.errors import UsageError
from eventwire.evaluate import code_rows
from eventwire.pipeline import Pipeline

# Every registered coder, whatever the registry holds now (versions come and go).
CODERS = [name for name in registry.names() if name.startswith("coder.")]
PACKAGE = Path(__file__).resolve().parents[2] / "eventwire"


@pytest.fixture(scope="module", params=CODERS)
def built(request: pytest.FixtureRequest) -> tuple[str, object]:
    """A coder as the pipeline builds it from the config (its models open on first use)."""
    cfg = load_config()
    pipe = Pipeline(replace(cfg, pipeline=replace(cfg.pipeline, coder=request.param)))
    return request.param, pipe.coder


def _signatures_match(
    v1: RuleCoder, v3: RankedCoder, v5: DetectedCoder
) -> tuple[list[GivenActorsCoder], list[ClassifiedCoder], list[RankingCoder]]:
    """Never run: ``mypy tests/coder/test_base.py`` checks the coders' signatures against
    the protocols (``isinstance`` checks the names only)."""
    return [v1, v3, v5], [v3, v5], [v3, v5]


def test_every_registered_coder_is_a_coder(built: tuple[str, object]) -> None:
    name, coder = built
    assert isinstance(coder, Coder)
    assert coder.version == name  # stored with every event: the name it was chosen by


def test_every_registered_coder_can_be_handed_actors(
    built: tuple[str, object], pipeline: Pipeline
) -> None:
    name, coder = built
    assert isinstance(coder, GivenActorsCoder)
    other = coder.with_actors(pipeline.actors)
    assert isinstance(other, GivenActorsCoder) and other.version == name
    assert type(other) is type(coder)


def test_only_the_ranked_coders_rank_their_events(built: tuple[str, object]) -> None:
    name, coder = built
    ranks = isinstance(coder, RankingCoder) and coder.ranks_events
    assert ranks == (name != "coder.plover.v1")


def test_a_coder_needs_nothing_else_to_run_in_the_pipeline() -> None:
    class Minimal:
        version = "coder.minimal.v1"

        def needs_entities(self, doc: object) -> bool:
            return True

        def code_sentence(
            self, doc: object, sentence: object, article: object, memory: object
        ) -> list[object]:
            return []

    assert isinstance(Minimal(), Coder)
    assert not isinstance(Minimal(), GivenActorsCoder)
    assert not isinstance(Minimal(), RankingCoder)


def test_given_actors_needs_a_coder_that_takes_actors(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    class RulesOnly:  # codes as v1 does, but cannot be handed actors
        version = "coder.rules-only.v1"

        def __init__(self, coder: Coder) -> None:
            self.needs_entities = coder.needs_entities
            self.code_sentence = coder.code_sentence

    monkeypatch.setattr(pipeline, "coder", RulesOnly(RuleCoder(actors=pipeline.actors)))
    assert code_rows([], pipeline=pipeline, given_actors=False) == []
    with pytest.raises(UsageError, match="given-actors"):
        code_rows([], pipeline=pipeline, given_actors=True)


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
    return names


def test_only_the_cli_imports_the_evaluation() -> None:
    # coder -> evaluate -> coder was a cycle: the ranker's training data came from evaluate.
    importers = sorted(
        str(p.relative_to(PACKAGE))
        for p in PACKAGE.rglob("*.py")
        if p.name != "evaluate.py" and "eventwire.evaluate" in _imports(p)
    )
    assert importers == ["cli.py"]
