"""Draw a Document as one self-contained, accessible HTML page: the PDF's twin.

Real headings, each question a labelled checkbox with a labelled text area for the
answer, and a print style sheet; no outside resources (no fonts, scripts or images
fetched). Every text goes through jinja2's autoescape. No reportlab here: making the
HTML never loads it.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from visitprep import __version__
from visitprep.document import Document
from visitprep.errors import RenderError
from visitprep.i18n import N_, gettext
from visitprep.layout import Layout
from visitprep.models import Item

TEMPLATE_DIR = Path(__file__).resolve().parent / "html_templates"
PAPER_CSS = {"letter": "letter", "a4": "A4"}
# The few words the page adds to the Document's (for labels a screen reader reads out).
WORDS = {
    "answer_to": N_("Answer to: {question}"),
    "slot": N_("Write your own top question {number} here"),
    "slot_done": N_("Top question {number} answered"),
    "slot_answer": N_("Answer to top question {number}"),
    "logo": N_("The clinic's logo"),
    "keep": N_("This page does not keep what you type. To keep your answers, print the page "
            "or save it as a PDF before you close it."),
    "example_checked": N_("A checked box:"),
    "picture_local": N_("A circle with black dots inside it."),
    "picture_regional": N_("A circle with black dots near it, joined to it by lines."),
    "picture_distant": N_("A circle, and far from it another shape with a black dot inside."),
}
MIN_SCREEN_PX = 18.0  # base text on screen, whatever the print size
_PX_PER_PT = 4 / 3
# A web address in a resource line ("www.cancer.gov", "https://..."), linked as itself.
_URL = re.compile(r"\b(?:https?://|www\.)[^\s,;<>\"')]+[^\s,;<>\"').:]")


@dataclass(frozen=True)
class HtmlQuestion:
    """A question as the page shows it: its text, and the names of its form fields."""

    text: str
    field: str  # "top_1", "own_2", "tx-choices": the PDF's field names, minus the suffix
    number: int | None = None  # shown in the top questions ("1.")
    own: bool = False  # the person's own words (their direction may differ)

    @property
    def done(self) -> str:
        """The checkbox's name: ticked once the question is answered."""
        return f"{self.field}_done"

    @property
    def answer(self) -> str:
        """The answer text area's name."""
        return f"{self.field}_answer"

    @property
    def question(self) -> str:
        """The text field's name, for a top question slot left empty."""
        return f"{self.field}_question"


class _Names:
    """Field names that never repeat within a page (as the PDF's form does)."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def claim(self, name: str) -> str:
        candidate, number = name, 2
        while candidate in self.used:
            candidate, number = f"{name}_{number}", number + 1
        self.used.add(candidate)
        return candidate


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        # Every text in the page is escaped; the style sheet holds only numbers and
        # css_string() values.
        autoescape=jinja2.select_autoescape(disabled_extensions=("css",), default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def link_addresses(text: str) -> Markup:
    """Escape text and link the web addresses in it (resource lines only).

    Only what the line prints becomes a link; nothing is loaded from it.
    """
    parts: list[str] = []
    last = 0
    for match in _URL.finditer(text):
        parts.append(escape(text[last:match.start()]))
        shown = match.group(0)
        target = shown if shown.startswith(("http://", "https://")) else f"https://{shown}"
        parts.append(Markup('<a href="{}">{}</a>').format(target, shown))
        last = match.end()
    parts.append(escape(text[last:]))
    return Markup("").join(parts)


def _questions(document: Document, names: _Names) -> tuple[list[HtmlQuestion],
                                                            list[list[HtmlQuestion]]]:
    """The top slots (empty text for a slot left empty) and each section's questions."""
    top = [HtmlQuestion(item.text if item else "", names.claim(f"top_{number}"), number,
                        own=bool(item and item.is_own))
           for number, item in _top_slots(document)]
    own = 0
    sections: list[list[HtmlQuestion]] = []
    for section in document.sections:
        shown: list[HtmlQuestion] = []
        for item in section.items:
            if item.is_own:
                own += 1
            field = item.id if item.id is not None else f"own_{own}"
            shown.append(HtmlQuestion(item.text, names.claim(field), own=item.is_own))
        sections.append(shown)
    return top, sections


def _top_slots(document: Document) -> list[tuple[int, Item | None]]:
    return [(number, document.top[number - 1] if number <= len(document.top) else None)
            for number in range(1, document.top_slots + 1)]


def kind_picture(kind: str) -> Markup:
    """The drawing of one kind as inline SVG (numbers only: nothing to escape): the place
    the cancer first started as a circle, where it comes back as black dots."""
    shapes = ['<circle cx="22" cy="25" r="13" fill="none" stroke="#000" stroke-width="2"/>']
    if kind == "local":
        shapes += ['<circle cx="25" cy="22" r="4" fill="#000"/>',
                   '<circle cx="18" cy="29" r="3.5" fill="#000"/>']
    elif kind == "regional":
        for x, y in ((52, 13), (57, 27), (50, 39)):
            shapes += [f'<line x1="35" y1="25" x2="{x}" y2="{y}" stroke="#000" '
                       'stroke-width="1.2"/>', f'<circle cx="{x}" cy="{y}" r="4.5" fill="#000"/>']
    else:
        shapes += ['<line x1="37" y1="25" x2="83" y2="25" stroke="#000" stroke-width="1.2" '
                   'stroke-dasharray="3 3"/>',
                   '<ellipse cx="100" cy="25" rx="15" ry="19" fill="none" stroke="#000" '
                   'stroke-width="2"/>', '<circle cx="100" cy="25" r="4.5" fill="#000"/>']
    return Markup("".join(shapes))


def css_string(text: str) -> str:
    """Quote text as a CSS string: every character but letters, digits and spaces
    escaped, so no text can end the string or the style sheet."""
    return '"' + "".join(c if c.isalnum() and c.isascii() or c == " " else f"\\{ord(c):06x} "
                         for c in text) + '"'


def _page_counter(label: str) -> str:
    """The template's page label ("Page {page} of {pages}") as CSS content."""
    parts: list[str] = []
    for piece in re.split(r"(\{page\}|\{pages\})", label):
        if piece == "{page}":
            parts.append("counter(page)")
        elif piece == "{pages}":
            parts.append("counter(pages)")
        elif piece:
            parts.append(css_string(piece))
    return " ".join(parts) or "none"


def _sizes(layout: Layout) -> dict[str, float]:
    body = layout.body_size
    return {
        "print_body": body,
        "print_small": layout.small_size,
        "screen_body": round(max(MIN_SCREEN_PX, body * _PX_PER_PT), 2),
        "title_em": round(layout.title_size / body, 3),
        "heading_em": round(layout.heading_size / body, 3),
        "small_em": round(max(layout.small_size / body, 0.8), 3),
        "checkbox_em": round(layout.checkbox_size / body, 3),
        "indent_em": round(layout.checkbox_size / body + 0.6, 3),
        "line_spacing": layout.line_spacing,
        "margin": layout.margin_in,
        "line_gap": layout.line_gap,
        "answer_height": max(layout.answer_lines, 1) * layout.line_gap,
        "top_answer_height": max(layout.top_answer_lines, 1) * layout.line_gap,
        "notes_height": max(layout.notes_lines, 3) * layout.line_gap,
        "clinic_height": 2 * layout.line_gap,
        "answer_screen_rows": max(layout.answer_lines, 2),
        "top_screen_rows": max(layout.top_answer_lines, 2),
        "notes_screen_rows": max(layout.notes_lines, 3),
    }


def render_html(document: Document, layout: Layout, *, paper: str = "letter",
                keywords: str = "") -> str:
    """Render a handout as one self-contained HTML page.

    Args:
        document: What the handout says (the same Document the PDF draws).
        layout: The template: print sizes, margins and room to write.
        paper: 'letter' or 'a4', for the print style sheet's page size.
        keywords: The page's keywords meta tag (what it was made from, for batch reruns).

    Returns:
        The page, as text (write it as UTF-8).
    """
    names = _Names()
    for header in document.fields:
        names.claim(header.key)
    top, sections = _questions(document, names)
    calls = [(names.claim("call_number" if n == 1 else f"call_number_{n}"), label, number)
             for n, (label, number) in enumerate(document.calls, 1)]
    checklists = [
        ([(names.claim(f"symptom_{n}"), names.claim(f"symptom_{n}_when"), entry)
          for n, entry in enumerate(checklist.items, 1)],
         calls if index == 0 else [])
        for index, checklist in enumerate(document.checklists)
    ]
    logo = logo_data(document.clinic_logo) if document.clinic_logo else ""
    env = _environment()
    css = env.get_template("handout.css").render(
        s=_sizes(layout), page_size=PAPER_CSS.get(paper, "letter"),
        page_css=_page_counter(document.page_label),
        head_css=css_string(document.running_head) if document.running_head else "none",
    )
    return env.get_template("handout.html").render(
        doc=document,
        css=Markup(css),  # built from numbers and css_string(): nothing left to escape
        csp=style_policy(css, images=bool(logo)),
        top=top,
        sections=list(zip(document.sections, sections, strict=True)),
        checklists=list(zip(document.checklists, checklists, strict=True)),
        logo=logo,
        clinic_rows=2,
        notes=names.claim("notes"),
        clinic_field=names.claim("clinic"),
        # on screen, room for a sentence or two whatever the paper allows
        top_rows=max(layout.top_answer_lines, 2),
        answer_rows=max(layout.answer_lines, 2),
        notes_rows=max(layout.notes_lines, 3),
        words={key: gettext(value) for key, value in WORDS.items()},
        picture=kind_picture,
        link=link_addresses,
        version=__version__,
        keywords=keywords,
    )


def page_policy(page: str) -> str:
    """The Content-Security-Policy a page from `render_html` declares, for a server to
    send as the header when it serves the page.

    A server's usual policy (style-src 'self') would block the page's inline style
    sheet; this one lets exactly that style sheet apply and nothing load.
    """
    match = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', page)
    if match is None:
        raise ValueError("not a page made by render_html: it declares no policy")
    return Markup(match.group(1)).unescape()


def style_policy(css: str, *, images: bool = False) -> str:
    """The page's Content-Security-Policy: nothing may load; only its own style sheet
    applies, and pictures only from inside the page (the clinic's logo)."""
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")
    pictures = "img-src data:; " if images else ""
    return (f"default-src 'none'; style-src 'sha256-{digest}'; {pictures}base-uri 'none'; "
            "form-action 'none'")


def logo_data(path: str) -> str:
    """The clinic's logo (PNG or JPEG) as a data: address, so the page stays one file.

    Raises:
        RenderError: If the file cannot be read or is neither PNG nor JPEG.
    """
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise RenderError(f"the clinic's logo {path} cannot be read ({exc.strerror or exc})",
                          hint="Check the 'logo' line of the clinic file.") from None
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = "png"
    elif data.startswith(b"\xff\xd8\xff"):
        kind = "jpeg"
    else:
        raise RenderError(f"the clinic's logo {path} is not a PNG or JPEG image",
                          hint="Save the logo as PNG or JPEG.")
    return f"data:image/{kind};base64,{base64.b64encode(data).decode('ascii')}"
