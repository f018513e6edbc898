"""The generated tables of docs/BENCHMARKS.md and README.md, from benchmarks/results/*.json.

    python benchmarks/report.py           # rewrite the generated blocks in place
    python benchmarks/report.py --check   # exit 1 when a block differs from its results

Each benchmark that feeds the docs writes its own result file with ``--json FILE``
(:func:`write_result`): the command line, the date, the CPU and core count it ran on, and its
figures. A doc holds a generated block between two marker comments::

    <!-- generated: news_gold -->
    ...rendered here, never edited by hand...
    <!-- end generated -->

and :data:`BLOCKS` says which result files each named block is rendered from and how. The
prose around the blocks stays hand-written; figures no result file holds stay in that prose,
each with the date and command it was measured with. Nothing here runs a benchmark: a block
changes only when a result file does.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shlex
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eventwire.errors import EventwireError

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results"
DOCS = (REPO / "docs" / "BENCHMARKS.md", REPO / "README.md")
BEGIN = re.compile(r"<!-- generated: ([\w-]+) -->\n")
END = "<!-- end generated -->"


# -- writing results (the benchmarks call this) ------------------------------------------------


def machine() -> dict[str, Any]:
    """The CPU a figure was measured on: speed figures mean little without it.

    The model name and the vector extensions come from /proc/cpuinfo where there is one
    (AVX-512 VNNI roughly doubles the int8 classifier's speed over AVX2-only cores), else
    from :mod:`platform`.
    """
    cpu, flags = "", set[str]()
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "model name" and not cpu:
                cpu = value.strip()
            elif key.strip() == "flags" and not flags:
                flags = set(value.split())
    except OSError:
        pass
    simd = [
        name
        for flag, name in (("avx512_vnni", "AVX-512 VNNI"), ("amx_tile", "AMX"), ("avx2", "AVX2"))
        if flag in flags
    ]
    if "AVX-512 VNNI" in simd and "AVX2" in simd:
        simd.remove("AVX2")  # every AVX-512 core has it: naming it says nothing
    return {
        "cpu": cpu or platform.processor() or platform.machine(),
        "simd": simd,
        "cores": os.cpu_count(),
        "load_average": round(os.getloadavg()[0], 2),
    }


def _commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "-C", str(REPO), "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.stdout.strip() or None


@dataclass(frozen=True)
class Started:
    """When a run began and how loaded the machine was then (UTC; 1-minute load average)."""

    at: dt.datetime
    load_average: float


def start() -> Started:
    """Call before a run's timed work: its start is what the result records."""
    return Started(dt.datetime.now(dt.UTC).replace(microsecond=0), round(os.getloadavg()[0], 2))


def write_result(path: Path, benchmark: str, figures: Mapping[str, Any], started: Started) -> None:
    """Write one run's figures to ``path``, with the command, date and machine it ran on.

    The command is recorded relative to the repository root, as the docs print it.
    """
    script = Path(sys.argv[0]).resolve()
    try:
        shown = str(script.relative_to(REPO))
    except ValueError:
        shown = str(script)
    info = machine()
    info["load_average"] = {"start": started.load_average, "end": info["load_average"]}
    data = {
        "benchmark": benchmark,
        "command": shlex.join(["python", shown, *sys.argv[1:]]),
        "date": started.at.isoformat(),
        "commit": _commit(),
        "machine": info,
        "figures": dict(figures),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


# -- reading results ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    """One result file: a benchmark run as :func:`write_result` wrote it."""

    name: str  # the file's stem, which BLOCKS refer to
    benchmark: str
    command: str
    date: str
    machine: Mapping[str, Any]
    figures: Mapping[str, Any]

    @classmethod
    def read(cls, path: Path) -> Result:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(
            name=path.stem,
            benchmark=data["benchmark"],
            command=data["command"],
            date=data["date"],
            machine=data["machine"],
            figures=data["figures"],
        )

    @property
    def day(self) -> str:
        return self.date[:10]

    @property
    def cpu(self) -> str:
        """``AMD EPYC, 2 cores, AVX-512 VNNI``: the CPU column of the tables."""
        m = self.machine
        return ", ".join([m["cpu"], f"{m['cores']} cores", *m.get("simd", [])])

    @property
    def load(self) -> str:
        la = self.machine.get("load_average") or {}
        return f"load {la['start']:.1f}-{la['end']:.1f}" if la else "load not recorded"

    @property
    def provenance(self) -> str:
        """The line under a generated table: when, where and how busy, and from which file."""
        return (
            f"Measured {self.day} on {self.cpu} (1-minute {self.load} from start to end); "
            f"`benchmarks/results/{self.name}.json`."
        )


def _pr(m: Mapping[str, Any], *, f1: bool = False) -> str:
    out = f"{m['precision']:.3f} / {m['recall']:.3f}"
    return out + (f" / {m['f1']:.3f}" if f1 else "")


def _default_coder() -> str:
    """The coder the shipped config selects: the tables mark it "(default)"."""
    import tomllib

    config = tomllib.loads((REPO / "eventwire" / "default.toml").read_text(encoding="utf-8"))
    return str(config["pipeline"]["coder"])


# -- rendering: one function per block, each from its result files -----------------------------


def render_news_gold(results: Sequence[Result], default_coder: str) -> str:
    """The coders on one split of the news gold: the whole split, then each subset."""
    (r,) = results
    coders: Mapping[str, Any] = r.figures["coders"]
    n = next(iter(coders.values()))["sentences"]
    lines = [
        f"{r.figures['split'].capitalize()} split, {n} sentences:",
        "",
        f"    {_shown(r.command)}",
        "",
        "| coder | sentence detection P / R | type + source P / R / F1 "
        "| type + source + target P / R / F1 |",
        "|---|---|---|---|",
    ]
    for name, s in coders.items():
        mark = " (default)" if name == default_coder else ""
        lines.append(
            f"| `{name}`{mark} | {_pr(s['detection'])} | {_pr(s['type_source'], f1=True)} "
            f"| {_pr(s['type_source_target'], f1=True)} |"
        )
    lines += [
        "",
        "Per corpus, and the sentences whose gold holds an event in an outlet's own voice "
        "(`outlet_voice`):",
        "",
        "| coder | subset | sentences | detection P / R | type + source P / R "
        "| gold events matched (type + source) |",
        "|---|---|---|---|---|---|",
    ]
    for name, s in coders.items():
        for sub, t in (s.get("subsets") or {}).items():
            ts = t["type_source"]
            lines.append(
                f"| `{name}` | {sub} | {t['sentences']} | {_pr(t['detection'])} | {_pr(ts)} "
                f"| {ts['hits']} of {ts['gold']} |"
            )
    lines += ["", r.provenance]
    return "\n".join(lines)


def render_throughput(results: Sequence[Result]) -> str:
    """eventwire end to end against stock spaCy sm, one row per run (coder)."""
    lines = [
        "| coder | articles | articles/s: bare spaCy sm, eventwire 1 worker "
        "| eventwire / spaCy: wall, per CPU-second | sentences parsed "
        "| N workers / 1: wall, steady | peak RSS per process | CPU | command |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        f = r.figures
        runs = f["runs"]
        spacy, one = runs["spacy"], runs["eventwire:1"]
        many = runs.get(f"eventwire:{f['workers']}") if f["workers"] > 1 else None
        wall, cpu = _vs_spacy(r)
        if many:
            steady, steady1 = many.get("steady_articles_per_s"), one.get("steady_articles_per_s")
            workers = f"{f['workers']}: {_rate(many) / _rate(one):.2f}×" + (
                f", {steady / steady1:.2f}×" if steady and steady1 else ""
            )
        else:
            workers = "not run"
        rss = max(run["peak_rss_process_mb"] for run in runs.values() if "sentences_parsed" in run)
        parsed = one["sentences_parsed"] / max(one["sentences"], 1)
        lines.append(
            f"| `{f['coder']}` | {one['articles']} | {_rate(spacy):.1f}, {_rate(one):.1f} "
            f"| **{wall:.2f}×**, {cpu:.2f}× | {parsed:.0%} of {one['sentences']:,} | {workers} "
            f"| {rss:.0f} MB | {r.cpu}; {r.day}, {r.load} | `{_shown(r.command)}` |"
        )
    return "\n".join(lines)


def render_polarity_suite(results: Sequence[Result]) -> str:
    """The negation and modality suite: each coder's share, and what it misses."""
    (r,) = results
    lines = ["| coder | right | misses (what the coder read) |", "|---|---|---|"]
    for coder, c in r.figures["coders"].items():
        misses = c["misses"]
        shown = "; ".join(f"{text} ({why})" for text, why in list(misses.items())[:3])
        more = f"; and {len(misses) - 3} more" if len(misses) > 3 else ""
        lines.append(
            f"| `{coder}` | **{c['right']} of {c['cases']}** ({c['right'] / c['cases']:.0%}) "
            f"| {shown or 'none'}{more} |"
        )
    return "\n".join([*lines, "", f"`{_shown(r.command)}`. " + r.provenance])


def render_classifier(results: Sequence[Result]) -> str:
    """The classifier alone: cached CV figures and timed runs, one row per model."""
    (r,) = results
    cv, speed = r.figures["cv"], r.figures["throughput"]
    lines = [
        "| model | PLV 5-fold CV macro-F1 (accuracy) | sentences per CPU-second, batch 1, "
        "one thread: median (range) | per second of wall time, median | runs |",
        "|---|---|---|---|---|",
    ]
    for model, t in speed.items():
        c = cv.get(model)
        score = f"{c['macro_f1']:.3f} ({c['accuracy']:.3f})" if c else "not in the result"
        cpu, wall = sorted(t["runs_cpu"]), sorted(t["runs_wall"])
        lines.append(
            f"| `{model}` | {score} | **{_median(cpu):.0f}** ({cpu[0]:.0f}-{cpu[-1]:.0f}) "
            f"| {_median(wall):.0f} | {len(cpu)} |"
        )
    cached = list(dict.fromkeys(c["origin"].removeprefix("cached: ") for c in cv.values()))
    lines += [
        "",
        f"`{_shown(r.command)}`. The CV figures are re-read from "
        + ", ".join(f"`{c}`" for c in cached)
        + ", written when the models were trained; the timed runs alternate between the "
        "models. " + r.provenance,
    ]
    return "\n".join(lines)


def render_actors_prefilter(results: Sequence[Result]) -> str:
    """Actor resolution against PLOVER's gold actors and the prefilter's recall."""
    actors, prefilter = results
    res, look = actors.figures["resolution"], actors.figures["lookups_per_s"]
    inside, alone = res["in, all"], res["alone, all"]
    stream = look.get("stream")
    build = "compiled resolver" if actors.figures["compiled"] else "pure Python resolver"
    plv, news = prefilter.figures["plv_recall"], prefilter.figures["news_skip"]
    rows = [
        (
            f"actors: gold country code / sector (PLOVER GSR, {inside['actors']} actors / "
            f"{inside['with_sector']} with a sector)",
            f"read in its sentence, as the coder reads them: {inside['code']:.1%} / "
            f"{inside['sector']:.1%}; the mention alone {alone['code']:.1%} / "
            f"{alone['sector']:.1%}",
            actors,
        ),
        (
            f"actor lookups/s ({build}; target 50k never-seen)",
            f"**{look['uncached_median']:,}** never-seen (median of {look['passes']} passes, "
            f"best {look['uncached_best']:,})"
            + (f"; {stream['median']:,} on the stream of news mentions" if stream else "")
            + f"; {look['cached']:,} repeats; KB load {actors.figures['kb_load_s']:.2f} s",
            actors,
        ),
        (
            "prefilter: gold PLV events in skipped sentences (target at most 1%)",
            f"{plv['skipped'] / plv['sentences']:.2%} ({plv['skipped']} of {plv['sentences']})",
            prefilter,
        ),
        (
            f"prefilter: news sentences never parsed ({news['articles']} NewsArticles articles)",
            f"{news['skipped'] / news['sentences']:.1%} of {news['sentences']:,}",
            prefilter,
        ),
    ]
    lines = ["| measure | figure | CPU | command |", "|---|---|---|---|"]
    for what, figure, r in rows:
        lines.append(f"| {what} | {figure} | {r.cpu}; {r.day}, {r.load} | `{_shown(r.command)}` |")
    return "\n".join(lines)


def _median(xs: Sequence[float]) -> float:
    s = sorted(xs)
    mid = len(s) // 2
    return s[mid] if len(s) % 2 else (s[mid - 1] + s[mid]) / 2


def render_readme(
    news: Result, classifier: Result, throughput: Sequence[Result], default_coder: str
) -> str:
    """README's short table: the headline figures, each with the command that printed it."""
    coders: Mapping[str, Any] = news.figures["coders"]
    split = news.figures["split"]
    cmd = f"`{_shown(news.command)}`"
    lines = ["| measure | figure | command |", "|---|---|---|"]
    for i, (name, s) in enumerate(coders.items()):
        mark = " (default)" if name == default_coder else ""
        what = f"annotated news, {split} split: type + source P / R, `{name}`{mark}"
        lines.append(f"| {what} | {_pr(s['type_source'])} | {cmd if i == 0 else 'the same'} |")
    names = ", ".join(f"`{n}`" for n in coders)
    figures = ", ".join(_pr(s["detection"]) for s in coders.values())
    lines.append(f"| annotated news: sentence detection P / R, {names} | {figures} | the same |")
    cv = classifier.figures["cv"]
    figures = ", ".join(f"{c['macro_f1']:.3f} (`{model}`)" for model, c in cv.items())
    what = "PLV 5-fold CV, type macro-F1 with gold actors (classifier)"
    lines.append(f"| {what} | {figures} | `{_shown(classifier.command)}` |")
    if throughput:
        names = " / ".join(f"`{r.figures['coder']}`" for r in throughput)
        ratios = ", ".join(f"{_vs_spacy(r)[0]:.2f}×" for r in throughput)
        cmds = ", ".join(f"`{_shown(r.command)}`" for r in throughput)
        what = f"throughput vs stock spaCy sm, one process, {names}"
        lines.append(f"| {what} | {ratios} | {cmds} |")
    runs = [news, classifier, *throughput]
    days = sorted({r.day for r in runs})
    cpus = sorted({r.cpu for r in runs})
    lines += [
        "",
        f"Generated from `benchmarks/results` (measured {', '.join(days)} on "
        f"{'; '.join(cpus)}; the throughput on a shared machine, "
        "[docs/BENCHMARKS.md](docs/BENCHMARKS.md) gives its load).",
    ]
    return "\n".join(lines)


def _shown(command: str) -> str:
    """The command as a reader reruns it: without the ``--json FILE`` that wrote the result."""
    words = shlex.split(command)
    out = [w for i, w in enumerate(words) if w != "--json" and (i == 0 or words[i - 1] != "--json")]
    return shlex.join(out)


def _rate(run: Mapping[str, Any]) -> float:
    return float(run["articles"]) / float(run["wall_s"])


def _cpu_rate(run: Mapping[str, Any]) -> float:
    return float(run["articles"]) / max(float(run["cpu_self_s"] + run["cpu_workers_s"]), 1e-9)


def _vs_spacy(r: Result) -> tuple[float, float]:
    """eventwire with 1 worker over stock spaCy sm, articles/s of wall time and of CPU time."""
    runs = r.figures["runs"]
    spacy, one = runs["spacy"], runs["eventwire:1"]
    return _rate(one) / _rate(spacy), _cpu_rate(one) / _cpu_rate(spacy)


# -- the blocks and the docs -------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """A named generated block: the result files it is rendered from, and how."""

    files: tuple[str, ...]  # stems under benchmarks/results/
    render: Callable[[Sequence[Result]], str]


BLOCKS: dict[str, Block] = {
    "news_gold": Block(
        ("news_gold_test",), lambda rs: render_news_gold(rs, default_coder=_default_coder())
    ),
    "throughput": Block(("throughput_v1", "throughput_v5"), render_throughput),
    "classifier": Block(("classifier",), render_classifier),
    "polarity_suite": Block(("polarity_suite",), render_polarity_suite),
    "actors_prefilter": Block(("actors", "prefilter_recall"), render_actors_prefilter),
    "readme_figures": Block(
        ("news_gold_test", "classifier", "throughput_v1", "throughput_v5"),
        lambda rs: render_readme(rs[0], rs[1], rs[2:], default_coder=_default_coder()),
    ),
}


class ReportError(EventwireError):
    """A doc's markers or its results do not fit together."""

    exit_code = 2


def render_doc(text: str, blocks: Mapping[str, Block], results_dir: Path) -> str:
    """``text`` with every generated block re-rendered from the results in ``results_dir``."""
    out: list[str] = []
    pos = 0
    for m in BEGIN.finditer(text):
        if m.start() < pos:
            continue  # inside a block already replaced
        name = m.group(1)
        end = text.find(END, m.end())
        if end < 0:
            raise ReportError(
                f"Generated block {name!r} has no closing marker.",
                cause="the end marker was edited away or misspelt",
                fix=f"end the block with a line {END}",
            )
        block = blocks.get(name)
        if block is None:
            raise ReportError(
                f"Unknown generated block {name!r}.",
                cause="a marker names a block benchmarks/report.py does not render",
                fix=f"name one of {', '.join(blocks)}, or add the block to BLOCKS",
            )
        paths = [results_dir / f"{stem}.json" for stem in block.files]
        missing = [str(p) for p in paths if not p.is_file()]
        if missing:
            raise ReportError(
                f"Generated block {name!r} needs {', '.join(missing)}.",
                cause="its benchmark has not been run with --json into benchmarks/results",
                fix="run the commands the block's table names, with --json FILE",
            )
        body = block.render([Result.read(p) for p in paths]).rstrip("\n")
        out += [text[pos : m.end()], body, "\n"]
        pos = end
    out.append(text[pos:])
    return "".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--check", action="store_true", help="change nothing; exit 1 when a doc is out of date"
    )
    ap.add_argument("--results", type=Path, default=RESULTS, help=argparse.SUPPRESS)
    ap.add_argument("docs", nargs="*", type=Path, default=list(DOCS), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    stale = []
    for doc in args.docs:
        text = doc.read_text(encoding="utf-8")
        try:
            new = render_doc(text, BLOCKS, args.results)
        except ReportError as exc:
            print(f"{doc}: {exc}", file=sys.stderr)
            return exc.exit_code
        if new == text:
            continue
        stale.append(doc)
        if not args.check:
            doc.write_text(new, encoding="utf-8")
    if args.check and stale:
        names = ", ".join(str(d) for d in stale)
        print(f"out of date with benchmarks/results: {names}; run python benchmarks/report.py")
        return 1
    for doc in stale:
        print(f"rewrote the generated blocks of {doc}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
