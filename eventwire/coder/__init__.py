"""The event coder: triggers, arguments, composition, polarity and modality, speakers.

``coder.plover.v1`` (:class:`~eventwire.coder.rules.RuleCoder`) codes from dependency rules;
``coder.plover.v3`` (:class:`~eventwire.coder.ranked.RankedCoder`) ranks candidate (source,
target) pairs with a learned ranker and lets the classifier type the chosen one; v4
(:func:`~eventwire.coder.ranked.checked`) checks that against the rules; v5
(:class:`~eventwire.coder.detector.DetectedCoder`) lets a detector learnt from annotated news
keep, retype or drop v4's candidates. Each is chosen by name in the config (``[pipeline]
coder``); docs/CODER.md says which to use when.
"""

from eventwire.coder.context import ArticleMemory
from eventwire.coder.rules import RuleCoder, event_id, trigger_of

__all__ = ["ArticleMemory", "RuleCoder", "event_id", "trigger_of"]
