"""The pipeline: articles in, events out, optionally into the store.

The unit of work is a batch of articles: their sentences are split, prefiltered and parsed
together (spaCy is much faster over a stream), then coded article by article so that each
article keeps its own memory of who "the official" and "they" are.
"""

from __future__ import annotations

import datetime as dt
import inspect
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from eventwire import registry
from eventwire.coder.base import ClassifiedCoder, VoiceCoder
from eventwire.coder.context import ArticleMemory
from eventwire.coder.prefilter import may_hold_event
from eventwire.config import Config, load_config
from eventwire.errors import UsageError
from eventwire.model import Article, Event, Rejected
from eventwire.nlp import Sentence, load_nlp, parse, split_sentences

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from eventwire.coder.base import Coder
    from eventwire.coder.classifier import EventClassifier
    from eventwire.distributed import BatchResult
    from eventwire.ingest import ReadOptions
    from eventwire.store import Store

__all__ = ["Pipeline", "Progress", "RunSummary"]


@dataclass(frozen=True, slots=True)
class Progress:
    """Reported after every batch of a run."""

    articles: int
    events: int
    rejected: int
    elapsed: float


@dataclass(frozen=True, slots=True)
class RunSummary:
    """What a run read, coded, skipped and rejected."""

    records: int
    coded: int
    already_coded: int
    rejected: int
    skipped: int
    events: int
    sentences: int
    sentences_parsed: int
    seconds: float
    events_by_type: dict[str, int] = field(default_factory=dict)
    reasons: dict[str, int] = field(default_factory=dict)
    # Sentences cut at nlp.max_sentence_chars; classifier inputs cut to its max length, and
    # those of them that lost an actor marker (parallel runs: workers carry theirs back).
    sentences_cut: int = 0
    classifier_truncated: int = 0
    classifier_markers_truncated: int = 0

    @property
    def articles_per_second(self) -> float:
        return self.coded / self.seconds if self.seconds else 0.0


def _as_date(value: dt.date | str | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise UsageError(
            f"Publication date {value!r} is not a date.", fix="use YYYY-MM-DD, e.g. 2022-01-31"
        ) from exc


class Pipeline:
    """Codes articles with the stages the config names.

    >>> pipe = Pipeline()                                  # doctest: +SKIP
    >>> events = pipe.code_text("Russia deployed troops along Ukraine's border.")
    """

    def __init__(self, config: Config | None = None, *, config_path: str | Path | None = None):
        self.config = config or load_config(config_path)
        cfg = self.config
        self.actors = registry.resolve(cfg.pipeline.actors)()
        self.places = registry.resolve(cfg.pipeline.places)()
        coder = registry.resolve(cfg.pipeline.coder)
        # Resolved whatever the coder, so that a misspelt name fails now, not in a worker.
        classifier = registry.resolve(cfg.pipeline.classifier)
        extra: dict[str, Any] = {}
        if "classifier" in inspect.signature(coder).parameters:
            extra["classifier"] = classifier()  # cheap: the model opens on first use
        if cfg.pipeline.detector and "model_dir" in inspect.signature(coder).parameters:
            extra["model_dir"] = Path(cfg.pipeline.detector)
        self.coder: Coder = coder(actors=self.actors, places=self.places, **extra)
        # Kept to count the inputs it truncates into stats (see _take_truncation): the coder's
        # own where it has one (a retrained model directory brings its classifier along).
        self._classifier: EventClassifier | None = extra.get("classifier")
        if self._classifier is not None and isinstance(self.coder, ClassifiedCoder):
            self._classifier = self.coder.classifier
        self._nlp: Any = None
        self.stats: Counter[str] = Counter()
        self.failures: list[Rejected] = []

    @property
    def nlp(self) -> Any:
        if self._nlp is None:
            self._nlp = load_nlp(self.config.nlp.model)
        return self._nlp

    # ------------------------------------------------------------------ coding
    def code_text(
        self,
        text: str,
        *,
        published: dt.date | str | None = None,
        url: str | None = None,
        title: str = "",
        outlet: str | None = None,
    ) -> list[Event]:
        """Code one text (cleaned as an article would be) and return its events."""
        from eventwire.ingest import article_id, clean_text

        cleaned = clean_text(text)
        article = Article(
            id=article_id(cleaned),
            text=cleaned,
            title=title,
            url=url,
            outlet=outlet,
            published=_as_date(published),
            language="en",
        )
        return next(iter(self.code_articles([article])))[1]

    def code_articles(self, articles: Iterable[Article]) -> Iterator[tuple[Article, list[Event]]]:
        """Code articles in batches; yields each article with its events, in input order."""
        batch: list[Article] = []
        for article in articles:
            batch.append(article)
            if len(batch) >= self.config.pipeline.batch_size:
                yield from self._code_batch(batch)
                batch = []
        if batch:
            yield from self._code_batch(batch)

    def _code_batch(self, batch: Sequence[Article]) -> Iterator[tuple[Article, list[Event]]]:
        cfg = self.config
        plans: list[list[tuple[Sentence, bool]]] = []
        to_parse: list[str] = []
        voice = self.coder.reads_every_sentence if isinstance(self.coder, VoiceCoder) else None
        for article in batch:
            sents = split_sentences(article.text, max_chars=cfg.nlp.max_sentence_chars)
            every = not cfg.nlp.prefilter or (voice is not None and voice(article))
            plan = [(s, every or may_hold_event(s.text)) for s in sents]
            plans.append(plan)
            to_parse.extend(s.text for s, keep in plan if keep)
            self.stats["sentences"] += len(sents)
            # Run-on text (a table, a feed without stops) cut at nlp.max_sentence_chars.
            self.stats["sentences_cut"] += sum(s.cut for s in sents)
        self.stats["sentences_parsed"] += len(to_parse)
        # A coder that can say which parses need entities spares the recognizer the rest.
        needs = None if cfg.nlp.ner_every_sentence else self.coder.needs_entities
        docs: Iterator[Doc] = iter(parse(self.nlp, to_parse, needs_entities=needs))
        for article, plan in zip(batch, plans, strict=True):
            memory = ArticleMemory()
            events: list[Event] = []
            failure: str | None = None
            for sentence, keep in plan:
                if not keep:
                    continue
                doc = next(docs)
                if failure is not None:
                    continue  # keep the parse stream aligned with the plan
                try:
                    coded = self.coder.code_sentence(doc, sentence, article, memory)
                except Exception as exc:
                    # "coder error" first: summaries group reasons by what precedes the colon.
                    failure = f"coder error: {type(exc).__name__}"
                    failure += f": {exc}" if str(exc) else ""
                    failure += f" (sentence {sentence.index})"
                    continue
                for ev in coded:
                    if ev.confidence < cfg.coder.min_confidence:
                        continue
                    if ev.polarity == "negated" and not cfg.coder.keep_negated:
                        continue
                    events.append(ev)
            self._take_truncation()
            if failure is not None:
                # Recorded, not stored as coded: a fixed coder codes it on the next run.
                self.failures.append(
                    Rejected(
                        source=article.source or "(text)",
                        line=article.line,
                        article_id=article.id,
                        reason=failure,
                    )
                )
                continue
            yield article, events

    def _take_truncation(self) -> None:
        """Count into ``stats`` the classifier inputs cut to its max length (it reads only a
        long sentence's start) and those of them that lost an actor marker with the cut."""
        if self._classifier is None:
            return
        cut = self._classifier.take_truncation()
        if cut.inputs:
            self.stats["classifier_truncated"] += cut.inputs
            self.stats["classifier_markers_truncated"] += cut.markers

    def take_failures(self) -> list[Rejected]:
        """Articles the coder failed on since the last call (each with the reason)."""
        failed, self.failures = self.failures, []
        return failed

    # --------------------------------------------------------------------- run
    def run(
        self,
        inputs: Sequence[str | Path],
        *,
        db: str | Path = "eventwire.duckdb",
        read_options: ReadOptions | None = None,
        force: bool = False,
        progress: Callable[[Progress], None] | None = None,
        workers: int = 1,
        engine: Literal["local", "dask"] = "local",
        scheduler: str | None = None,
        parts_dir: str | Path | None = None,
    ) -> RunSummary:
        """Read ``inputs``, code every new article, and store everything in ``db``.

        Articles already in the database are skipped unless ``force``; every input record ends
        as coded, skipped or rejected. Each batch is committed on its own, so a killed run
        loses at most the batches in flight and a re-run finishes the job.

        ``workers`` > 1 codes batches on a local process pool; ``engine="dask"`` on a Dask
        cluster: the one at ``scheduler`` (``tcp://host:8786``), or a local one of ``workers``
        processes. Dask workers write each batch as a Parquet partition under ``parts_dir``
        (default ``<db>.parts/run-<time>-<pid>/``), loaded into ``db`` as it completes. Either
        way this process alone writes ``db``, in input order: the events are exactly those of
        a serial run.

        The file is opened for each batch only (``SharedStore``), so ``eventwire serve`` can
        show and correct the database meanwhile (docs/CONCURRENCY.md); a second run into the
        same file is refused.
        """
        from eventwire.store.access import SharedStore

        _check_run_options(workers, engine, scheduler)
        start = time.perf_counter()
        counts: Counter[str] = Counter()
        by_type: Counter[str] = Counter()
        reasons: Counter[str] = Counter()
        self.stats.clear()

        def report() -> None:
            if progress is not None:
                progress(
                    Progress(
                        articles=counts["coded"] + counts["already_coded"],
                        events=counts["events"],
                        rejected=counts["rejected"] + counts["skipped"],
                        elapsed=time.perf_counter() - start,
                    )
                )

        with SharedStore(db) as store:
            batches = self._batches(inputs, store, read_options, force, counts, reasons)
            if workers == 1 and engine == "local":
                for todo, rejected in batches:
                    coded = list(self.code_articles(todo))
                    # Articles the coder failed on are recorded as rejected, not lost.
                    failed = self.take_failures()
                    counts["rejected"] += len(failed)
                    reasons.update(f.reason.split(":")[0] for f in failed)
                    store.write_batch(coded, [*rejected, *failed])
                    counts["coded"] += len(coded)
                    for _, events in coded:
                        counts["events"] += len(events)
                        by_type.update(e.event_type for e in events if e.polarity == "asserted")
                    report()
            else:
                for result in self._run_parallel(
                    batches, store, db, workers, engine, scheduler, parts_dir
                ):
                    counts["coded"] += result.articles
                    counts["events"] += result.events
                    counts["rejected"] += len(result.failed)
                    reasons.update(f.reason.split(":")[0] for f in result.failed)
                    by_type.update(result.events_by_type)
                    self.stats["sentences"] += result.sentences
                    self.stats["sentences_parsed"] += result.sentences_parsed
                    self.stats.update(result.cuts)
                    report()
        return RunSummary(
            records=counts["records"],
            coded=counts["coded"],
            already_coded=counts["already_coded"],
            rejected=counts["rejected"],
            skipped=counts["skipped"],
            events=counts["events"],
            sentences=self.stats["sentences"],
            sentences_parsed=self.stats["sentences_parsed"],
            seconds=time.perf_counter() - start,
            events_by_type=dict(by_type.most_common()),
            reasons=dict(reasons.most_common()),
            sentences_cut=self.stats["sentences_cut"],
            classifier_truncated=self.stats["classifier_truncated"],
            classifier_markers_truncated=self.stats["classifier_markers_truncated"],
        )

    def _batches(
        self,
        inputs: Sequence[str | Path],
        store: Store,
        read_options: ReadOptions | None,
        force: bool,
        counts: Counter[str],
        reasons: Counter[str],
    ) -> Iterator[tuple[list[Article], list[Rejected]]]:
        """Read, prepare, dedupe and cluster the input; yield ``(articles to code, rejected
        records)`` per batch. Serial and parallel runs share it, so both see the same batches.
        A generator: the input is read only as fast as batches are consumed."""
        from eventwire.ingest import ReadOptions, StoryClusterer, prepare, read_inputs

        options = read_options or ReadOptions(
            max_article_chars=self.config.ingest.max_article_chars
        )
        clusterer = StoryClusterer(
            threshold=self.config.ingest.dedupe_threshold,
            window=self.config.ingest.dedupe_window,
        )
        pending: list[Article] = []
        rejected: list[Rejected] = []

        def batch() -> tuple[list[Article], list[Rejected]]:
            done = store.coded_article_ids([a.id for a in pending]) if not force else set()
            todo = [a for a in pending if a.id not in done]
            counts["already_coded"] += len(pending) - len(todo)
            out = (todo, list(rejected))
            pending.clear()
            rejected.clear()
            return out

        seen_ids: set[str] = set()
        for record in read_inputs(list(map(str, inputs)), options=options):
            counts["records"] += 1
            item = (
                record
                if isinstance(record, Rejected)
                else prepare(record, languages=self.config.ingest.languages)
            )
            if isinstance(item, Article):
                if item.id in seen_ids:
                    item = Rejected(
                        source=item.source or "",
                        line=item.line,
                        article_id=item.id,
                        status="skipped",
                        reason="duplicate article (same id or text as an earlier record)",
                    )
                else:
                    seen_ids.add(item.id)
            if isinstance(item, Rejected):
                counts[item.status] += 1
                reasons[item.reason.split(":")[0]] += 1
                rejected.append(item)
                continue
            story = clusterer.assign(item)
            pending.append(_with_story(item, story))
            if len(pending) >= self.config.pipeline.batch_size:
                yield batch()
        yield batch()

    def _run_parallel(
        self,
        batches: Iterator[tuple[list[Article], list[Rejected]]],
        store: Store,
        db: str | Path,
        workers: int,
        engine: str,
        scheduler: str | None,
        parts_dir: str | Path | None,
    ) -> Iterator[BatchResult]:
        from eventwire.distributed import default_run_dir, run_dask, run_local

        if engine == "dask":
            return run_dask(
                batches,
                store=store,
                config=self.config,
                workers=workers,
                scheduler=scheduler,
                run_dir=parts_dir or default_run_dir(db),
            )
        return run_local(batches, store=store, config=self.config, workers=workers)


_ENGINES = ("local", "dask")


def _check_run_options(workers: int, engine: str, scheduler: str | None) -> None:
    if engine not in _ENGINES:
        raise UsageError(
            f"Unknown engine {engine!r}.",
            fix=f"use one of: {', '.join(_ENGINES)} (--engine local|dask)",
        )
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise UsageError(f"workers must be a positive integer, not {workers!r}.", fix="--workers 2")
    if scheduler and engine != "dask":
        raise UsageError(
            "A scheduler address is only used by the Dask engine.",
            fix="add --engine dask, or leave --scheduler out",
        )


def _with_story(article: Article, story_id: str) -> Article:
    from dataclasses import replace

    return replace(article, story_id=story_id)
