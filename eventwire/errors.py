"""One root exception for everything eventwire raises on purpose.

Every message says what happened, the likely cause, and the fix, so that the CLI can show it
as is and a library user can act on it without reading our source.
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "EventwireError",
    "InputError",
    "ModelError",
    "StoreError",
    "UsageError",
]


class EventwireError(Exception):
    """Root of every error eventwire raises deliberately.

    ``message`` says what happened; ``cause`` the likely reason; ``fix`` what to do about it.
    """

    exit_code: int = 1

    def __init__(self, message: str, *, cause: str | None = None, fix: str | None = None) -> None:
        self.message = message
        self.cause = cause
        self.fix = fix
        super().__init__(self.__str__())

    def __str__(self) -> str:
        parts = [self.message]
        if self.cause:
            parts.append(f"Likely cause: {self.cause}")
        if self.fix:
            parts.append(f"Fix: {self.fix}")
        return "\n".join(parts)


class UsageError(EventwireError):
    """The caller asked for something that cannot be done as asked (bad option, bad value)."""

    exit_code = 2


class ConfigError(UsageError):
    """The configuration has unknown keys, wrong types or names nothing is registered under."""


class InputError(EventwireError):
    """An input could not be read or is not in the expected shape."""


class StoreError(EventwireError):
    """The DuckDB store could not be opened, read or written."""


class ModelError(EventwireError):
    """A language model or classifier could not be loaded."""
