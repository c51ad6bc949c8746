"""The whole pipeline for one handout: profile in, PDF or HTML out.

Every handout records what it was made from: a fingerprint of the profile, the
question bank, the layout, the clinic block and the version of the layout code, kept in
the PDF's keywords (or the HTML page's keywords meta tag). A rerun compares it before
keeping a file, so a kept file is always the handout its row would print now.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import re
import stat
from pathlib import Path
from typing import Any

from visitprep import __version__
from visitprep.document import Document, build_document
from visitprep.errors import ProfileError, UsageError
from visitprep.i18n import SOURCE_LANGUAGE, catalog_digest, using
from visitprep.layout import Layout, load_layout
from visitprep.models import FORMATS, Clinic, Profile, QuestionBank
from visitprep.selection import select_questions

# Bump when the same inputs print differently (a layout or wording change in the code).
LAYOUT_VERSION = 1
FINGERPRINT_MARK = "visitprep-made-from:"
_FINGERPRINT = re.compile(re.escape(FINGERPRINT_MARK) + r"([0-9a-f]{32})")
_HTML_FINGERPRINT = re.compile(rb'<meta name="keywords" content="'
                               + re.escape(FINGERPRINT_MARK).encode() + rb'([0-9a-f]{32})">')
MAX_HANDOUT_BYTES = 64 * 1024 * 1024
HTML_START = b"<!DOCTYPE html>"
_BANK_DIGESTS: dict[int, tuple[QuestionBank, str]] = {}

__all__ = ["FORMATS", "count_pages", "fingerprint", "make_document", "make_handout",
           "output_format", "read_fingerprint"]
SUFFIXES: dict[str, str] = {".pdf": "pdf", ".html": "html", ".htm": "html"}
# A handout may hold only the person's own questions; with none of those either, there is
# nothing to print, and no front door makes an empty checklist.
NOTHING_TO_PRINT = ("there is nothing to print: every question of the list is left out, "
                    "and there are no questions of your own")
NOTHING_TO_PRINT_HINT = "Keep at least one question of the list, or add one of your own."


def output_format(path: Path | None, given: str | None) -> str:
    """The format to write: --format if given, else the -o file's extension, else PDF.

    Raises:
        UsageError: If --format and a .pdf/.html/.htm extension disagree.
    """
    by_name = SUFFIXES.get(path.suffix.lower()) if path is not None else None
    if given is not None and by_name is not None and given != by_name:
        raise UsageError(
            f"--format {given} does not match the file name {path}, which makes "
            f"{'an HTML' if by_name == 'html' else 'a PDF'} file.",
            hint=f"Give the file a .{given} name, or leave out --format (the file name's "
            "extension then chooses the format).",
        )
    return given or by_name or "pdf"


MORE_ROOM_GAP = 26  # points: ruled lines closer than this get three lines a question, else two


def with_room(layout: Layout, room: str) -> Layout:
    """The layout with the room to write a profile asks for.

    "more" gives every question three writing lines (two in a print whose lines are far
    apart, as large print), and the top questions at least as many; "standard" keeps the
    template's own.
    """
    if room != "more":
        return layout
    lines = max(layout.answer_lines, 3 if layout.line_gap < MORE_ROOM_GAP else 2)
    return dataclasses.replace(layout, answer_lines=lines,
                               top_answer_lines=max(layout.top_answer_lines, lines))


def make_document(profile: Profile, bank: QuestionBank, *, layout: Layout | None = None,
                  clinic: Clinic | None = None) -> tuple[Document, Layout]:
    """Select the questions and lay out what the handout says (no rendering), in the
    profile's language, with the room to write it asks for.

    Raises:
        TranslationError: If the bank lacks the translation of a text the handout needs.
    """
    bank = bank.in_language(profile.language)
    layout = with_room(load_layout(profile.template) if layout is None else layout,
                       profile.room)
    selection = select_questions(bank, profile)
    if not selection.count:
        raise ProfileError(NOTHING_TO_PRINT, hint=NOTHING_TO_PRINT_HINT, field="exclude")
    with using(profile.language):
        return build_document(bank, profile, selection, layout, clinic), layout


def make_handout(profile: Profile, bank: QuestionBank, *, layout: Layout | None = None,
                 clinic: Clinic | None = None, invariant: bool = False,
                 fmt: str = "pdf") -> bytes:
    """Select, lay out and render one handout.

    Args:
        profile: The visit profile.
        bank: The question bank.
        layout: A loaded layout; None loads the profile's template.
        clinic: The clinic's contact details, for the clinic block.
        invariant: Byte-identical PDF output on every run (for tests).
        fmt: 'pdf', or 'html' for the accessible page (UTF-8 bytes).

    Raises:
        VisitprepError: For anything in the inputs that cannot be printed.
    """
    bank = bank.in_language(profile.language)  # its texts are what the fingerprint holds
    document, layout = make_document(profile, bank, layout=layout, clinic=clinic)
    made_from = FINGERPRINT_MARK + fingerprint(profile, bank, layout, clinic)
    with using(profile.language):  # the renderers' own words (page numbers, tooltips)
        return _render(document, layout, profile, made_from, invariant, fmt)


def _render(document: Document, layout: Layout, profile: Profile, made_from: str,
            invariant: bool, fmt: str) -> bytes:
    if fmt == "html":
        from visitprep.render.html import render_html  # no reportlab for HTML

        return render_html(document, layout, paper=profile.paper,
                           keywords=made_from).encode("utf-8")
    if fmt != "pdf":
        raise ValueError(f"unknown format {fmt!r}")
    from visitprep.render.pdf import render_pdf  # reportlab loads only when a PDF is made

    return render_pdf(document, layout, paper=profile.paper, invariant=invariant,
                      keywords=made_from)


def count_pages(pdf: bytes) -> int:
    """Count the pages of a PDF made by visitprep."""
    return len(re.findall(rb"/Type /Page\b(?!s)", pdf))


def _plain(value: Any) -> Any:
    """A JSON-ready form of value that is the same in every process (sets sorted)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict) or hasattr(value, "items"):
        return {str(k): _plain(v) for k, v in sorted(value.items())}
    if isinstance(value, frozenset | set):
        return sorted(_plain(v) for v in value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date | Path):
        return str(value)
    return value


def _digest(value: Any) -> str:
    text = json.dumps(_plain(value), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def bank_digest(bank: QuestionBank) -> str:
    """The fingerprint of a bank's content (not where it is), once per bank."""
    known = _BANK_DIGESTS.get(id(bank))
    if known is None or known[0] is not bank:
        known = (bank, _digest(dataclasses.replace(bank, path=Path())))
        _BANK_DIGESTS[id(bank)] = known
    return known[1]


def fingerprint(profile: Profile, bank: QuestionBank, layout: Layout,
                clinic: Clinic | None) -> str:
    """What a handout is made from, as 32 hex digits: equal fingerprints, equal handouts."""
    made_from: dict[str, Any] = {"version": [__version__, LAYOUT_VERSION], "profile": profile,
                                 "bank": bank_digest(bank), "layout": layout, "clinic": clinic}
    if profile.language != SOURCE_LANGUAGE:  # its catalog's words print too
        made_from["catalog"] = catalog_digest(profile.language)
    return _digest(made_from)


def read_fingerprint(path: Path) -> str | None:
    """The fingerprint recorded in a handout, or None for any other file (never raises)."""
    try:
        # Never through a link, and never waiting on a pipe (flags absent on Windows).
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
                     | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_HANDOUT_BYTES:
            return None
        with os.fdopen(fd, "rb") as handle:
            fd = -1
            data = handle.read()
    except OSError:
        return None
    finally:
        if fd >= 0:
            os.close(fd)
    if data.startswith(HTML_START):  # an HTML handout: its keywords meta tag
        whole = data.rstrip().endswith(b"</html>")
        found = _HTML_FINGERPRINT.search(data[:4096])
        return found.group(1).decode() if whole and found else None
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-1024:]:
        return None  # not a PDF, or not a whole one
    quick = re.search(re.escape(FINGERPRINT_MARK).encode() + rb"([0-9a-f]{32})\)", data)
    if quick:  # reportlab writes the keywords as plain text
        return quick.group(1).decode()
    try:
        import io

        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data))
        metadata: Any = reader.metadata or {}
        keywords = str(metadata.get("/Keywords", ""))
        pages = len(reader.pages)
    except Exception:  # noqa: BLE001 - any unreadable PDF is simply not a handout
        return None
    match = _FINGERPRINT.search(keywords)
    return match.group(1) if match and pages else None


def handout_pages(profile: Profile, bank: QuestionBank, *, layout: Layout | None = None,
                  clinic: Clinic | None = None) -> int:
    """How many pages this profile's handout prints on, for its template, paper and length.

    The real count: the handout is laid out exactly as it will be written. (About 10 ms
    standard, 30 ms with every concern in large print.)

    Raises:
        VisitprepError: For anything in the inputs that cannot be printed.
    """
    if not select_questions(bank, profile).count:
        return 0  # nothing to print yet: the front door says so before it writes anything
    return count_pages(make_handout(profile, bank, layout=layout, clinic=clinic))
