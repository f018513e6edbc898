"""PLOVER event types and modes, quad classes, intensity scores and the CAMEO crosswalk."""

from eventwire.ontology.plover import (
    EVENT_TYPES,
    QUAD_NAMES,
    cameo_root,
    intensity,
    quad,
    validate_type,
)

__all__ = ["EVENT_TYPES", "QUAD_NAMES", "cameo_root", "intensity", "quad", "validate_type"]
