"""Agreement between the two independent annotations of the news gold's double sample.

    python training/news_agreement.py [--part main|kcna|news|voice] [--disagreements FILE]

Reads ``data/news_gold/ann/`` (first annotator) and ``data/news_gold/ann2/`` (second) and
prints, on the sentences both annotated:
- event / no event per sentence (any event, and new events: asserted and actual), with
  Cohen's kappa;
- events matched on type + source country: precision and recall of the second against the
  first (each event matched at most once), and on type alone.
``--disagreements`` writes the sentences where the two differ (on event / no event or on the
type + source matching), with both annotations, for adjudication.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from eventwire.newsgold import GoldEvent, read_annotations  # noqa: E402

GOLD = REPO / "data" / "news_gold"


def _matched(a: tuple[GoldEvent, ...], b: tuple[GoldEvent, ...], *, source: bool) -> int:
    used: set[int] = set()
    hits = 0
    for e in b:
        for i, g in enumerate(a):
            if i in used or g.type != e.type:
                continue
            if source and g.source_code != e.source_code:
                continue
            used.add(i)
            hits += 1
            break
    return hits


def _kappa(pairs: list[tuple[bool, bool]]) -> float:
    n = len(pairs)
    agree = sum(x == y for x, y in pairs) / n
    pa = sum(x for x, _ in pairs) / n
    pb = sum(y for _, y in pairs) / n
    chance = pa * pb + (1 - pa) * (1 - pb)
    return (agree - chance) / (1 - chance) if chance < 1 else 1.0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--disagreements", type=Path, default=None)
    ap.add_argument(
        "--part",
        choices=("all", "main", "kcna", "news", "voice"),
        default="all",
        help="main: the first sample; kcna, news, voice: its extensions (slices.json "
        "*_extension; voice: the KCNA commentaries in the test split)",
    )
    args = ap.parse_args()
    first = read_annotations(sorted((GOLD / "ann").glob("*.jsonl")))
    second = read_annotations(sorted((GOLD / "ann2").glob("*.jsonl")))
    meta = json.loads((GOLD / "slices.json").read_text(encoding="utf-8"))
    part_of = {
        i: name
        for name in ("kcna", "news", "voice")
        for sl in meta.get(f"{name}_extension", [])
        for i in sl
    }
    ids = sorted(i for i in second if i in first and args.part in ("all", part_of.get(i, "main")))
    if not ids:
        print("no sentence annotated twice yet")
        return 1
    det = [(bool(first[i]), bool(second[i])) for i in ids]
    new = [(any(e.is_new for e in first[i]), any(e.is_new for e in second[i])) for i in ids]
    n_a = sum(len(first[i]) for i in ids)
    n_b = sum(len(second[i]) for i in ids)
    ts = sum(_matched(first[i], second[i], source=True) for i in ids)
    t = sum(_matched(first[i], second[i], source=False) for i in ids)
    print(f"sentences annotated twice: {len(ids)}")
    for name, pairs in (("any event", det), ("new event", new)):
        agree = sum(x == y for x, y in pairs) / len(pairs)
        firsts, seconds = sum(x for x, _ in pairs), sum(y for _, y in pairs)
        print(f"event / no event ({name}): agreement {agree:.3f}, kappa {_kappa(pairs):.3f}; "
              f"first {firsts}, second {seconds} sentences")  # fmt: skip
    print(f"events: first {n_a}, second {n_b}")
    print(f"type + source country: precision {ts / n_b:.3f}, recall {ts / n_a:.3f} "
          f"(second against first; {ts} matched)")  # fmt: skip
    print(f"type alone: precision {t / n_b:.3f}, recall {t / n_a:.3f}")
    if args.disagreements:
        args.disagreements.parent.mkdir(parents=True, exist_ok=True)
        with args.disagreements.open("w", encoding="utf-8") as fh:
            for i in ids:
                a, b = first[i], second[i]
                full = _matched(a, b, source=True)
                if bool(a) != bool(b) or full != len(a) or full != len(b):
                    fh.write(json.dumps({"id": i, "first": [e.__repr__() for e in a],
                                         "second": [e.__repr__() for e in b]}) + "\n")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
