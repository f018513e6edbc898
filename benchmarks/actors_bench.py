"""Actor resolution and place location against ../shared data (a script, not a test).

    .venv/bin/python benchmarks/actors_bench.py

Prints: knowledge-base load time; on PLOVER_GSR_CAMEO.txt the share of source/target actors
resolved to the gold country code and to the gold sector (where gold has one); on the CSIS
North Korean provocations list the share of descriptions that locate() places; lookups/s.

Gold normalisation (so that old CAMEO spellings compare with PLOVER/ISO codes): JAP->JPN,
ITL->ITA, VTN->VNM; gold IGO matches any of IGO/UNO/EUR (the file predates PLOVER's UNO and
EUR); sectors compare on their first three letters, CAMEO's MOS (Muslim) counts as REL and CIV
as CVL; '***' sectors are skipped. Records dates are placeholders (2000-01-01), so actors are
resolved without a date.
"""

from __future__ import annotations

import csv
import json
import re
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
GSR = SHARED / "data" / "plover_gsr" / "PLOVER_GSR_CAMEO.txt"
CSIS = SHARED / "corpus" / "csis_nk_provocations" / "provocations.csv"
sys.path.insert(0, str(ROOT))

_CODE_FIX = {"JAP": "JPN", "ITL": "ITA", "VTN": "VNM"}
_SECTOR_FIX = {"MOS": "REL", "CIV": "CVL"}


def _read_gsr(path: Path) -> list[dict[str, Any]]:
    text = path.read_text(encoding="utf-8", errors="replace")
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        data = json.loads(re.sub(r",\s*([\]}])", r"\1", text))  # trailing commas
    return [r for r in data if isinstance(r, dict) and r.get("event") != "DOCUMENT"]


def main() -> int:
    if not SHARED.is_dir():
        print(f"skipped: {SHARED} is absent (the shared data sits beside the checkout)")
        return 0
    t0 = time.perf_counter()
    from eventwire.actors import ActorResolver, load_builtin

    t1 = time.perf_counter()
    kb = load_builtin()
    t2 = time.perf_counter()
    print(f"import {t1 - t0:.2f} s; knowledge base load {t2 - t1:.3f} s")
    resolver = ActorResolver(kb)

    actors: list[tuple[str, str, str | None]] = []
    for rec in _read_gsr(GSR):
        for key in ("source", "target"):
            for a in rec.get(key) or []:
                if isinstance(a, dict) and a.get("actorText") and a.get("code"):
                    actors.append((a["actorText"], a["code"], a.get("sector")))
    code_ok = sector_ok = sector_n = 0
    misses: list[str] = []
    for text, code, sector in actors:
        ent = resolver.resolve(text)
        gold = _CODE_FIX.get(code, code)
        got = ent.code if ent else None
        if got == gold or (gold == "IGO" and got in ("IGO", "UNO", "EUR")):
            code_ok += 1
        else:
            misses.append(f"  code  {text!r}: gold {code}, got {got}")
        if sector and sector != "***":
            sector_n += 1
            g = _SECTOR_FIX.get(sector[:3], sector[:3])
            if ent is not None and ent.sector == g:
                sector_ok += 1
            else:
                misses.append(
                    f"  sector {text!r}: gold {sector}, got {ent.sector if ent else None}"
                )
    print(
        f"GSR actors: {len(actors)}; country code {code_ok / len(actors):.1%}; "
        f"sector {sector_ok / max(sector_n, 1):.1%} of {sector_n}"
    )
    if "-v" in sys.argv:
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
    print(
        f"gazetteer load {t4 - t3:.2f} s; CSIS descriptions located {placed / len(rows):.1%} "
        f"of {len(rows)} ({len(rows) / (t5 - t4):.0f} descriptions/s)"
    )

    from eventwire.actors import text as text_mod

    # First sight: every distinct mention once, with a fresh resolver and the word-level
    # memos emptied, so nothing learnt above is reused.
    texts = list(dict.fromkeys(a[0] for a in actors))
    for fn in (text_mod.fold, text_mod.sensitive, text_mod.is_acronym):
        getattr(fn, "cache_clear", lambda: None)()
    cold = ActorResolver(kb)
    t6 = time.perf_counter()
    for t in texts:
        cold.resolve(t)
    t7 = time.perf_counter()
    n = 0
    t8 = time.perf_counter()
    while time.perf_counter() - t8 < 1.0:
        for t in texts:
            resolver.resolve(t)
        n += len(texts)
    t9 = time.perf_counter()
    print(
        f"lookups/s: {len(texts) / (t7 - t6):,.0f} uncached ({len(texts)} distinct GSR "
        "mentions, first sight), "
        f"{n / (t9 - t8):,.0f} cached (repeats)"
    )
    aliases = ["North Korea", "Pyongyang", "US", "the White House", "Kim Jong Un", "Russia"]
    t10 = time.perf_counter()
    for _ in range(20_000):
        for a in aliases:
            kb.lookup(a)
    t11 = time.perf_counter()
    print(f"raw alias dict lookups/s: {20_000 * len(aliases) / (t11 - t10):,.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
