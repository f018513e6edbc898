"""The event coder: triggers, arguments, composition, polarity and modality, speakers.

``coder.plover.v5`` (:class:`~eventwire.coder.detector.DetectedCoder`, the default) lets a
detector learnt from annotated news keep, retype or drop candidate events: the rules' and
those of the ranked stage (:class:`~eventwire.coder.ranked.RankedCoder`, which ranks candidate
(source, target) pairs with a learned ranker and lets the classifier type the chosen one,
checked against the rules by :func:`~eventwire.coder.ranked.checked`). ``coder.plover.v1``
(:class:`~eventwire.coder.rules.RuleCoder`) codes from dependency rules alone: the fast
alternative. Each is chosen by name in the config (``[pipeline] coder``); docs/CODER.md says
which to use when.

Each coder is one module composing shared parts: :mod:`~eventwire.coder.base` (the
:class:`~eventwire.coder.base.Coder` protocol, the lookups, the rules' sentence reading, event
ids), :mod:`~eventwire.coder.triggers` (trigger words), :mod:`~eventwire.coder.arguments`
(source and target), :mod:`~eventwire.coder.compose` (nested triggers),
:mod:`~eventwire.coder.polarity` (polarity and modality), :mod:`~eventwire.coder.speakers`,
:mod:`~eventwire.coder.typed` (the classifier's label as a PLOVER type),
:mod:`~eventwire.coder.pairs` (the pair ranker, and what the ranked coders share in reading a
pair), :mod:`~eventwire.coder.candidates` (v5's candidates) and
:mod:`~eventwire.coder.detection` (v5's news detector: its features and model).
"""

from eventwire.coder.base import event_id
from eventwire.coder.context import ArticleMemory
from eventwire.coder.rules import RuleCoder
from eventwire.coder.triggers import trigger_of

__all__ = ["ArticleMemory", "RuleCoder", "event_id", "trigger_of"]
