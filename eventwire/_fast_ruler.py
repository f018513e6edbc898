"""A faster, exactly equivalent stand-in for spaCy's ``attribute_ruler``.

en_core_web_sm's attribute ruler maps tags to POS and morphology with 179 Matcher patterns.
Run through the general Matcher it costs about as much as the parser (a state machine walked
per token and pattern). Nearly every pattern is a one-token test on the token's own TAG, LOWER,
DEP and IS_SPACE, so its outcome is a function of those four values: this component computes
it once per distinct combination (testing only the patterns indexed under those values) and
then answers each token with one dict lookup. The few multi-token patterns are tested only
where their first token passes.

Semantics are spaCy's own: every pattern is matched against the tokens as the earlier
components left them, then attributes are set in pattern order (later patterns win), through
spaCy's ``set_token_attrs``. Patterns using anything beyond the predicates below (TAG, LOWER,
DEP and IS_SPACE, compared by value, IN, NOT_IN or REGEX, without operators) make
:func:`install` leave the original component in place, so another model can only be slower,
never wrong. tests/test_nlp.py compares both on real sentences.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from eventwire._swap_pipe import swap_pipe

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = ["install"]

_NAME = "eventwire_attribute_ruler"
_KEYS = ("TAG", "LOWER", "DEP", "IS_SPACE")

# A token's view for matching: (TAG, LOWER, DEP, IS_SPACE) as strings and a bool.
_View = tuple[str, str, str, bool]
_Test = Callable[[_View], bool]
# (pattern order, one test per token, index of the token whose attributes are set, attrs)
_Multi = tuple[int, list[_Test], int, Any]
_Single = tuple[int, _Test, Any]


class _Unsupported(Exception):
    """A pattern this component cannot evaluate exactly."""


def _compile_value(slot: int, value: Any) -> _Test:
    if isinstance(value, str | bool):
        return lambda view: view[slot] == value
    if isinstance(value, dict) and len(value) == 1:
        ((op, arg),) = value.items()
        if op == "IN":
            allowed = frozenset(arg)
            return lambda view: view[slot] in allowed
        if op == "NOT_IN":
            banned = frozenset(arg)
            return lambda view: view[slot] not in banned
        if op == "REGEX" and slot != 3:
            rx = re.compile(arg)
            return lambda view: rx.search(str(view[slot])) is not None
    raise _Unsupported(repr(value))


def _compile_token(spec: dict[str, Any]) -> _Test:
    if not spec or any(k not in _KEYS for k in spec):
        raise _Unsupported(repr(spec))
    tests = [_compile_value(_KEYS.index(k), v) for k, v in spec.items()]
    return lambda view: all(t(view) for t in tests)


class FastAttributeRuler:
    """Applies an AttributeRuler's patterns with one cached lookup per token.

    One-token patterns depend only on the token's own view, so their merged effect is
    computed once per distinct view and cached; the few multi-token patterns are tested at
    each start position whose first token passes.
    """

    def __init__(self, ruler: Any) -> None:
        from spacy.tokens._retokenize import set_token_attrs

        self._set = set_token_attrs
        # One-token patterns by the slot and value that must hold for them to match, so a
        # new view is tested against its few candidates rather than all patterns.
        self._by_slot: list[dict[Any, list[_Single]]] = [{} for _ in _KEYS]
        self._always: list[_Single] = []
        self._multi: list[_Multi] = []
        for order, entry in enumerate(ruler.patterns):
            attrs, index = ruler.attrs[order], ruler.indices[order]
            for specs in entry["patterns"]:
                tests = [_compile_token(s) for s in specs]
                target = index if index >= 0 else len(specs) + index
                if not 0 <= target < len(specs):
                    raise _Unsupported(f"index {index} outside a {len(specs)}-token pattern")
                if len(specs) == 1:
                    self._index(specs[0], (order, tests[0], attrs))
                else:
                    self._multi.append((order, tests, target, attrs))
        self._cache: dict[_View, tuple[list[tuple[int, Any]], list[_Multi]]] = {}

    def _index(self, spec: dict[str, Any], single: _Single) -> None:
        for slot, key in enumerate(_KEYS):
            value = spec.get(key)
            if isinstance(value, dict) and set(value) == {"IN"}:
                values = list(value["IN"])
            elif isinstance(value, str | bool):
                values = [value]
            else:
                continue
            for v in values:
                self._by_slot[slot].setdefault(v, []).append(single)
            return
        self._always.append(single)

    def _lookup(self, view: _View) -> tuple[list[tuple[int, Any]], list[_Multi]]:
        """The one-token patterns that match ``view`` and the multi-token patterns that may
        start at it, both in pattern order."""
        found = self._cache.get(view)
        if found is None:
            candidates = [*self._always]
            for slot, index in enumerate(self._by_slot):
                candidates.extend(index.get(view[slot], ()))
            candidates.sort(key=lambda single: single[0])
            singles = [(order, attrs) for order, test, attrs in candidates if test(view)]
            starts = [m for m in self._multi if m[1][0](view)]
            found = (singles, starts)
            if len(self._cache) < 200_000:  # bounded: views repeat heavily in any text
                self._cache[view] = found
        return found

    def __call__(self, doc: Doc) -> Doc:
        tokens = list(doc)
        views = [(t.tag_, t.lower_, t.dep_, t.is_space) for t in tokens]
        n = len(tokens)
        plan: list[list[tuple[int, Any]]] = []
        extra: dict[int, list[tuple[int, Any]]] = {}
        for start, view in enumerate(views):
            singles, starts = self._lookup(view)
            plan.append(singles)
            for order, tests, target, attrs in starts:
                size = len(tests)
                if start + size <= n and all(tests[k](views[start + k]) for k in range(1, size)):
                    extra.setdefault(start + target, []).append((order, attrs))
        for i, more in extra.items():
            plan[i] = sorted([*plan[i], *more], key=lambda hit: hit[0])
        setter = self._set
        for tok, hits in zip(tokens, plan, strict=True):
            if len(hits) == 1:
                setter(tok, hits[0][1])
            elif hits:
                merged: dict[Any, Any] = {}
                for _order, attrs in hits:  # in pattern order: later patterns win
                    merged.update(attrs)
                setter(tok, merged)
        return doc

    def pipe(self, docs: Iterable[Doc], *, batch_size: int = 128) -> Iterator[Doc]:
        for doc in docs:
            yield self(doc)


def install(nlp: Language) -> bool:
    """Swap the pipeline's ``attribute_ruler`` for the fast one when every pattern is
    supported; returns whether it was swapped."""
    if "attribute_ruler" not in nlp.pipe_names:
        return False
    try:
        FastAttributeRuler(nlp.get_pipe("attribute_ruler"))
    except _Unsupported:
        return False
    swap_pipe(nlp, "attribute_ruler", factory=_NAME, make=_make)
    return True


def _make(nlp: Language, name: str) -> FastAttributeRuler:
    # Built while the original ruler is still in the pipeline: its patterns are the data.
    return FastAttributeRuler(nlp.get_pipe("attribute_ruler"))
