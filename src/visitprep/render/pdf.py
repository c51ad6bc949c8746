"""Draw a Document as a PDF with reportlab platypus (with flowables.py, the only reportlab user)."""

from __future__ import annotations

# isort: off
import visitprep.render.quick_platypus  # noqa: F401 - before any reportlab import
# isort: on
import io
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
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.doctemplate import LayoutError

from visitprep import __version__
from visitprep.document import Document, HeaderField
from visitprep.errors import RenderError
from visitprep.fonts import FONT, FONT_BOLD, check_printable, register
from visitprep.i18n import tag
from visitprep.layout import Layout
from visitprep.models import Checklist
from visitprep.render.flowables import (
    INK,
    Box,
    ChecklistRows,
    ExampleBlock,
    FieldRows,
    Figure,
    Form,
    KindsFigure,
    LabelBox,
    LeadText,
    Lines,
    Marked,
    NotesBlock,
    NotesLines,
    PlainText,
    QuestionBlock,
    Together,
    WriteLine,
    draw_lines,
    opening,
    wrap_text,
)
from visitprep.render.tags import PAGINATION, Node, Tags, tags_of

PAPER_SIZES = {"letter": LETTER, "a4": A4}
FRAME_PADDING = 6.0  # platypus frames pad their content by 6 pt on each side
EDGE = 0.4 * inch + 1.5  # nothing prints closer to the paper's edge (home inkjet printers)
DESCENT, ASCENT = 0.24, 0.93  # DejaVu Sans, as a share of the font size
LOGO_BOX = (1.8 * inch, 0.7 * inch)  # the clinic's logo is scaled to fit this box


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
def _fonts() -> None:
    """Register the bundled fonts (visitprep.fonts) and embed them our way, once."""
    for font in register():
        _embed_once(font)


class _Styles:
    """Text styles derived from a layout (made once per layout; see `_styles`)."""

    def __init__(self, layout: Layout) -> None:
        spacing = layout.line_spacing

        def style(name: str, size: float, font: str = FONT, **kw: Any) -> ParagraphStyle:
            return ParagraphStyle(name, fontName=font, fontSize=size, leading=size * spacing,
                                  textColor=INK, alignment=TA_LEFT, **kw)

        self.body = style("body", layout.body_size)
        self.bold = style("bold", layout.body_size, FONT_BOLD)
        self.title = style("title", layout.title_size, FONT_BOLD, spaceAfter=layout.body_size * 0.2)
        self.title.leading = layout.title_size * min(spacing, 1.25)  # one line, as a rule
        self.heading = style("heading", layout.heading_size, FONT_BOLD,
                             spaceBefore=layout.heading_size * 0.6,
                             spaceAfter=layout.heading_size * 0.3)  # kept with the next: _headed
        # a heading is a line or two of large bold type: set as the title is, not at the
        # body's 1.5 (which is for running text)
        self.heading.leading = layout.heading_size * min(spacing, 1.25)
        self.small = style("small", layout.small_size)


_STYLES: dict[tuple[Any, ...], _Styles] = {}


def _styles(layout: Layout) -> _Styles:
    key = (layout.source, layout.body_size, layout.heading_size, layout.title_size,
           layout.small_size, layout.line_spacing)
    if key not in _STYLES:
        _STYLES[key] = _Styles(layout)
    return _STYLES[key]


def _header(document: Document, styles: _Styles, layout: Layout, form: Form,
            width: float) -> Flowable:
    """The header's fields: in pairs side by side (name and visit date, doctor and who
    is coming) when each fits on one line that way, else one under the other."""
    rows = [(f.key, f.label, f.value) for f in document.fields]
    size, pad = layout.body_size, layout.body_size * 0.6

    def label_width(fields: list[HeaderField]) -> float:
        return float(max(pdfmetrics.stringWidth(f.label + ":", FONT_BOLD, size)
                         for f in fields) + pad)

    if len(rows) > 1:
        gap = size
        columns = [list(document.fields[0::2]), list(document.fields[1::2])]
        labels = tuple(label_width(fields) for fields in columns)
        # a blank value keeps room to write on by hand
        needs = [labels[n] + FieldRows.PAD_RIGHT + max(
            max(pdfmetrics.stringWidth(f.value, FONT, size) for f in fields), size * 8)
            for n, fields in enumerate(columns)]
        spare = width - gap - sum(needs)
        if spare >= 0:
            cells = (needs[0] + spare / 2, needs[1] + spare / 2)
            return FieldRows(rows, styles.bold, styles.body, labels, form,
                             pad_top=size * 0.1, cell_widths=cells, node=form.tree.add("L"))
    return FieldRows(rows, styles.bold, styles.body,
                     (min(label_width(list(document.fields)), width * 0.5),), form,
                     pad_top=size * 0.1, node=form.tree.add("L"))


def _clinic_block(document: Document, styles: _Styles, layout: Layout, width: float,
                  form: Form) -> Flowable:
    """The clinic's contact block, in a box: its logo beside "For more local information,
    please contact:" and the details, or lines to write them on.

    Each line is a row of the box, so that a long block can continue on the next page;
    the logo goes above the details when beside them would be too narrow, or when the
    details run long."""
    pad = layout.body_size * 0.6
    tree = form.tree
    title = tree.add("H2")  # a heading, then the logo, then the details
    logo: Flowable | None = _logo(document.clinic_logo, tree.add(
        "Figure", alt=document.clinic_logo_alt)) if document.clinic_logo else None
    beside = logo is not None and width - 2 * pad - logo.drawWidth - pad >= layout.body_size * 14
    text_width = width - 2 * pad - (logo.drawWidth + pad if beside and logo else 0)
    lines = _pack(document.clinic, styles.body, text_width) if document.clinic else ()
    if beside and len(lines) > 6:
        beside, text_width = False, width - 2 * pad
        lines = _pack(document.clinic, styles.body, text_width)
    details: list[Flowable] = [PlainText(document.clinic_title, styles.bold, title)]
    if document.clinic:
        details += [PlainText(line, styles.body, tree.add("P")) for line in lines]
    else:
        blank = tree.add("Div")
        details += [WriteLine(styles.body.leading * 1.3, form, f"clinic_{n}",
                              document.clinic_title, blank) for n in range(1, 4)]
    style = [("BOX", (0, 0), (-1, -1), 1.2, INK),
             ("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("LEFTPADDING", (0, 0), (-1, -1), pad),
             ("RIGHTPADDING", (0, 0), (-1, -1), 0),
             ("RIGHTPADDING", (-1, 0), (-1, -1), pad),
             ("TOPPADDING", (0, 0), (-1, -1), 0),
             ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
             ("TOPPADDING", (0, 0), (-1, 0), pad * 0.7),
             ("BOTTOMPADDING", (0, -1), (-1, -1), pad)]
    if beside and logo is not None:  # a short block: one row, the logo in its own column
        box = Box([[logo, details]], colWidths=[logo.drawWidth + pad, width - logo.drawWidth
                                                - pad])
    else:
        rows: list[list[Any]] = [[part] for part in details]
        if logo is not None:
            rows.insert(0, [logo])
            style.append(("BOTTOMPADDING", (0, 0), (-1, 0), pad * 0.5))
        box = Box(rows, colWidths=[width])
        box.rows_may_split = len(rows) > 4  # see Together.split
    box.setStyle(TableStyle(style))
    return box


def _pack(entries: tuple[str, ...], style: ParagraphStyle, width: float,
          sep: str = "; ") -> tuple[str, ...]:
    """Entries on as few lines as fit, separated by `sep` within a line, each kept
    whole on a line (a phone number never breaks) unless it is longer than a line."""
    lines: list[str] = []
    fresh = False  # whether the last line may take another entry
    for entry in entries:
        joined = f"{lines[-1]}{sep}{entry}" if lines else entry
        if fresh and pdfmetrics.stringWidth(joined, style.fontName, style.fontSize) <= width:
            lines[-1] = joined
            continue
        wrapped = wrap_text(entry, style.fontName, style.fontSize, width)
        lines += wrapped
        fresh = len(wrapped) == 1
    return tuple(lines)


def _logo(path: str, node: Node) -> Flowable:
    """The clinic's logo, scaled to fit LOGO_BOX and keeping its proportions."""
    try:
        image = Figure(path, node)
        scale = min(LOGO_BOX[0] / image.imageWidth, LOGO_BOX[1] / image.imageHeight)
    except Exception as exc:  # reportlab and Pillow raise many kinds for a bad image
        raise RenderError(
            f"the clinic's logo {path} cannot be read as an image ({exc})",
            hint="Give a PNG or JPEG file, or remove 'logo:' from the clinic file.",
        ) from None
    image.drawWidth = image.imageWidth * scale
    image.drawHeight = image.imageHeight * scale
    image.hAlign = "LEFT"
    return image


def _page_one_top(document: Document, styles: _Styles, layout: Layout, width: float,
                  form: Form) -> list[Flowable]:
    """The title and the header; on a navigator handout, the header beside the "Place
    label here" box, and the clinic's block under them, the full width of the page."""
    title = PlainText(document.title, styles.title, form.tree.add("H1"))
    if not document.label_box:
        return [title, _header(document, styles, layout, form, width)]
    gap = layout.body_size
    left = width - LabelBox.WIDTH - gap
    row = Box([[_header(document, styles, layout, form, left),
                LabelBox(document.label_box, styles.small, form.tree.add("P"))]],
                colWidths=[left, LabelBox.WIDTH + gap])
    row.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
        ("LEFTPADDING", (1, 0), (1, 0), gap),
    ]))
    if not document.clinic_title:
        return [title, row]
    return [title, row, Spacer(1, layout.body_size * 0.5),
            _clinic_block(document, styles, layout, width, form)]


class _TopBox(Box):
    """A table that splits only after its title, invitation and first question."""

    KEEP = 3
    lines: int | None = None  # the writing lines each question was given, if not the template's

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        parts = super().split(availWidth, availHeight)
        if parts and len(parts[0]._cellvalues) < self.KEEP:
            return []
        return list(parts)


def _top_box(document: Document, styles: _Styles, layout: Layout, width: float,
             form: Form, extra: int = 0, lines: int | None = None,
             more: dict[int, int] | None = None, node: Node | None = None) -> Table:
    """The boxed "My top questions" on page 1, with the line inviting the care team first.

    The invitation sits under the box's title so it stays on page 1 even when large
    print pushes the last question over. `extra` writing lines are shared among the
    questions (the first ones first); `lines` replaces the template's writing lines for
    each; `more` gives chosen questions (by number) more lines. `node` is the box's
    section of the structure tree, from the box this one replaces.
    """
    pad = layout.body_size * 0.8
    if node is None:
        node = form.tree.add("Sect")
    node.kids.clear()
    rows: list[list[Any]] = [[PlainText(document.top_title, styles.heading, node.add("H2"))],
                             [PlainText(document.invite, styles.bold, node.add("P"))]]
    if document.top_empty:  # blank: the box is the reader's to fill in, and says so
        rows.append([PlainText(document.top_empty, styles.body, node.add("P"))])
    questions = node.add("L")
    slots = document.top_slots
    for number in range(1, slots + 1):
        item = document.top[number - 1] if number <= len(document.top) else None
        count = (layout.top_answer_lines if lines is None else lines) + extra // slots \
            + (number <= extra % slots) + (more or {}).get(number, 0)
        rows.append([QuestionBlock(item.text if item else None, styles.body, layout, form,
                                   f"top_{number}", number, lines=count,
                                   slot=f"{document.top_title} {number}", node=questions)])
    rows += [[LeadText(f"{term}:", meaning, styles.bold, styles.body, node.add("P"))]
             for term, meaning in document.top_terms]
    # If the box ever has to split, its title repeats on the next page.
    table = _TopBox(rows, colWidths=[width], repeatRows=1)
    table.node = node
    table.lines = lines
    table.KEEP = 4 if document.top_empty else 3
    table.setStyle(TableStyle([
        ("BOX", (0, 0), (-1, -1), 2, INK),
        ("LEFTPADDING", (0, 0), (-1, -1), pad),
        ("RIGHTPADDING", (0, 0), (-1, -1), pad),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, 0), pad * 0.3),
        ("BOTTOMPADDING", (0, 0), (-1, 0), pad * 0.2),
        ("BOTTOMPADDING", (0, 1), (-1, 1), pad * (0.2 if document.top_empty else 0.45)),
        ("BOTTOMPADDING", (0, 2), (-1, 2), pad * 0.45 if document.top_empty else 0),
        ("BOTTOMPADDING", (0, -1), (-1, -1), pad * 0.2),
    ]))
    return table


def _checklist(checklist: Checklist, document: Document, styles: _Styles, layout: Layout,
               width: float, form: Form, continued: str = "") -> Flowable:
    # First, in bold, not to wait for the visit; then the source's warning (and that many
    # have other causes) and how to fill the table in: one paragraph; then the numbers to
    # call, right under the words that say to call, over the rows.
    tree = form.tree
    calls = document.calls if document.checklists.index(checklist) == 0 else ()
    rest = " ".join(text for text in (checklist.intro, checklist.how_to) if text)
    head: list[Flowable] = [PlainText(checklist.title, styles.heading, tree.add("H2")),
                            LeadText(checklist.act_now, rest, styles.bold, styles.body,
                                     tree.add("P"))
                            if checklist.act_now else PlainText(rest, styles.body, tree.add("P"))]
    if calls:
        head.append(_call_lines(calls, styles, layout, width, form))
    table = tree.add("Table")
    box_head, item_head, column = document.checklist_headers
    # The "When it started" column: room for a few words; its heading wraps rather
    # than take width from the items (in large print it would take a third).
    heading = pdfmetrics.stringWidth(column, FONT_BOLD, layout.body_size) + layout.body_size * 0.5
    column_width = max(width * 0.18, min(heading, width * 0.2))
    rows = ChecklistRows(head, (box_head, item_head, column),
                         list(enumerate(checklist.items, 1)),
                         (styles.bold, styles.body), layout.checkbox_size,
                         layout.body_size * 0.35, form, column_width, table=table)
    if continued:  # where its rows run onto the next page, its title repeats there
        rows.continued_head = [PlainText(continued, styles.bold)]  # (an artifact)
    return rows


def _call_lines(calls: tuple[tuple[str, str], ...], styles: _Styles, layout: Layout,
                width: float, form: Form) -> Flowable:
    """Each bold label ("My cancer care team's number:") with its number beside it, or a line
    to write it on; side by side when they fit on one line, else one under the other.

    In the structure tree, a list: each label an item's label (Lbl), its number, or the
    field to type it in, the item's body (LBody)."""
    cells: list[list[Flowable]] = []
    widths: list[float] = []
    listing = form.tree.add("L")
    for n, (label, number) in enumerate(calls, 1):
        item = listing.add("LI")
        lbl, body = item.add("Lbl"), item.add("LBody")
        text_width = pdfmetrics.stringWidth(label, styles.bold.fontName, styles.bold.fontSize)
        field = "call_number" if n == 1 else f"call_number_{n}"
        value: Flowable = (PlainText(number, styles.body, body) if number else
                           WriteLine(styles.body.leading * 1.3, form, field, label, body))
        cells.append([PlainText(label, styles.bold, lbl), value])
        widths.append(text_width + layout.body_size * 0.6)
    room = width / len(calls) - layout.body_size
    if len(calls) > 1 and all(w <= room * 0.62 for w in widths):
        gap = layout.body_size
        col = (width - gap * (len(calls) - 1)) / len(calls)
        row: list[Flowable] = []
        col_widths: list[float] = []
        for index, (cell, label_width) in enumerate(zip(cells, widths, strict=True)):
            row += cell
            col_widths += [label_width, col - label_width + (gap if index else 0)]
        table = Box([row], colWidths=col_widths)
        pads = [("LEFTPADDING", (i, 0), (i, 0), gap) for i in range(2, len(row), 2)]
    else:
        label_width = min(width * 0.6, max(widths))
        table = Box(cells, colWidths=[label_width, width - label_width])
        pads = []
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), layout.body_size * 0.6),
        *pads,
    ]))
    return table


def _glossary(document: Document, styles: _Styles, layout: Layout,
              width: float, form: Form) -> Flowable:
    """The words the questions use, with their meanings, in a small box kept whole."""
    pad = layout.body_size * 0.6
    tree = form.tree
    rows = [[PlainText(document.glossary_title, styles.bold, tree.add("H2"))]]
    terms = tree.add("L")  # each term the label of an item, its meaning the body
    for term, meaning in document.glossary:
        item = terms.add("LI")
        label = item.add("Lbl")
        rows.append([LeadText(f"{term}:", meaning, styles.bold, styles.body,
                              item.add("LBody"), label)])
    box = Box(rows, colWidths=[width])
    box.setStyle(TableStyle([
        ("BOX", (0, 0), (-1, -1), 0.8, INK),
        ("LEFTPADDING", (0, 0), (-1, -1), pad),
        ("RIGHTPADDING", (0, 0), (-1, -1), pad),
        ("TOPPADDING", (0, 0), (-1, -1), pad * 0.3),
        ("BOTTOMPADDING", (0, -1), (-1, -1), pad),
    ]))
    return Together([Spacer(1, layout.body_size * 0.4), box])


def _closing(document: Document, styles: _Styles, layout: Layout, width: float,
             form: Form) -> list[Flowable]:
    """What closes the handout, after the notes: the clinic (when not on page 1 beside the
    label box), the people who can support you, where to learn more, the sources."""
    tree = form.tree
    blocks: list[Flowable] = []
    if document.clinic_title and not document.label_box:
        blocks.append(Together([Spacer(1, layout.body_size * 0.5),
                                _clinic_block(document, styles, layout, width, form)]))
    if document.support:
        # the people side by side where they fit, each whole after its bullet
        people = _pack(tuple(f"\u2022\u00a0{person}" for person in document.support),
                       styles.body, width, sep="\u2003\u2003")
        heading = tree.add("H2")
        blocks.append(Together([PlainText(document.support_title, styles.heading, heading),
                                Lines([document.support_intro, *people], styles.body,
                                      [tree.add("P") for _ in range(len(people) + 1)])]))
    heading = tree.add("H2")
    blocks.append(Together([PlainText(document.learn_more_title, styles.heading, heading),
                            Lines(list(document.resources), styles.body,
                                  [tree.add("P") for _ in document.resources])]))
    # the sources as one paragraph under a bold lead: they are looked up, not read
    blocks.append(Together([Spacer(1, layout.body_size * 0.6), LeadText(
        f"{document.sources_title}:", "; ".join(document.sources) + ".", styles.bold,
        styles.body, tree.add("P"))]))
    if document.translation_note:  # a translation not yet reviewed says so, last
        blocks.append(Together([Spacer(1, layout.body_size * 0.6),
                                PlainText(document.translation_note, styles.body,
                                          tree.add("P"))]))
    return blocks


def _headed(heading: Flowable, following: list[Flowable], lead: int = 0) -> list[Flowable]:
    """A heading and what follows it: never at the foot of a page without two of its items
    (after its first `lead` flowables, the words explained under it, which stay too)."""
    keep = lead + 2
    return [Together([heading, *following[:keep]]), *following[keep:]]


def _stack_height(flowables: list[Flowable], width: float) -> float:
    """How tall these flowables stand one under the other at the top of a frame."""
    total, after = 0.0, None
    for flowable in flowables:
        height = flowable.wrap(width, 1e6)[1]
        total += height + (0.0 if after is None else max(after, flowable.getSpaceBefore()))
        after = flowable.getSpaceAfter()
    return total


def _story(document: Document, layout: Layout, width: float, height: float,
           form: Form) -> list[Flowable]:
    styles = _styles(layout)
    space = layout.body_size
    tree = form.tree  # the structure tree's nodes are made in reading order
    # Page 1 leads with who and when, then the top questions, so that even in large
    # print they stay on the first page; how to use the list follows the box.
    # (the structure tree's nodes are made in reading order: page 1's top first)
    top = _page_one_top(document, styles, layout, width, form)
    box = _top_box(document, styles, layout, width, form)
    how_to, has_example = _how_to(document, styles, layout, width, tree)
    _role(how_to, "how")
    story: list[Flowable] = [
        *top,
        Spacer(1, space * 0.3),
        box,
        Spacer(1, space * 0.5),
        how_to,
        Spacer(1, space * 0.5),
        *_situation(document, styles, layout, width, form),
    ]
    # (where words are explained inline, page space is short: the title says what the
    # list is, and the example goes only beside the steps)
    lead_in = [] if document.explain_inline else _lead_in(document, styles, layout,
                                                        not has_example, tree)
    own = 0
    for section in document.sections:
        heading = tree.add("H2")
        blocks: list[Flowable] = [LeadText(f"{term}:", meaning, styles.bold, styles.body,
                                           tree.add("P"))
                                  for term, meaning in section.terms]
        questions = tree.add("L")
        for item in section.items:
            if item.id is None:
                own += 1
            field = item.id if item.id is not None else f"own_{own}"
            block = QuestionBlock(item.text, styles.body, layout, form, field, node=questions)
            blocks.append(block)
        for block in blocks[:-1]:  # (the test: not for a last question alone)
            block.continued_title = document.continued_title(section.title)
        heading = PlainText(section.title, styles.heading, heading)
        if lead_in:  # before the first topic
            story += [Spacer(1, space * 0.4), _role(Together(lead_in), "lead")]
            lead_in = []
        # the words explained under the heading stay with it, and so do two questions
        grouped = _headed(heading, blocks, lead=len(section.terms))
        if "first" not in {getattr(flowable, "page_one_role", "") for flowable in story}:
            _role(grouped[0], "first")
        story += grouped
    _fill_page_one(story, document, styles, layout, width, height, form)
    for checklist in document.checklists:
        story.append(_checklist(checklist, document, styles, layout, width, form,
                                document.continued_title(checklist.title)))
    # The notes take what is left of the last questions' page; the closing blocks
    # follow them on the last page.
    heading, fields = tree.add("H2"), tree.add("Div")
    closing = _closing(document, styles, layout, width, form)
    notes = NotesLines(layout.notes_lines, layout.line_gap, closing, form, document.notes_title,
                       page_height=height, node=fields)
    story += [NotesBlock([PlainText(document.notes_title, styles.heading, heading), notes]),
              NotesLines(layout.notes_lines, layout.line_gap, closing, form,
                         document.notes_title, continues=notes, node=fields),
              *closing]
    return story


def _how_to(document: Document, styles: _Styles, layout: Layout,
            width: float, tree: Node) -> tuple[Flowable, bool]:
    """ "How to use this list" on page 1: the numbered steps, and beside them the worked
    example of an item when there is room for it (not in large print). Returns the
    block, and whether it holds the example."""
    heading = PlainText(document.how_to_title, styles.heading, tree.add("H2"))
    heading.spaceBefore = 0  # it follows the top questions' box closely
    listing = tree.add("L")  # each step an item: its number the label
    steps: list[Flowable] = []
    for number, step in enumerate(document.steps, 1):
        item = listing.add("LI")
        label = item.add("Lbl")
        steps.append(LeadText(f"{number}.", step, styles.bold, styles.body, item.add("LBody"),
                              label))
    gap = layout.body_size * 1.5
    column = max((pdfmetrics.stringWidth(f"{number}.", FONT_BOLD, layout.body_size)
                  + pdfmetrics.stringWidth(f" {step}", FONT, layout.body_size)
                  for number, step in enumerate(document.steps, 1)), default=0.0) + 2
    if document.example_question and width - column - gap >= layout.body_size * 11:
        example = Marked(ExampleBlock(document.example_question, document.example_answer,
                                      styles.body, layout), tree.add("P"))
        table = Table([[steps, [Spacer(1, styles.body.leading * 0.3), example]]],
                      colWidths=[column + gap, width - column - gap])
        table.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0),
                                   ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                   ("TOPPADDING", (0, 0), (-1, -1), 0),
                                   ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                                   ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        return Together([heading, table]), True
    return Together([heading, *steps]), False


def _lead_in(document: Document, styles: _Styles, layout: Layout,
             example: bool, tree: Node) -> list[Flowable]:
    """What the list is, and (unless "How to use this list" holds it) one worked example
    of how to use an item (a checked box, and the answer on its line), before the first
    topic."""
    parts: list[Flowable] = [PlainText(document.intro, styles.body, tree.add("P"))] \
        if document.intro else []
    if example and document.example_question:
        parts.append(Marked(ExampleBlock(document.example_question, document.example_answer,
                                         styles.body, layout), tree.add("P")))
    return parts


def _situation(document: Document, styles: _Styles, layout: Layout,
               width: float, form: Form) -> list[Flowable]:
    """ "About my cancer": the kind's meaning, the words the handout uses (recurrence
    first), and the drawing of the three kinds with the reader's marked."""
    tree = form.tree
    parts: list[Flowable] = [LeadText(f"{document.situation_label}:", document.situation,
                                      styles.bold, styles.body, tree.add("P"))]
    parts += [LeadText(f"{term}:", meaning, styles.bold, styles.body, tree.add("P"))
              for term, meaning in document.situation_terms]
    if not document.explain_inline and document.glossary:
        parts.append(_glossary(document, styles, layout, width, form))
    about = _role(Together(parts), "about")
    figure = document.figure
    if document.explain_inline or figure is None:
        return [about]
    drawing = Marked(KindsFigure(figure.title, figure.labels, figure.mark, figure.mark_words,
                                 figure.key, (styles.bold, styles.body), alt=figure.alt),
                     tree.add("Figure", alt=figure.alt))
    return [about, _role(Together([Spacer(1, styles.body.fontSize * 0.6), drawing]),
                         "figure")]


def _role(flowable: Flowable, role: str) -> Flowable:
    """Name a block of page 1, for _fill_page_one to find."""
    flowable.page_one_role = role
    return flowable


def _fill_page_one(story: list[Flowable], document: Document, styles: _Styles,
                   layout: Layout, width: float, height: float, form: Form) -> None:
    """Page 1 is full: when the first questions cannot follow the introduction there
    (a heading keeps two of them), or in large print the introduction cannot follow the
    top questions, the top questions share the space as writing lines."""
    box = next(index for index, flowable in enumerate(story) if isinstance(flowable, _TopBox))
    if _stack_height(story[:box + 1], width) > height:
        # long top questions or header: as few lines as any question gets, rather than
        # split the box over two pages
        fewest = min(layout.top_answer_lines, layout.answer_lines)
        story[box] = _top_box(document, styles, layout, width, form, lines=fewest,
                              node=story[box].node)
        through = _stack_height(story[:box + 1], width)
        if through > height:  # it splits: the last question on page 1 takes the space left
            room = height - (through - story[box].wrap(width, 1e6)[1])
            parts = story[box].split(width, room)
            if len(parts) > 1:
                # after the title, the invitation (and the note when the box is blank)
                on_page_one = len(parts[0]._cellvalues) - (3 if document.top_empty else 2)
                spare = int((room - parts[0].wrap(width, room)[1] - 1) // layout.line_gap)
                if on_page_one > 0 and spare > 0:
                    story[box] = _top_box(document, styles, layout, width, form,
                                          lines=fewest, more={on_page_one: spare},
                                          node=story[box].node)
        return
    role = {getattr(flowable, "page_one_role", ""): index for index, flowable in enumerate(story)}
    if not {"how", "about", "first"} <= set(role):
        return  # only top questions (no list follows the box): nothing to fill
    how, about, first = role["how"], role["about"], role["first"]
    if _stack_height(story[:first + 1], width) <= height:
        return
    fewest = min(layout.top_answer_lines, layout.answer_lines)
    if _stack_height(story[:how + 1], width) > height:
        # "How to use this list" stays on page 1: the top questions give up lines for it
        for lines in range(fewest, -1, -1):
            story[box] = _top_box(document, styles, layout, width, form, lines=lines,
                                  node=story[box].node)
            if _stack_height(story[:how + 1], width) <= height:
                break
        else:
            story[box] = _top_box(document, styles, layout, width, form,
                                  node=story[box].node)
            return
        end = how + 1
    else:
        # "About my cancer" (and the words box) stay on page 1 when the top questions can
        # give up lines for them (not in large print, where they open page 2)
        # (and the drawing with them when it can)
        for target in (role.get("figure", about), about):
            for lines in range(layout.top_answer_lines, max(fewest, 1) - 1, -1):
                story[box] = _top_box(document, styles, layout, width, form, lines=lines,
                                      node=story[box].node)
                if _stack_height(story[:target + 1], width) <= height:
                    break
            if _stack_height(story[:target + 1], width) <= height:
                break
        else:
            story[box] = _top_box(document, styles, layout, width, form,
                                  node=story[box].node)
        if _stack_height(story[:first + 1], width) <= height:
            return
        # the page breaks after the last block that fits (the steps, "About my cancer",
        # the drawing, the example): the top questions take the space left
        end = max(index + 1 for name, index in role.items()
                  if name in ("how", "about", "figure", "lead")
                  and _stack_height(story[:index + 1], width) <= height)
    extra = int((height - _stack_height(story[:end], width) - 1) // layout.line_gap)
    if extra > 0:
        given = story[box].lines if isinstance(story[box], _TopBox) else None
        story[box] = _top_box(document, styles, layout, width, form, extra, lines=given,
                              node=story[box].node)


def _furniture_geometry(document: Document, layout: Layout,
                        width: float) -> tuple[float, float, float, float]:
    """The footer's lowest baseline, the frame's top and bottom margins, and the top
    line's baseline below the top edge: all clear of the paper's edge."""
    size = layout.small_size
    leading = size * 1.2
    margin = layout.margin_in * inch + FRAME_PADDING
    note = wrap_text(document.footer, FONT, size, width - 2 * margin, hyphenate=True)
    baseline = EDGE + DESCENT * size
    top = baseline + (max(len(note), 1) - 1) * leading + ASCENT * size
    vertical = layout.margin_top_bottom_in * inch
    bottom_margin = max(vertical, top + size * 0.6)
    head = EDGE + ASCENT * size
    top_margin = max(vertical, head + DESCENT * size + size * 0.6)
    return baseline, top_margin, bottom_margin, head


def _page_furniture(document: Document, layout: Layout,
                    footer: Node) -> Callable[[Canvas, int, int], None]:
    """The top line (whose pages these are, and "Page 2 of 4") and the footer's note.

    All are pagination artifacts, but for the footer's note on the last page: it is
    read once, at the end (`footer`, the last paragraph of the structure tree)."""
    size = layout.small_size
    style = ParagraphStyle("furniture", fontName=FONT, fontSize=size, leading=size * 1.2)

    def draw(canvas: Canvas, page: int, pages: int) -> None:
        width, height = canvas._pagesize
        margin = layout.margin_in * inch + FRAME_PADDING
        baseline, _, _, head_baseline = _furniture_geometry(document, layout, width)
        label = document.page_label.format(page=page, pages=pages)
        label_width = pdfmetrics.stringWidth(label, FONT, size)
        tagged = tags_of(canvas) is not None
        artifact = PAGINATION if tagged else ""
        draw_lines(canvas, width - margin - label_width, height - head_baseline, (label,), style,
                   artifact)
        lines = wrap_text(document.footer, FONT, size, width - 2 * margin, hyphenate=True)
        if lines:
            draw_lines(canvas, margin, baseline + (len(lines) - 1) * style.leading, lines, style,
                       opening(canvas, footer) if page == pages and tagged else artifact)
        room = width - 2 * margin - label_width - size
        head = wrap_text(document.running_head, FONT, size, room)
        if len(head) > 1:  # a long name: what fits, and a mark that there is more
            head = wrap_text(document.running_head, FONT, size,
                             room - pdfmetrics.stringWidth(" \u2026", FONT, size))[:1]
            head = (f"{head[0].rstrip()} \u2026",)
        if page > 1 and head:
            draw_lines(canvas, margin, height - head_baseline, head, style, artifact)

    return draw


class _Handout(SimpleDocTemplate):
    """Gives the space a page leaves under its last question to that question's answer,
    and repeats a topic's heading, "(continued)", on a page that its questions run onto."""

    continued_style: ParagraphStyle | None = None

    def handle_flowable(self, flowables: list[Flowable]) -> None:  # noqa: N802 - reportlab's
        first = flowables[0] if flowables else None
        title = getattr(first, "continued_title", "")
        frame = getattr(self, "frame", None)
        if first is not None and title and frame is not None and getattr(frame, "_atTop", 0) \
                and self.continued_style is not None and self.page > 1:
            heading = PlainText(title, self.continued_style)
            heading.spaceBefore = 0
            del first.continued_title  # once: the same block may come back here if it moves
            flowables[0] = Together([heading, first])
        super().handle_flowable(flowables)

    def handle_pageBegin(self) -> None:  # noqa: N802 - reportlab's name
        self._last_question: QuestionBlock | None = None
        super().handle_pageBegin()

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802 - reportlab's name
        last = flowable.parts[-1] if isinstance(flowable, Together) else flowable
        self._last_question = last if isinstance(last, QuestionBlock) else None

    def afterPage(self) -> None:  # noqa: N802 - reportlab's name
        question = getattr(self, "_last_question", None)
        if question is not None:
            question.extend_to(self.canv, self.frame._y1p)


def _canvas_maker(document: Document, furniture: Callable[[Canvas, int, int], None],
                  tree: Node) -> type[Canvas]:
    class NumberedCanvas(Canvas):
        """Holds every page until the end, so each can say 'Page 2 of 3'; then adds the
        structure tree (`tags`), whose marked content the flowables wrote."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []
            self.tags = Tags(document.language, tree)
            _seed_subsets(self, document)

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()
            self.tags.new_page(len(self._pages))

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, 1):
                self.__dict__.update(state)
                self.tags.new_page(number - 1)
                furniture(self, number, total)
                super().showPage()
            self.tags.write(self, document.meta_title)
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
    check_printable(document.texts())
    _fonts()
    margin = layout.margin_in * inch
    _, top_margin, bottom_margin, _ = _furniture_geometry(document, layout,
                                                          PAPER_SIZES[paper][0])
    buffer = io.BytesIO()
    doc = _Handout(
        buffer,
        pagesize=PAPER_SIZES[paper],
        leftMargin=margin, rightMargin=margin, topMargin=top_margin,
        bottomMargin=bottom_margin,
        title=document.meta_title,
        author="visitprep",
        subject=document.subject,
        keywords=keywords,
        creator=f"visitprep {__version__}",
        lang=tag(document.language),  # es-US
        displayDocTitle=True,
        invariant=1 if invariant else 0,
    )
    doc.continued_style = _styles(layout).bold
    form = Form(document.fillable, layout.body_size)
    story = _story(document, layout, doc.width - 2 * FRAME_PADDING,
                   doc.height - 2 * FRAME_PADDING, form)
    footer = form.tree.add("P")  # the footer's note, read once at the end
    try:
        # (build consumes the list it is given)
        doc.build(list(story), canvasmaker=_canvas_maker(
            document, _page_furniture(document, layout, footer), form.tree))
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
