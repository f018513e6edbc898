"""Each reader on small hand-written fixtures, plus gzip, directories, stdin and mapping."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import os
import sys
from pathlib import Path

import pytest

from eventwire.ingest import ReadOptions, article_id, parse_published, read_inputs, sniff_format
from eventwire.model import Article, Rejected


def _read(paths: list[str | Path], options: ReadOptions = ReadOptions()):
    records = list(read_inputs(paths, options=options))
    articles = [r for r in records if isinstance(r, Article)]
    rejected = [r for r in records if isinstance(r, Rejected)]
    return articles, rejected


def test_plain_text_title_and_body(fixtures):
    articles, rejected = _read([fixtures / "article.txt"])
    assert rejected == []
    (a,) = articles
    assert a.title == "Seoul says North Korea fired a missile into the sea off its east coast"
    # The title line stays in the text so that headline events can be coded.
    assert a.text.startswith(a.title)
    assert a.id == article_id(a.text)
    assert a.line == 1 and a.source.endswith("article.txt")


def test_plain_text_without_title(tmp_path):
    p = tmp_path / "x.txt"
    p.write_text("Officials said on Monday that talks would resume.\nMore text follows.\n")
    (a,), _ = _read([p])
    assert a.title == ""


def test_jsonl_broken_line_in_the_middle(fixtures):
    articles, rejected = _read([fixtures / "articles.jsonl"])
    assert [a.id for a in articles] == ["101", article_id(articles[1].text)]
    assert articles[0].published == dt.date(2022, 1, 31)
    assert articles[0].outlet == "Example Wire"
    assert articles[1].published == dt.date(2017, 2, 13)
    by_line = {r.line: r.reason for r in rejected}
    assert by_line[2].startswith("malformed JSON")
    assert by_line[5] == "empty"
    assert by_line[6].startswith("not a JSON object")
    assert set(by_line) == {2, 5, 6}  # the blank line 4 is not a record


def test_csv_column_mapping_bom_and_quoted_newlines(fixtures, news_options):
    articles, rejected = _read([fixtures / "articles.csv"], news_options)
    assert [a.id for a in articles] == ["7", "8"]
    first, second = articles
    assert "\n" in first.text and first.text.startswith("The Senate confirmed")
    assert first.title == "Senate confirms nominee, 51-50"
    assert first.url == "http://example.com/a7"
    assert first.published == dt.date(2017, 2, 7)
    assert second.published == dt.date(2016, 12, 30)
    assert second.line == 5  # the first record spans lines 2-4
    assert [(r.line, r.reason, r.article_id) for r in rejected] == [(6, "empty", "9")]


def test_csv_without_mapping_names_the_missing_column(fixtures):
    _, (r,) = _read([fixtures / "articles.csv"])
    assert "no 'text' column" in r.reason and "body" in r.reason


def test_tsv(fixtures):
    (a,), rejected = _read([fixtures / "articles.tsv"])
    assert rejected == []
    assert a.published == dt.date(2017, 2, 13) and a.outlet == "Daily Example"


def test_html(fixtures):
    (a,), rejected = _read([fixtures / "page.html"])
    assert rejected == []
    assert "interior minister resigned" in a.text
    assert "window.dataLayer" not in a.text and "Privacy" not in a.text
    assert "resigns" in a.title
    assert a.published == dt.date(2021, 3, 4)
    assert a.url == "https://times.example.com/world/minister-resigns"


def test_rss_and_atom(fixtures):
    articles, rejected = _read([fixtures / "feed.rss", fixtures / "feed.atom"])
    assert rejected == []
    rss1, rss2, atom = articles
    assert rss1.id == "ex-2001" and rss1.url == "https://news.example.net/border-talks"
    assert rss1.published == dt.date(2017, 2, 13) and rss1.outlet == "Example World News"
    assert "<p>" not in rss1.text
    assert rss2.published == dt.date(2017, 2, 14) and rss2.line == 2
    assert atom.published == dt.date(2019, 6, 1) and "track()" not in atom.text


def test_warc(tmp_path, fixtures):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    html = (fixtures / "page.html").read_bytes()
    path = tmp_path / "crawl.warc.gz"
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        for uri, ctype, body in [
            ("https://times.example.com/a", "text/html; charset=utf-8", html),
            ("https://times.example.com/logo.png", "image/png", b"\x89PNG\r\n\x1a\n"),
        ]:
            headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                uri, "response", payload=io.BytesIO(body), http_headers=headers
            )
            writer.write_record(record)
            record.raw_stream.close()  # warcio spools the digested payload to a temp file
    articles, rejected = _read([path])
    (a,) = articles
    assert "interior minister resigned" in a.text and a.line == 1
    (skip,) = rejected
    assert skip.status == "skipped" and skip.reason == "not HTML (image/png)" and skip.line == 2


@pytest.mark.parametrize("name", ["article.txt", "articles.jsonl", "feed.rss", "page.html"])
def test_gzip_of_each_format(tmp_path, fixtures, name):
    plain = list(read_inputs([fixtures / name]))
    gz = tmp_path / (name + ".gz")
    gz.write_bytes(gzip.compress((fixtures / name).read_bytes()))
    packed = list(read_inputs([gz]))
    assert [(type(r), getattr(r, "text", None), r.line) for r in packed] == [
        (type(r), getattr(r, "text", None), r.line) for r in plain
    ]


def test_truncated_gzip_keeps_records_before(tmp_path, wire_story):
    lines = [json.dumps({"id": str(i), "text": f"{wire_story} {i}"}) for i in range(400)]
    data = gzip.compress("\n".join(lines).encode())
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    articles, rejected = _read([path])
    assert 0 < len(articles) < 400
    assert [a.id for a in articles] == [str(i) for i in range(len(articles))]
    (r,) = rejected
    assert r.reason.startswith("truncated gzip") and r.line == len(articles) + 1


def test_directory_sorted_recursive_hidden_skipped(tmp_path, fixtures):
    (tmp_path / "b").mkdir()
    (tmp_path / "a.txt").write_bytes((fixtures / "article.txt").read_bytes())
    (tmp_path / "b" / "c.jsonl").write_bytes((fixtures / "articles.jsonl").read_bytes())
    (tmp_path / ".hidden.txt").write_text("secret notes that are not news")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text("not news either")
    sources = {r.source for r in read_inputs([tmp_path])}
    assert sources == {str(tmp_path / "a.txt"), str(tmp_path / "b" / "c.jsonl")}
    order = [r.source for r in read_inputs([tmp_path])]
    assert order[0] == str(tmp_path / "a.txt")


def test_stdin_sniffs_the_format(monkeypatch, fixtures):
    data = (fixtures / "articles.jsonl").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    articles, rejected = _read(["-"])
    assert len(articles) == 2 and len(rejected) == 3
    assert {r.source for r in articles + rejected} == {"-"}


def test_stdin_csv(monkeypatch, fixtures, news_options):
    data = (fixtures / "articles.csv").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    articles, _ = _read(["-"], news_options)
    assert [a.id for a in articles] == ["7", "8"]


def test_missing_and_unreadable_files(tmp_path):
    p = tmp_path / "locked.txt"
    p.write_text("Officials met on Monday.")
    p.chmod(0)
    records = list(read_inputs([tmp_path / "nope.txt", p]))
    assert records[0].reason == "cannot open: no such file"
    if os.geteuid() != 0:  # root reads anything
        assert isinstance(records[1], Rejected) and "Permission denied" in records[1].reason


def test_option_defaults_apply_only_when_missing(fixtures):
    options = ReadOptions(published=dt.date(2022, 1, 31), outlet="Seed")
    (a, b), _ = _read([fixtures / "articles.jsonl"], options)
    assert a.published == dt.date(2022, 1, 31) and a.outlet == "Example Wire"
    assert b.published == dt.date(2017, 2, 13) and b.outlet == "Seed"


def test_too_large_article(tmp_path):
    p = tmp_path / "big.jsonl"
    p.write_text(json.dumps({"text": "word " * 100}) + "\n")
    (r,) = list(read_inputs([p], options=ReadOptions(max_article_chars=100)))
    assert isinstance(r, Rejected) and r.reason == "too large: 499 chars > 100"


def test_columns_option_is_frozen():
    cols = {"text": "body"}
    options = ReadOptions(columns=cols)
    cols["text"] = "other"
    assert options.column("text") == "body"
    with pytest.raises(TypeError):
        options.columns["text"] = "x"  # type: ignore[index]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2017-02-13", dt.date(2017, 2, 13)),
        ("2017/2/13", dt.date(2017, 2, 13)),
        ("          2016/12/30 7:11", dt.date(2016, 12, 30)),
        ("2017-02-13T10:00:00Z", dt.date(2017, 2, 13)),
        ("Mon, 13 Feb 2017 10:15:00 GMT", dt.date(2017, 2, 13)),
        ("February 13, 2017", dt.date(2017, 2, 13)),
        ("13 February 2017", dt.date(2017, 2, 13)),
        ("13.02.2017", dt.date(2017, 2, 13)),
        ("20170213", dt.date(2017, 2, 13)),
        ("2017-02-30", None),
        ("next Tuesday", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_published(value, expected):
    assert parse_published(value) == expected


def test_article_id_given_or_hash():
    assert article_id("x", 42) == "42"
    assert article_id("x", "  ") == article_id("x")
    assert len(article_id("Some text.")) == 16
    # Whitespace, case and punctuation do not change the hash.
    assert article_id("Some  text.\r\n") == article_id("some text")


@pytest.mark.parametrize(
    ("head", "fmt"),
    [
        (b'{"text": "x"}\n', "jsonl"),
        (b"<!DOCTYPE html><html>", "html"),
        (b'<?xml version="1.0"?><rss version="2.0">', "feed"),
        (b"WARC/1.0\r\n", "warc"),
        (b"id,text,title\n1,hello,x\n", "csv"),
        (b"id\ttext\n1\thello\n", "tsv"),
        (b"Just some words.\n", "text"),
        (b"\x00\x01\x02binary", "binary"),
    ],
)
def test_sniff_format(head, fmt):
    assert sniff_format(head) == fmt
