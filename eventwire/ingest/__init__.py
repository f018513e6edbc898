"""Ingest: reading news from files, directories and stdin into Articles, cleaning them,
detecting their language, and grouping syndicated copies into stories.

Every input record ends as an :class:`~eventwire.model.Article` or a
:class:`~eventwire.model.Rejected` with the reason; bad input never raises.
"""

from __future__ import annotations

from eventwire.ingest.clean import clean_text
from eventwire.ingest.dates import parse_published
from eventwire.ingest.dedupe import StoryClusterer, minhash_signature
from eventwire.ingest.ids import article_id
from eventwire.ingest.language import detect_language
from eventwire.ingest.options import ReadOptions
from eventwire.ingest.prepare import prepare
from eventwire.ingest.readers import read_inputs, read_stream, sniff_format

__all__ = [
    "ReadOptions",
    "StoryClusterer",
    "article_id",
    "clean_text",
    "detect_language",
    "minhash_signature",
    "parse_published",
    "prepare",
    "read_inputs",
    "read_stream",
    "sniff_format",
]
