"""A faster, exactly equivalent stand-in for spaCy's English rule ``lemmatizer``.

en_core_web_sm's lemmatizer costs about as much as the parser, for two reasons in spaCy's
``Lemmatizer.rule_lemmatize``:

* the ``lemma_index`` table holds each part of speech's known lemmas as a *list* (57,000
  nouns), and every candidate form a suffix rule produces is looked up in it with ``in``, a
  linear scan; its result is cached per (orth, pos, morph), but only once it is computed, so
  every new word form pays for a few such scans;
* base forms ("talks" as a verb, "minister" as a singular noun, every adjective in the
  positive degree) return before that cache, so they rerun ``is_base_form`` (which builds the
  token's morphology as a dict) and the table lookups at each occurrence.

This component runs spaCy's own ``rule_lemmatize`` and ``is_base_form`` unchanged, on a twin
of the original component whose index lists are frozensets (only ever tested with ``in``, so
every answer is the same), and memoises the lemma per (ORTH, POS, MORPH), which are all that
method reads besides the tables. It skips tokens whose lemma is already set (the attribute
ruler's) unless the original's ``overwrite`` says otherwise, as spaCy does. Tokens without a
POS go straight to spaCy each time, so its warning about them is not lost.

:func:`install` only replaces the exact ``EnglishLemmatizer`` class in rule mode without
``overwrite``; any other lemmatizer is left in place, so another model can only be slower,
never different. tests/test_nlp.py compares both on real sentences.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, cast

from eventwire._swap_pipe import swap_pipe

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.pipeline import Lemmatizer
    from spacy.tokens import Doc

__all__ = ["install"]

_NAME = "eventwire_lemmatizer"
_MEMO_LIMIT = 200_000  # distinct (orth, pos, morph) keys; forms repeat heavily in any text


def _supported(lemmatizer: Any) -> bool:
    from spacy.lang.en.lemmatizer import EnglishLemmatizer
    from spacy.pipeline import Lemmatizer

    if type(lemmatizer) is not EnglishLemmatizer or lemmatizer.mode != "rule":
        return False
    if lemmatizer.overwrite or lemmatizer.lemmatize != lemmatizer.rule_lemmatize:
        return False
    if EnglishLemmatizer.rule_lemmatize is not Lemmatizer.rule_lemmatize:
        return False
    lookups = lemmatizer.lookups
    if "lemma_rules" not in lookups:  # spaCy would refuse to run; let it say so
        return False
    if "lemma_index" in lookups:
        index = lookups.get_table("lemma_index")
        if not all(isinstance(forms, list | set | frozenset) for forms in index.values()):
            return False
    return True


def _twin(lemmatizer: Lemmatizer) -> Lemmatizer:
    """A copy of ``lemmatizer`` sharing its tables, except that each part of speech's entry
    in ``lemma_index`` is a frozenset of the same strings."""
    from spacy.lookups import Lookups, Table

    twin = type(lemmatizer)(lemmatizer.vocab, None, lemmatizer.name, mode="rule")
    lookups = Lookups()
    for name in lemmatizer.lookups.tables:
        table = lemmatizer.lookups.get_table(name)
        if name == "lemma_index":
            table = Table.from_dict({pos: frozenset(forms) for pos, forms in table.items()}, name)
        lookups.set_table(name, table)
    twin.lookups = lookups
    return twin


class FastLemmatizer:
    """Sets each token's lemma from a memo keyed by (ORTH, POS, MORPH), filled by spaCy's own
    rule lemmatizer (on a twin with set-based indexes) on a miss."""

    def __init__(self, lemmatizer: Lemmatizer) -> None:
        self._original = lemmatizer
        self._twin = _twin(lemmatizer)
        self._memo: dict[tuple[int, int, int], str] = {}

    def __call__(self, doc: Doc) -> Doc | None:
        from spacy.attrs import LEMMA, MORPH, ORTH, POS

        try:
            overwrite = self._original.overwrite
            lemmatize = self._twin.lemmatize
            memo = self._memo
            rows = doc.to_array([ORTH, POS, MORPH, LEMMA]).tolist()
            for i, (orth, pos, morph, lemma) in enumerate(rows):
                if lemma and not overwrite:
                    continue
                token = doc[i]
                if not pos:  # spaCy warns for each such token: let it
                    token.lemma_ = lemmatize(token)[0]
                    continue
                key = (orth, pos, morph)
                found = memo.get(key)
                if found is None:
                    found = lemmatize(token)[0]
                    if len(memo) < _MEMO_LIMIT:
                        memo[key] = found
                token.lemma_ = found
            return doc
        except Exception as exc:  # as spaCy's: a handler that does not raise yields None
            self.get_error_handler()(self._original.name, self, [doc], exc)
            return None

    def pipe(self, docs: Iterable[Doc], *, batch_size: int = 128) -> Iterator[Doc | None]:
        for doc in docs:
            yield self(doc)

    def set_error_handler(self, error_handler: Any) -> None:
        """Called by ``Language.set_error_handler``, as for the original component."""
        self._original.set_error_handler(error_handler)

    def get_error_handler(self) -> Any:
        return self._original.get_error_handler()


def install(nlp: Language) -> bool:
    """Swap the pipeline's ``lemmatizer`` for the fast one when it is spaCy's English rule
    lemmatizer; returns whether it was swapped."""
    if "lemmatizer" not in nlp.pipe_names or not _supported(nlp.get_pipe("lemmatizer")):
        return False
    swap_pipe(nlp, "lemmatizer", factory=_NAME, make=_make)
    return True


def _make(nlp: Language, name: str) -> FastLemmatizer:
    # Built while the original lemmatizer is still in the pipeline: its tables are the data.
    return FastLemmatizer(cast("Lemmatizer", nlp.get_pipe("lemmatizer")))
