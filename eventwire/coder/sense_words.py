"""The word tables :mod:`eventwire.coder.senses` reads a trigger's context with: lemmas (and
lower-cased forms) of the objects, heads and modifiers that keep or drop a sense.

The words are data, in ``eventwire/coder/data/senses.toml`` (each table's comment is there),
read by :mod:`eventwire.coder.wordtables`; this module binds each table to the name the
readings use (and :mod:`~eventwire.coder.senses` re-exports), in the file's order.
"""

from __future__ import annotations

from typing import Final

from eventwire.coder.wordtables import word_sets

_TABLES: Final = word_sets("senses")

_MISDEEDS: Final = _TABLES["MISDEEDS"]
_HOSTED: Final = _TABLES["HOSTED"]
_HOSTED_EVENTS: Final = _TABLES["HOSTED_EVENTS"]
_VALUES: Final = _TABLES["VALUES"]
_CALLED: Final = _TABLES["CALLED"]
_CALL_PURPOSES: Final = _TABLES["CALL_PURPOSES"]
_CALLEES: Final = _TABLES["CALLEES"]
_ASKED_FOR: Final = _TABLES["ASKED_FOR"]
_AID_GOODS: Final = _TABLES["AID_GOODS"]
_MISSILES: Final = _TABLES["MISSILES"]
_LAWSUITS: Final = _TABLES["LAWSUITS"]
_RELATIONS: Final = _TABLES["RELATIONS"]
_BARRIERS: Final = _TABLES["BARRIERS"]
_RECALLED: Final = _TABLES["RECALLED"]
_EASED: Final = _TABLES["EASED"]
_SHARED: Final = _TABLES["SHARED"]
_VIEWS: Final = _TABLES["VIEWS"]
_ACCEPTED_OFFERS: Final = _TABLES["ACCEPTED_OFFERS"]
_ACCEPTED_DEMANDS: Final = _TABLES["ACCEPTED_DEMANDS"]
_ACCEPTED_PEOPLE: Final = _TABLES["ACCEPTED_PEOPLE"]
_CRITICISED: Final = _TABLES["CRITICISED"]
_OFFERED: Final = _TABLES["OFFERED"]
_DISMISSED: Final = _TABLES["DISMISSED"]
_STRUCK_IDIOMS: Final = _TABLES["STRUCK_IDIOMS"]
_FACED: Final = _TABLES["FACED"]
_PUBLISHED: Final = _TABLES["PUBLISHED"]
_YIELDED: Final = _TABLES["YIELDED"]
_REPERCUSSIONS: Final = _TABLES["REPERCUSSIONS"]
_FUTURE: Final = _TABLES["FUTURE"]
_OFFICES: Final = _TABLES["OFFICES"]
_NOT_VICTIMS: Final = _TABLES["NOT_VICTIMS"]
_FILMED: Final = _TABLES["FILMED"]
_MET_AIMS: Final = _TABLES["MET_AIMS"]
_UNSAID: Final = _TABLES["UNSAID"]
_DELIVERED: Final = _TABLES["DELIVERED"]
_QUALIFIED: Final = _TABLES["QUALIFIED"]
_PAPERS: Final = _TABLES["PAPERS"]
_TESTED_WEAPONS: Final = _TABLES["TESTED_WEAPONS"]
_FOUGHT_IN_COURT: Final = _TABLES["FOUGHT_IN_COURT"]
_PRIZES: Final = _TABLES["PRIZES"]
_FROZEN: Final = _TABLES["FROZEN"]
_MARKET_WORDS: Final = _TABLES["MARKET_WORDS"]
_MARKET_DEMAND: Final = _TABLES["MARKET_DEMAND"]
_DEMAND_VERBS: Final = _TABLES["DEMAND_VERBS"]
_WAR_VERBS: Final = _TABLES["WAR_VERBS"]
_NATURAL_ALERTS: Final = _TABLES["NATURAL_ALERTS"]
_TREATIES: Final = _TABLES["TREATIES"]
_TRIALS: Final = _TABLES["TRIALS"]
_NON_WEAPON_TESTS: Final = _TABLES["NON_WEAPON_TESTS"]
_BUSINESS_DEALS: Final = _TABLES["BUSINESS_DEALS"]
_BOUGHT: Final = _TABLES["BOUGHT"]
_CONCLUDED: Final = _TABLES["CONCLUDED"]
_PRESS_ASKS: Final = _TABLES["PRESS_ASKS"]
