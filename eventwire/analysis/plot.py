"""Plots of a dyad series with matplotlib, without pyplot.

Figures are built as plain ``Figure`` objects rendered by the Agg canvas: no display, no
global pyplot state, so plotting is safe in servers and threads and never opens a window.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Literal

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from eventwire.analysis._common import write_output
from eventwire.analysis.dyad import DyadSeries
from eventwire.errors import UsageError
from eventwire.ontology.plover import QUAD_NAMES

__all__ = ["PlotFormat", "plot_dyad", "render_dyad"]

PlotFormat = Literal["png", "svg"]

# Cooperation in blues, conflict in reds: the reading convention of event-data plots.
_QUAD_COLOURS = {1: "#9ecae1", 2: "#3182bd", 3: "#fc9272", 4: "#de2d26"}


def _figure(series: DyadSeries, title: str | None) -> Figure:
    fig = Figure(figsize=(9, 5.5), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    net_ax, count_ax = fig.subplots(2, 1, sharex=True, height_ratios=(1, 1))
    starts = [p.start for p in series.periods]
    width = {"day": 0.8, "week": 5.5, "month": 24.0}[series.freq]
    net_ax.axhline(0, color="#888888", linewidth=0.8)
    net_ax.plot(starts, [p.ab.net for p in series.periods], marker="o", markersize=3,
                label=f"{series.a} → {series.b}", color="#6a51a3")  # fmt: skip
    net_ax.plot(starts, [p.ba.net for p in series.periods], marker="s", markersize=3,
                label=f"{series.b} → {series.a}", color="#e6550d")  # fmt: skip
    net_ax.set_ylabel("net score (sum of intensity)")
    net_ax.legend(loc="upper left", fontsize="small")
    bottom = [0] * len(starts)
    for q in (1, 2, 3, 4):
        heights = [p.ab.by_quad[q - 1] + p.ba.by_quad[q - 1] for p in series.periods]
        count_ax.bar(starts, heights, width=width, bottom=bottom, color=_QUAD_COLOURS[q],
                     label=f"Q{q} {QUAD_NAMES[q]}", align="edge")  # fmt: skip
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    count_ax.set_ylabel(f"events per {series.freq}")
    count_ax.legend(loc="upper left", fontsize="small", ncols=2)
    fig.suptitle(title or f"{series.a} – {series.b}")
    return fig


def render_dyad(series: DyadSeries, *, fmt: PlotFormat = "png", title: str | None = None) -> bytes:
    """The plot as PNG or SVG bytes (for embedding in reports)."""
    if fmt not in ("png", "svg"):
        raise UsageError(f"Cannot plot to {fmt!r}.", fix="Use png or svg.")
    fig = _figure(series, title)
    buf = io.BytesIO()
    # Fixed hash salt and no date: the same series gives byte-identical SVG.
    with matplotlib.rc_context({"svg.hashsalt": "eventwire"}):
        fig.savefig(buf, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
    return buf.getvalue()


def plot_dyad(series: DyadSeries, path: Path, *, title: str | None = None) -> Path:
    """Write the plot of ``series`` to ``path``; the suffix (.png or .svg) picks the format."""
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("png", "svg"):
        raise UsageError(
            f"Cannot tell the plot format from {path.name!r}.",
            fix="End the file name in .png or .svg.",
        )
    data = render_dyad(series, fmt=fmt, title=title)  # type: ignore[arg-type]
    return write_output(path, data, "plot")
