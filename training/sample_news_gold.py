"""Draw the news gold sample: whole articles (first sentences) plus single trigger sentences.

    python training/sample_news_gold.py --corpus-root ../shared/corpus --out data/news_gold

Writes ``sentences.jsonl`` (references only: corpus, article id, offsets, text hash, split),
``slices.json`` (which annotator reads which articles) and, under ``.cache/news_gold/``,
the rebuilt texts for annotators. The draw is seeded, but it cuts articles into sentences
with today's splitter: re-running the first draw now gives the shipped sample's first 2,693
sentences and then differs (the splitter has changed since); the extensions below re-run
to the same bytes. The shipped sample stays as it was: its offsets rebuild its texts.

Sampling, by design:
- NewsArticles 2017: random articles plus a share of North Korea articles (the demo's story),
  each from its first sentence up to ``--max-per-article``, so that article memory is
  exercised; then single sentences that carry a trigger word, from other articles, until at
  least half of all sentences carry one.
- KCNA 2024: whole items (first sentences), for sentences in an outlet's own voice.
- Splits are drawn by article: no article has sentences in two splits.

``--extend-kcna N`` and ``--extend-news N`` add N more whole KCNA items or NewsArticles 2017
articles to an existing sample (the next ones of the same seeded draw), with new ids after
the last, in the train and dev splits only (the test split stays as it was scored), dealt
to ``--slices`` annotators as ``kcna{k}`` / ``news{k}``. ``--extend-commentary N`` adds N
KCNA commentaries to the test split instead (``extend_commentary``). KCNA serves an
outlet's own voice (few such events otherwise) and a domain with enough events to simulate
an analyst's corrections (benchmarks/retrain_bench.py); NewsArticles, more training news like
the test split's.
"""

from __future__ import annotations

import argparse
import json
import random
from collections import Counter
from pathlib import Path

from eventwire.coder.prefilter import may_hold_event
from eventwire.ingest import ReadOptions, read_inputs
from eventwire.model import Article
from eventwire.newsgold import CORPORA, text_hash
from eventwire.nlp import split_sentences

SEED = 20170313
# A sentence's fields in sentences.jsonl (the text is rebuilt from the corpus).
SENTENCE_FIELDS = (
    "id", "corpus", "article_id", "index", "start", "end", "sha", "split", "published", "outlet",
)  # fmt: skip


def _articles(root: Path, corpus: str) -> list[Article]:
    rel, columns = CORPORA[corpus]
    recs = read_inputs([root / rel], options=ReadOptions(columns=columns))
    return [a for a in recs if isinstance(a, Article) and a.text.strip()]


def _outlet(article: Article) -> str:
    url = (article.url or "").split("//", 1)[-1]
    host = url.split("/", 1)[0]
    return host.removeprefix("www.")


def _unit(corpus: str, article: Article, sents: list, kind: str) -> list[dict]:
    return [
        {
            "corpus": corpus,
            "article_id": article.id,
            "index": s.index,
            "start": s.start,
            "end": s.end,
            "sha": text_hash(s.text),
            "published": article.published.isoformat() if article.published else "",
            "outlet": _outlet(article),
            "unit": kind,
            "text": s.text,
            "trigger": may_hold_event(s.text),
        }
        for s in sents
    ]


def _cache_rows(path: Path, rows: list[dict]) -> None:
    """The annotators' input: id, article, outlet, date and text of each sentence."""
    with path.open("w", encoding="utf-8") as fh:
        for s in rows:
            out = {
                "id": s["id"],
                "article": s["article_id"][:16],
                "outlet": s["outlet"],
                "published": s["published"],
                "text": s["text"],
            }
            fh.write(json.dumps(out, ensure_ascii=False) + "\n")


def _append(
    args: argparse.Namespace, meta: dict, name: str, rows: list[dict], slices: list[list[dict]]
) -> None:
    """An extension's sentences appended to ``sentences.jsonl``, its annotator slices to
    ``slices.json`` (as ``{name}_extension``) and the annotators' input to the cache."""
    with (args.out / "sentences.jsonl").open("a", encoding="utf-8") as fh:
        for s in rows:
            fh.write(json.dumps({k: s[k] for k in SENTENCE_FIELDS}) + "\n")
    meta[f"{name}_extension"] = [[s["id"] for s in sl] for sl in slices]
    (args.out / "slices.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    args.cache.mkdir(parents=True, exist_ok=True)
    for k, sl in enumerate(slices):
        _cache_rows(args.cache / f"{name}{k + 1}_primary.jsonl", sl)


def extend(args: argparse.Namespace, corpus: str, n: int) -> None:
    """Append ``n`` further whole articles of ``corpus`` (kcna_2024 or newsarticles_2017) to
    the sample in ``args.out``: the next ones of the main draw's seeded order."""
    rng = random.Random(SEED)
    news = _articles(args.corpus_root, "newsarticles_2017")
    rng.shuffle(news)  # the main draw's first use of the generator, so KCNA's order repeats
    kcna = _articles(args.corpus_root, "kcna_2024")
    rng.shuffle(kcna)
    name = "kcna" if corpus == "kcna_2024" else "news"
    meta = json.loads((args.out / "slices.json").read_text(encoding="utf-8"))
    if f"{name}_extension" in meta:
        raise SystemExit(f"{args.out} already holds the {name} extension; nothing to add")
    old = [json.loads(line) for line in (args.out / "sentences.jsonl").open(encoding="utf-8")]
    used = {r["article_id"] for r in old if r["corpus"] == corpus}
    pool = kcna[args.kcna_items :] if corpus == "kcna_2024" else news
    fresh = [a for a in pool if a.id not in used][:n]
    units = [
        _unit(corpus, a, split_sentences(a.text)[: args.max_per_article], "article") for a in fresh
    ]
    next_id = max(int(r["id"][2:]) for r in old) + 1
    dev_share = args.dev_share / (1.0 - args.test_share)
    total = sum(len(u) for u in units)
    slices: list[list[dict]] = [[] for _ in range(args.slices)]
    rows: list[dict] = []
    n_dev = dropped = 0
    sizes = [0] * args.slices
    # Outlets republish items under new ids, and some ids name two items: an item sharing any
    # sentence with one drawn before (it would put the same text in two splits) or whose id
    # is not unique (its text could not be rebuilt) is left out, its ids still taken, so that
    # the annotated ids stay those the draw gives.
    seen = {r["sha"] for r in old}
    id_count = Counter(a.id for a in (kcna if corpus == "kcna_2024" else news))
    for a, unit in zip(fresh, units, strict=True):
        split = "dev" if n_dev < dev_share * total else "train"
        copy = id_count[a.id] > 1 or any(s["sha"] in seen for s in unit)
        seen.update(s["sha"] for s in unit)
        k = min(range(args.slices), key=lambda j: sizes[j])
        sizes[k] += len(unit)
        for s in unit:
            s["split"] = split
            s["id"] = f"ng{next_id:05d}"
            next_id += 1
            if copy:
                continue
            rows.append(s)
            slices[k].append(s)
        n_dev += len(unit) if split == "dev" else 0
        dropped += len(unit) if copy else 0
    _append(args, meta, name, rows, slices)
    by_split = {sp: sum(s["split"] == sp for s in rows) for sp in ("train", "dev")}
    print(
        f"{len(rows)} {corpus} sentences ({dropped} in republished items left out); "
        f"{len(units)} items; splits {by_split}; "
        f"slices {[len(sl) for sl in slices]}"
    )


def extend_commentary(args: argparse.Namespace, n: int) -> None:
    """Append ``n`` whole KCNA commentaries ("News Commentary" items, the agency's own voice)
    not yet in the sample to the **test** split, every sentence dealt to two annotators
    (``voice{k}`` first, the other slice's annotator second), so that figures on an outlet's
    own voice rest on more than the one such sentence the first draw put in test. Nothing is
    chosen on the test split, so adding to it after the models were fitted biases nothing."""
    meta = json.loads((args.out / "slices.json").read_text(encoding="utf-8"))
    if "voice_extension" in meta:
        raise SystemExit(f"{args.out} already holds the commentary extension; nothing to add")
    rel, _ = CORPORA["kcna_2024"]
    with (args.corpus_root / rel).open(encoding="utf-8") as fh:
        topics = {r["url"]: r.get("topic") for r in map(json.loads, fh) if r.get("url")}
    kcna = _articles(args.corpus_root, "kcna_2024")
    random.Random(SEED).shuffle(kcna)
    old = [json.loads(line) for line in (args.out / "sentences.jsonl").open(encoding="utf-8")]
    used = {r["article_id"] for r in old}
    seen = {r["sha"] for r in old}
    id_count = Counter(a.id for a in kcna)
    fresh = [
        a
        for a in kcna
        if topics.get(a.id) == "News Commentary" and a.id not in used and id_count[a.id] == 1
    ][:n]
    next_id = max(int(r["id"][2:]) for r in old) + 1
    slices: list[list[dict]] = [[] for _ in range(args.slices)]
    rows: list[dict] = []
    for a in fresh:
        unit = _unit("kcna_2024", a, split_sentences(a.text)[: args.max_per_article], "article")
        if any(u["sha"] in seen for u in unit):
            continue  # republished text already in the sample
        seen.update(u["sha"] for u in unit)
        k = min(range(args.slices), key=lambda j: sum(len(x) for x in slices[j]))
        for u in unit:
            u["split"] = "test"
            u["id"] = f"ng{next_id:05d}"
            next_id += 1
            rows.append(u)
            slices[k].append(u)
    _append(args, meta, "voice", rows, slices)
    print(f"{len(rows)} KCNA commentary sentences in {len(fresh)} items, test split; "
          f"slices {[len(sl) for sl in slices]}")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--corpus-root", type=Path, default=Path("../shared/corpus"))
    ap.add_argument("--out", type=Path, default=Path("data/news_gold"))
    ap.add_argument("--cache", type=Path, default=Path(".cache/news_gold"))
    ap.add_argument("--random-articles", type=int, default=130)
    ap.add_argument("--nk-articles", type=int, default=20)
    ap.add_argument("--kcna-items", type=int, default=30)
    ap.add_argument("--max-per-article", type=int, default=22)
    ap.add_argument("--total", type=int, default=3100)
    ap.add_argument("--test-share", type=float, default=0.29)
    ap.add_argument("--dev-share", type=float, default=0.16)
    ap.add_argument("--slices", type=int, default=8)
    ap.add_argument("--double", type=int, default=440, help="sentences annotated twice")
    ap.add_argument("--extend-kcna", type=int, default=0, metavar="N", help="add N KCNA items")
    ap.add_argument(
        "--extend-news", type=int, default=0, metavar="N", help="add N NewsArticles articles"
    )
    ap.add_argument(
        "--extend-commentary",
        type=int,
        default=0,
        metavar="N",
        help="add N KCNA commentaries to the test split, each sentence annotated twice",
    )
    args = ap.parse_args()
    if args.extend_commentary:
        extend_commentary(args, args.extend_commentary)
        return
    if args.extend_kcna or args.extend_news:
        for corpus, n in (("kcna_2024", args.extend_kcna), ("newsarticles_2017", args.extend_news)):
            if n:
                extend(args, corpus, n)
        return
    rng = random.Random(SEED)

    news = _articles(args.corpus_root, "newsarticles_2017")
    rng.shuffle(news)
    nk = [a for a in news if "North Korea" in a.text]
    chosen = nk[: args.nk_articles]
    taken = {a.id for a in chosen}
    chosen += [a for a in news if a.id not in taken][: args.random_articles]
    taken = {a.id for a in chosen}
    units: list[list[dict]] = []
    for a in chosen:
        sents = split_sentences(a.text)[: args.max_per_article]
        units.append(_unit("newsarticles_2017", a, sents, "article"))
    kcna = _articles(args.corpus_root, "kcna_2024")
    rng.shuffle(kcna)
    for a in kcna[: args.kcna_items]:
        sents = split_sentences(a.text)[: args.max_per_article]
        units.append(_unit("kcna_2024", a, sents, "article"))

    # Single trigger sentences, one from each of other articles, until half carry a trigger
    # and the total is reached.
    for a in (a for a in news if a.id not in taken):
        n = sum(len(u) for u in units)
        if n >= args.total:
            break
        with_trigger = [s for s in split_sentences(a.text) if may_hold_event(s.text)]
        if with_trigger:
            units.append(_unit("newsarticles_2017", a, [rng.choice(with_trigger)], "single"))

    # Splits by article: test first, then dev, the rest train.
    order = list(range(len(units)))
    rng.shuffle(order)
    total = sum(len(u) for u in units)
    split_of: dict[int, str] = {}
    filled = {"test": 0, "dev": 0}
    for i in order:
        if filled["test"] < args.test_share * total:
            split_of[i] = "test"
        elif filled["dev"] < args.dev_share * total:
            split_of[i] = "dev"
        else:
            split_of[i] = "train"
        if split_of[i] in filled:
            filled[split_of[i]] += len(units[i])

    rows: list[dict] = []
    for i, unit in enumerate(units):
        for s in unit:
            s["split"] = split_of[i]
            s["id"] = f"ng{len(rows) + 1:05d}"
            rows.append(s)

    # Annotator slices: whole units dealt round-robin by size; a set of whole articles is
    # also dealt to a second annotator for agreement.
    slices: list[list[str]] = [[] for _ in range(args.slices)]
    sizes = [0] * args.slices
    unit_ids = [[s["id"] for s in u] for u in units]
    for i in sorted(range(len(units)), key=lambda i: -len(units[i])):
        k = sizes.index(min(sizes))
        slices[k].extend(unit_ids[i])
        sizes[k] += len(units[i])
    article_units = [i for i in order if units[i][0]["unit"] == "article"]
    double: list[list[str]] = [[] for _ in range(args.slices)]
    n_double = 0
    for i in article_units:
        if n_double >= args.double:
            break
        first = next(k for k, sl in enumerate(slices) if unit_ids[i][0] in sl)
        # the second annotator: the slice after the first's with the fewest double sentences
        k = min((j for j in range(args.slices) if j != first), key=lambda j: len(double[j]))
        double[k].extend(unit_ids[i])
        n_double += len(unit_ids[i])

    args.out.mkdir(parents=True, exist_ok=True)
    args.cache.mkdir(parents=True, exist_ok=True)
    with (args.out / "sentences.jsonl").open("w", encoding="utf-8") as fh:
        for s in rows:
            fh.write(json.dumps({k: s[k] for k in SENTENCE_FIELDS}) + "\n")
    (args.out / "slices.json").write_text(
        json.dumps({"primary": slices, "double": double}, indent=1) + "\n", encoding="utf-8"
    )
    by_id = {s["id"]: s for s in rows}
    for k in range(args.slices):
        for name, ids in (("primary", slices[k]), ("double", double[k])):
            _cache_rows(args.cache / f"slice{k + 1}_{name}.jsonl", [by_id[i] for i in sorted(ids)])
    trig = sum(s["trigger"] for s in rows)
    by_split = {sp: sum(s["split"] == sp for s in rows) for sp in ("train", "dev", "test")}
    print(
        f"{len(rows)} sentences in {len(units)} units; {trig} carry a trigger word; "
        f"splits {by_split}; double {n_double}; slices {sizes}"
    )


if __name__ == "__main__":
    main()
