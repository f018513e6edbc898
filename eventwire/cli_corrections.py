"""`eventwire corrections ...`: the analysts' corrections of a store (thin commands; the
work is in eventwire.store.corrections). A module of its own so that cli.py stays short."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

__all__ = ["corrections_app"]

corrections_app = typer.Typer(
    help="List and export analysts' corrections (made in `eventwire serve --corrections`).",
    no_args_is_help=True,
)
out = Console(soft_wrap=True)

DbOpt = Annotated[Path, typer.Option("--db", help="The DuckDB database file.")]


def _summary(old: dict[str, object], new: dict[str, object], action: str) -> str:
    if action == "reject":
        return "rejected"
    if action in ("confirm", "note"):
        return "confirmed" if action == "confirm" else "note"
    changed = [f"{k}: {old[k]} -> {new[k]}" for k in new if k != "rejected" and old[k] != new[k]]
    return "; ".join(changed) or "unchanged"


@corrections_app.command("list")
def corrections_list(
    db: DbOpt = Path("eventwire.duckdb"),
    limit: Annotated[int, typer.Option(min=1, help="At most this many, newest first.")] = 50,
    event: Annotated[str | None, typer.Option(help="Only this event's corrections.")] = None,
    latest: Annotated[bool, typer.Option(help="Only the correction in force per event.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines.")] = False,
) -> None:
    """List corrections, newest first: who changed what, when, and whether it still applies
    (a re-coding that codes the claim differently leaves a correction behind).

    Example: eventwire corrections list --db news.duckdb --limit 20
    """
    from eventwire.store.access import reader
    from eventwire.store.corrections import list_corrections

    with reader(db) as con:  # in turn with a running server or coding run
        found = list_corrections(con, event_id=event, limit=limit, latest_only=latest)
    if as_json:
        for c in found:
            out.print(json.dumps(c.to_dict(), default=str), markup=False, highlight=False)
        return
    table = Table(title=f"Corrections in {db} (newest first)")
    for col in ("#", "when (UTC)", "who", "event", "action", "change", "applies", "note"):
        table.add_column(col, overflow="fold")
    for c in found:
        # Text(): notes and sentences are the analysts' and the news' (may hold [markup]).
        table.add_row(
            str(c.seq), c.made_at.isoformat(timespec="seconds"), Text(c.who or ""),
            Text(f"{c.event_id} ({c.article_id}:{c.sentence_start}-{c.sentence_end})"),
            c.action, Text(_summary(c.old, c.new, c.action)), "yes" if c.applies else "no",
            Text(c.note or ""),
        )  # fmt: skip
    out.print(table)
    out.print(f"{len(found)} corrections shown.")


@corrections_app.command("export")
def corrections_export(
    db: DbOpt = Path("eventwire.duckdb"),
    out_path: Annotated[Path, typer.Option("--out", help="The JSONL file to write.")] = Path(
        "corrections.jsonl"
    ),
) -> None:
    """Export the corrected sentences as news-gold JSONL (the format the coder trains on):
    each sentence with the events analysts kept, with their corrected values.

    Example: eventwire corrections export --db news.duckdb --out corrections.jsonl
    """
    from eventwire.store.access import reader
    from eventwire.store.corrections import export_corrections

    with reader(db) as con:
        n = export_corrections(con, out_path)
    out.print(f"Wrote {n} corrected sentences to {out_path}.")
