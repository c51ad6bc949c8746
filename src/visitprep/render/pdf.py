"""Draw a Document as a PDF with reportlab platypus (with flowables.py, the only reportlab user)."""

from __future__ import annotations

import io
import unicodedata
import zlib
from collections.abc import Callable
from functools import cache, lru_cache
from typing import Any

from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import (
    FF_NONSYMBOLIC,
    FF_SYMBOLIC,
    SUBSETN,
    TTFont,
    makeToUnicodeCMap,
)
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
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
from visitprep.render.flowables import (
    INK,
    Checkbox,
    FieldRows,
    Form,
    LabelBox,
    LeadText,
    NotesLines,
    PlainText,
    QuestionBlock,
    Together,
    WriteLine,
    draw_lines,
    wrap_text,
)
from visitprep.resources import font_path

FONT = "VisitprepSans"
FONT_BOLD = "VisitprepSans-Bold"
FONT_LABEL = "DejaVu Sans"
PAPER_SIZES = {"letter": LETTER, "a4": A4}
_RTL = ("R", "AL")
FRAME_PADDING = 6.0  # platypus frames pad their content by 6 pt on each side


SUBSET_CACHE = 64  # distinct font subsets kept per font (~20 KB each, compressed)


class _Formatted(pdfdoc.PDFObject):
    """A part of a PDF formatted once: the same bytes in every handout."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def format(self, document: Any) -> bytes:
        return self.data


def _flate(data: bytes, **entries: Any) -> Any:
    """A PDF stream of data already compressed with zlib."""
    stream = pdfdoc.PDFStream(content=data)
    stream.dictionary["Filter"] = pdfdoc.PDFArray([pdfdoc.PDFName("FlateDecode")])
    for key, value in entries.items():
        stream.dictionary[key] = value
    return stream


def _embed_once(font: TTFont) -> None:
    """Embed each distinct subset of the font with parts made once per process.

    For every document, reportlab cuts a subset of the font, compresses it, and
    formats its widths and its character map: about a quarter of the time a handout
    takes. Handouts in a batch mostly use the same letters (see `_seed_subsets`), so
    these parts repeat: keep them. Otherwise this does what reportlab 4's
    TTFont.addObjects and TTFontFace.addSubsetObjects do; a test compares the two.
    """
    face = font.face
    uncached = font.addObjects

    @lru_cache(maxsize=SUBSET_CACHE)
    def parts(base: str, subset: tuple[int, ...]) -> tuple[bytes, int, bytes, _Formatted]:
        data = face.makeSubset(list(subset))
        cmap = makeToUnicodeCMap(base, list(subset))
        widths = pdfdoc.PDFArray([face.getCharWidth(char) for char in subset]).format(None)
        return zlib.compress(data), len(data), zlib.compress(cmap.encode("utf-8")), \
            _Formatted(widths)

    def add_objects(doc: Any) -> None:
        if not doc.compression:
            uncached(doc)
            return
        state = font.state.get(doc) or font.state.setdefault(
            doc, TTFont.State(font._asciiReadable))
        state.frozen = 1
        for number, subset in enumerate(state.subsets):
            internal = font.getSubsetInternalName(number, doc)[1:]
            base = b"".join((SUBSETN(number), b"+", face.name, face.subfontNameX)).decode(
                "pdfdoc")
            font_file, length, cmap, widths = parts(base, tuple(subset))
            file_ref = doc.Reference(_flate(font_file, Length1=length),
                                     f"fontFile:{face.filename}({base})")
            descriptor = pdfdoc.PDFDictionary({
                "Type": "/FontDescriptor",
                "Ascent": face.ascent,
                "CapHeight": face.capHeight,
                "Descent": face.descent,
                "Flags": (face.flags & ~FF_NONSYMBOLIC) | FF_SYMBOLIC,
                "FontBBox": pdfdoc.PDFArray(face.bbox),
                "FontName": pdfdoc.PDFName(base),
                "ItalicAngle": face.italicAngle,
                "StemV": face.stemV,
                "FontFile2": file_ref,
                "MissingWidth": face.defaultWidth,
            })
            pdf_font = pdfdoc.PDFTrueTypeFont()
            pdf_font.__Comment__ = f"Font {font.fontName} subset {number}"
            pdf_font.Name = internal
            pdf_font.BaseFont = base
            pdf_font.FirstChar = 0
            pdf_font.LastChar = len(subset) - 1
            pdf_font.Widths = widths
            pdf_font.ToUnicode = doc.Reference(_flate(cmap), "toUnicodeCMap:" + base)
            pdf_font.FontDescriptor = doc.Reference(descriptor, "fontDescriptor:" + base)
            doc.Reference(pdf_font, internal)
            doc.idToObject["BasicFonts"].dict[internal] = pdf_font
        del font.state[doc]

    font.addObjects = add_objects


def _seed_subsets(canvas: Canvas, document: Document) -> None:
    """Give the handout's letters their font codes in a fixed order, before drawing.

    reportlab numbers the letters of a subset in the order a document first uses
    them, so two handouts with the same letters would embed different subsets.
    ASCII has fixed codes already; the rest go in code-point order.
    """
    everything = "".join(text for _, text in document.texts())
    letters = set() if everything.isascii() else {c for c in set(everything) if ord(c) > 127}
    seed = "".join(sorted(letters | {"\u2022"}))
    for name in (FONT, FONT_BOLD):
        pdfmetrics.getFont(name).splitString(seed, canvas._doc)


@cache
def _fonts() -> frozenset[int]:
    """Register the bundled fonts once; return the code points both can draw."""
    regular = TTFont(FONT, str(font_path("DejaVuSans.ttf")))
    bold = TTFont(FONT_BOLD, str(font_path("DejaVuSans-Bold.ttf")))
    _embed_once(regular)
    _embed_once(bold)
    pdfmetrics.registerFont(regular)
    pdfmetrics.registerFont(bold)
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT,
                                  boldItalic=FONT_BOLD)
    return frozenset(regular.face.charToGlyph) & frozenset(bold.face.charToGlyph)


@lru_cache(maxsize=4096)  # bank texts repeat in every handout of a batch
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
    for origin, value in document.texts():
        problem = unprintable(value)
        if problem:
            raise RenderError(
                f"{origin} ('{value}') {problem}",
                hint="Write it another way (for example in Latin letters), or leave it out "
                "and write it on the printed page by hand.",
            )


class _Styles:
    """Text styles derived from a layout (made once per layout; see `_styles`)."""

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
                             spaceAfter=layout.heading_size * 0.4)  # kept with the next: _headed
        self.small = style("small", layout.small_size)


_STYLES: dict[tuple[Any, ...], _Styles] = {}


def _styles(layout: Layout) -> _Styles:
    key = (layout.source, layout.body_size, layout.heading_size, layout.title_size,
           layout.small_size, layout.line_spacing)
    if key not in _STYLES:
        _STYLES[key] = _Styles(layout)
    return _STYLES[key]


def _header(document: Document, styles: _Styles, layout: Layout, form: Form) -> Flowable:
    label_width = max(
        pdfmetrics.stringWidth(f.label + ":", FONT_BOLD, layout.body_size)
        for f in document.fields
    ) + layout.body_size * 0.6
    return FieldRows([(f.key, f.label, f.value) for f in document.fields], styles.bold,
                     styles.body, label_width, form, pad_top=layout.body_size * 0.3)


def _title(document: Document, styles: _Styles, layout: Layout, width: float) -> Flowable:
    """The title, with the "Place label here" box beside it on a navigator handout."""
    title = PlainText(document.title, styles.title)
    if not document.label_box:
        return title
    box = LabelBox(document.label_box, styles.small)
    gap = layout.body_size
    table = Table([[title, box]], colWidths=[width - LabelBox.WIDTH - gap, LabelBox.WIDTH + gap])
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("LEFTPADDING", (1, 0), (1, 0), gap),
        ("BOTTOMPADDING", (0, 0), (-1, -1), layout.body_size * 0.5),
    ]))
    return table


def _top_box(document: Document, styles: _Styles, layout: Layout, width: float,
             form: Form) -> Table:
    """The boxed "My top questions" on page 1, with the line inviting the care team first.

    The invitation sits under the box's title so it stays on page 1 even when large
    print pushes the last question over.
    """
    pad = layout.body_size * 0.8
    rows: list[list[Any]] = [[PlainText(document.top_title, styles.heading)],
                             [PlainText(document.invite, styles.bold)]]
    for number in range(1, document.top_slots + 1):
        item = document.top[number - 1] if number <= len(document.top) else None
        rows.append([QuestionBlock(item.text if item else None, styles.body, layout, form,
                                   f"top_{number}", number, lines=layout.top_answer_lines,
                                   slot=f"{document.top_title} {number}")])
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
               width: float, form: Form) -> list[Flowable]:
    when_width = width * 0.27
    box_width = layout.checkbox_size + layout.body_size * 0.7
    rows: list[list[Any]] = [["", "", PlainText(column, styles.bold)]]
    rows += [[Checkbox(layout.checkbox_size, form, f"symptom_{number}", item),
              PlainText(item, styles.body),
              WriteLine(styles.body.leading, form, f"symptom_{number}_when",
                        f"{column}: {item}")]
             for number, item in enumerate(checklist.items, 1)]
    table = Table(rows, colWidths=[box_width, width - box_width - when_width, when_width],
                  repeatRows=1)
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (1, -1), "TOP"),
        ("VALIGN", (2, 0), (2, -1), "BOTTOM"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (1, 0), (1, -1), layout.body_size),
        ("RIGHTPADDING", (2, 0), (2, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), layout.body_size * 0.8),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
    ]))
    intro: list[Flowable] = [PlainText(checklist.intro, styles.body)]
    if checklist.call_line:
        intro.append(_call_line(checklist.call_line, styles, layout, width, form))
    return [*_headed(PlainText(checklist.title, styles.heading), intro),
            Spacer(1, layout.body_size * 0.5), table]


def _call_line(label: str, styles: _Styles, layout: Layout, width: float,
               form: Form) -> Flowable:
    """A bold label with a line to write on beside it ("The number to call: ______")."""
    text_width = pdfmetrics.stringWidth(label, styles.bold.fontName, styles.bold.fontSize)
    label_width = min(width * 0.6, text_width + layout.body_size * 0.6)
    row = Table([[PlainText(label, styles.bold),
                  WriteLine(styles.body.leading * 1.3, form, "call_number", label)]],
                colWidths=[label_width, width - label_width])
    row.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), layout.body_size * 0.6),
    ]))
    return row


def _glossary(document: Document, styles: _Styles, layout: Layout,
              width: float) -> Flowable:
    """The words the questions use, with their meanings, in a small box kept whole."""
    pad = layout.body_size * 0.6
    rows = [[PlainText(document.glossary_title, styles.bold)]]
    rows += [[LeadText(f"{term}:", meaning, styles.bold, styles.body)]
             for term, meaning in document.glossary]
    box = Table(rows, colWidths=[width])
    box.setStyle(TableStyle([
        ("BOX", (0, 0), (-1, -1), 0.8, INK),
        ("LEFTPADDING", (0, 0), (-1, -1), pad),
        ("RIGHTPADDING", (0, 0), (-1, -1), pad),
        ("TOPPADDING", (0, 0), (-1, -1), pad * 0.3),
        ("BOTTOMPADDING", (0, -1), (-1, -1), pad),
    ]))
    return KeepTogether([Spacer(1, layout.body_size), box])


def _closing(document: Document, styles: _Styles, layout: Layout, width: float,
             form: Form) -> list[list[Flowable]]:
    """The last page's blocks, each kept whole: the clinic; resources and sources."""
    blocks: list[Flowable] = []
    if document.clinic_title:
        lines: list[Flowable] = (
            [PlainText(line, styles.body) for line in document.clinic] if document.clinic
            else [WriteLine(styles.body.leading * 1.3, form, f"clinic_{n}", document.clinic_title)
                  for n in range(1, 4)])
        pad = layout.body_size * 0.6
        box = Table([[PlainText(document.clinic_title, styles.bold)], *[[line] for line in lines]],
                    colWidths=[width])
        box.setStyle(TableStyle([
            ("BOX", (0, 0), (-1, -1), 1.2, INK),
            ("LEFTPADDING", (0, 0), (-1, -1), pad),
            ("RIGHTPADDING", (0, 0), (-1, -1), pad),
            ("BOTTOMPADDING", (0, -1), (-1, -1), pad),
        ]))
        blocks += [Spacer(1, layout.body_size * 0.5), box]
    learn_more = [
        *_headed(PlainText(document.learn_more_title, styles.heading),
                 [PlainText(line, styles.body) for line in document.resources]),
        *_headed(PlainText(document.sources_title, styles.heading),
                 [PlainText(line, styles.body) for line in document.sources]),
    ]
    return [block for block in (blocks, learn_more) if block]


def _headed(heading: Flowable, following: list[Flowable]) -> list[Flowable]:
    """A heading and what follows it, the heading never left alone at the foot of a page."""
    if not following:
        return [heading]
    return [Together([heading, following[0]]), *following[1:]]


def _story(document: Document, layout: Layout, width: float, form: Form) -> list[Flowable]:
    styles = _styles(layout)
    space = layout.body_size
    # Page 1 leads with who and when, then the top questions, so that even in large
    # print they stay on the first page; how to use the list follows the box.
    story: list[Flowable] = [
        _title(document, styles, layout, width),
        _header(document, styles, layout, form),
        Spacer(1, space * 0.6),
        _top_box(document, styles, layout, width, form),
        Spacer(1, space),
        LeadText(f"{document.situation_label}:", document.situation, styles.bold, styles.body),
        Spacer(1, space * 0.5),
        PlainText(document.intro, styles.body),
    ]
    own = 0
    for section in document.sections:
        blocks: list[Flowable] = []
        for item in section.items:
            if item.id is None:
                own += 1
            field = item.id if item.id is not None else f"own_{own}"
            blocks.append(QuestionBlock(item.text, styles.body, layout, form, field))
        story += _headed(PlainText(section.title, styles.heading), blocks)
    for checklist in document.checklists:
        story.extend(_checklist(checklist, document.checklist_column, styles, layout, width,
                                form))
    if document.glossary:
        story.append(_glossary(document, styles, layout, width))
    if document.support:
        story.append(KeepTogether(_headed(
            PlainText(document.support_title, styles.heading),
            [PlainText(document.support_intro, styles.body),
             *[PlainText(f"\u2022 {person}", styles.body) for person in document.support]])))
    closing = _closing(document, styles, layout, width, form)
    story += [PageBreak(),
              *_headed(PlainText(document.notes_title, styles.heading),
                       [NotesLines(layout.notes_lines, layout.line_gap,
                                   [flowable for block in closing for flowable in block],
                                   form, document.notes_title)]),
              *[KeepTogether(block) for block in closing]]
    return story


def _page_furniture(document: Document, layout: Layout) -> Callable[[Canvas, int, int], None]:
    size = layout.small_size
    style = ParagraphStyle("furniture", fontName=FONT, fontSize=size, leading=size * 1.2)

    def draw(canvas: Canvas, page: int, pages: int) -> None:
        width, height = canvas._pagesize
        margin = layout.margin_in * inch + FRAME_PADDING
        label = document.page_label.format(page=page, pages=pages)
        label_width = pdfmetrics.stringWidth(label, FONT, size)
        # The note wraps beside the page number, so the footer stays low in the margin.
        lines = wrap_text(document.footer, FONT, size, width - 2 * margin - label_width - size)
        baseline = layout.margin_in * inch * 0.3
        draw_lines(canvas, width - margin - label_width, baseline, (label,), style)
        if lines:
            draw_lines(canvas, margin, baseline + (len(lines) - 1) * style.leading, lines, style)
        head = wrap_text(document.running_head, FONT, size, width - 2 * margin)[:1]
        if page > 1 and head:
            draw_lines(canvas, width - margin - pdfmetrics.stringWidth(head[0], FONT, size),
                       height - layout.margin_in * inch * 0.55, head, style)

    return draw


def _canvas_maker(document: Document,
                  furniture: Callable[[Canvas, int, int], None]) -> type[Canvas]:
    class NumberedCanvas(Canvas):
        """Holds every page until the end, so each can say 'Page 2 of 3'."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []
            _seed_subsets(self, document)

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
               invariant: bool = False, keywords: str = "") -> bytes:
    """Render a handout to PDF bytes.

    Args:
        document: What the handout says.
        layout: How it looks.
        paper: 'letter' or 'a4'.
        invariant: Make the bytes the same on every run (fixed dates and ids), for tests.
        keywords: The PDF's keywords (visitprep records what the handout was made from).

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
        keywords=keywords,
        creator=f"visitprep {__version__}",
        lang=document.language,
        displayDocTitle=True,
        invariant=1 if invariant else 0,
    )
    form = Form(document.fillable, layout.body_size)
    story = _story(document, layout, doc.width - 2 * FRAME_PADDING, form)
    try:
        # (build consumes the list it is given)
        doc.build(list(story),
                  canvasmaker=_canvas_maker(document, _page_furniture(document, layout)))
    except LayoutError:
        raise RenderError(
            f"{_too_tall(story, doc.height - 2 * FRAME_PADDING)} is too long to fit on one page",
            hint="Shorten it or make it two questions, or use a template with smaller print.",
        ) from None
    return buffer.getvalue()


def _too_tall(story: list[Flowable], page_height: float) -> str:
    """Name what could not fit on a page, for the error message."""
    for flowable in story:
        parts = flowable.parts if isinstance(flowable, Together) else [flowable]
        for part in parts:
            if isinstance(part, QuestionBlock) and getattr(part, "height", 0) > page_height:
                shown = part.text if len(part.text) <= 60 else \
                    part.text[:58].rsplit(" ", 1)[0] + "..."
                return f"the question '{shown}'" if part.text else "a question line"
    return "part of the handout"
