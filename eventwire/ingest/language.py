"""Language detection: a fast stopword check for plain English, langdetect otherwise.

langdetect costs a few milliseconds an article; most news input is English and says so in
its commonest words, so those never reach it.
"""

from __future__ import annotations

import re
import threading

__all__ = ["detect_language"]

_SAMPLE_CHARS = 3000
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_ENGLISH_STOPWORDS = frozenset(
    [
        "a",
        "about",
        "after",
        "all",
        "also",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "for",
        "from",
        "had",
        "has",
        "have",
        "he",
        "her",
        "his",
        "i",
        "in",
        "is",
        "it",
        "its",
        "more",
        "not",
        "of",
        "on",
        "one",
        "or",
        "said",
        "she",
        "that",
        "the",
        "their",
        "there",
        "they",
        "this",
        "to",
        "was",
        "we",
        "were",
        "which",
        "who",
        "will",
        "with",
        "would",
        "you",
    ]
)
# On a long sample of English news, these words are about 40% of the words; German, French
# or Spanish text, even full of English names, stays well under 15%.
_MIN_STOPWORD_RATIO = 0.25
_MIN_WORDS = 20
_MIN_ASCII_RATIO = 0.97

_lock = threading.Lock()
_seeded = False


def _fast_english(sample: str) -> bool:
    ascii_chars = len(sample.encode("ascii", "ignore"))
    if ascii_chars < len(sample) * _MIN_ASCII_RATIO:
        return False
    words = _WORD.findall(sample.lower())
    if len(words) < _MIN_WORDS:
        return False
    hits = sum(1 for w in words if w in _ENGLISH_STOPWORDS)
    return hits >= len(words) * _MIN_STOPWORD_RATIO


def detect_language(text: str) -> str | None:
    """The ISO 639-1 code of ``text``'s language (``"en"``, ``"de"``), or ``None`` when there is
    too little text to tell. Deterministic: langdetect is seeded."""
    sample = text[:_SAMPLE_CHARS]
    if _fast_english(sample):
        return "en"
    from langdetect import DetectorFactory, detect
    from langdetect.lang_detect_exception import LangDetectException

    global _seeded
    with _lock:
        if not _seeded:
            # langdetect samples randomly; without a seed the same text can flip languages.
            DetectorFactory.seed = 0
            _seeded = True
    try:
        code: str = detect(sample)
    except LangDetectException:
        return None
    # langdetect says "zh-cn"/"zh-tw"; the region is not a language.
    return code.split("-")[0]
