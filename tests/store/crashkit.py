"""A small synthetic corpus and a harness that runs, kills and re-runs `eventwire code`.

Shared by tests/store/test_store_crash.py and benchmarks/crash_bench.py. The articles are
our own writing (short, templated, with syndicated copies and a few bad records), so that the
test needs nothing from ../shared.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

COUNTRIES = (
    ("France", "FRA"), ("Germany", "DEU"), ("Russia", "RUS"), ("Ukraine", "UKR"),
    ("China", "CHN"), ("Japan", "JPN"), ("India", "IND"), ("Pakistan", "PAK"),
    ("Iran", "IRN"), ("Israel", "ISR"), ("Egypt", "EGY"), ("Turkey", "TUR"),
    ("Brazil", "BRA"), ("Mexico", "MEX"), ("Canada", "CAN"), ("Nigeria", "NGA"),
)  # fmt: skip

TEMPLATES = (
    "{A} deployed troops along its border with {B} on {day}.",
    "The foreign minister of {A} condemned {B} for the missile test.",
    "{A} and {B} signed an agreement to expand trade.",
    "{A} sent humanitarian aid to {B} after the floods.",
    "{A} accused {B} of violating the ceasefire.",
    "Officials from {A} met their counterparts from {B} in Geneva.",
    "{A} imposed sanctions on {B} over the dispute.",
    "{A} threatened to expel diplomats from {B}.",
    "The president of {A} praised {B} for its help.",
    "{A} said it would not negotiate with {B} until the attacks stop.",
)

FILLER = (
    "Analysts said the move had been expected for weeks.",
    "Markets were calm in early trading.",
    "The statement gave few further details.",
    "Reporters were not allowed to attend the meeting.",
)

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
OUTLETS = ("Example Wire", "Daily Courier", "Morning Post", "Evening Herald", "City Times")

#: Records in the corpus that cannot become articles (the test checks they are accounted for).
BAD_RECORDS = 4


def corpus_lines(n: int = 200, *, seed: int = 7) -> list[str]:
    """``n`` JSONL records: about one in five a syndicated copy of an earlier article under
    another outlet, plus BAD_RECORDS records that are rejected or skipped."""
    rng = random.Random(seed)
    originals: list[dict[str, Any]] = []
    lines: list[str] = []
    good = n - BAD_RECORDS
    for i in range(good):
        if originals and i % 5 == 4:
            src = rng.choice(originals)
            rec = dict(src)
            rec["id"] = f"a{i:04d}"
            rec["outlet"] = rng.choice([o for o in OUTLETS if o != src["outlet"]])
            rec["url"] = f"https://example.org/{rec['outlet'].split()[0].lower()}/{i}"
            rec["title"] = "Wire: " + src["title"]
        else:
            (a, _), (b, _) = rng.sample(COUNTRIES, 2)
            sentences = [t.format(A=a, B=b, day=rng.choice(DAYS)) for t in rng.sample(TEMPLATES, 2)]
            sentences.insert(1, rng.choice(FILLER))
            month, day = rng.randint(1, 12), rng.randint(1, 28)
            rec = {
                "id": f"a{i:04d}",
                "title": f"{a} and {b}: story {i}",
                "url": f"https://example.org/news/{i}",
                "outlet": rng.choice(OUTLETS),
                "published": f"2023-{month:02d}-{day:02d}",
                "text": " ".join(sentences),
            }
            originals.append(rec)
        lines.append(json.dumps(rec))
    bad = [
        '{"id": "broken", "text": "this line is not valid JSON',
        json.dumps({"id": "empty", "text": ""}),
        json.dumps(json.loads(lines[0])),  # the same record again: skipped as a duplicate
        json.dumps([1, 2, 3]),  # not an object
    ]
    assert len(bad) == BAD_RECORDS
    for k, rec_line in enumerate(bad):
        lines.insert((k + 1) * len(lines) // (BAD_RECORDS + 1), rec_line)
    return lines


def write_inputs(root: Path, *, n: int = 200, batch_size: int = 8) -> tuple[Path, Path]:
    """Write the corpus and a config with a small batch size (many commits); return both."""
    corpus = root / "corpus.jsonl"
    corpus.write_text("\n".join(corpus_lines(n)) + "\n", encoding="utf-8")
    config = root / "small.toml"
    config.write_text(f"[pipeline]\nbatch_size = {batch_size}\n", encoding="utf-8")
    return corpus, config


def code_command(corpus: Path, db: Path, config: Path) -> list[str]:
    return [sys.executable, "-m", "eventwire", "code", str(corpus), "--db", str(db),
            "--config", str(config)]  # fmt: skip


def child_env() -> dict[str, str]:
    # One thread each: the machine is shared, and it keeps timings steadier.
    # COLUMNS: rich wraps at 80 columns when not on a terminal; tests match whole lines.
    return {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONHASHSEED": "0", "COLUMNS": "250"}


@dataclass(frozen=True, slots=True)
class Outcome:
    returncode: int
    seconds: float
    killed: bool
    stdout: str
    stderr: str


def run_code(corpus: Path, db: Path, config: Path, *, kill_after: float | None = None) -> Outcome:
    """Run `eventwire code`; with ``kill_after``, SIGKILL it after that many seconds."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        code_command(corpus, db, config),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env(),
    )
    killed = False
    try:
        out, err = proc.communicate(timeout=kill_after)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        killed = True
        out, err = proc.communicate()
    return Outcome(proc.returncode, time.perf_counter() - start, killed, out, err)


def snapshot(db: Path) -> dict[str, Any]:
    """Everything a run leaves that must not depend on crashes: events (every column but
    none of the timestamps), articles and rejected records, each sorted."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        events = con.execute("SELECT * FROM events ORDER BY id").fetchall()
        entities = con.execute("SELECT * FROM entities ORDER BY ALL").fetchall()
        articles = con.execute(
            "SELECT id, story_id, source, line, n_events FROM articles ORDER BY id"
        ).fetchall()
        rejected = con.execute(
            "SELECT source, line, article_id, status, reason FROM rejected ORDER BY ALL"
        ).fetchall()
    finally:
        con.close()
    return {"events": events, "entities": entities, "articles": articles, "rejected": rejected}


def coding_seconds(outcome: Outcome) -> float:
    """The run's own timing from its summary line ("... (15.1 s, 13.0 articles/s)")."""
    import re

    found = re.search(r"\(([\d.]+) s, [\d.]+ articles/s\)", outcome.stdout)
    return float(found.group(1)) if found else outcome.seconds / 2


def crash_and_finish(
    corpus: Path,
    db: Path,
    config: Path,
    *,
    reference: Outcome,
    kills: int,
    seed: int,
    max_attempts: int | None = None,
) -> tuple[list[float], Outcome]:
    """Start `eventwire code` over and over, SIGKILLing each run at a seeded random moment
    while it codes, until ``kills`` runs were killed; then run once more to completion.

    Kill moments are the reference run's start-up time plus a small random fraction of its
    coding time, so that each killed run commits some batches and is cut mid-stream (the
    fractions add up to less than one run even for 10 kills... mostly: a run that finishes
    first is simply not counted as killed). Returns the kill moments and the final outcome.
    """
    rng = random.Random(seed)
    coding = coding_seconds(reference)
    startup = max(reference.seconds - coding, 0.5)
    moments: list[float] = []
    attempts = 0
    while len(moments) < kills and attempts < (max_attempts or 3 * kills):
        attempts += 1
        at = startup + rng.uniform(0.03, min(0.3, 2.5 / kills)) * coding
        if run_code(corpus, db, config, kill_after=at).killed:
            moments.append(at)
    return moments, run_code(corpus, db, config)
