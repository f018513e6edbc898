"""A directory of bad and odd inputs: every record must end as an Article or a Rejected with a
reason, and nothing may raise. Generated in tmp_path so that nothing big is committed."""

from __future__ import annotations

import gzip
import json
import os
import resource
from pathlib import Path

import pytest

from eventwire.ingest import ReadOptions, StoryClusterer, prepare, read_inputs
from eventwire.model import Article, Rejected

GERMAN = (
    "Die Bundesregierung hat am Montag neue Sanktionen gegen Russland beschlossen. Der "
    "Außenminister sagte in Berlin, man werde die Ukraine weiter unterstützen und mit den "
    "Partnern in der Europäischen Union eng zusammenarbeiten."
)
FRENCH = (
    "Le gouvernement a annoncé lundi de nouvelles sanctions contre la Russie. Le ministre des "
    "affaires étrangères a déclaré à Paris que la France continuerait de soutenir l'Ukraine."
)
SPANISH = (
    "El gobierno anunció el lunes nuevas sanciones contra Rusia. El ministro de Asuntos "
    "Exteriores dijo en Madrid que España seguirá apoyando a Ucrania junto a sus socios."
)


def _news(i: int) -> str:
    return (
        f"Officials from the two countries met on Monday for round {i} of talks on the border "
        "dispute, and both sides said afterwards that they had agreed to meet again next month "
        "to discuss the withdrawal of troops from the area."
    )


def _build(root: Path, wire_story: str) -> dict[str, int]:
    """Writes the torture inputs; returns the minimum number of records each must yield."""
    expect: dict[str, int] = {}

    def put(name: str, data: bytes, records: int = 1) -> None:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        expect[name] = records

    put("01_binary.txt", bytes(range(256)) * 40)
    put("02_binary.unknownext", b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 500)
    put("03_png.jpg", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 100)
    full = gzip.compress("\n".join(json.dumps({"text": _news(i)}) for i in range(300)).encode())
    put("04_truncated.jsonl.gz", full[: len(full) // 3], 2)
    put("05_truncated_header.gz", full[:5])
    put("06_not_really.gz", b"this is not gzip at all, despite the name")
    put("07_invalid_utf8.txt", _news(7).encode() + b" caf\xe9 \xff\xfe more")
    put(
        "08_invalid_utf8.jsonl",
        b'{"text": "bad \xc3\x28 bytes"}\n' + json.dumps({"text": _news(8)}).encode(),
        2,
    )
    put("09_bom.txt", b"\xef\xbb\xbf" + _news(9).encode())
    put("10_bom.jsonl", b"\xef\xbb\xbf" + json.dumps({"text": _news(10)}).encode())
    put("11_crlf.txt", ("Title of the story\r\n\r\n" + _news(11) + "\r\n").encode())
    put("12_empty.txt", b"")
    put("13_whitespace.txt", b"   \n\n\t  \r\n")
    put("14_empty.jsonl", b"")
    put("15_empty.csv", b"")
    put(
        "16_scripts_only.html",
        b"<html><head><script>var a = 1;</script></head><body>"
        b"<script>document.write('x')</script><style>p{}</style></body></html>",
    )
    lines = [json.dumps({"id": f"j{i}", "text": _news(100 + i)}) for i in range(5)]
    lines.insert(2, '{"id": "broken", "text": "unterminated')
    put("17_broken_middle.jsonl", "\n".join(lines).encode(), 6)
    put(
        "18_quoted_newlines.csv",
        (
            'id,text\n1,"First paragraph of the story.\n\nSecond paragraph, with a comma."\n'
            f'2,"{_news(18)}"\n'
        ).encode(),
        2,
    )
    put(
        "19_ragged.csv",
        f'id,text\n1,"{_news(19)}",extra,fields\n2\n3,"unclosed quote\n'.encode(),
        3,
    )
    put("20_dup_a.txt", wire_story.encode())
    put("21_dup_b.txt", wire_story.replace(". ", ".\n\n").encode())
    put("22_german.txt", GERMAN.encode())
    put("23_french.txt", FRENCH.encode())
    put("24_spanish.txt", SPANISH.encode())
    put("25_utf16.txt", "\ufeff".encode("utf-16-le").join([b"", _news(25).encode("utf-16-le")]))
    put("26_feed_garbage.rss", b"<rss><channel><item><title>x</title>")
    put("27_not_json.json", b'[1, 2, {"text": 5}]', 3)
    put("28_deep.jsonl", b"[" * 3000 + b"\n")
    put("29_only_furniture.txt", b"Advertisement\nLeave a Comment\nRead more\n")
    put("30_numbers.txt", b"1234 5678 9012\n")
    put("31_no_text_column.tsv", b"a\tb\n1\t2\n")
    put("32_html_in_txt.md", ("# Heading\n\n" + _news(32)).encode())
    put("33_gz_inside.txt", gzip.compress(_news(33).encode()))
    put(
        "34_warc_garbage.warc",
        b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 99999\r\n\r\nshort",
    )
    put("35_nul_in_csv.csv", b"id,text\n1,abc\x00def\n")
    put("sub/36_nested.ndjson", json.dumps({"text": _news(36), "published": "garbage"}).encode())
    put(
        "37_long_line.jsonl",
        b'{"text": "' + b"a" * 5000 + b'"}\n' + json.dumps({"text": _news(37)}).encode(),
        2,
    )
    os.mkfifo(root / "38_fifo")
    expect["38_fifo"] = 1
    (root / "39_broken_link.txt").symlink_to(root / "does-not-exist")
    expect["39_broken_link.txt"] = 1
    return expect


def test_torture_directory(tmp_path, wire_story):
    expect = _build(tmp_path, wire_story)
    assert len(expect) >= 30
    options = ReadOptions(max_line_bytes=4096)  # so that 37's 5 KB line is "over-long"
    records = list(read_inputs([tmp_path], options=options))
    by_file: dict[str, list[Article | Rejected]] = {}
    for r in records:
        assert isinstance(r, Article | Rejected)
        if isinstance(r, Rejected):
            assert r.reason, r
        by_file.setdefault(Path(r.source).relative_to(tmp_path).as_posix(), []).append(r)
    for name, minimum in expect.items():
        assert len(by_file.get(name, [])) >= minimum, (name, by_file.get(name))

    def reasons(name: str) -> list[str]:
        return [r.reason for r in by_file[name] if isinstance(r, Rejected)]

    assert reasons("01_binary.txt") == ["binary file"]
    assert reasons("02_binary.unknownext") == ["binary file"]
    assert reasons("04_truncated.jsonl.gz")[-1].startswith("truncated gzip")
    assert reasons("07_invalid_utf8.txt") == [f"invalid UTF-8 at byte {len(_news(7)) + 4}"]
    assert reasons("08_invalid_utf8.jsonl") == ["invalid UTF-8 at byte 14"]
    assert reasons("12_empty.txt") == ["empty"] and reasons("13_whitespace.txt") == ["empty"]
    assert reasons("16_scripts_only.html")[0].startswith("empty")
    assert [r.line for r in by_file["17_broken_middle.jsonl"] if isinstance(r, Rejected)] == [3]
    assert reasons("28_deep.jsonl")[0].startswith("malformed JSON")
    assert reasons("37_long_line.jsonl") == ["line too long: 5013 bytes > 4096"]
    assert reasons("38_fifo") == ["not a regular file"]
    utf16 = by_file["25_utf16.txt"][0]
    assert isinstance(utf16, Article) and utf16.text == _news(25)
    gz_txt = by_file["33_gz_inside.txt"][0]
    assert isinstance(gz_txt, Article) and gz_txt.text == _news(33)

    # Then prepare and cluster: still nothing raises, and everything is accounted for.
    clusterer = StoryClusterer()
    outcomes: dict[str, str] = {}
    for r in records:
        if isinstance(r, Rejected):
            continue
        p = prepare(r)
        if isinstance(p, Article):
            clusterer.assign(p)
            outcomes[Path(r.source).name + f":{r.line}"] = "coded"
        else:
            assert p.reason
            outcomes[Path(r.source).name + f":{r.line}"] = p.reason
    assert outcomes["22_german.txt:1"] == "non-English (de)"
    assert outcomes["23_french.txt:1"] == "non-English (fr)"
    assert outcomes["24_spanish.txt:1"] == "non-English (es)"
    assert outcomes["29_only_furniture.txt:1"] == "empty after removing boilerplate"
    dup_a = next(r for r in records if r.source.endswith("20_dup_a.txt"))
    dup_b = next(r for r in records if r.source.endswith("21_dup_b.txt"))
    assert isinstance(dup_a, Article) and isinstance(dup_b, Article)
    c2 = StoryClusterer()
    assert c2.assign(dup_a) == c2.assign(dup_b) == dup_a.id


@pytest.mark.slow
def test_single_100mb_line_is_skipped_without_holding_it(tmp_path):
    path = tmp_path / "huge.jsonl"
    chunk = b"x" * (1 << 20)
    with open(path, "wb") as out:
        out.write(b'{"text": "')
        for _ in range(100):
            out.write(chunk)
        out.write(b'"}\n')
        out.write(json.dumps({"text": "Officials met on Monday to discuss the border."}).encode())
        out.write(b"\n")
    huge_txt = tmp_path / "huge.txt"
    with open(huge_txt, "wb") as out:
        for _ in range(100):
            out.write(chunk)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    records = list(read_inputs([path, huge_txt]))
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    first, second, third = records
    assert isinstance(first, Rejected) and first.reason.startswith("line too long: 104857613")
    assert isinstance(second, Article) and second.line == 2
    assert isinstance(third, Rejected) and third.reason.startswith("too large: 104857600 bytes")
    assert grown_mib < 40
