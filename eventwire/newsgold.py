"""News gold: annotated news sentences, stored as references into a corpus.

The news corpora's texts are the outlets' copyright, so the repository stores each sentence
as (corpus, article id, character offsets, a hash of its text) and rebuilds the text from the
corpus at build time, the way the demo fetches it. Annotations follow the JSONL format of
``shared/annotation/BRIEF.md``: one line per sentence, ``{"id": ..., "events": [...]}``.

A gold file for ``eventwire eval --news`` is one JSON object per line with ``text`` (or a
``ref`` to rebuild it from) and ``events``, possibly empty.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from eventwire.errors import InputError

__all__ = [
    "CORPORA",
    "GoldEvent",
    "GoldSentence",
    "load_gold_set",
    "read_annotations",
    "read_news_gold",
    "read_sentence_refs",
    "rebuild_texts",
    "text_hash",
]

# How each corpus is read: its file under ../shared/corpus and the column mapping that gives
# the same Article.text as ``eventwire code`` with these columns.
CORPORA: Mapping[str, tuple[str, Mapping[str, str]]] = {
    "newsarticles_2017": (
        "newsarticles_2017/NewsArticles.csv",
        {
            "id": "article_id",
            "published": "publish_date",
            "url": "article_source_link",
            "title": "title",
            "text": "text",
        },
    ),
    "kcna_2024": (
        "kcna_2024/kcna_2023-12_to_2024-11.jsonl",
        {"id": "url", "published": "date", "url": "url", "title": "headline", "text": "story_text"},
    ),
}


def text_hash(text: str) -> str:
    """A short hash that tells a rebuilt sentence from a changed corpus."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True, slots=True)
class GoldEvent:
    """One annotated event, in the brief's field names."""

    type: str
    mode: str = ""
    source: str = ""
    source_code: str = ""
    source_sector: str = ""
    target: str = ""
    target_code: str = ""
    target_sector: str = ""
    polarity: str = "asserted"
    modality: str = "actual"
    implied_source: bool = False
    outlet_voice: bool = False
    reciprocal: bool = False
    note: str = ""

    @property
    def is_new(self) -> bool:
        """A new, asserted, actual event: what a news stream counts."""
        return self.polarity == "asserted" and self.modality == "actual"

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> GoldEvent:
        names = cls.__dataclass_fields__
        kept = {k: v for k, v in raw.items() if k in names}
        return cls(**kept)


@dataclass(frozen=True, slots=True)
class GoldSentence:
    """A sentence of the news gold: where it comes from, its split, and (once rebuilt) its
    text and events."""

    id: str
    corpus: str
    article_id: str
    index: int
    start: int
    end: int
    sha: str
    split: str
    published: str = ""
    outlet: str = ""
    text: str = ""
    events: tuple[GoldEvent, ...] = field(default=())

    def to_ref(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "corpus": self.corpus,
            "article_id": self.article_id,
            "index": self.index,
            "start": self.start,
            "end": self.end,
            "sha": self.sha,
            "split": self.split,
            "published": self.published,
            "outlet": self.outlet,
        }


def _json_lines(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise InputError(
            f"Cannot open {path}.", cause=str(exc), fix="check the path of the gold file"
        ) from exc
    with handle:
        for n, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(
                    f"{path}:{n} is not valid JSON.",
                    cause=str(exc),
                    fix="each line of a gold file is one JSON object",
                ) from exc
            if not isinstance(obj, dict):
                raise InputError(f"{path}:{n} is not a JSON object.", fix="see docs/ANNOTATION.md")
            yield n, obj


def read_sentence_refs(path: str | Path) -> list[GoldSentence]:
    """The sentence references of a gold set (``sentences.jsonl``), without text."""
    out: list[GoldSentence] = []
    for n, obj in _json_lines(Path(path)):
        out.extend(read_sentence_refs_from([obj], path, n))
    return out


def read_annotations(paths: Iterable[str | Path]) -> dict[str, tuple[GoldEvent, ...]]:
    """Annotations by sentence id from one or more JSONL files; a later file wins."""
    out: dict[str, tuple[GoldEvent, ...]] = {}
    for path in paths:
        for n, obj in _json_lines(Path(path)):
            try:
                out[str(obj["id"])] = tuple(GoldEvent.from_json(e) for e in obj["events"])
            except (KeyError, TypeError) as exc:
                raise InputError(
                    f"{path}:{n} is not an annotation.",
                    cause=f"missing or bad field: {exc}",
                    fix='an annotation is {"id": ..., "events": [...]}; see docs/ANNOTATION.md',
                ) from exc
    return out


def rebuild_texts(
    refs: Sequence[GoldSentence], corpus_root: str | Path
) -> tuple[list[GoldSentence], list[str]]:
    """Fill in each reference's text from the corpora under ``corpus_root``.

    Returns the rebuilt sentences and, for those that could not be rebuilt, a reason each
    (a missing corpus or article, or a text whose hash no longer matches)."""
    from eventwire.ingest import ReadOptions, read_inputs
    from eventwire.model import Article

    root = Path(corpus_root)
    wanted: dict[str, set[str]] = {}
    for r in refs:
        wanted.setdefault(r.corpus, set()).add(r.article_id)
    texts: dict[tuple[str, str], str] = {}
    problems: list[str] = []
    for corpus, ids in wanted.items():
        if corpus not in CORPORA:
            problems.append(f"unknown corpus {corpus!r}")
            continue
        rel, columns = CORPORA[corpus]
        path = root / rel
        if not path.exists():
            problems.append(f"corpus {corpus} not found at {path}")
            continue
        for rec in read_inputs([path], options=ReadOptions(columns=columns)):
            if isinstance(rec, Article) and rec.id in ids:
                texts[(corpus, rec.id)] = rec.text
    out = []
    for r in refs:
        text = texts.get((r.corpus, r.article_id))
        if text is None:
            problems.append(f"{r.id}: article {r.article_id} not in {r.corpus}")
            continue
        piece = text[r.start : r.end]
        if text_hash(piece) != r.sha:
            problems.append(f"{r.id}: text at {r.start}-{r.end} no longer matches its hash")
            continue
        out.append(replace(r, text=piece))
    return out, problems


def read_news_gold(path: str | Path, corpus_root: str | Path | None = None) -> list[GoldSentence]:
    """A news gold file for evaluation: one sentence per line with ``text`` (or the fields of
    a sentence reference, rebuilt from ``corpus_root``) and ``events`` (possibly empty)."""
    rows: list[GoldSentence] = []
    refs: list[GoldSentence] = []
    events: dict[str, tuple[GoldEvent, ...]] = {}
    for n, obj in _json_lines(Path(path)):
        sid = str(obj.get("id", f"line{n}"))
        if "events" not in obj or not isinstance(obj["events"], list):
            raise InputError(
                f"{path}:{n} has no list of events.",
                fix='every line needs "events": [] (an empty list when the sentence has none)',
            )
        evs = tuple(GoldEvent.from_json(e) for e in obj["events"])
        if "text" in obj:
            rows.append(
                GoldSentence(
                    id=sid,
                    corpus="",
                    article_id=str(obj.get("article_id", sid)),
                    index=int(obj.get("index", 0)),
                    start=0,
                    end=len(obj["text"]),
                    sha="",
                    split=str(obj.get("split", "")),
                    published=str(obj.get("published", "")),
                    outlet=str(obj.get("outlet", "")),
                    text=str(obj["text"]),
                    events=evs,
                )
            )
        elif "corpus" in obj:
            events[sid] = evs
            refs.extend(read_sentence_refs_from([obj], path, n))
        else:
            raise InputError(
                f"{path}:{n} has neither text nor a corpus reference.",
                fix="give each line a text, or corpus/article_id/start/end/sha",
            )
    if refs:
        if corpus_root is None:
            raise InputError(
                f"{path} refers to corpus articles but no corpus folder was given.",
                fix="pass --corpus-root ../shared/corpus",
            )
        rows.extend(replace(r, events=events[r.id]) for r in _rebuilt(refs, corpus_root))
    return rows


def read_sentence_refs_from(
    objs: Iterable[Mapping[str, Any]], path: str | Path, line: int
) -> list[GoldSentence]:
    out = []
    for obj in objs:
        try:
            out.append(
                GoldSentence(
                    id=str(obj["id"]),
                    corpus=str(obj["corpus"]),
                    article_id=str(obj["article_id"]),
                    index=int(obj["index"]),
                    start=int(obj["start"]),
                    end=int(obj["end"]),
                    sha=str(obj["sha"]),
                    split=str(obj.get("split", "")),
                    published=str(obj.get("published", "")),
                    outlet=str(obj.get("outlet", "")),
                )
            )
        except (KeyError, ValueError, TypeError) as exc:
            raise InputError(
                f"{path}:{line} is not a sentence reference.",
                cause=f"missing or bad field: {exc}",
                fix="a reference has id, corpus, article_id, index, start, end, sha",
            ) from exc
    return out


def load_gold_set(
    folder: str | Path, corpus_root: str | Path, *, split: str | None = None
) -> list[GoldSentence]:
    """The project's news gold set in ``folder`` (``sentences.jsonl``, the annotations under
    ``ann/`` and ``adjudicated.jsonl``, which wins), rebuilt from ``corpus_root``; only the
    annotated sentences, and only ``split`` where given."""
    root = Path(folder)
    refs = read_sentence_refs(root / "sentences.jsonl")
    files = sorted((root / "ann").glob("*.jsonl"))
    if (root / "adjudicated.jsonl").exists():
        files.append(root / "adjudicated.jsonl")
    ann = read_annotations(files)
    wanted = [r for r in refs if r.id in ann and (split is None or r.split == split)]
    return [replace(s, events=ann[s.id]) for s in _rebuilt(wanted, corpus_root)]


def _rebuilt(refs: Sequence[GoldSentence], corpus_root: str | Path) -> list[GoldSentence]:
    rebuilt, problems = rebuild_texts(refs, corpus_root)
    if problems:
        raise InputError(
            f"{len(problems)} gold sentences could not be rebuilt from {corpus_root}.",
            cause="; ".join(problems[:3]),
            fix="pass --corpus-root with the folder that holds newsarticles_2017/ and "
            "kcna_2024/, as the gold was made on",
        )
    return rebuilt
