"""Following a relationship: dyad time series, escalation alerts, plots and HTML reports.

Every function takes an open DuckDB connection to an eventwire store and returns plain data;
nothing prints. Only new events (asserted, modality actual) are counted; negated, future,
hypothetical and background (historical) events are set aside and tallied separately.
"""

from eventwire.analysis.alerts import Alert, detect_alerts
from eventwire.analysis.dyad import (
    DirectionCounts,
    DyadPeriod,
    DyadSeries,
    dyad_series,
    series_csv,
    series_json,
    series_rows,
)
from eventwire.analysis.evidence import EvidenceEvent, Span, highlight_spans
from eventwire.analysis.plot import plot_dyad, render_dyad
from eventwire.analysis.report import top_events, write_report

__all__ = [
    "Alert",
    "DirectionCounts",
    "DyadPeriod",
    "DyadSeries",
    "EvidenceEvent",
    "Span",
    "detect_alerts",
    "dyad_series",
    "highlight_spans",
    "plot_dyad",
    "render_dyad",
    "series_csv",
    "series_json",
    "series_rows",
    "top_events",
    "write_report",
]
