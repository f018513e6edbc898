"""PLOVER (codebook draft 2.0) as data: types, modes, quads, scores and CAMEO roots.

Where the codebook contradicts itself we follow its intent and say so here:
- SANCTION is quad 3 (verbal conflict) in the quad table but called material conflict in its
  own section. We follow the quad table (3), the one machine-readable source.
- ACCUSE's base score reads +3; -3 is meant (every ACCUSE mode is negative).
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from eventwire.errors import UsageError

__all__ = [
    "EVENT_TYPES",
    "MODES",
    "QUAD_NAMES",
    "REQUIRES_RECIPIENT",
    "cameo_root",
    "intensity",
    "quad",
    "validate_type",
]

EVENT_TYPES: Final[tuple[str, ...]] = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE",
    "COOPERATE", "AID", "RETREAT",
    "REQUEST", "ACCUSE", "REJECT", "THREATEN", "SANCTION",
    "PROTEST", "MOBILIZE", "COERCE", "ASSAULT",
)  # fmt: skip

QUAD_NAMES: Final = MappingProxyType(
    {
        1: "verbal cooperation",
        2: "material cooperation",
        3: "verbal conflict",
        4: "material conflict",
    }
)

_QUAD: Final = MappingProxyType(
    {
        **dict.fromkeys(("AGREE", "CONSULT", "SUPPORT", "CONCEDE"), 1),
        **dict.fromkeys(("COOPERATE", "AID", "RETREAT"), 2),
        **dict.fromkeys(("REQUEST", "ACCUSE", "REJECT", "THREATEN", "SANCTION"), 3),
        **dict.fromkeys(("PROTEST", "MOBILIZE", "COERCE", "ASSAULT"), 4),
    }
)

MODES: Final = MappingProxyType(
    {
        "AGREE": (),
        "CONSULT": ("visit", "third-party", "multilateral", "phone"),
        "SUPPORT": (),
        "CONCEDE": (),
        "COOPERATE": (),
        "AID": (),
        "RETREAT": ("withdraw", "release", "disarm", "ceasefire", "access", "resign"),
        "REQUEST": ("assist", "change", "yield", "meet"),
        "ACCUSE": ("disapprove", "investigate", "allege"),
        "REJECT": ("assist", "change", "yield", "meet"),
        "THREATEN": ("restrict", "arrest", "relations", "expel", "territory", "violence"),
        "PROTEST": ("demo", "riot", "strike", "hunger", "boycott", "obstruct"),
        "SANCTION": ("convict", "expel", "withdraw", "discontinue"),
        "MOBILIZE": ("troops", "weapons", "police", "militia"),
        "COERCE": (
            "seize", "restrict", "censor", "curfew", "martial-law", "arrest", "deport",
            "withhold", "misinformation", "cyber",
        ),
        "ASSAULT": (
            "abduct", "beat", "torture", "sexual", "targeted", "destroy", "primitive",
            "firearms", "explosives", "suicide-attack", "aerial", "drone", "heavy-weapons",
            "crowd-control", "unconventional",
        ),
    }
)  # fmt: skip

# The types whose codebook section says "Requires recipient: Yes".
REQUIRES_RECIPIENT: Final = frozenset({"COOPERATE", "AID", "SANCTION"})

# The codebook's scores table (type base score and per-mode scores).
_BASE_SCORE: Final = MappingProxyType(
    {
        "AGREE": 2.5, "CONSULT": 2.5, "SUPPORT": 5.0, "CONCEDE": 4.5, "COOPERATE": 9.5,
        "AID": 10.0, "RETREAT": 6.5, "REQUEST": 0.0, "ACCUSE": -3.0, "REJECT": -2.0,
        "THREATEN": -3.5, "PROTEST": -5.0, "SANCTION": -6.0, "MOBILIZE": -5.5,
        "COERCE": -7.0, "ASSAULT": -9.0,
    }
)  # fmt: skip
_MODE_SCORE: Final = MappingProxyType(
    {
        ("CONSULT", "visit"): 4.0, ("CONSULT", "third-party"): 1.0,
        ("CONSULT", "multilateral"): 4.0, ("CONSULT", "phone"): 1.5,
        ("RETREAT", "withdraw"): 8.0, ("RETREAT", "release"): 6.5, ("RETREAT", "disarm"): 10.0,
        ("RETREAT", "ceasefire"): 7.5, ("RETREAT", "access"): 6.5, ("RETREAT", "resign"): 4.5,
        ("REQUEST", "assist"): 0.5, ("REQUEST", "change"): -1.0, ("REQUEST", "yield"): -1.0,
        ("REQUEST", "meet"): 0.0,
        ("ACCUSE", "disapprove"): -2.0, ("ACCUSE", "investigate"): -3.5,
        ("ACCUSE", "allege"): -3.5,
        ("REJECT", "assist"): -1.5, ("REJECT", "change"): -2.0, ("REJECT", "yield"): -2.0,
        ("REJECT", "meet"): -2.0,
        ("THREATEN", "restrict"): -3.0, ("THREATEN", "arrest"): -3.5,
        ("THREATEN", "relations"): -3.5, ("THREATEN", "expel"): -3.5,
        ("THREATEN", "territory"): -4.0, ("THREATEN", "violence"): -3.5,
        ("PROTEST", "demo"): -5.0, ("PROTEST", "riot"): -7.0, ("PROTEST", "strike"): -5.0,
        ("PROTEST", "hunger"): -4.5, ("PROTEST", "boycott"): -4.5, ("PROTEST", "obstruct"): -4.5,
        ("SANCTION", "convict"): -6.0, ("SANCTION", "expel"): -5.5,
        ("SANCTION", "withdraw"): -6.0, ("SANCTION", "discontinue"): -6.0,
        ("MOBILIZE", "troops"): -6.5, ("MOBILIZE", "weapons"): -6.5,
        ("MOBILIZE", "police"): -5.5, ("MOBILIZE", "militia"): -6.0,
        ("COERCE", "seize"): -7.0, ("COERCE", "restrict"): -7.0, ("COERCE", "censor"): -6.5,
        ("COERCE", "curfew"): -6.5, ("COERCE", "martial-law"): -7.5, ("COERCE", "arrest"): -7.0,
        ("COERCE", "deport"): -7.0, ("COERCE", "withhold"): -7.0,
        ("COERCE", "misinformation"): -6.5, ("COERCE", "cyber"): -7.0,
        ("ASSAULT", "abduct"): -8.5, ("ASSAULT", "beat"): -7.5, ("ASSAULT", "torture"): -8.5,
        ("ASSAULT", "sexual"): -8.5, ("ASSAULT", "targeted"): -9.5, ("ASSAULT", "destroy"): -8.5,
        ("ASSAULT", "primitive"): -8.0, ("ASSAULT", "firearms"): -9.0,
        ("ASSAULT", "explosives"): -9.0, ("ASSAULT", "suicide-attack"): -9.5,
        ("ASSAULT", "aerial"): -9.5, ("ASSAULT", "drone"): -9.5,
        ("ASSAULT", "heavy-weapons"): -9.5, ("ASSAULT", "crowd-control"): -7.5,
        ("ASSAULT", "unconventional"): -10.0,
    }
)  # fmt: skip

# CAMEO two-digit roots, following the CAMEO2PLOVER crosswalk read backwards.
_CAMEO_ROOT: Final = MappingProxyType(
    {
        "REQUEST": "02", "AGREE": "03", "CONSULT": "04", "SUPPORT": "05", "COOPERATE": "06",
        "AID": "07", "CONCEDE": "08", "RETREAT": "08", "ACCUSE": "11", "REJECT": "12",
        "THREATEN": "13", "PROTEST": "14", "MOBILIZE": "15", "SANCTION": "16", "COERCE": "17",
        "ASSAULT": "18",
    }
)  # fmt: skip
_CAMEO_MODE_ROOT: Final = MappingProxyType(
    {
        ("ACCUSE", "investigate"): "09",
        ("ASSAULT", "aerial"): "19", ("ASSAULT", "heavy-weapons"): "19",
        ("ASSAULT", "drone"): "19", ("ASSAULT", "firearms"): "19",
        ("ASSAULT", "unconventional"): "20",
    }
)  # fmt: skip


def validate_type(event_type: str, mode: str | None = None) -> None:
    """Raise :class:`UsageError` unless ``event_type`` (and ``mode``) are valid PLOVER."""
    if event_type not in _QUAD:
        raise UsageError(
            f"Unknown PLOVER event type {event_type!r}.",
            fix=f"Use one of: {', '.join(EVENT_TYPES)}.",
        )
    if mode and mode not in MODES[event_type]:
        valid = ", ".join(MODES[event_type]) or "(none: this type has no modes)"
        raise UsageError(f"Unknown mode {mode!r} for {event_type}.", fix=f"Use one of: {valid}.")


def quad(event_type: str) -> int:
    """The quad class: 1 verbal cooperation, 2 material cooperation, 3 verbal conflict,
    4 material conflict."""
    validate_type(event_type)
    return _QUAD[event_type]


def intensity(event_type: str, mode: str | None = None) -> float:
    """The PLOVER conflict-cooperation score (-10 to +10) of a type and mode."""
    validate_type(event_type)
    return _MODE_SCORE.get((event_type, mode or ""), _BASE_SCORE[event_type])


def cameo_root(event_type: str, mode: str | None = None) -> str:
    """The two-digit CAMEO root code closest to a PLOVER type and mode."""
    validate_type(event_type)
    return _CAMEO_MODE_ROOT.get((event_type, mode or ""), _CAMEO_ROOT[event_type])
