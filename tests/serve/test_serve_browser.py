"""The dashboard in a real headless Chromium (Debian's /usr/bin/chromium via Playwright)."""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian chromium at /usr/bin/chromium"),
    pytest.mark.skipif(
        importlib.util.find_spec("playwright") is None, reason="needs the playwright package"
    ),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(db_path: Path, **app: Any) -> Iterator[str]:
    """The app over ``db_path`` (``app``: create_app's options) served by uvicorn in a
    thread; yields its base URL."""
    import uvicorn

    from eventwire.serve import create_app

    port = free_port()
    config = uvicorn.Config(
        create_app(db_path, **app),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        ws="none",
        lifespan="on",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def base_url(db_path: Path) -> Iterator[str]:
    with serving(db_path) as url:
        yield url


@pytest.fixture
def page(base_url: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            pg = browser.new_page()
            problems: list[str] = []
            pg.on("pageerror", lambda exc: problems.append(f"pageerror: {exc}"))
            pg.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            pg.problems = problems  # type: ignore[attr-defined]
            yield pg
        finally:
            browser.close()


def test_untrusted_sentence_is_text_and_filters_work(page, base_url):
    from playwright.sync_api import expect

    page.goto(base_url + "/")
    page.wait_for_selector("#events tbody tr.event")
    page.wait_for_selector("body[data-ready='true']")

    # The newest event holds <script> and <b> in its sentence: shown literally, never run.
    evil = page.locator("#events tr.event[data-id='evil'] .sentence")
    text = evil.text_content() or ""
    assert "<script>window.pwned=1</script>" in text and "<b>bold</b>" in text
    assert evil.is_visible()
    assert page.get_by_text("<script>window.pwned=1</script>", exact=False).count() >= 1
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert page.locator("#events tbody script, #events tbody b").count() == 0
    # Its javascript: URL is not a link; its HTML title is text.
    source = page.locator("#events tr.event[data-id='evil'] td.source")
    assert source.locator("a").count() == 0 and source.text_content() == "<i>evil</i>"
    # Trigger, actor and recipient are marked.
    assert (
        page.locator("#events tr.event[data-id='evil'] mark.trigger").text_content() == "attacked"
    )
    assert page.locator("#events tr.event[data-id='evil'] mark.actor").text_content() == "PRKia"

    # Charts were drawn.
    assert page.locator("#timeline svg rect").count() > 0
    assert page.locator("#network svg line").count() >= 3
    assert page.locator("#alerts li").first.text_content().startswith("2024-05-20: CHN–TWN")

    # Filter to one dyad: exactly its three asserted events, newest first, with links.
    page.fill("#f-actor", "USA")
    page.fill("#f-recipient", "prk")
    page.click("#apply")
    rows = page.locator("#events tbody tr.event")
    # expect() polls without eval: the page's CSP forbids string evaluation.
    expect(rows).to_have_count(3)
    assert [rows.nth(i).get_attribute("data-id") for i in range(3)] == ["usa-3", "usa-2", "usa-1"]
    assert all(t == "USA → PRK" for t in page.locator("#events td.dyad").all_text_contents())
    assert page.locator("#total").text_content() == "1–3 of 3"
    link = rows.nth(0).locator("td.source a")
    assert link.get_attribute("href") == "https://news.example/story"
    assert rows.nth(2).locator(".sentence").text_content() == (
        "USAland accused PRKia of O'Brien's \"test\" launch."
    )
    assert "actor=USA" in page.url

    # Text search goes through the same path.
    page.fill("#f-q", "missile")
    page.click("#apply")
    expect(rows).to_have_count(1)
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert page.problems == []  # no script errors, no CSP violations


# ----------------------------------------------------- views that tell the truth (issue 21)
NEWS = dt.date(2024, 1, 1)  # a Monday
PAST = (dt.date(1904, 5, 2), dt.date(1957, 3, 25), dt.date(1990, 10, 3))


@pytest.fixture
def news_db(tmp_path: Path, make_event) -> Path:
    """Ten weeks of news dominated by the USA (with six partners), and three events with
    stated dates of the past, as the demo's "signed the Treaty of Rome on March 25, 1957"."""
    from eventwire.store import Store

    partners = ("PRK", "CHN", "RUS", "IRN", "KOR", "JPN")
    pairs = [
        make_event(f"n-{d}-{p}", "USA", p, NEWS + dt.timedelta(days=d), "ACCUSE")
        for d in range(70)
        for p in partners
    ]
    pairs += [make_event(f"x-{d}", "RUS", "TUR", NEWS + dt.timedelta(days=d), "CONSULT")
              for d in range(0, 70, 3)]  # fmt: skip
    pairs += [make_event(f"past-{i}", "FRA", "DEU", day, "AGREE") for i, day in enumerate(PAST)]
    path = tmp_path / "news.duckdb"
    with Store(path) as store:
        store.write_batch([(a, [e]) for a, e in pairs])
    return path


def boxes(page, selector: str) -> list[dict[str, float]]:
    return [b for b in (loc.bounding_box() for loc in page.locator(selector).all()) if b]


def overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return not (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])  # fmt: skip


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (375, 740)])
def test_views_fit_the_screen_and_label_every_node(page, news_db, width, height):
    from playwright.sync_api import expect

    page.set_viewport_size({"width": width, "height": height})
    with serving(news_db) as url:
        page.goto(url + "/")
        page.wait_for_selector("body[data-ready='true']")

        # Nothing runs off the page sideways (the timeline scrolls inside its panel).
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        for box in boxes(page, "main .panel"):
            assert box["x"] >= 0 and box["x"] + box["width"] <= width

        # The timeline opens on the news, not on 1904, and says what it leaves out.
        labels = page.locator("#timeline svg text")
        assert labels.nth(2).text_content() == "2024-01-01"
        note = page.locator("#timeline-note")
        expect(note).to_have_text(re.compile(r"^3 events dated 1904-05-02 to 1990-10-03 "))
        page.check("#t-all-dates")
        expect(labels.nth(2)).to_have_text("1904-05-02")
        expect(note).to_have_text("All dates shown.")
        page.uncheck("#t-all-dates")
        expect(labels.nth(2)).to_have_text("2024-01-01")

        # Every node has its label, outside every disc (the USA's too) and inside the chart.
        nodes = boxes(page, "#network svg circle.node")
        texts = boxes(page, "#network svg text.node-label")
        chart = page.locator("#network svg").bounding_box()
        names = page.locator("#network svg text.node-label").all_text_contents()
        assert set(names) == {"USA", "PRK", "CHN", "RUS", "IRN", "KOR", "JPN", "TUR", "FRA", "DEU"}
        assert chart and len(nodes) == len(texts) == 10
        for t in texts:
            assert t["height"] >= 7  # readable, not shrunk to specks
            assert not [n for n in nodes if overlap(t, n)], (t, [n for n in nodes if overlap(t, n)])
            assert chart["x"] <= t["x"] and t["x"] + t["width"] <= chart["x"] + chart["width"]
            assert chart["y"] <= t["y"] and t["y"] + t["height"] <= chart["y"] + chart["height"]
        assert page.problems == []
