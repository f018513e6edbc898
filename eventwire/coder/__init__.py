"""The event coder: triggers, arguments, composition, polarity and modality, speakers.

``coder.plover.v1`` (:class:`~eventwire.coder.rules.RuleCoder`) codes from dependency rules;
``coder.plover.v2`` (:class:`~eventwire.coder.hybrid.HybridCoder`) re-types the rules' events
with the trained classifier; ``coder.plover.v3`` (:class:`~eventwire.coder.ranked.RankedCoder`)
ranks candidate (source, target) pairs with a learned ranker and lets the classifier type the
chosen one. Each is chosen by name in the config (``[pipeline] coder``).
"""

from eventwire.coder.context import ArticleMemory
from eventwire.coder.rules import RuleCoder, event_id, trigger_of

__all__ = ["ArticleMemory", "RuleCoder", "event_id", "trigger_of"]
