"""The negation and modality suite, per coder, as a share.

    python benchmarks/polarity_suite.py [--coder NAME ...] [--json out.json]

Codes each sentence of ``tests/fixtures/coder/polarity.jsonl`` alone (published 2023-06-01)
and checks the event of its named trigger word: the expected type (where the line gives one),
polarity and modality. ``tests/coder/test_polarity_suite.py`` runs the same suite one case
per test for the coders that must pass it (v1, v4); this prints every coder's share and its
misses, so that a coder that is not held to it (v5) is measured the same way. Target: 95%.
Defaults: coders v1 and v5.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SUITE = REPO / "tests" / "fixtures" / "coder" / "polarity.jsonl"


def check(case: dict[str, Any], events: list[Any]) -> str | None:
    """None where the coder reads the case as expected, else what it read."""
    hits = [e for e in events if e.evidence.trigger.lower() == case["trigger"].lower()]
    if not hits:
        return "no event"
    ev = hits[0]
    got = (ev.event_type, ev.polarity, ev.modality)
    want = (case["type"], case["polarity"], case["modality"])
    if all(w is None or w == g for w, g in zip(want, got, strict=True)):
        return None
    return "/".join(str(g) for g in got)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--coder", action="append", default=None)
    ap.add_argument("--json", type=Path, default=None, help="write the figures to this file")
    args = ap.parse_args()
    from report import start, write_result  # benchmarks/report.py, beside this script

    from eventwire.config import load_config
    from eventwire.pipeline import Pipeline

    started = start()
    cases = [json.loads(line) for line in SUITE.read_text(encoding="utf-8").splitlines() if line]
    results = {}
    for name in args.coder or ["coder.plover.v1", "coder.plover.v5"]:
        cfg = load_config()
        pipe = Pipeline(replace(cfg, pipeline=replace(cfg.pipeline, coder=name)))
        misses = {}
        for case in cases:
            why = check(case, pipe.code_text(case["text"], published="2023-06-01"))
            if why is not None:
                misses[case["text"]] = why
        right = len(cases) - len(misses)
        results[name] = {"cases": len(cases), "right": right, "misses": misses}
        print(f"{name}: {right} of {len(cases)} ({right / len(cases):.0%})")
        for text, why in misses.items():
            print(f"  {why:<28} {text}")
    if args.json:
        write_result(args.json, "polarity_suite", {"coders": results}, started)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
