"""The handout's fonts, and what they can print: one owner, below the bank and the renderers.

The bundled DejaVu Sans (regular and bold) live beside this module. `unprintable` answers
"can this text be printed?" for the bank's check, the profile, the interview, the web
page and both renderers; `register` loads the fonts for the PDF renderer. Nothing here
imports the bank, the Document or a renderer, so the bank can check its texts without
loading the renderer (there was an import circle: bank -> render.pdf -> document -> bank).

reportlab reads the font files (its TrueType parser gives the glyph coverage and the
metrics the PDF needs); it is imported only when a font is first needed, so importing
this module costs nothing.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from visitprep.errors import RenderError

FONT = "VisitprepSans"
FONT_BOLD = "VisitprepSans-Bold"
FONT_LABEL = "DejaVu Sans"  # what messages call the font
FILES = {FONT: "DejaVuSans.ttf", FONT_BOLD: "DejaVuSans-Bold.ttf"}
_RTL = ("R", "AL")
_FOLDER = Path(__file__).resolve().parent


def font_path(file_name: str) -> Path:
    """Return the path of a bundled font file."""
    return _FOLDER / file_name


@cache
def register() -> tuple[Any, Any]:
    """Load the bundled fonts and register them with reportlab, once per process.

    Returns:
        The regular and the bold reportlab TTFont.
    """
    # isort: off
    import visitprep.render.quick_platypus  # noqa: F401 - before any reportlab import
    # isort: on
    from reportlab.pdfbase import pdfmetrics

    from visitprep.font_cache import load_ttfont  # parsed once, kept between runs

    regular = load_ttfont(FONT, font_path(FILES[FONT]))
    bold = load_ttfont(FONT_BOLD, font_path(FILES[FONT_BOLD]))
    pdfmetrics.registerFont(regular)
    pdfmetrics.registerFont(bold)
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT,
                                  boldItalic=FONT_BOLD)
    return regular, bold


@cache
def coverage() -> frozenset[int]:
    """The code points both fonts (regular and bold) can draw."""
    regular, bold = register()
    return frozenset(regular.face.charToGlyph) & frozenset(bold.face.charToGlyph)


def unprintable(text: str) -> str | None:
    """Say why the handout's font cannot print this text, or return None if it can.

    The reason is in the language in use (visitprep.i18n), as the rest of the message.
    """
    if text.isascii() and text.isprintable():
        return None  # DejaVu Sans has every printable ASCII letter (a test checks)
    from visitprep.i18n import current

    return _unprintable(text, current())


@lru_cache(maxsize=4096)  # bank texts repeat in every handout of a batch
def _unprintable(text: str, language: str) -> str | None:
    from visitprep.i18n import gettext

    covered = coverage()
    for char in text:
        if char.isspace():
            continue
        name = unicodedata.name(char, "unnamed character")
        if unicodedata.bidirectional(char) in _RTL:
            return gettext("is written right to left ('{char}', {name}); visitprep cannot "
                           "print right-to-left text correctly yet").format(char=char,
                                                                            name=name)
        if ord(char) not in covered:
            return gettext("has the character '{char}' (U+{code}, {name}), which the "
                           "handout's font ({font}) cannot print").format(
                char=char, code=f"{ord(char):04X}", name=name, font=FONT_LABEL)
    return None


def check_printable(texts: Iterable[tuple[str, str]]) -> None:
    """Refuse text the font cannot draw, rather than print an empty box.

    Args:
        texts: (where it comes from, the text), as Document.texts() gives them.

    Raises:
        RenderError: Naming the text, the character and its Unicode name.
    """
    for origin, value in texts:
        problem = unprintable(value)
        if problem:
            raise RenderError(
                f"{origin} ('{value}') {problem}",
                hint="Write it another way (for example in Latin letters), or leave it out "
                "and write it on the printed page by hand.",
            )
