"""Shared helpers for the ingest tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from eventwire.ingest import ReadOptions

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ingest"

# The column names of the NewsArticles-style CSV fixture.
NEWS_COLUMNS = {
    "text": "body",
    "published": "publish_date",
    "id": "article_id",
    "url": "article_source_link",
}

WIRE_STORY = (
    "North Korea fired a short-range ballistic missile into the sea off its east coast on "
    "Sunday, South Korea's military said, the seventh launch this month and one that drew a "
    "swift rebuke from Washington, Seoul and Tokyo. The Joint Chiefs of Staff in Seoul said the "
    "missile flew about 800 kilometres at an altitude of 2,000 kilometres before falling into "
    "the water between the Korean peninsula and Japan. Japan's chief cabinet secretary told "
    "reporters in Tokyo that the launch was a threat to the peace and security of the region "
    "and of the international community, and that Japan had lodged a strong protest through "
    "diplomatic channels in Beijing. In Washington, a State Department spokesman said the "
    "United States condemned the launch and called on Pyongyang to refrain from further "
    "destabilizing acts, while repeating that the United States remained open to talks without "
    "preconditions. The launch came days after North Korea said it would consider restarting "
    "all temporarily suspended activities, an apparent reference to nuclear and long-range "
    "missile tests it has not conducted since 2017. Analysts said the government in Pyongyang "
    "appeared to be using the tests to press the United States for concessions while its "
    "neighbours were distracted by the Winter Olympics in Beijing and the crisis on Ukraine's "
    "border. South Korea's National Security Council held an emergency meeting and expressed "
    "deep regret over the launch, saying it violated United Nations Security Council "
    "resolutions that ban North Korea from testing ballistic missiles. China's foreign ministry "
    "urged all parties to exercise restraint and to address each other's legitimate concerns "
    "through dialogue."
)


@pytest.fixture
def news_options() -> ReadOptions:
    return ReadOptions(columns=NEWS_COLUMNS)


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def wire_story() -> str:
    return WIRE_STORY
