"""The dashboard in a real headless Chromium (Debian's /usr/bin/chromium via Playwright)."""

from __future__ import annotations

import importlib.util
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

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


@pytest.fixture
def base_url(db_path: Path) -> Iterator[str]:
    import uvicorn

    from eventwire.serve import create_app

    port = free_port()
    config = uvicorn.Config(
        create_app(db_path),
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
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


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
