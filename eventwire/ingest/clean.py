"""Cleaning article text: page furniture out, whitespace and encoding artefacts normalised.

The cleaned text is what is stored and coded, so evidence offsets point into it.
Boilerplate is removed only as whole short lines (or a short tail glued to the last line):
a long line that merely mentions "advertisement" is news, not furniture.
"""

from __future__ import annotations

import re

__all__ = ["clean_text"]

# Lines longer than this are prose, whatever words they contain.
_MAX_FURNITURE_CHARS = 120

_FURNITURE = re.compile(
    r"""^(?:
        leave\ a\ (?:comment|reply)
      | \d*\s*comments?
      | advertisement | advertising | sponsored(?:\ content)? | ad
      | (?:click|tap)\ here\b.*
      | (?:sign\ up|subscribe)\b.*(?:newsletter|updates|alerts|subscribe|free|today|now|here).*
      | subscribe(?:\ now|\ today)?
      | (?:share|tweet|email|print|pin)(?:\ (?:this|on\ \w+|article|story|via\ \w+))?
      | share\ (?:this\ )?(?:article|story|on\ (?:facebook|twitter|x|linkedin|whatsapp)).*
      | follow\ us\b.*
      | (?:read|see)\ (?:more|also)\b.*
      | continue\ reading.*
      | related(?:\ (?:articles?|stories|coverage|content))?\s*:.*
      | more\ from\ .*
      | recommended(?:\ for\ you)?
      | (?:we|this\ (?:site|website))\ uses?\ cookies.*
      | .*\bcookie(?:s|\ policy|\ settings|\ notice)\b
        .*\b(?:accept|agree|consent|continue|policy|use)\b.*
      | accept(?:\ all)?\ cookies
      | all\ rights\ reserved.* | copyright\ ©.* | ©\ ?\d{4}.*
      | (?:photo|image|picture|video|graphic)(?:\ credit)?\s*:.*
      | \(?(?:photo|image|picture)(?:\ credit)?\s*:[^)]*\)?
      | .*\b(?:getty\ images|ap\ photo|afp\ photo|reuters/|epa-efe|shutterstock)\b.*
      | (?:updated|published|posted)\s*:?\s*\w+\ \d.*
      | (?:skip\ to\ (?:main\ )?content|back\ to\ top|menu|home|search|log\ ?in|sign\ in)
    )\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
# Words a byline may hold besides capitalised names: "By Jane Doe and John Roe, Associated
# Press Writers", "By JOHN SMITH | Staff reporter".
_BYLINE_WORDS = frozenset(
    [
        "by",
        "and",
        "for",
        "of",
        "the",
        "in",
        "at",
        "from",
        "with",
        "staff",
        "writer",
        "writers",
        "reporter",
        "reporters",
        "correspondent",
        "correspondents",
        "editor",
        "contributor",
    ]
)
_MAX_BYLINE_WORDS = 12

# A short piece of furniture glued to the end of the text without a line break.
_TAIL = re.compile(
    r"(?:\s*(?:leave\ a\ (?:comment|reply)|read\ more|advertisement|share\ this(?:\ article)?"
    r"|click\ here\ to\ subscribe|continue\ reading))+\s*$",
    re.IGNORECASE | re.VERBOSE,
)
# "(Photo: Jane Doe/AP)" or "(Getty Images)" inside a paragraph.
_INLINE_CREDIT = re.compile(
    r"\s*\((?:photo|image|picture)(?:\ credit)?:[^()]{0,100}\)"
    r"|\s*\((?:getty\ images|ap\ photo)[^()]{0,60}\)",
    re.IGNORECASE | re.VERBOSE,
)

# A row of share buttons flattened into the paragraph it sat between: "Send Facebook Twitter
# Google+ Whatsapp Tumblr linkedin stumble Digg reddit Newsvine Permalink http://dw.com/p/2Yp7v"
# (156 of NewsArticles 2017's Deutsche Welle articles). Glued to the next sentence, it made
# one "sentence" of it, which v5 coded (USA CONSULT PRK, among the demo's top events). Four or
# more network names in a row are buttons, not prose; the row becomes a paragraph break.
_NETWORKS = (
    r"(?:facebook|twitter|google\+|whatsapp|tumblr|linkedin|stumble(?:upon)?|digg|reddit"
    r"|newsvine|pinterest|vk|xing|email|e-mail)"
)
_SHARE_ROW = re.compile(
    rf"[ \t]*\b(?:(?:send|share)\s+)?(?:{_NETWORKS}\s+){{3,}}{_NETWORKS}(?!\w)"
    r"(?:\s+permalink(?:\s+https?://\S+)?)?[ \t]*",
    re.IGNORECASE,
)

# Windows-1252 read as Latin-1 ("mojibake") for the characters news text uses most.
_MOJIBAKE = {
    "â€™": "’",
    "â€˜": "‘",
    "â€œ": "“",
    "â€\x9d": "”",
    "â€”": "—",
    "â€“": "–",
    "â€¦": "…",
    "Â ": " ",
    "Ã©": "é",
}
_MOJIBAKE_RE = re.compile("|".join(re.escape(k) for k in _MOJIBAKE))
# A lost closing quote and space: 'DeVos"?highly', 'said,"?he' (NewsArticles 2017 has
# thousands). A real '"?' ends a question and is followed by a space or the end.
_QUOTE_ARTEFACT = re.compile(r'"\?(?=[A-Za-z])')
# The same corpus writes a dash as ' "?' ('age-old "?it's'), an apostrophe as '"' ("wasn"t")
# and an opening quote as '"' + U+FFFD.
_DASH_ARTEFACT = re.compile(r' "\?(?=\w)')
_APOSTROPHE_ARTEFACT = re.compile(r'(?<=[A-Za-z])"(?=(?:s|t|re|ve|ll|d|m)\b)')
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
# Only runs of two or more spaces and non-plain spaces: replacing every single space with
# itself costs a third of the cleaning time.
_ODD_SPACE = "\t\u00a0\u2000-\u200a\u202f\u205f\u3000"
_SPACES = re.compile(f"[{_ODD_SPACE}][ {_ODD_SPACE}]*| [ {_ODD_SPACE}]+")
_CREDIT_MARKERS = ("(photo", "(image", "(picture", "(getty", "(ap photo")
_TAIL_WINDOW = 200  # the glued-on tail is short: search only the end of the text
_MANY_BREAKS = re.compile(r"\n{3,}")


def _is_byline(line: str) -> bool:
    """'By John Smith, Reuters' but not 'By Tuesday, the troops had left.': a byline is
    short, does not end a sentence, and every word is a name or a byline word."""
    if not line.startswith(("By ", "BY ")) or line.endswith((".", "!", "?", ":")):
        return False
    words = re.findall(r"[^\s,|/–—-]+", line)
    if len(words) > _MAX_BYLINE_WORDS:
        return False
    return all(w[:1].isupper() or w.casefold() in _BYLINE_WORDS for w in words[1:])


def _is_furniture(line: str) -> bool:
    if len(line) > _MAX_FURNITURE_CHARS:
        return False
    return _is_byline(line) or bool(_FURNITURE.match(line))


def clean_text(text: str) -> str:
    """``text`` without page furniture (share prompts and rows of share buttons, cookie
    notices, bylines, photo credits, "Leave a Comment", "Read more", ...), with CRLF,
    byte-order marks, invisible characters, odd spaces and common mojibake normalised, runs
    of blank lines collapsed to one."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub("", text)
    if "â" in text or "Ã" in text:
        text = _MOJIBAKE_RE.sub(lambda m: _MOJIBAKE[m.group()], text)
    if '"?' in text:
        text = _DASH_ARTEFACT.sub(" — ", text)
        text = _QUOTE_ARTEFACT.sub('" ', text)
    if '"' in text:
        text = _APOSTROPHE_ARTEFACT.sub("'", text.replace('"\ufffd', '"'))
    lowered = text.lower()
    if any(marker in lowered for marker in _CREDIT_MARKERS):
        text = _INLINE_CREDIT.sub("", text)
    if "twitter" in lowered:
        text = _SHARE_ROW.sub("\n", text)
    lines = []
    for raw in text.split("\n"):
        line = _SPACES.sub(" ", raw).strip()
        if line and _is_furniture(line):
            continue
        lines.append(line)
    cleaned = _MANY_BREAKS.sub("\n\n", "\n".join(lines)).strip()
    cut = max(0, len(cleaned) - _TAIL_WINDOW)
    return (cleaned[:cut] + _TAIL.sub("", cleaned[cut:])).strip()
