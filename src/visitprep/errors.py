"""Errors a user can fix. Each one says what is wrong and what to do next.

The CLI turns these into one ``Error: ...`` message and an exit code; a traceback
means a bug, never a bad input.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable


class VisitprepError(Exception):
    """Base class: a problem with the user's input, with a hint for fixing it.

    Attributes:
        exit_code: The exit code the CLI uses for this error.
    """

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None, field: str = "",
                 value: str = "", choices: tuple[str, ...] = ()) -> None:
        message = full_stop(_shorten_quoted(visible(message)))
        super().__init__(message)
        self.message = message
        self.hint = full_stop(visible(hint, keep="\n")) if hint else hint
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


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the program is, so it stops as on Ctrl-C: temporary files
    are removed, nothing is half-written, and the exit code is 143."""


class UsageError(VisitprepError):
    """The command line itself is wrong (exit 2)."""

    exit_code = 2


class YamlError(VisitprepError):
    """A YAML file cannot be read: bad syntax, a forbidden tag, a duplicate key."""


class BankError(VisitprepError):
    """The question bank is broken."""


class TranslationError(BankError):
    """A handout in another language needs texts the bank has no up-to-date translation
    of (see visitprep.translation)."""


class TemplateError(VisitprepError):
    """A layout template is broken."""


class ProfileError(VisitprepError):
    """An answers file, a flag or a CSV row holds a value visitprep cannot use."""


class RenderError(VisitprepError):
    """The handout cannot be printed as asked (for example a character the font lacks)."""


class OutputError(VisitprepError):
    """The PDF cannot be written where asked."""


class TargetExistsError(OutputError):
    """The file is already there, and may not be replaced."""


def full_stop(text: str) -> str:
    """End a sentence with a full stop unless it already ends with one, '?' or '!'."""
    text = text.rstrip()
    return text if not text or text.endswith((".", "?", "!", ":")) else text + "."


def visible(text: str, keep: str = "") -> str:
    """Text safe to print on a terminal: control and invisible formatting characters
    (a NUL, an escape sequence, a bidi override that reorders the line) are shown as
    <U+XXXX> instead of acting on the screen."""
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() or char in keep or char == " "
                   or unicodedata.category(char) == "Zs" else f"<U+{ord(char):04X}>"
                   for char in text)


def shorten(text: str, limit: int = 60) -> str:
    """A value as shown in a message: whole when short, else its start and '...'."""
    text = str(text)
    return text if len(text) <= limit else text[:limit - 3] + "..."


_LONG_QUOTED = re.compile(r"'([^'\n]{120,})'")


def _shorten_quoted(message: str) -> str:
    """A message never repeats a huge value in full (a 5,000-digit number, a pasted page)."""
    return _LONG_QUOTED.sub(lambda m: f"'{shorten(m.group(1), 80)}' ({len(m.group(1)):,} "
                            "characters)", message)


def allowed(values: Iterable[str]) -> str:
    """Format a list of allowed values for an error message."""
    return ", ".join(values)


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """Return ' Did you mean 'x'?' when a close match exists, else ''."""
    match = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return f" Did you mean '{match[0]}'?" if match else ""
