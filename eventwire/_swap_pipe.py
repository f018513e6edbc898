"""Putting an exactly equivalent, faster component in place of one of spaCy's.

Shared by :mod:`eventwire._fast_ruler` and :mod:`eventwire._fast_lemmatizer`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = ["swap_pipe"]


def swap_pipe(
    nlp: Language, original: str, *, factory: str, make: Callable[[Language, str], Any]
) -> None:
    """Add the component ``make`` builds (registered as ``factory`` on first use, not at
    import) just before ``original``, named ``<original>_fast``, then remove ``original``.

    ``make`` runs while ``original`` is still in the pipeline, so it can read its data.
    """
    from spacy.language import Language

    if not Language.has_factory(factory):
        Language.factory(factory, func=make)
    nlp.add_pipe(factory, name=f"{original}_fast", before=original)
    nlp.remove_pipe(original)
