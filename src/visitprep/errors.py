"""Errors a user can fix. Each one says what is wrong and what to do next.

The CLI turns these into one ``Error: ...`` message and an exit code; a traceback
means a bug, never a bad input.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class VisitprepError(Exception):
    """Base class: a problem with the user's input, with a hint for fixing it.

    Attributes:
        exit_code: The exit code the CLI uses for this error.
    """

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None, field: str = "",
                 value: str = "", choices: tuple[str, ...] = ()) -> None:
        message = full_stop(message)
        super().__init__(message)
        self.message = message
        self.hint = full_stop(hint) if hint else hint
        # Which field, which value and what is allowed, when one field is at fault: the
        # web page lists a clinic list's bad rows by these.
        self.field = field
        self.value = value
        self.choices = choices

    def one_line(self) -> str:
        """The message and its hint as one line (for a batch row or a log)."""
        return f"{self.message} {self.hint}".replace("\n", " ") if self.hint else self.message

    def __str__(self) -> str:
        return f"{self.message}\n{self.hint}" if self.hint else self.message


class UsageError(VisitprepError):
    """The command line itself is wrong (exit 2)."""

    exit_code = 2


class YamlError(VisitprepError):
    """A YAML file cannot be read: bad syntax, a forbidden tag, a duplicate key."""


class BankError(VisitprepError):
    """The question bank is broken."""


class TemplateError(VisitprepError):
    """A layout template is broken."""


class ProfileError(VisitprepError):
    """An answers file, a flag or a CSV row holds a value visitprep cannot use."""


class RenderError(VisitprepError):
    """The handout cannot be printed as asked (for example a character the font lacks)."""


class OutputError(VisitprepError):
    """The PDF cannot be written where asked."""


def full_stop(text: str) -> str:
    """End a sentence with a full stop unless it already ends with one, '?' or '!'."""
    text = text.rstrip()
    return text if not text or text.endswith((".", "?", "!", ":")) else text + "."


def allowed(values: Iterable[str]) -> str:
    """Format a list of allowed values for an error message."""
    return ", ".join(values)


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """Return ' Did you mean 'x'?' when a close match exists, else ''."""
    match = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return f" Did you mean '{match[0]}'?" if match else ""
