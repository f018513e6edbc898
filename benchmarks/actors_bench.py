"""Actor resolution and place location against ../shared data (a script, not a test).

    .venv/bin/python benchmarks/actors_bench.py [-v] [--json FILE]

Prints: knowledge-base load time; on PLOVER_GSR_CAMEO.txt the share of source/target actors
resolved to the gold country code and to the gold sector (where gold has one), each read in its
sentence (resolve_in: the rules RuleCoder applies to its mentions through read_in) and alone
(resolve); on the CSIS North Korean provocations list the share of descriptions that locate()
places; lookups/s (the primary figure: distinct mentions, each seen for the first time by a
fresh resolver; then, labelled secondary, a realistic stream of NewsArticles mentions with
their natural repeats).

Gold normalisation (so that old CAMEO spellings compare with PLOVER/ISO codes): JAP->JPN,
ITL->ITA, VTN->VNM; gold IGO matches any of IGO/UNO/EUR (the file predates PLOVER's UNO and
EUR); sectors compare on their first three letters, CAMEO's MOS (Muslim) counts as REL and CIV
as CVL; '***' sectors are skipped. Records dates are placeholders (2000-01-01), so actors are
resolved without a date.

``-v`` lists the misses; ``--json FILE`` writes the figures, with the machine, for
benchmarks/report.py.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
GSR = SHARED / "data" / "plover_gsr" / "PLOVER_GSR_CAMEO.txt"
CSIS = SHARED / "corpus" / "csis_nk_provocations" / "provocations.csv"
NEWS = SHARED / "corpus" / "newsarticles_2017" / "NewsArticles.csv"
_STREAM_ARTICLES = 300
_STREAM_PASSES = 5
sys.path.insert(0, str(ROOT))

_COLD_PASSES = 9
_CODE_FIX = {"JAP": "JPN", "ITL": "ITA", "VTN": "VNM"}
_SECTOR_FIX = {"MOS": "REL", "CIV": "CVL"}


def _read_gsr(path: Path) -> list[dict[str, Any]]:
    text = path.read_text(encoding="utf-8", errors="replace")
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        data = json.loads(re.sub(r",\s*([\]}])", r"\1", text))  # trailing commas
    return [r for r in data if isinstance(r, dict) and r.get("event") != "DOCUMENT"]


@dataclass(frozen=True)
class _Gold:
    record: str
    text: str
    code: str  # normalised (_CODE_FIX)
    sector: str | None  # first three letters, normalised; None when gold has none or '***'
    sentence: str
    span: tuple[int, int] | None  # where text occurs in sentence


# Rows whose gold code contradicts the record's own text. They stay in the "all" figures;
# the second figure leaves them out. Keyed by (record id, actor text), with the reason.
_GOLD_ODD = {
    ("PLOVER-GSR01-AGREE-0007", "Greek-Cypriot"): "GRC for the Greek side of Cyprus (CYP)",
    ("PLOVER-GSR01-AGREE-0026", "Revolutionary United Front (RUF"): (
        "UGA for Sierra Leone's RUF; the text names Freetown"
    ),
    ("PLOVER-GSR01-DEMAND-0018", "Rwandan rebels"): "UGA for 'Rwandan rebels'",
    ("PLOVER-GSR01-DEMAND-0018", "President Juvenal Habyariman"): (
        "UGA for Rwanda's President Habyarimana"
    ),
    ("PLOVER-GSR01-INVESTIGATE-0008", "Serbian military police"): (
        "IGO for 'Serbian military police'"
    ),
    ("PLOVER-GSR01-DEMAND-0025", "Amnesty International"): (
        "IGO for Amnesty International, which the text calls a human rights organization"
    ),
    ("PLOVER-GSR01-DISAPPROVE-0005", "Amnesty International"): (
        "IGO for Amnesty International, which the text calls a human rights watchdog"
    ),
}


def _gold_actors() -> list[_Gold]:
    out = []
    for rec in _read_gsr(GSR):
        sentence = rec.get("text") or ""
        for key in ("source", "target"):
            for a in rec.get(key) or []:
                if not (isinstance(a, dict) and a.get("actorText") and a.get("code")):
                    continue
                text = a["actorText"]
                sector = a.get("sector") or ""
                sector = None if sector in ("", "***") else _SECTOR_FIX.get(sector[:3], sector[:3])
                words = [re.escape(w) for w in re.findall(r"\w+", text)]
                m = re.search(r"\W+".join(words), sentence) if words else None
                if m is None and words:
                    m = re.search(r"\W+".join(words), sentence, re.IGNORECASE)
                out.append(
                    _Gold(
                        record=rec.get("id", ""),
                        text=text,
                        code=_CODE_FIX.get(a["code"], a["code"]),
                        sector=sector,
                        sentence=sentence,
                        span=(m.start(), m.end()) if m else None,
                    )
                )
    return out


def _code_ok(gold: str, ent: Any) -> bool:
    got = ent.code if ent is not None else None
    return got == gold or (gold == "IGO" and got in ("IGO", "UNO", "EUR"))


def _fresh_passes(kb: Any, items: list[tuple[str, Any]], n: int) -> list[float]:
    """Lookups/s of ``n`` passes over ``items`` ((mention, date) pairs, in order), sorted, each
    by a fresh resolver with the word-level memos emptied (the knowledge base's own indexes,
    built at load, are kept). One pass takes tens of milliseconds, so a single full garbage
    collection (set off by whatever allocated before) could land in it: callers report the
    median and the best."""
    from eventwire.actors import ActorResolver
    from eventwire.actors import text as text_mod

    passes = []
    for _ in range(n):
        for fn in (text_mod.fold, text_mod.sensitive, text_mod.is_acronym):
            getattr(fn, "cache_clear", lambda: None)()
        fresh = ActorResolver(kb)
        t0 = time.perf_counter()
        for mention, day in items:
            fresh.resolve(mention, date=day)
        passes.append(len(items) / (time.perf_counter() - t0))
    return sorted(passes)


def _stream(kb: Any, finder: Any) -> dict[str, Any]:
    """A secondary figure, never instead of the cold one: a realistic stream. Every actor
    mention find_mentions() finds in the first articles of NewsArticles.csv (at the article's
    date), resolved in article order by one fresh resolver with emptied memos, repeats
    included as the news repeats them (so its cache helps as it would in the coder)."""
    import datetime as dt

    csv.field_size_limit(1 << 30)
    stream: list[tuple[str, dt.date | None]] = []
    with NEWS.open(encoding="utf-8", errors="replace", newline="") as f:
        for k, row in enumerate(csv.DictReader(f)):
            if k >= _STREAM_ARTICLES:
                break
            try:
                y, m, d = (int(x) for x in row["publish_date"].split("/"))
                day: dt.date | None = dt.date(y, m, d)
            except ValueError:
                day = None
            text = row["text"] or ""
            stream.extend((text[s:e], day) for s, e, _ in finder.find_mentions(text, date=day))
    passes = _fresh_passes(kb, stream, _STREAM_PASSES)
    print(
        f"lookups/s, realistic stream (secondary): {passes[len(passes) // 2]:,.0f}, median of "
        f"{len(passes)} passes (best {passes[-1]:,.0f}; each pass: the "
        f"{len(stream):,} actor mentions, {len(set(stream)):,} distinct, that find_mentions "
        f"finds in the first {_STREAM_ARTICLES} NewsArticles articles, resolved in order at "
        "each article's date by one fresh resolver with emptied memos, repeats included)"
    )
    return {
        "median": round(passes[len(passes) // 2]),
        "best": round(passes[-1]),
        "passes": len(passes),
        "mentions": len(stream),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-v", action="store_true", help="list the actors resolved wrong")
    ap.add_argument("--json", type=Path, help="write the figures and the machine to this file")
    args = ap.parse_args()
    if not SHARED.is_dir():
        print(f"skipped: {SHARED} is absent (the shared data sits beside the checkout)")
        return 0
    # The timings below are only comparable on an equally loaded machine: say how loaded.
    print("load average (1, 5, 15 min): " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    from report import start, write_result  # benchmarks/report.py, beside this script

    started = start()
    figures: dict[str, Any] = {"resolution": {}}
    t0 = time.perf_counter()
    from eventwire.actors import ActorResolver, load_builtin

    t1 = time.perf_counter()
    kb = load_builtin()
    t2 = time.perf_counter()
    print(f"import {t1 - t0:.2f} s; knowledge base load {t2 - t1:.3f} s")
    from eventwire.actors import resolver as resolver_mod

    built = Path(resolver_mod.__file__ or "").suffix
    print(
        "resolver: "
        + (
            "compiled by mypyc (setup.py)"
            if built != ".py"
            else "pure Python (not compiled: no C compiler at install, or EVENTWIRE_NO_COMPILE=1)"
        )
    )
    resolver = ActorResolver(kb)
    figures.update(kb_load_s=round(t2 - t1, 3), compiled=built != ".py")

    actors = _gold_actors()
    print(
        f"GSR: {len(actors)} source/target actors with a gold country code (actors without "
        "one are not counted); sector compared on the "
        f"{sum(1 for a in actors if a.sector)} of them whose gold sector is not empty or '***'"
    )
    excluded = [a for a in actors if (a.record, a.text) in _GOLD_ODD]
    misses: list[str] = []
    for label, mode in (
        ("in its sentence, as the coder reads", "in"),
        ("mention alone", "alone"),
    ):
        in_sentence = mode == "in"
        rows = []
        for a in actors:
            if mode == "in" and a.span is not None:
                ent = resolver.resolve_in(a.sentence, *a.span)
            else:
                ent = resolver.resolve(a.text)
            rows.append((a, ent))
        for subset, rows_in in (
            ("all", rows),
            (f"less {len(excluded)} odd gold", [r for r in rows if r[0] not in excluded]),
        ):
            code_ok = sum(1 for a, e in rows_in if _code_ok(a.code, e))
            with_sector = [(a, e) for a, e in rows_in if a.sector]
            sector_ok = sum(1 for a, e in with_sector if e is not None and e.sector == a.sector)
            figures["resolution"][f"{mode}, {subset}"] = {
                "actors": len(rows_in),
                "code": round(code_ok / len(rows_in), 4),
                "with_sector": len(with_sector),
                "sector": round(sector_ok / max(len(with_sector), 1), 4),
            }
            print(
                f"  {label:36s} {subset:18s} country code {code_ok / len(rows_in):.1%} "
                f"of {len(rows_in)}; sector {sector_ok / max(len(with_sector), 1):.1%} "
                f"of {len(with_sector)}"
            )
        if in_sentence:
            for a, e in rows:
                if not _code_ok(a.code, e):
                    misses.append(
                        f"  code   {a.record} {a.text!r}: gold {a.code}, got "
                        f"{e.code if e else None}"
                    )
                if a.sector and (e is None or e.sector != a.sector):
                    misses.append(
                        f"  sector {a.record} {a.text!r}: gold {a.sector}, got "
                        f"{e.sector if e else None}"
                    )
    print(
        f"  ({sum(1 for a in actors if a.span is None)} actor texts do not occur in their "
        "record's text and are resolved alone; the odd-gold rows, each with its reason, are "
        "listed in _GOLD_ODD in this script)"
    )
    if args.v:
        print("\n".join(misses))

    t3 = time.perf_counter()
    from eventwire.geo import Gazetteer, locate

    # A fresh instance (the resolver may have loaded the shared one); it reads the on-disk index
    # cache when an earlier run left one (run twice, or set EVENTWIRE_HOME, to see both).
    Gazetteer().lookup("Seoul")
    t4 = time.perf_counter()
    with CSIS.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    placed = sum(1 for r in rows if locate(r["description"]) is not None)
    t5 = time.perf_counter()
    figures["csis_located"] = {"descriptions": len(rows), "share": round(placed / len(rows), 4)}
    print(
        f"gazetteer load {t4 - t3:.2f} s; CSIS descriptions located {placed / len(rows):.1%} "
        f"of {len(rows)} ({len(rows) / (t5 - t4):.0f} descriptions/s)"
    )

    # First sight: every distinct mention once, undated, so nothing learnt above is reused.
    texts = list(dict.fromkeys(a.text for a in actors))
    passes = _fresh_passes(kb, [(t, None) for t in texts], _COLD_PASSES)
    n = 0
    t8 = time.perf_counter()
    while time.perf_counter() - t8 < 1.0:
        for t in texts:
            resolver.resolve(t)
        n += len(texts)
    t9 = time.perf_counter()
    print(
        f"lookups/s: {passes[len(passes) // 2]:,.0f} uncached, median of {len(passes)} "
        f"passes (best {passes[-1]:,.0f}; each pass: {len(texts)} distinct GSR mentions seen "
        "for the first time by a fresh resolver with emptied memos), "
        f"{n / (t9 - t8):,.0f} cached (repeats)"
    )
    figures["lookups_per_s"] = {
        "uncached_median": round(passes[len(passes) // 2]),
        "uncached_best": round(passes[-1]),
        "passes": len(passes),
        "mentions": len(texts),
        "cached": round(n / (t9 - t8)),
    }
    if NEWS.is_file():
        figures["lookups_per_s"]["stream"] = _stream(kb, resolver)
    aliases = ["North Korea", "Pyongyang", "US", "the White House", "Kim Jong Un", "Russia"]
    t10 = time.perf_counter()
    for _ in range(20_000):
        for a in aliases:
            kb.lookup(a)
    t11 = time.perf_counter()
    print(f"raw alias dict lookups/s: {20_000 * len(aliases) / (t11 - t10):,.0f}")
    if args.json:
        write_result(args.json, "actors_bench", figures, started)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
