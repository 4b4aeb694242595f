"""Errors whose text is written for the clerk (Simplified Chinese).

Domain code raises these; the command line prints ``str(err)`` and the UI shows
it in a message box. Anything else reaching the top is a bug.
"""

from __future__ import annotations


class DesktopError(Exception):
    """An error with a message safe to show to the user."""

    def __init__(self, message: str, *, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail

    def __str__(self) -> str:
        return self.message


class DraftError(DesktopError):
    """A draft file could not be read or written."""


class TemplateError(DesktopError):
    """A template file is missing or broken."""


class ExportError(DesktopError):
    """An export could not be written."""


class LedgerError(DesktopError):
    """A ledger workbook could not be read, imported or merged."""


class LedgerIdentityError(LedgerError):
    """A ledger that belongs to another draft or office.

    ``overridable`` is True when the clerk may still choose to import it
    (the same draft, but another 填报单位); a ledger of another draft never is.
    """

    def __init__(self, message: str, *, overridable: bool = False) -> None:
        super().__init__(message)
        self.overridable = overridable
