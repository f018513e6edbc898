"""Corrections in the dashboard, in a real headless Chromium (Debian's /usr/bin/chromium via
Playwright): reject one event, retype another and confirm a third, then check the table (its
review marks too, at desktop and phone width), the timeline and the API."""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_serve_browser import ARGS, CHROMIUM, serving

TOKEN = "browser-test-token-42"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian chromium at /usr/bin/chromium"),
    pytest.mark.skipif(
        importlib.util.find_spec("playwright") is None, reason="needs the playwright package"
    ),
]


@pytest.fixture
def base_url(db_path: Path) -> Iterator[str]:
    with serving(db_path, corrections_token=TOKEN) as url:
        yield url


def _timeline_total(page: Any) -> int:
    titles = page.locator("#timeline svg rect title").all_text_contents()
    return sum(int(m.group(1)) for t in titles if (m := re.search(r"Q\d (\d+) events", t)))


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (375, 740)])
def test_reject_retype_and_confirm_in_the_dashboard(base_url: str, width: int, height: int) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            problems: list[str] = []
            page.on("pageerror", lambda exc: problems.append(f"pageerror: {exc}"))
            page.goto(base_url + "/?actor=USA&recipient=PRK")
            page.wait_for_selector("body[data-ready='true']")
            rows = page.locator("#events tbody tr.event")
            expect(rows).to_have_count(3)
            assert page.locator("body[data-corrections='on']").count() == 1
            assert _timeline_total(page) == 3
            # No analyst has looked at them yet: no review marks.
            assert page.locator("#events .review-mark").count() == 0

            # Reject usa-3: it leaves the table, the count and the timeline.
            page.click("#events tr.event[data-id='usa-3'] button.c-reject")
            expect(rows).to_have_count(2)
            expect(page.locator("#total")).to_have_text("1–2 of 2")
            assert page.locator("#events tr.event[data-id='usa-3']").count() == 0

            # Retype usa-2 (CONSULT, quad 1) as ASSAULT (quad 4).
            row = page.locator("#events tr.event[data-id='usa-2']")
            row.locator("button.c-edit").click()
            row.locator("select[name='event_type']").select_option("ASSAULT")
            row.locator("input[name='note']").fill("a raid, not talks")
            row.locator("button[data-action='retype']").click()
            expect(page.locator("#events tr.event[data-id='usa-2'] td.type")).to_contain_text(
                "ASSAULT"
            )
            expect(page.locator("#events tr.event[data-id='usa-2'] .quad")).to_contain_text("Q4")
            # Its row is marked corrected, in words, with what changed and the note.
            retyped = page.locator("#events tr.event[data-id='usa-2']")
            expect(retyped).to_have_attribute("data-review", "corrected")
            badge = retyped.locator(".badge")
            expect(badge).to_have_text("corrected")
            expect(badge).to_have_attribute(
                "title",
                "Corrected by an analyst: type: CONSULT → ASSAULT. Note: a raid, not talks",
            )
            expect(retyped.locator(".review-mark .changes")).to_have_text("type: CONSULT → ASSAULT")
            # The timeline redraws after the table (its own request): wait for it.
            timeline = page.locator("#timeline svg")
            expect(timeline).to_contain_text("Q4 1 events")
            expect(timeline).not_to_contain_text("Q1")
            assert _timeline_total(page) == 2

            # Confirm usa-1: marked confirmed, its values kept; usa-2 stays corrected.
            page.click("#events tr.event[data-id='usa-1'] button.c-confirm")
            confirmed = page.locator("#events tr.event[data-id='usa-1']")
            expect(confirmed).to_have_attribute("data-review", "confirmed")
            expect(confirmed.locator(".badge")).to_have_text("confirmed")
            expect(confirmed.locator("td.type")).to_contain_text("ACCUSE")
            assert confirmed.locator(".review-mark .changes").count() == 0
            expect(retyped).to_have_attribute("data-review", "corrected")
            # The marks are on the screen (not cut off at phone width).
            for row in (retyped, confirmed):
                box = row.locator(".badge").bounding_box()
                assert box and box["x"] >= 0 and box["x"] + box["width"] <= width
            assert page.evaluate("document.documentElement.scrollWidth") <= width

            # The API says the same.
            api = page.request.get(base_url + "/api/events?actor=USA&recipient=PRK").json()
            assert api["total"] == 2
            assert {
                e["id"]: (e["event_type"], e["corrected"], e["confirmed"], e["changes"])
                for e in api["events"]
            } == {
                "usa-2": ("ASSAULT", True, False, "type: CONSULT → ASSAULT"),
                "usa-1": ("ACCUSE", False, True, None),
            }  # fmt: skip
            history = page.request.get(base_url + "/api/corrections").json()["corrections"]
            assert [(c["event_id"], c["action"], c["note"]) for c in history] == [
                ("usa-1", "confirm", None), ("usa-2", "retype", "a raid, not talks"),
                ("usa-3", "reject", None),
            ]  # fmt: skip
            # A request from this page without the token is refused.
            refused = page.request.post(
                base_url + "/api/events/usa-1/corrections", data={"action": "reject"}
            )
            assert refused.status == 401
            assert problems == []
        finally:
            browser.close()
