"""A self-contained HTML report on one dyad: one file, no external assets, safe to e-mail.

The plot is embedded as a base64 PNG data URI; CSS is inline; there is no JavaScript. Every
piece of text from the store (sentences, titles, outlets, codes) is HTML-escaped: article
text is untrusted input. Links are kept only for http(s) URLs so that a ``javascript:`` URL
in a feed cannot become a live link.
"""

from __future__ import annotations

import base64
import datetime as dt
from html import escape
from pathlib import Path
from typing import Any

import duckdb

from eventwire.analysis._common import (
    COUNTED_SQL,
    SURENESS_SQL,
    Freq,
    date_clauses,
    duckdb_errors,
    write_output,
)
from eventwire.analysis.alerts import Alert, detect_alerts
from eventwire.analysis.dyad import DyadSeries, dyad_series
from eventwire.analysis.evidence import (
    EVIDENCE_COLUMNS,
    EvidenceEvent,
    evidence_from_row,
    segments,
)
from eventwire.analysis.plot import render_dyad
from eventwire.analysis.span import Outside, bulk_span, clip_to_span, dated_outside
from eventwire.ontology.plover import QUAD_NAMES

__all__ = ["top_events", "write_report"]

_CSS = """
body{font:15px/1.45 system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ddd;padding:2px 6px;
text-align:right}th{background:#f4f4f4}td.l,th.l{text-align:left}
img{max-width:100%}.note{color:#666;font-size:13px}
mark.actor{background:#cfe3ff}mark.recipient{background:#ffe0b3}
mark.trigger{background:#ffd0d0;font-weight:600}
ol.events li{margin-bottom:.8em}.meta{color:#555;font-size:13px}
"""


def top_events(
    con: duckdb.DuckDBPyConnection,
    a: str,
    b: str,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    limit: int = 20,
) -> list[EvidenceEvent]:
    """The dyad's ``limit`` counted events that weigh most in its net score: the largest
    absolute intensity (most cooperative or most conflictual) times how sure the coder was
    (:data:`~eventwire.analysis._common.SURENESS_SQL`), with evidence and source. A sentence
    syndicated to several articles is shown once (its earliest copy)."""
    params: dict[str, Any] = {"a": a.strip().upper(), "b": b.strip().upper(), "n": limit}
    extra = "".join(f" AND {c}" for c in date_clauses(since, until, params, column="e.date"))
    with duckdb_errors("Reading the dyad's top events"):
        rows = con.execute(
            f"""SELECT {EVIDENCE_COLUMNS} FROM corrected_events e
                LEFT JOIN articles a ON a.id = e.article_id
                WHERE ((e.actor_code = $a AND e.recipient_code = $b)
                    OR (e.actor_code = $b AND e.recipient_code = $a))
                  AND {COUNTED_SQL}{extra}
                QUALIFY row_number() OVER (
                    PARTITION BY e.sentence, e.event_type ORDER BY e.date, e.id) = 1
                ORDER BY abs(e.intensity) * {SURENESS_SQL} DESC NULLS LAST, e.date, e.id
                LIMIT $n""",
            params,
        ).fetchall()
    return [evidence_from_row(r) for r in rows]


def _sentence_html(ev: EvidenceEvent) -> str:
    parts = []
    for text, kind in segments(ev.sentence, ev.spans):
        t = escape(text)
        parts.append(f'<mark class="{kind}">{t}</mark>' if kind else t)
    return "".join(parts)


def _source_html(ev: EvidenceEvent) -> str:
    label = escape(ev.title or ev.url or ev.article_id)
    outlet = f"{escape(ev.outlet)}: " if ev.outlet else ""
    if ev.url and ev.url.lower().startswith(("http://", "https://")):
        return (
            f'{outlet}<a href="{escape(ev.url, quote=True)}" rel="noopener noreferrer">{label}</a>'
        )
    return f"{outlet}{label}"


def _counts_table(series: DyadSeries) -> str:
    a, b = escape(series.a), escape(series.b)
    head = (
        '<tr><th class="l" rowspan="2">period</th>'
        f'<th colspan="6">{a} → {b}</th><th colspan="6">{b} → {a}</th>'
        '<th colspan="2">both</th></tr><tr>'
        + "<th>events</th><th>Q1</th><th>Q2</th><th>Q3</th><th>Q4</th><th>net</th>" * 2
        + "<th>events</th><th>net</th></tr>"
    )
    body = []
    for p in series.periods:
        cells = [f'<td class="l">{p.start.isoformat()}</td>']
        for d in (p.ab, p.ba):
            cells.append(f"<td>{d.events}</td>")
            cells.extend(f"<td>{n}</td>" for n in d.by_quad)
            cells.append(f"<td>{d.net:+.1f}</td>")
        cells.append(f"<td>{p.events}</td><td>{p.net:+.1f}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table>{head}{''.join(body)}</table>"


def _alerts_html(alerts: list[Alert]) -> str:
    if not alerts:
        return '<p class="note">No escalation alerts in this range.</p>'
    items = []
    for al in alerts:
        ids = ", ".join(escape(i) for i in al.event_ids)
        items.append(
            f"<li><b>{al.period.isoformat()}</b>: conflict intensity {al.value:.1f} "
            f"against a baseline of {al.baseline:.1f} (z = {al.z:.1f}, {al.events} events; "
            f"{al.history} of {al.window} baseline {escape(al.freq)}s with data)"
            f'<br><span class="meta">events: {ids}</span></li>'
        )
    return f"<ul>{''.join(items)}</ul>"


def _events_html(events: list[EvidenceEvent]) -> str:
    if not events:
        return '<p class="note">No events.</p>'
    items = []
    for ev in events:
        date = ev.date.isoformat() if ev.date else "undated"
        quad = QUAD_NAMES.get(ev.quad, "?") if ev.quad else "?"
        inten = f"{ev.intensity:+.1f}" if ev.intensity is not None else "?"
        sure = f", confidence {ev.sureness:.2f}" if ev.sureness is not None else ""
        items.append(
            f'<li><div class="meta">{escape(date)} · <b>{escape(ev.event_type)}</b> '
            f"({escape(quad)}, intensity {inten}{sure}) · {escape(ev.actor_code or '?')} → "
            f"{escape(ev.recipient_code or '?')}</div>"
            f"<blockquote>{_sentence_html(ev)}</blockquote>"
            f'<div class="meta">{_source_html(ev)} · event {escape(ev.id)}</div></li>'
        )
    return f'<ol class="events">{"".join(items)}</ol>'


def _dyad_outside(
    con: duckdb.DuckDBPyConnection,
    a: str,
    b: str,
    asked: tuple[dt.date | None, dt.date | None],
    shown: tuple[dt.date | None, dt.date | None],
) -> Outside:
    """The dyad's counted events inside the range the user asked for but outside the one
    shown (the bulk span closed the open ends)."""
    params: dict[str, Any] = {"a": a, "b": b}
    where = [
        "((actor_code = $a AND recipient_code = $b) OR (actor_code = $b AND recipient_code = $a))",
        COUNTED_SQL,
        *date_clauses(*asked, params),
    ]
    return dated_outside(con, " AND ".join(where), params, *shown)


def _outside_html(outside: Outside, shown: tuple[dt.date | None, dt.date | None]) -> str:
    if not outside.events:
        return ""
    lo, hi = (d.isoformat() if d else "open" for d in shown)
    extremes = (
        f"dated {outside.earliest} to {outside.latest}"
        if outside.earliest != outside.latest
        else f"dated {outside.earliest}"
    )
    return (
        f'<p class="note">Left out: {outside.events} event{"s" if outside.events != 1 else ""} '
        f"of this dyad {escape(extremes)}, "
        f"outside {lo} to {hi} where the bulk of the store's dates lie. They are mostly dates "
        "of the past stated in the news (a treaty signed decades ago); "
        "<code>eventwire report --all-dates</code> includes them.</p>"
    )


def write_report(
    con: duckdb.DuckDBPyConnection,
    a: str,
    b: str,
    out: Path,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    freq: Freq = "week",
    top: int = 20,
    all_dates: bool = False,
) -> Path:
    """Write one self-contained HTML report on dyad ``a``–``b`` to ``out``; return ``out``.

    Holds the timeline plot, escalation alerts, the ``top`` events with highlighted evidence
    and sources, and the per-period counts table. An open ``since`` or ``until`` is closed
    at the bulk span of the store's dates (``span.bulk_span``) and the report says how many
    of the dyad's events that leaves out; with ``all_dates`` nothing is left out.
    """
    bulk = None if all_dates else bulk_span(con)
    lo, hi = clip_to_span(bulk, since, until)
    series = dyad_series(con, a, b, since=lo, until=hi, freq=freq)
    outside = _dyad_outside(con, series.a, series.b, (since, until), (lo, hi))
    alerts = detect_alerts(con, a=series.a, b=series.b, freq=freq, since=lo, until=hi)
    events = top_events(con, series.a, series.b, since=lo, until=hi, limit=top)
    png = base64.b64encode(render_dyad(series, fmt="png")).decode("ascii")
    a_, b_ = escape(series.a), escape(series.b)
    span = (
        f"{series.periods[0].start.isoformat()} to {series.periods[-1].start.isoformat()}"
        if series.periods
        else "no dated events"
    )
    doc = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{a_} – {b_}: eventwire dyad report</title><style>{_CSS}</style></head>
<body>
<h1>{a_} – {b_}</h1>
<p>{series.total_events} events by {escape(series.freq)}, {escape(span)}.
<span class="note">Counted: new events (asserted and actual).
Set aside: {series.set_aside} negated, future, hypothetical or background (historical) events;
{series.undated} events without a date. Net score = sum of PLOVER intensities
(-10 conflict .. +10 cooperation).</span></p>
{_outside_html(outside, (lo, hi))}
<h2>Timeline</h2>
<img alt="Net score and events by quad of {a_} and {b_} per {escape(series.freq)}"
 src="data:image/png;base64,{png}">
<h2>Escalation alerts</h2>
{_alerts_html(alerts)}
<h2>Top events</h2>
<p class="note">Largest absolute intensity first. <mark class="actor">actor</mark>
<mark class="recipient">recipient</mark> <mark class="trigger">trigger</mark></p>
{_events_html(events)}
<h2>Counts</h2>
{_counts_table(series)}
<p class="note">Generated by eventwire on {dt.date.today().isoformat()}.</p>
</body></html>
"""
    return write_output(out, doc, "report")
