"""Draw a Document as a PDF with reportlab platypus. The only module that imports reportlab."""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable
from functools import cache
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.doctemplate import LayoutError

from visitprep import __version__
from visitprep.document import Document
from visitprep.errors import RenderError
from visitprep.layout import Layout
from visitprep.models import Checklist
from visitprep.resources import font_path

FONT = "VisitprepSans"
FONT_BOLD = "VisitprepSans-Bold"
FONT_LABEL = "DejaVu Sans"
PAPER_SIZES = {"letter": LETTER, "a4": A4}
INK = colors.black
RULE = colors.Color(0.35, 0.35, 0.35)
_RTL = ("R", "AL")
FRAME_PADDING = 6.0  # platypus frames pad their content by 6 pt on each side


@cache
def _fonts() -> frozenset[int]:
    """Register the bundled fonts once; return the code points both can draw."""
    regular = TTFont(FONT, str(font_path("DejaVuSans.ttf")))
    bold = TTFont(FONT_BOLD, str(font_path("DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFont(regular)
    pdfmetrics.registerFont(bold)
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT,
                                  boldItalic=FONT_BOLD)
    return frozenset(regular.face.charToGlyph) & frozenset(bold.face.charToGlyph)


def unprintable(text: str) -> str | None:
    """Say why the handout's font cannot print this text, or return None if it can."""
    covered = _fonts()
    for char in text:
        if char.isspace():
            continue
        name = unicodedata.name(char, "unnamed character")
        if unicodedata.bidirectional(char) in _RTL:
            return (f"is written right to left ('{char}', {name}); "
                    "visitprep cannot print right-to-left text correctly yet")
        if ord(char) not in covered:
            return (f"has the character '{char}' (U+{ord(char):04X}, {name}), which the "
                    f"handout's font ({FONT_LABEL}) cannot print")
    return None


def check_printable(document: Document) -> None:
    """Refuse text the font cannot draw, rather than print an empty box.

    Raises:
        RenderError: Naming the text, the character and its Unicode name.
    """
    for origin, text in document.texts():
        problem = unprintable(text)
        if problem:
            raise RenderError(
                f"{origin} ('{text}') {problem}",
                hint="Write it another way (for example in Latin letters), or leave it out "
                "and write it on the printed page by hand.",
            )


class _Styles:
    """Paragraph styles derived from a layout."""

    def __init__(self, layout: Layout) -> None:
        spacing = layout.line_spacing

        def style(name: str, size: float, font: str = FONT, **kw: Any) -> ParagraphStyle:
            return ParagraphStyle(name, fontName=font, fontSize=size, leading=size * spacing,
                                  textColor=INK, alignment=TA_LEFT, **kw)

        self.body = style("body", layout.body_size)
        self.bold = style("bold", layout.body_size, FONT_BOLD)
        self.title = style("title", layout.title_size, FONT_BOLD, spaceAfter=layout.body_size * 0.5)
        self.heading = style("heading", layout.heading_size, FONT_BOLD,
                             spaceBefore=layout.heading_size * 1.1,
                             spaceAfter=layout.heading_size * 0.4, keepWithNext=1)
        self.small = style("small", layout.small_size)


def _para(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text), style)


class QuestionBlock(Flowable):
    """A checkbox, the question beside it, and ruled lines for the answer.

    With no text, the question line itself is a ruled line to write on.
    """

    def __init__(self, text: str | None, style: ParagraphStyle, layout: Layout,
                 number: int | None = None, lines: int | None = None) -> None:
        super().__init__()
        label = f"{number}. {text}" if number is not None and text else text
        self.para = _para(label, style) if label else None
        self.number = number
        self.style = style
        self.box = layout.checkbox_size
        self.gap = layout.line_gap
        self.lines = layout.answer_lines if lines is None else lines
        self.indent = self.box + style.fontSize * 0.7
        self.after = style.fontSize * 0.6
        self.text_height = 0.0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        if self.para is not None:
            _, self.text_height = self.para.wrap(avail_width - self.indent, avail_height)
        else:
            self.text_height = self.gap
        self.height = max(self.text_height, self.box) + self.lines * self.gap + self.after
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        top = self.height
        first_baseline = top - self.style.fontSize * 1.0
        canvas.setStrokeColor(INK)
        canvas.setLineWidth(1)
        canvas.rect(0, first_baseline - self.box * 0.12, self.box, self.box, stroke=1, fill=0)
        if self.para is not None:
            self.para.drawOn(canvas, self.indent, top - self.text_height)
        else:
            prefix = f"{self.number}." if self.number is not None else ""
            if prefix:
                canvas.setFont(FONT, self.style.fontSize)
                canvas.drawString(self.indent, first_baseline, prefix)
            start = self.indent + canvas.stringWidth(prefix + " ", FONT, self.style.fontSize)
            _rule(canvas, start, self.width, first_baseline - 2)
        y = top - max(self.text_height, self.box)
        for _ in range(self.lines):
            y -= self.gap
            _rule(canvas, self.indent, self.width, y)


def _rule(canvas: Canvas, x0: float, x1: float, y: float) -> None:
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.6)
    canvas.line(x0, y, x1, y)
    canvas.setStrokeColor(INK)


class Checkbox(Flowable):
    """An empty square to tick."""

    def __init__(self, size: float) -> None:
        super().__init__()
        self.size = size

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        self.canv.setLineWidth(1)
        self.canv.rect(0, 0, self.size, self.size, stroke=1, fill=0)


class RuledLines(Flowable):
    """Lines to write on; splits across pages when there are many."""

    def __init__(self, count: int, gap: float) -> None:
        super().__init__()
        self.count = count
        self.gap = gap

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        self.height = self.count * self.gap
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        fits = int(avail_height // self.gap)
        if fits <= 0 or fits >= self.count:
            return []
        return [RuledLines(fits, self.gap), RuledLines(self.count - fits, self.gap)]

    def draw(self) -> None:
        for index in range(1, self.count + 1):
            _rule(self.canv, 0, self.width, self.height - index * self.gap)


class NotesLines(RuledLines):
    """Ruled lines that fill the page, leaving room for the block that follows them.

    At least `minimum` lines print; when they and the block do not fit on the
    page, the lines fill this page and the block moves to the next.
    """

    def __init__(self, minimum: int, gap: float, reserve: list[Flowable]) -> None:
        super().__init__(minimum, gap)
        self.minimum = minimum
        self.reserve = reserve

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        reserved = sum(
            f.wrap(avail_width, avail_height)[1] + f.getSpaceBefore() + f.getSpaceAfter()
            for f in self.reserve
        )
        room = int((avail_height - reserved) // self.gap)
        self.count = room if room >= self.minimum else max(int(avail_height // self.gap), 1)
        return super().wrap(avail_width, avail_height)

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        return []


def _header(document: Document, styles: _Styles, layout: Layout, width: float) -> Table:
    label_width = max(
        pdfmetrics.stringWidth(f.label + ":", FONT_BOLD, layout.body_size)
        for f in document.fields
    ) + layout.body_size * 0.6
    rows = [[_para(f"{f.label}:", styles.bold), _para(f.value, styles.body)]
            for f in document.fields]
    table = Table(rows, colWidths=[label_width, width - label_width])
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ("LINEBELOW", (1, 0), (1, -1), 0.6, RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), layout.body_size * 0.3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))
    return table


def _top_box(document: Document, styles: _Styles, layout: Layout, width: float) -> Table:
    """The boxed "My top questions" on page 1, with the line inviting the care team first.

    The invitation sits under the box's title so it stays on page 1 even when large
    print pushes the last question over.
    """
    pad = layout.body_size * 0.8
    rows: list[list[Any]] = [[_para(document.top_title, styles.heading)],
                             [_para(document.invite, styles.bold)]]
    for number in range(1, document.top_slots + 1):
        item = document.top[number - 1] if number <= len(document.top) else None
        rows.append([QuestionBlock(item.text if item else None, styles.body, layout, number,
                                   lines=layout.top_answer_lines)])
    # If the box ever has to split, its title repeats on the next page.
    table = Table(rows, colWidths=[width], repeatRows=1)
    table.setStyle(TableStyle([
        ("BOX", (0, 0), (-1, -1), 2, INK),
        ("LEFTPADDING", (0, 0), (-1, -1), pad),
        ("RIGHTPADDING", (0, 0), (-1, -1), pad),
        ("TOPPADDING", (0, 0), (-1, 0), pad * 0.2),
        ("BOTTOMPADDING", (0, 1), (-1, 1), pad),
        ("BOTTOMPADDING", (0, -1), (-1, -1), pad * 0.3),
    ]))
    return table


def _checklist(checklist: Checklist, column: str, styles: _Styles, layout: Layout,
               width: float) -> list[Flowable]:
    when_width = width * 0.27
    box_width = layout.checkbox_size + layout.body_size * 0.7
    rows: list[list[Any]] = [["", "", _para(column, styles.bold)]]
    rows += [[Checkbox(layout.checkbox_size), _para(item, styles.body), ""]
             for item in checklist.items]
    table = Table(rows, colWidths=[box_width, width - box_width - when_width, when_width],
                  repeatRows=1)
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (1, 0), (1, -1), layout.body_size),
        ("TOPPADDING", (0, 0), (-1, -1), layout.body_size * 0.8),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        ("LINEBELOW", (2, 1), (2, -1), 0.6, RULE),
    ]))
    return [_para(checklist.title, styles.heading), _para(checklist.intro, styles.body),
            Spacer(1, layout.body_size * 0.5), table]


def _story(document: Document, layout: Layout, width: float) -> list[Flowable]:
    styles = _Styles(layout)
    space = layout.body_size
    # Page 1 leads with who and when, then the top questions, so that even in large
    # print they stay on the first page; how to use the list follows the box.
    story: list[Flowable] = [
        _para(document.title, styles.title),
        _header(document, styles, layout, width),
        Spacer(1, space * 0.6),
        _top_box(document, styles, layout, width),
        Spacer(1, space),
        Paragraph(f"<b>{escape(document.situation_label)}:</b> {escape(document.situation)}",
                  styles.body),
        Spacer(1, space * 0.5),
        _para(document.intro, styles.body),
    ]
    for section in document.sections:
        story.append(_para(section.title, styles.heading))
        story.extend(QuestionBlock(item.text, styles.body, layout) for item in section.items)
    for checklist in document.checklists:
        story.extend(_checklist(checklist, document.checklist_column, styles, layout, width))
    closing = [
        _para(document.learn_more_title, styles.heading),
        *[_para(line, styles.body) for line in document.resources],
        _para(document.sources_title, styles.heading),
        *[_para(line, styles.small) for line in document.sources],
    ]
    story += [PageBreak(), _para(document.notes_title, styles.heading),
              NotesLines(layout.notes_lines, layout.line_gap, closing),
              KeepTogether(closing)]
    return story


def _page_furniture(document: Document, layout: Layout) -> Callable[[Canvas, int, int], None]:
    def draw(canvas: Canvas, page: int, pages: int) -> None:
        width, height = canvas._pagesize
        margin = layout.margin_in * inch + FRAME_PADDING
        size = layout.small_size
        canvas.setFillColor(INK)
        canvas.setFont(FONT, size)
        label = document.page_label.format(page=page, pages=pages)
        label_width = canvas.stringWidth(label, FONT, size)
        # The note wraps beside the page number, so the footer stays low in the margin.
        text_width = width - 2 * margin - label_width - size
        lines = simpleSplit(document.footer, FONT, size, text_width)
        baseline = layout.margin_in * inch * 0.3
        canvas.drawRightString(width - margin, baseline, label)
        for index, line in enumerate(reversed(lines)):
            canvas.drawString(margin, baseline + index * size * 1.2, line)
        if page > 1:
            head = simpleSplit(document.running_head, FONT, size, width - 2 * margin)[0]
            canvas.drawRightString(width - margin, height - layout.margin_in * inch * 0.55, head)

    return draw


def _canvas_maker(furniture: Callable[[Canvas, int, int], None]) -> type[Canvas]:
    class NumberedCanvas(Canvas):
        """Holds every page until the end, so each can say 'Page 2 of 3'."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, 1):
                self.__dict__.update(state)
                furniture(self, number, total)
                super().showPage()
            super().save()

    return NumberedCanvas


def render_pdf(document: Document, layout: Layout, *, paper: str = "letter",
               invariant: bool = False) -> bytes:
    """Render a handout to PDF bytes.

    Args:
        document: What the handout says.
        layout: How it looks.
        paper: 'letter' or 'a4'.
        invariant: Make the bytes the same on every run (fixed dates and ids), for tests.

    Raises:
        RenderError: For a character the font cannot draw, or content that cannot fit a page.
    """
    check_printable(document)
    margin = layout.margin_in * inch
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=PAPER_SIZES[paper],
        leftMargin=margin, rightMargin=margin, topMargin=margin, bottomMargin=margin,
        title=document.meta_title,
        author="visitprep",
        subject=document.subject,
        creator=f"visitprep {__version__}",
        lang=document.language,
        displayDocTitle=True,
        invariant=1 if invariant else 0,
    )
    story = _story(document, layout, doc.width - 2 * FRAME_PADDING)
    try:
        doc.build(story, canvasmaker=_canvas_maker(_page_furniture(document, layout)))
    except LayoutError as exc:
        raise RenderError(
            f"part of the handout is too big to fit on one page ({exc})",
            hint="Shorten the longest question, or use a template with smaller print.",
        ) from None
    return buffer.getvalue()
