"""The whole pipeline for one handout: profile in, PDF or HTML out."""

from __future__ import annotations

import re
from pathlib import Path

from visitprep.document import Document, build_document
from visitprep.errors import UsageError
from visitprep.layout import Layout, load_layout
from visitprep.models import FORMATS, Clinic, Profile, QuestionBank
from visitprep.selection import select_questions

__all__ = ["FORMATS", "count_pages", "make_document", "make_handout", "output_format"]
SUFFIXES: dict[str, str] = {".pdf": "pdf", ".html": "html", ".htm": "html"}


def output_format(path: Path | None, given: str | None) -> str:
    """The format to write: --format if given, else the -o file's extension, else PDF.

    Raises:
        UsageError: If --format and a .pdf/.html/.htm extension disagree.
    """
    by_name = SUFFIXES.get(path.suffix.lower()) if path is not None else None
    if given is not None and by_name is not None and given != by_name:
        raise UsageError(
            f"--format {given} does not match the file name {path}, which makes "
            f"{'an HTML' if by_name == 'html' else 'a PDF'} file",
            hint=f"Give the file a .{given} name, or leave out --format (the file name's "
            "extension then chooses the format).",
        )
    return given or by_name or "pdf"


def make_document(profile: Profile, bank: QuestionBank, *, layout: Layout | None = None,
                  clinic: Clinic | None = None) -> tuple[Document, Layout]:
    """Select the questions and lay out what the handout says (no rendering)."""
    layout = load_layout(profile.template) if layout is None else layout
    return build_document(bank, profile, select_questions(bank, profile), layout, clinic), layout


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
    document, layout = make_document(profile, bank, layout=layout, clinic=clinic)
    if fmt == "html":
        from visitprep.render.html import render_html  # no reportlab for HTML

        return render_html(document, layout, paper=profile.paper).encode("utf-8")
    if fmt != "pdf":
        raise ValueError(f"unknown format {fmt!r}")
    from visitprep.render.pdf import render_pdf  # reportlab loads only when a PDF is made

    return render_pdf(document, layout, paper=profile.paper, invariant=invariant)


def count_pages(pdf: bytes) -> int:
    """Count the pages of a PDF made by visitprep."""
    return len(re.findall(rb"/Type /Page\b(?!s)", pdf))


def handout_pages(profile: Profile, bank: QuestionBank, *, layout: Layout | None = None,
                  clinic: Clinic | None = None) -> int:
    """How many pages this profile's handout prints on, for its template, paper and length.

    The real count: the handout is laid out exactly as it will be written. (About 10 ms
    standard, 30 ms with every concern in large print.)

    Raises:
        VisitprepError: For anything in the inputs that cannot be printed.
    """
    return count_pages(make_handout(profile, bank, layout=layout, clinic=clinic))
