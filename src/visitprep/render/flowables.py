"""The handout's building blocks for reportlab platypus: question blocks, boxes and lines.

Part of the renderer (with render.py, the only modules that import reportlab). When a
handout is fillable, each box and writing line also carries a form field on top of the
printed one, so the page looks the same printed either way.
"""

from __future__ import annotations

# isort: off
import visitprep.render.quick_platypus  # noqa: F401 - before any reportlab import
# isort: on
import re
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import Any

from reportlab.lib import colors
from reportlab.lib.rl_accel import fp_str
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.acroform import PDFFromString
from reportlab.pdfbase.pdfdoc import PDFObject, PDFString
from reportlab.pdfbase.pdfdoc import format as pdf_format
from reportlab.pdfbase.pdfmetrics import getAscent, getFont, stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Image, Table

from visitprep.i18n import gettext
from visitprep.layout import Layout
from visitprep.render.tags import ARTIFACT, END, Node, Tags, tags_of

INK = colors.black
RULE = colors.Color(0.35, 0.35, 0.35)
FIELD_FONT = "Helvetica"  # form fields can only use the 14 standard PDF fonts


# Hyphenate a word at a line's end only when the line would otherwise be less full than this
# (ragged-right text: a few hyphens where they save much room, not one on every line).
HYPHENATE_BELOW = 0.8
HYPHENATED_LANGUAGES = ("es",)  # Spanish runs about a fifth longer than English
# The hyphen a line break puts in a word is printed as the soft hyphen (U+00AD, the same
# glyph in DejaVu Sans and Helvetica), as PDF asks of a hyphen that layout added: text read
# out or copied from the page (a screen reader, the structure tree) gets the word whole.
SOFT_HYPHEN = "\u00ad"


@lru_cache(maxsize=4)
def _hyphenator(language: str) -> Any:
    """pyphen's dictionary for a language whose text is hyphenated, or None."""
    if language not in HYPHENATED_LANGUAGES:
        return None
    import pyphen

    return pyphen.Pyphen(lang=language, left=2, right=3)


def _split_hyphenated(text: str, font: str, size: float, width: float,
                      hyphenator: Any) -> list[str]:
    """simpleSplit's greedy lines, hyphenating a long word at a line's end (pyphen) where
    the line would otherwise end well short of the width."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}" if line else word
            if stringWidth(candidate, font, size) <= width:
                line = candidate
                continue
            if line and word.isalpha() and not word[0].isupper() and \
                    stringWidth(line, font, size) < width * HYPHENATE_BELOW:
                for start, rest in hyphenator.iterate(word):  # the longest start first
                    if stringWidth(f"{line} {start}{SOFT_HYPHEN}", font, size) <= width:
                        lines.append(f"{line} {start}{SOFT_HYPHEN}")
                        line = rest
                        break
                else:
                    lines.append(line)
                    line = word
                continue
            if line:
                lines.append(line)
            line = word
        lines.append(line)
    return lines


def wrap_text(text: str, font: str, size: float, width: float, *,
              hyphenate: bool = False) -> tuple[str, ...]:
    """Break plain text into lines that fit the width; words too long for a line are cut.

    With `hyphenate` (running text: questions, paragraphs, checklist items, not names,
    dates or labels), text in a hyphenated language (Spanish) breaks a long word at a
    line's end as its pyphen dictionary allows.

    A line that ends between two words keeps one space at its end: it prints nothing,
    but text read back from the page (a screen reader, copy and paste, the structure
    tree) gets "go over them" rather than "go overthem".
    """
    from visitprep.i18n import current

    return _wrap_text(text, font, size, width, current() if hyphenate else "")


@lru_cache(maxsize=8192)  # bank questions repeat in every handout of a batch
def _wrap_text(text: str, font: str, size: float, width: float,
               language: str) -> tuple[str, ...]:
    lines: list[str] = []
    hyphenator = _hyphenator(language)
    split = (_split_hyphenated(text, font, size, width, hyphenator) if hyphenator is not None
             else simpleSplit(text, font, size, width))
    for number, line in enumerate(split, 1):
        # simpleSplit only overflows with one word longer than the line: cut it.
        while " " not in line and len(line) > 1 and stringWidth(line, font, size) > width:
            cut = len(line) - 1
            while cut > 1 and stringWidth(line[:cut], font, size) > width:
                cut -= 1
            # a web address or a long name breaks after a / . - where it can, so that
            # what is copied by hand keeps its parts whole
            mark = max(line.rfind(char, 0, cut) for char in "/.-_?&=")
            if mark >= cut // 2:
                cut = mark + 1
            lines.append(line[:cut])
            line = line[cut:]
        # (a word hyphenated at the line's end reads back whole)
        lines.append(line if number == len(split) or line.endswith(SOFT_HYPHEN)
                     else f"{line} ")
    return tuple(lines)


# -- Writing PDF operators directly ------------------------------------------------------
# A batch draws the same question blocks thousands of times, and going through the
# canvas's methods for each box, line and text costs more than the rest of a handout.
# So the common case writes its PDF operators itself, made once per shape and cached:
# a printed (not fillable) block whose text is plain ASCII, which the bundled fonts'
# first subset maps to itself (a test checks). Anything else uses the canvas.

_PDF_ESCAPES = str.maketrans({"\\": "\\\\", "(": "\\(", ")": "\\)"})
_INK_FILL = f"{fp_str(INK.red, INK.green, INK.blue)} rg"
_INK_STROKE = f"{fp_str(INK.red, INK.green, INK.blue)} RG"
_RULE_STROKE = f"{fp_str(RULE.red, RULE.green, RULE.blue)} RG {fp_str(0.6)} w"


def _shown(text: str) -> str:
    """The PDF operator showing a line of ASCII text in the current font."""
    return f"({text.translate(_PDF_ESCAPES)}) Tj"


def direct(lines: tuple[str, ...]) -> bool:
    """Whether these lines can be written as PDF operators directly (plain ASCII)."""
    return all(line.isascii() and line.isprintable() for line in lines)


def font_ref(canvas: Canvas, font: str) -> str:
    """The PDF resource name of the font's first subset in this document ('/F1+0')."""
    return str(getFont(font).getSubsetInternalName(0, canvas._doc))


@lru_cache(maxsize=4096)
def text_ops(font: str, size: float, leading: float, x: float, first_baseline: float,
             lines: tuple[str, ...]) -> str:
    """PDF operators for lines of ASCII text in black, as draw_lines draws them."""
    shown = " T* ".join(_shown(line) for line in lines)
    return (f"BT 1 0 0 1 {fp_str(x, first_baseline)} Tm {font} {fp_str(size)} Tf "
            f"{fp_str(leading)} TL {_INK_FILL} {shown} ET")


@lru_cache(maxsize=1024)
def rules_ops(segments: tuple[tuple[float, float, float], ...]) -> str:
    """PDF operators for thin grey writing lines, each (x0, x1, y)."""
    path = " ".join(f"{fp_str(x0, y)} m {fp_str(x1, y)} l" for x0, x1, y in segments)
    return f"{_RULE_STROKE} n {path} S {_INK_STROKE}"


@lru_cache(maxsize=1024)
def box_ops(x: float, y: float, size: float) -> str:
    """PDF operators for an empty black square to check, 1 pt lines."""
    return f"{_INK_STROKE} 1 w n {fp_str(x, y, size, size)} re S"


def opening(canvas: Canvas, node: Node | None) -> str:
    """The operator opening marked content for node on the canvas's page (an artifact
    for None), or '' when the canvas builds no structure tree (not a handout)."""
    tags = tags_of(canvas)
    return tags.open(node) if tags is not None else ""


def marked(start: str, ops: str) -> str:
    """ops inside a marked-content sequence opened by start (nothing for '')."""
    return f"{start} {ops} {END}" if start else ops


def decoration(canvas: Canvas, ops: str) -> str:
    """ops that only decorate (rules, boxes): an artifact in a tagged handout."""
    return f"{ARTIFACT} {ops} {END}" if tags_of(canvas) is not None else ops


def draw_lines(canvas: Canvas, x: float, first_baseline: float, lines: tuple[str, ...],
               style: ParagraphStyle, start: str = "") -> None:
    """Draw lines of plain text in one text object, the first on the given baseline,
    in the marked content that start opens (see `opening`)."""
    if direct(lines):
        canvas.addLiteral(marked(start, text_ops(font_ref(canvas, style.fontName),
                                                 style.fontSize, style.leading, x,
                                                 first_baseline, lines)))
        return
    if start:
        canvas.addLiteral(start)
    text = canvas.beginText(x, first_baseline)
    text.setFont(style.fontName, style.fontSize, style.leading)
    text.setFillColor(INK)
    for line in lines:
        text.textLine(line)
    canvas.drawText(text)
    if start:
        canvas.addLiteral(END)


RunsOfLines = tuple[tuple[tuple[str, str, Node | None], ...], ...]  # lines of (font, text, node)


def _each_run(lines: RunsOfLines, tags: Tags | None, code: list[str],
              newline: Callable[[], None]) -> Iterator[tuple[str, str]]:
    """Go through lines of runs, yielding each run's (font, text) to show: newline() between
    two lines and, with tags, the end of one node's marked content and the opening of the
    next's added to code where the node changes."""
    current: Any = ()  # no node yet
    for index, line in enumerate(lines):
        if index:
            newline()
        for font, piece, node in line:
            if tags is not None and node is not current:
                if current != ():
                    code.append(END)
                code.append(tags.open(node))
                current = node
            yield font, piece
    if tags is not None and current != ():
        code.append(END)


def runs_ops(canvas: Canvas, x: float, first_baseline: float, size: float, leading: float,
             lines: RunsOfLines, tags: Tags | None) -> str | None:
    """PDF operators drawing lines of runs (font, text, node) of plain ASCII in one text
    object, or None when a run is not plain ASCII; with tags, each change of node starts
    a new marked-content sequence (a list item's number as its label, the rest as its
    body)."""
    if not all(text.isascii() and text.isprintable() for line in lines for _, text, _ in line):
        return None
    code = [f"BT 1 0 0 1 {fp_str(x, first_baseline)} Tm {fp_str(leading)} TL {_INK_FILL}"]
    fonts: dict[str, str] = {}
    size_text = fp_str(size)
    for font, piece in _each_run(lines, tags, code, lambda: code.append("T*")):
        ref = fonts.get(font)
        if ref is None:
            ref = fonts[font] = font_ref(canvas, font)
        code.append(f"{ref} {size_text} Tf {_shown(piece)}")
    code.append("ET")
    return " ".join(code)


def draw_runs(canvas: Canvas, x: float, first_baseline: float, size: float, leading: float,
              lines: RunsOfLines, tagged: bool) -> None:
    """Draw lines of runs (font, text, node) in one text object; when tagged, each
    change of node starts a new marked-content sequence (see runs_ops)."""
    tags = tags_of(canvas) if tagged else None
    ops = runs_ops(canvas, x, first_baseline, size, leading, lines, tags)
    if ops is not None:
        canvas.addLiteral(ops)
        return
    text = canvas.beginText(x, first_baseline)
    text.setFillColor(INK)
    for font, piece in _each_run(lines, tags, text._code, lambda: text.textLine("")):
        text.setFont(font, size, leading)
        text.textOut(piece)
    canvas.drawText(text)


def baseline_below(top: float, style: ParagraphStyle) -> float:
    """The baseline of the first line of text whose lines start at height top."""
    ascent = getAscent(style.fontName, style.fontSize)
    return float(top - ascent - (style.leading - style.fontSize) / 2)


class DirectFlowable(Flowable):
    """A flowable that may hand over its PDF operators as text.

    When `ops` gives them, drawing skips the canvas's state bookkeeping (save, move,
    restore) and writes the same operators itself; when it gives None, the flowable
    draws through the canvas as usual.
    """

    MIN_LINES = 2  # lines kept on each side of a page break, for those that split
    lines: Any  # the wrapped lines of those that split between them
    owners: tuple[int, ...] = ()  # for each line, the entry it belongs to (Lines)
    style: ParagraphStyle

    def ops(self, canvas: Canvas) -> str | None:
        return None

    def after_ops(self, canvas: Canvas, x: float, y: float) -> None:
        """What to add on the page after the operators are written at (x, y)."""

    def _split_lines(self, avail_width: float, avail_height: float,
                     make: Callable[[], DirectFlowable]) -> list[Flowable]:
        """Split between wrapped lines (`self.lines`), at least MIN_LINES on each side of
        the page break; [] when that cannot be. `make` gives an empty part to fill."""
        self.wrap(avail_width, avail_height)
        lines, leading = self.lines, float(self.style.leading)
        fit = min(int(avail_height // leading), len(lines) - self.MIN_LINES)
        if fit < self.MIN_LINES:
            return []
        parts: list[Flowable] = []
        owners = self.owners
        for chunk, whose in ((lines[:fit], owners[:fit]), (lines[fit:], owners[fit:])):
            part: Any = make()
            part.lines, part.width, part.height = chunk, avail_width, len(chunk) * leading
            part.owners = whose
            part.wrap = part._wrapped  # its lines are set: no wrapping again
            parts.append(part)
        return parts

    def _wrapped(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802,N803
        ops = self.ops(canvas)
        if ops is None:
            super().drawOn(canvas, x, y, _sW)
        elif ops:
            x = self._hAlignAdjust(x, _sW)
            canvas.addLiteral(f"q 1 0 0 1 {fp_str(x, y)} cm {ops} Q")
            self.after_ops(canvas, x, y)


class PlainText(DirectFlowable):
    """Plain text in one font, left-aligned: what most of a handout is.

    Much cheaper than a Paragraph (no markup to parse, one text object), which keeps
    a batch of thousands of handouts fast. Text prints literally: there is no markup.
    """

    def __init__(self, text: str, style: ParagraphStyle, node: Node | None = None) -> None:
        super().__init__()
        self.text = text
        self.style = style
        self.node = node  # what it is in the structure tree (None: an artifact)
        self.lines: tuple[str, ...] = ()

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        style = self.style
        if avail_width != getattr(self, "width", None):  # platypus often wraps twice
            self.lines = wrap_text(self.text, style.fontName, style.fontSize, avail_width,
                                   hyphenate=True) if self.text else ()
        self.width = avail_width
        self.height = len(self.lines) * style.leading
        return avail_width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        return []

    def _first_baseline(self) -> float:
        return baseline_below(self.height, self.style)

    def ops(self, canvas: Canvas) -> str | None:
        if not self.lines:
            return ""
        if not direct(self.lines):
            return None
        style = self.style
        return marked(opening(canvas, self.node), text_ops(
            font_ref(canvas, style.fontName), style.fontSize, style.leading, 0,
            self._first_baseline(), self.lines))

    def draw(self) -> None:
        if self.lines:
            draw_lines(self.canv, 0, self._first_baseline(), self.lines, self.style,
                       opening(self.canv, self.node))


class Lines(PlainText):
    """Entries of plain text one under the other (resources, sources, people), which may
    split between lines: at least two lines on each side of a page break."""

    def __init__(self, entries: list[str], style: ParagraphStyle,
                 nodes: list[Node | None] | None = None) -> None:
        super().__init__("", style)
        self.entries = entries
        self.nodes = nodes or [None] * len(entries)  # each entry's node (a paragraph)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        if avail_width != getattr(self, "width", None):
            style = self.style
            wrapped = [wrap_text(entry, style.fontName, style.fontSize, avail_width,
                                 hyphenate=True)
                       for entry in self.entries]
            self.lines = tuple(line for lines in wrapped for line in lines)
            self.owners = tuple(index for index, lines in enumerate(wrapped) for _ in lines)
        self.width = avail_width
        self.height = len(self.lines) * self.style.leading
        return avail_width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        return self._split_lines(avail_width, avail_height,
                                 lambda: Lines([], self.style, self.nodes))

    def _groups(self) -> list[tuple[int, tuple[str, ...], Node | None]]:
        """(index of the first line, the lines, their node) for each entry's lines."""
        groups: list[tuple[int, tuple[str, ...], Node | None]] = []
        start = 0
        for index in range(1, len(self.lines) + 1):
            if index == len(self.lines) or self.owners[index] != self.owners[start]:
                groups.append((start, self.lines[start:index], self.nodes[self.owners[start]]))
                start = index
        return groups

    def ops(self, canvas: Canvas) -> str | None:
        if tags_of(canvas) is None:
            return super().ops(canvas)
        if not self.lines:
            return ""
        if not direct(self.lines):
            return None
        style = self.style
        font = font_ref(canvas, style.fontName)
        top = self._first_baseline()
        return " ".join(
            marked(opening(canvas, node), text_ops(font, style.fontSize, style.leading, 0,
                                                   top - start * style.leading, lines))
            for start, lines, node in self._groups())

    def draw(self) -> None:
        if tags_of(self.canv) is None:
            super().draw()
            return
        top, leading = self._first_baseline(), self.style.leading
        for start, lines, node in self._groups():
            draw_lines(self.canv, 0, top - start * leading, lines, self.style,
                       opening(self.canv, node))


class Together(Flowable):
    """Flowables that always print on the same page, one under the other: a heading
    and what follows it.

    What platypus's keepWithNext does, without the copy of the whole frame that
    reportlab makes each time it measures such a group (a tenth of a handout's time).
    The group moves to the next page whole; only a group taller than a whole page
    comes apart, so that its parts can each find a page.
    """

    def __init__(self, parts: list[Flowable]) -> None:
        super().__init__()
        self.parts = parts
        self.gaps: list[float] = []
        self.heights: list[float] = []

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.heights, self.gaps = [], [0.0]
        used = 0.0
        frame = getattr(self, "_frame", None)
        for index, part in enumerate(self.parts):
            part._frame = frame  # so that a part can tell whether it starts a page
            if index:  # the space between two flowables, as a frame puts it
                self.gaps.append(max(self.parts[index - 1].getSpaceAfter(),
                                     part.getSpaceBefore()))
                used += self.gaps[-1]
            self.heights.append(part.wrap(avail_width, avail_height - used)[1])
            used += self.heights[-1]
        self.width, self.height = avail_width, used
        return avail_width, used

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        frame = getattr(self, "_frame", None)  # platypus sets it while asking to split
        if frame is not None and getattr(frame, "_atTop", False):
            return list(self.parts)  # it does not fit even on an empty page
        last = self.parts[-1]
        # the group may end the page with part of its text, or of a box's rows when the
        # box allows it (the clinic's block, one row a line)
        if isinstance(last, Lines | LeadText) or getattr(last, "rows_may_split", False):
            used = sum(self.heights[:-1]) + sum(self.gaps)
            parts = last.split(avail_width, avail_height - used)
            if parts:
                return [Together([*self.parts[:-1], parts[0]]), *parts[1:]]
        return []

    def getSpaceBefore(self) -> float:  # noqa: N802 - reportlab's name
        return float(self.parts[0].getSpaceBefore())

    def getSpaceAfter(self) -> float:  # noqa: N802 - reportlab's name
        return float(self.parts[-1].getSpaceAfter())

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802,N803
        top = y + self.height
        for part, gap, height in zip(self.parts, self.gaps, self.heights, strict=True):
            top -= gap + height
            part.drawOn(canvas, x, top, _sW)


Run = tuple[str, str]  # (font name, text): a piece of a line in one font


@lru_cache(maxsize=256)
def wrap_runs(lead: str, text: str, lead_font: str, font: str, size: float,
              width: float) -> tuple[tuple[Run, ...], ...]:
    """Break a lead-in (in lead_font) and the text after it into lines of runs."""
    words = [(lead_font, word) for word in lead.split()] + [(font, w) for w in text.split()]
    lines: list[list[Run]] = []
    used = 0.0
    for word_font, word in words:
        word_width = stringWidth(word, word_font, size)
        space = stringWidth(" ", word_font, size)
        if lines and used + space + word_width <= width:
            last_font, last_text = lines[-1][-1]
            if last_font == word_font:
                lines[-1][-1] = (word_font, f"{last_text} {word}")
            else:
                lines[-1].append((word_font, f" {word}"))
            used += space + word_width
            continue
        if lines:  # (the space between two words, at the end of the line: see wrap_text)
            last_font, last_text = lines[-1][-1]
            lines[-1][-1] = (last_font, f"{last_text} ")
        for piece in wrap_text(word, word_font, size, width):  # cuts a word too long
            lines.append([(word_font, piece)])
            used = stringWidth(piece, word_font, size)
    return tuple(tuple(line) for line in lines)


class LeadText(DirectFlowable):
    """Text that starts with a lead-in in bold ("About my cancer: The cancer has...").

    Like PlainText, much cheaper than a Paragraph and with no markup.
    """

    def __init__(self, lead: str, text: str, lead_style: ParagraphStyle,
                 style: ParagraphStyle, node: Node | None = None,
                 lead_node: Node | None = None) -> None:
        super().__init__()
        self.lead, self.text = lead, text
        self.lead_style, self.style = lead_style, style
        # In the structure tree: the whole, or with lead_node the lead-in apart (a
        # glossary's term as a list item's label, its meaning as the body).
        self.node, self.lead_node = node, lead_node
        self.lines: tuple[tuple[Run, ...], ...] = ()

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        style = self.style
        self.lines = wrap_runs(self.lead, self.text, self.lead_style.fontName, style.fontName,
                               style.fontSize, avail_width)
        self.width, self.height = avail_width, len(self.lines) * style.leading
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        """Between lines, at least two on each side of the page break (a long paragraph
        such as the sources); a short one moves whole."""
        return self._split_lines(avail_width, avail_height, lambda: LeadText(
            self.lead, self.text, self.lead_style, self.style, self.node, self.lead_node))

    def _first_baseline(self) -> float:
        return baseline_below(self.height, self.style)

    def ops(self, canvas: Canvas) -> str | None:
        tags = tags_of(canvas)
        if self.lead_node is not None and tags is not None:  # two nodes in one text object
            style = self.style
            return runs_ops(canvas, 0, self._first_baseline(), style.fontSize, style.leading,
                            self._runs(), tags)
        if not all(direct(tuple(text for _, text in line)) for line in self.lines):
            return None
        style = self.style
        refs = {font: font_ref(canvas, font) for font in
                (self.lead_style.fontName, style.fontName)}
        size = fp_str(style.fontSize)
        shown = " T* ".join(
            " ".join(f"{refs[font]} {size} Tf {_shown(text)}" for font, text in line)
            for line in self.lines)
        return marked(opening(canvas, self.node),
                      f"BT 1 0 0 1 {fp_str(0, self._first_baseline())} Tm "
                      f"{fp_str(style.leading)} TL {_INK_FILL} {shown} ET")

    def _runs(self) -> RunsOfLines:
        """Its lines as runs with their nodes: the lead-in's (while in bold), the rest's."""
        lead_font = self.lead_style.fontName
        runs: list[tuple[tuple[str, str, Node | None], ...]] = []
        in_lead = self.lead_node is not None
        for line in self.lines:
            row = []
            for font, piece in line:
                in_lead = in_lead and font == lead_font
                row.append((font, piece, self.lead_node if in_lead else self.node))
            runs.append(tuple(row))
        return tuple(runs)

    def draw(self) -> None:
        style = self.style
        draw_runs(self.canv, 0, self._first_baseline(), style.fontSize, style.leading,
                  self._runs(), tagged=True)


class FieldRows(Flowable):
    """The handout's header: rows of "Label: value", each value on a line.

    A label with no value leaves the line empty to write on (with a form field when
    fillable). With two `label_widths` (and their `cell_widths`) the fields sit in
    pairs, side by side; the caller checks that they fit. Drawn directly: a table
    would cost more than the rest of page 1.
    """

    PAD_RIGHT = 6.0  # space kept after the label, and after the value's line

    def __init__(self, rows: list[tuple[str, str, str]], label_style: ParagraphStyle,
                 style: ParagraphStyle, label_widths: tuple[float, ...], form: Form,
                 pad_top: float, pad_bottom: float = 2.0,
                 cell_widths: tuple[float, ...] = (), node: Node | None = None) -> None:
        super().__init__()
        self.rows = rows  # (field name, label, value)
        # in the structure tree, a list: each field an item, its label and its value
        self.items = [(item.add("Lbl"), item.add("LBody"))
                      for item in (node.add("LI") for _ in rows)] if node else \
            [(None, None) for _ in rows]
        self.label_style, self.style = label_style, style
        self.label_widths = label_widths
        self.columns = len(label_widths)
        self.form = form
        self.pad_top, self.pad_bottom = pad_top, pad_bottom
        self.given_widths = cell_widths
        self.cell_widths: tuple[float, ...] = ()
        self.cells: list[tuple[tuple[str, ...], tuple[str, ...], float]] = []

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        label_font, font = self.label_style, self.style
        self.cell_widths = self.given_widths or (avail_width,)
        self.cells = []
        for index, (_, label, value) in enumerate(self.rows):
            column = index % self.columns
            label_width = self.label_widths[column]
            value_width = self.cell_widths[column] - label_width - self.PAD_RIGHT
            labels = wrap_text(f"{label}:", label_font.fontName, label_font.fontSize,
                               label_width - self.PAD_RIGHT)
            values = wrap_text(value, font.fontName, font.fontSize, value_width) \
                if value else ()
            value_height = len(values) * font.leading if value or not self.form.enabled \
                else font.leading  # the form field's line
            content = max(len(labels) * label_font.leading, value_height)
            self.cells.append((labels, values, content + self.pad_top + self.pad_bottom))
        self.width = avail_width
        self.height = sum(self._line_heights())
        return self.width, self.height

    def _line_heights(self) -> list[float]:
        """The height of each line of fields (the tallest field in it)."""
        return [max(height for _, _, height in self.cells[start:start + self.columns])
                for start in range(0, len(self.cells), self.columns)]

    def draw(self) -> None:
        canvas = self.canv
        label_style, style = self.label_style, self.style
        top = self.height
        lines: list[tuple[float, float, float]] = []
        heights = self._line_heights()
        for index, ((key, label, value), (labels, values, _), (lbl, body)) in enumerate(
                zip(self.rows, self.cells, self.items, strict=True)):
            line, column = divmod(index, self.columns)
            top = self.height - sum(heights[:line])
            bottom = top - heights[line]
            # the first column starts at the left edge, the last ends at the right
            left = self.width - sum(self.cell_widths[column:]) if column else 0.0
            cell_width, label_width = self.cell_widths[column], self.label_widths[column]
            foot = bottom + self.pad_bottom
            # the label beside the first line of a value that wraps, the value's last
            # line on the row's foot
            content = max(len(labels) * label_style.leading, len(values) * style.leading)
            for texts, x, text_style, node in ((labels, left, label_style, lbl),
                                               (values, left + label_width, style, body)):
                if texts:
                    top_of_text = foot + content if texts is labels else \
                        foot + len(texts) * text_style.leading
                    draw_lines(canvas, x, baseline_below(top_of_text, text_style), texts,
                               text_style, opening(canvas, node))
            if not value:
                self.form.line(canvas, key, left + label_width,
                               left + cell_width - self.PAD_RIGHT, foot,
                               style.leading * 0.9, label, body)
            lines.append((left + label_width, left + cell_width, bottom))
        rules(canvas, tuple(lines))


class Box(Table):
    """A reportlab Table whose rules and backgrounds are artifacts in a tagged handout
    (its cells tag themselves)."""

    def _artifact(self, draw: Callable[[], None]) -> None:
        tagged = tags_of(self.canv) is not None
        if tagged:
            self.canv.addLiteral(ARTIFACT)
        draw()
        if tagged:
            self.canv.addLiteral(END)

    def _drawLines(self) -> None:  # noqa: N802 - reportlab's name
        self._artifact(super()._drawLines)

    def _drawBkgrnd(self) -> None:  # noqa: N802 - reportlab's name
        self._artifact(super()._drawBkgrnd)


class Figure(Image):
    """An image (the clinic's logo) that is a Figure with alternative text in the
    structure tree."""

    def __init__(self, path: str, node: Node | None = None) -> None:
        super().__init__(path)
        self.node = node

    def draw(self) -> None:
        start = opening(self.canv, self.node)
        if start:
            self.canv.addLiteral(start)
        super().draw()
        if start:
            self.canv.addLiteral(END)


def rule(canvas: Canvas, x0: float, x1: float, y: float) -> None:
    """A thin grey writing line."""
    rules(canvas, ((x0, x1, y),))


def rules(canvas: Canvas, segments: tuple[tuple[float, float, float], ...]) -> None:
    """Thin grey writing lines, each (x0, x1, y), drawn with one colour change."""
    canvas.addLiteral(decoration(canvas, rules_ops(segments)))


# The content of each appearance stream by shape, made once per process: a batch's
# handouts share them (each document still writes its own copy, once).
_STREAMS: dict[tuple[Any, ...], str] = {}
_PLAIN_STRING = re.compile(r"[ -'*-\[\]-~]*")  # printable ASCII but ( ) \\


class _Widget(PDFObject):
    """A form field's widget annotation, written as one string when the PDF is saved.

    reportlab's acroForm builds six appearance streams for every checkbox (and one for
    every text field) and a dictionary of PDF objects for its widget, then shares the
    identical streams only when it writes the file: most of a fillable handout's time.
    Here the streams are built once per shape and document (`Form._appearance`) and the
    widget is a fixed string with its page reference filled in; the file is the same.
    """

    def __init__(self, head: str, page: Any, tail: str, extra: dict[str, str]) -> None:
        self.head = head
        self.page = page
        self.tail = tail
        self.extra = extra  # more entries, formatted as given (e.g. /StructParent)

    def format(self, document: Any) -> bytes:
        page = pdf_format(self.page, document)
        extra = "".join(f" /{key} {value}" for key, value in self.extra.items())
        return f"<< {self.head} /P {page.decode()}{extra} {self.tail} >>".encode("latin-1")


class Form:
    """Adds form fields for a fillable handout; a no-op for a printed one.

    Field names are stable and readable ("tx-choices_done", "name", "notes_3") and
    never repeat within a document. Each field is the widget reportlab's acroForm would
    write for the same options (a check box in INK without border or fill; a one-line
    text field in FIELD_FONT), with its appearance streams shared across the document.
    """

    def __init__(self, enabled: bool, font_size: float) -> None:
        self.enabled = enabled
        self.font_size = font_size
        self.names: set[str] = set()
        # The handout's structure tree (tags.py): the renderer adds a node for each
        # part as it makes its flowables, in reading order; the fields join it as drawn.
        self.tree = Node("Document")
        self._appearances: dict[tuple[Any, ...], str] = {}

    def _unique(self, name: str) -> str:
        candidate, number = name, 2
        while candidate in self.names:
            candidate, number = f"{name}_{number}", number + 1
        self.names.add(candidate)
        return candidate

    def _appearance(self, canvas: Canvas, key: tuple[Any, ...],
                    make: Callable[[Any], Any]) -> str:
        """The /AP entry for a shape, its streams made once per document."""
        found = self._appearances.get(key)
        if found is None:
            form = canvas.acroForm
            document = canvas._doc

            def ref(stream: Any) -> str:
                known = form._refMap.get(stream._af_refstr)
                if known is None:
                    known = form._refMap[stream._af_refstr] = form.getRef(stream)
                return str(known.format(document).decode())

            found = self._appearances[key] = make(ref)
        return found

    def _add(self, canvas: Canvas, head: str, tail: str, node: Node | None) -> None:
        """Add the widget; in a tagged handout, a Form element under node points at it."""
        widget = _Widget(head, canvas._doc.thisPageRef(), tail, {})
        canvas._addAnnotation(widget)
        reference = canvas.acroForm.getRef(widget)
        canvas.acroForm.fields.append(reference)
        tags = tags_of(canvas)
        if tags is not None:
            tags.widget(widget, reference.name, node)

    @staticmethod
    def _string(canvas: Canvas, text: str) -> str:
        """A PDF string, as reportlab's PDFString writes it (plain ASCII as it is)."""
        if _PLAIN_STRING.fullmatch(text):
            return f"({text})"
        return str(PDFString(text).format(canvas._doc).decode("latin-1"))

    def checkbox(self, canvas: Canvas, name: str, x: float, y: float, size: float,
                 tooltip: str, node: Node | None = None) -> None:
        """A check box over the printed square at (x, y); in the structure tree, a Form
        element under node."""
        if not self.enabled:
            return
        form = canvas.acroForm

        def streams(ref: Callable[[Any], str]) -> str:
            states = []
            for key in "DNR":
                made = {}
                for value in ("Off", "Yes"):
                    content = _STREAMS.get(("check", key, value, size))
                    if content is None:  # the first handout of this process to need it
                        text, _, _ = form.varyColors(key, INK, None, None)
                        content = _STREAMS[("check", key, value, size)] = form.checkboxAP(
                            key, value, buttonStyle="check", shape="square", fillColor=None,
                            borderColor=None, textColor=text, borderWidth=None,
                            size=size).content
                    made[value] = ref(form.makeStream(
                        size, size, content, Resources=PDFFromString("<< /ProcSet [/PDF] >>")))
                states.append(f"/{key} << /Off {made['Off']} /Yes {made['Yes']} >>")
            return "<< " + " ".join(states) + " >>"

        appearance = self._appearance(canvas, ("check", size), streams)
        x, y = canvas.absolutePosition(x, y)
        head = (f"/AP {appearance} /AS /Off /F 4 /FT /Btn /Ff 0 /H /N /MK << /CA (4) >>")
        tail = (f"/Rect [{fp_str(x, y, x + size, y + size)}] /Subtype /Widget "
                f"/T {self._string(canvas, self._unique(name))} "
                + (f"/TU {self._string(canvas, tooltip)} " if tooltip else "")
                + "/Type /Annot /V /Off")
        self._add(canvas, head, tail, node)

    def line(self, canvas: Canvas, name: str, x0: float, x1: float, y: float,
             height: float, tooltip: str, node: Node | None = None) -> None:
        """A one-line text field sitting on the writing line at height y; what is typed
        in it is as large as the printed text (18 pt in large print). In the structure
        tree, a Form element under node."""
        if not self.enabled or x1 - x0 < 10:
            return
        form = canvas.acroForm
        width, height = x1 - x0, max(height, self.font_size * 1.25)
        size = self.font_size
        font = form.formFontNames[FIELD_FONT]

        def stream(ref: Callable[[Any], str]) -> str:
            font_ref, _ = form.makeFont(FIELD_FONT)
            resources = f"<</{font} {font_ref}>>"
            content = _STREAMS.get(("text", width, height, size))
            if content is None:  # the first handout of this process to need it
                text, border, fill = form.varyColors("N", INK, None, None)
                content = _STREAMS[("text", width, height, size)] = form.txAP(
                    "N", "", font, resources, size, fillColor=fill, borderColor=border,
                    textColor=text, borderWidth=None, borderStyle="solid", width=width,
                    height=height).content
            return "<< /N " + ref(form.makeStream(width, height, content, Resources=(
                PDFFromString(f"<< /ProcSet [/PDF /Text] /Font {resources} >>")))) + " >>"

        appearance = self._appearance(canvas, ("text", width, height, size), stream)
        left, bottom = canvas.absolutePosition(x0, y + 1)
        typed = f"(/{font} {int(size)} Tf {form.streamFillColor(INK)})"
        head = f"/AP {appearance} /DA {typed} /DV () /F 4 /FT /Tx /Ff 0"
        tail = (f"/Rect [{fp_str(left, bottom, left + width, bottom + height)}] "
                f"/Subtype /Widget /T {self._string(canvas, self._unique(name))} "
                + (f"/TU {self._string(canvas, tooltip)} " if tooltip else "")
                + "/Type /Annot /V ()")
        self._add(canvas, head, tail, node)


def _question_geometry(height: float, size: float, box: float, text_height: float,
                       gap: float, lines: int) -> tuple[float, float, tuple[float, ...]]:
    """Where a question block draws: the first baseline, the box's foot, the answer lines."""
    first_baseline = height - size
    below = height - max(text_height, box)
    return (first_baseline, first_baseline - box * 0.12,
            tuple(below - index * gap for index in range(1, lines + 1)))


@lru_cache(maxsize=4096)
def question_ops(font: str, size: float, leading: float, box: float, indent: float,
                 width: float, height: float, text_height: float, gap: float, count: int,
                 lines: tuple[str, ...], write_from: float | None) -> tuple[str, str]:
    """PDF operators for a printed question block with ASCII text, as its draw() draws
    it: those of its box and lines (decoration), and those of its text ('' for none).

    write_from: where the line to write one's own question on starts, for a block
    with no question.
    """
    first_baseline, box_y, ys = _question_geometry(height, size, box, text_height, gap, count)
    segments = tuple((indent, width, y) for y in ys)
    if write_from is not None:
        segments = ((write_from, width, first_baseline - 2), *segments)
    text = text_ops(font, size, leading, indent, first_baseline, lines) if lines else ""
    return f"{box_ops(0, box_y, box)} {rules_ops(segments)}", text


class QuestionBlock(DirectFlowable):
    """A checkbox, the question beside it, and ruled lines for the answer.

    With no text, the question line itself is a ruled line to write on.
    """

    def __init__(self, text: str | None, style: ParagraphStyle, layout: Layout, form: Form,
                 field: str, number: int | None = None, lines: int | None = None,
                 slot: str = "", node: Node | None = None) -> None:
        super().__init__()
        # In the structure tree, an item of the list `node`: its label (the number; the
        # tick box when fillable) and its body (the question; its answer fields).
        item = node.add("LI") if node is not None else None
        self.lbl = item.add("Lbl") if item is not None and (
            number is not None or form.enabled) else None  # (a printed box is decoration)
        self.body = item.add("LBody") if item is not None else None
        # What the form fields of an empty slot are called ("My top questions 2"); a
        # question's own fields are called by its text.
        self.slot = slot or field
        # Plain text, drawn like PlainText rather than as a Paragraph, for speed.
        self.label = f"{number}. {text}" if number is not None and text else (text or "")
        self.text = text or ""
        self.lines_of_text: tuple[str, ...] = ()
        self.number = number
        self.style = style
        self.form = form
        self.field = field
        self.box = layout.checkbox_size
        self.gap = layout.line_gap
        self.lines = layout.answer_lines if lines is None else lines
        self.indent = self.box + style.fontSize * 0.7
        self.after = style.fontSize * 0.35
        self.text_height = 0.0
        self.drawn_at: tuple[float, float] | None = None  # (x, y) on the page, once drawn

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        if self.label and avail_width != getattr(self, "width", None):
            self.lines_of_text = wrap_text(self.label, self.style.fontName,
                                           self.style.fontSize, avail_width - self.indent,
                                           hyphenate=True)
        self.width = avail_width
        if self.label:
            self.text_height = len(self.lines_of_text) * self.style.leading
        else:
            self.text_height = self.gap
        self.height = max(self.text_height, self.box) + self.lines * self.gap + self.after
        return self.width, self.height

    def _prefix(self) -> str:
        return f"{self.number}." if self.number is not None else ""

    def _write_from(self) -> float:
        """Where the line to write one's own question on starts (a block with no text)."""
        return float(self.indent + stringWidth(self._prefix() + " ", self.style.fontName,
                                               self.style.fontSize))

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802,N803
        self.drawn_at = (x, y)
        super().drawOn(canvas, x, y, _sW)

    def extend_to(self, canvas: Canvas, bottom: float) -> int:
        """Draw more writing lines under the block, down to height bottom on the page.

        A page that ends with this question (the next one did not fit) gives the
        space left to its answer, rather than leaving it blank. Returns how many
        lines it drew.
        """
        if self.drawn_at is None:
            return 0
        x, y = self.drawn_at
        last = y + self.after  # the block's last writing line
        ys: list[float] = []
        while last - (len(ys) + 1) * self.gap >= bottom:
            ys.append(last - (len(ys) + 1) * self.gap)
        if ys:
            rules(canvas, tuple((x + self.indent, x + self.width, line) for line in ys))
            for index, line in enumerate(ys, self.lines + 1):
                self.form.line(canvas, f"{self.field}_answer_{index}", x + self.indent,
                               x + self.width, line, self.gap * 0.8,
                               gettext("Answer to: {question}").format(question=self.text)
                               if self.text else gettext("Answer"), self.body)
        return len(ys)

    def ops(self, canvas: Canvas) -> str | None:
        if self.label:
            if not direct(self.lines_of_text):
                return None
            lines, write_from = self.lines_of_text, None
        else:
            lines, write_from = (self._prefix(),) if self._prefix() else (), self._write_from()
        style = self.style
        shapes, text = question_ops(font_ref(canvas, style.fontName), style.fontSize,
                                    style.leading, self.box, self.indent, self.width,
                                    self.height, self.text_height, self.gap, self.lines, lines,
                                    write_from)
        tags = tags_of(canvas)
        if tags is None:
            return f"{shapes} {text}"
        if self.number is not None:  # the number is the label, the rest the body
            first_baseline = _question_geometry(self.height, style.fontSize, self.box,
                                                self.text_height, self.gap, self.lines)[0]
            numbered = runs_ops(canvas, self.indent, first_baseline, style.fontSize,
                                style.leading, self._runs(lines), tags)
            return None if numbered is None else f"{ARTIFACT} {shapes} {END} {numbered}"
        return f"{ARTIFACT} {shapes} {END} {marked(opening(canvas, self.body), text)}" \
            if text else f"{ARTIFACT} {shapes} {END}"

    def _runs(self, lines: tuple[str, ...]) -> RunsOfLines:
        """A numbered question's lines as runs: its number the item's label, the rest
        its body."""
        prefix, font = self._prefix(), self.style.fontName
        first: tuple[tuple[str, str, Node | None], ...] = ((font, prefix, self.lbl),)
        if len(lines[0]) > len(prefix):
            first += ((font, lines[0][len(prefix):], self.body),)
        return (first, *(((font, line, self.body),) for line in lines[1:]))

    def _draw_text(self, first_baseline: float) -> None:
        """The question's text; its number, if any, apart as the item's label."""
        canvas, style = self.canv, self.style
        lines = self.lines_of_text if self.label else (self._prefix(),) if self._prefix() \
            else ()
        if not lines:
            return
        if self.number is None or tags_of(canvas) is None:
            draw_lines(canvas, self.indent, first_baseline, lines, style,
                       opening(canvas, self.body))
            return
        draw_runs(canvas, self.indent, first_baseline, style.fontSize, style.leading,
                  self._runs(lines), tagged=True)

    def after_ops(self, canvas: Canvas, x: float, y: float) -> None:
        self._fields(canvas, x, y)  # the operators drew the page; the fields go on top

    def _fields(self, canvas: Canvas, x: float, y: float) -> None:
        """The block's form fields (fillable handouts), its foot at (x, y)."""
        if not self.form.enabled:
            return
        first_baseline, box_y, ys = _question_geometry(
            self.height, self.style.fontSize, self.box, self.text_height, self.gap, self.lines)
        self.form.checkbox(canvas, f"{self.field}_done", x, y + box_y, self.box,
                           self.text or self.slot, self.lbl)
        if not self.label:
            self.form.line(canvas, f"{self.field}_question", x + self._write_from(),
                           x + self.width, y + first_baseline - 2, self.gap * 0.8, self.slot,
                           self.body)
        for index, line in enumerate(ys, 1):
            self.form.line(canvas, f"{self.field}_answer_{index}", x + self.indent,
                           x + self.width, y + line, self.gap * 0.8,
                           gettext("Answer to: {question}").format(
                               question=self.text or self.slot), self.body)

    def draw(self) -> None:
        canvas = self.canv
        first_baseline, box_y, ys = _question_geometry(
            self.height, self.style.fontSize, self.box, self.text_height, self.gap, self.lines)
        canvas.addLiteral(decoration(canvas, box_ops(0, box_y, self.box)))
        self._draw_text(first_baseline)
        if not self.label:
            rule(canvas, self._write_from(), self.width, first_baseline - 2)
        rules(canvas, tuple((self.indent, self.width, y) for y in ys))
        self._fields(canvas, 0, 0)


class WriteLine(Flowable):
    """One writing line the width of its space, with a field when fillable."""

    def __init__(self, height: float, form: Form, field: str, tooltip: str,
                 node: Node | None = None) -> None:
        super().__init__()
        self.line_height = height
        self.form = form
        self.field = field
        self.tooltip = tooltip
        self.node = node  # where its form field goes in the structure tree

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        return avail_width, self.line_height

    def draw(self) -> None:
        rule(self.canv, 0, self.width, 0)
        self.form.line(self.canv, self.field, 0, self.width, 0, self.line_height * 0.9,
                       self.tooltip, self.node)


class NotesLines(Flowable):
    """Ruled lines for notes that take the rest of the page, leaving room for the
    blocks that close the handout (resources, sources, support people).

    The notes follow the last question on the same page. When the page has room for
    `minimum` lines and the closing blocks, the lines fill what is left and the
    blocks follow; otherwise the lines fill this page (at least two, or the notes move
    to the next page) and a `NotesLines` made with `continues` adds the lines still
    owed above the closing blocks on the next page.
    """

    def __init__(self, minimum: int, gap: float, reserve: list[Flowable], form: Form,
                 label: str = "Notes", continues: NotesLines | None = None,
                 page_height: float = 0.0, node: Node | None = None) -> None:
        super().__init__()
        self.node = node  # where its form fields go in the structure tree
        self.label = label  # the printed heading, the fields' tooltip
        self.minimum = minimum
        self.count = minimum
        self.gap = gap
        self.reserve = reserve
        self.form = form
        self.continues = continues
        self.first = 1  # the number of the first line, for the form fields
        self.page_height = page_height  # a whole page's text area
        self.dropped = False  # left out, with its heading, to end the handout a page sooner

    def _reserved(self, avail_width: float, avail_height: float) -> float:
        return float(sum(f.wrap(avail_width, avail_height)[1] + f.getSpaceBefore()
                         + f.getSpaceAfter() for f in self.reserve))

    def _fits_first(self, avail_width: float, avail_height: float) -> bool:
        """Whether the first closing block fits in this height (whole, or split)."""
        first = self.reserve[0]
        needed = first.wrap(avail_width, avail_height)[1] + first.getSpaceBefore()
        return needed <= avail_height or bool(first.split(avail_width, avail_height))

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        room = int((avail_height - self._reserved(avail_width, avail_height)) // self.gap)
        if self.continues is not None:
            before = self.continues
            owed = before.minimum - before.count \
                if before.count < before.minimum and not before.dropped else 0
            self.first = before.first + before.count
            self.count = max(room, owed, 2) if owed else 0  # never one lone line
        elif room >= self.minimum:
            self.count = room
        elif self.page_height and self.reserve and self._reserved(avail_width, avail_height) \
                + self.minimum * self.gap > self.page_height and self._fits_first(
                    avail_width, avail_height - self.minimum * self.gap):
            # the closing blocks fill more than a page anyway: they follow the least
            # lines here and run on, rather than leave their last lines alone on a page
            self.count = self.minimum
        else:
            # fill this page; the closing blocks start the next, whole where they fit
            # (rather than end the handout with their last lines alone on a page)
            self.count = max(int(avail_height // self.gap), 2)
        self.width = avail_width
        self.height = self.count * self.gap
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        return []

    def draw(self) -> None:
        ys = [self.height - index * self.gap for index in range(1, self.count + 1)]
        rules(self.canv, tuple((0, self.width, y) for y in ys))
        for index, y in enumerate(ys, self.first):
            self.form.line(self.canv, f"notes_{index}", 0, self.width, y, self.gap * 0.8,
                           self.label, self.node)


class NotesBlock(Together):
    """The "Notes" heading over its lines. Where the lines' minimum does not fit but the
    blocks that close the handout do, the notes are left out, heading and all: the handout
    ends on this page rather than carry its closing blocks onto a page of their own."""

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        notes = self.parts[-1]
        assert isinstance(notes, NotesLines)
        notes.dropped = False
        super().wrap(avail_width, avail_height)
        if notes.reserve:
            reserved = notes._reserved(avail_width, avail_height)
            below = avail_height - (self.height - notes.height)  # the lines' room
            if reserved + notes.minimum * notes.gap > below and reserved <= avail_height:
                notes.dropped, notes.count, notes.height = True, 0, 0.0
                self.height = 0.0
        return self.width, self.height

    def getSpaceBefore(self) -> float:  # noqa: N802 - reportlab's name
        return 0.0 if self.parts[-1].dropped else super().getSpaceBefore()

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802,N803
        if not self.parts[-1].dropped:
            super().drawOn(canvas, x, y, _sW)

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        return []


class LabelBox(Flowable):
    """A dashed box with "Place label here", sized for a common patient label."""

    WIDTH = 2.7 * 72
    HEIGHT = 1.1 * 72

    def __init__(self, text: str, style: ParagraphStyle, node: Node | None = None) -> None:
        super().__init__()
        self.text = text
        self.style = style
        self.node = node  # its text, in the structure tree (the outline is an artifact)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = min(self.WIDTH, avail_width)
        return self.width, self.HEIGHT

    def draw(self) -> None:
        canvas: Any = self.canv
        canvas.addLiteral(decoration(canvas, f"{_INK_STROKE} 1 w [4 3] 0 d n "
                                             f"{fp_str(0, 0, self.width, self.HEIGHT)} re S "
                                             "[] 0 d"))
        style = self.style
        x = (self.width - stringWidth(self.text, style.fontName, style.fontSize)) / 2
        draw_lines(canvas, x, self.HEIGHT / 2 - style.fontSize / 3, (self.text,), style,
                   opening(canvas, self.node))


class ChecklistRows(Flowable):
    """A list to check (the symptoms): a title, its introduction, a heading over each of
    the three columns ("I have it", "Problem", "When it started"), rows of a box, the item,
    and a line to write when it started, and a foot under the rows (the numbers to call).

    It splits between rows, never leaving its title and introduction at the foot of a
    page with fewer than two rows under them, nor one or two rows alone on the next
    page: those it fits by tightening the space between rows, or it moves whole. The
    foot stays with the last rows.
    """

    MIN_ROWS = 2  # rows kept under the title, and rows carried to the next page

    def __init__(self, head: list[Flowable], columns: tuple[str, str, str],
                 items: list[tuple[int, str]],
                 styles: tuple[ParagraphStyle, ParagraphStyle], box: float, row_pad: float,
                 form: Form, column_width: float, foot: list[Flowable] | None = None,
                 table: Node | None = None) -> None:
        super().__init__()
        # In the structure tree, a table: a header row (a TH with a column scope over
        # each of the three columns), then a row a symptom: the cell of its tick box (its
        # field, when fillable; on paper the printed square is decoration), the cell of
        # its text, and the cell of when it started (its field, when fillable).
        self.table = table
        self.headers: tuple[Node | None, ...] = (None, None, None)
        self.cells: dict[int, tuple[Node | None, Node | None, Node | None]] = {
            number: (None, None, None) for number, _ in items}
        if table is not None:
            header_row = table.add("TR")
            self.headers = tuple(header_row.add("TH", scope="Column") for _ in range(3))
            for number, _ in items:
                row = table.add("TR")
                self.cells[number] = (row.add("TD"), row.add("TD"), row.add("TD"))
        self.head = head  # the title and the introduction; on a continuation, continued_head
        # the title "(continued)", heading the rows carried to the next page
        self.continued_head: list[Flowable] = []
        self.foot = foot or []  # under the last rows; empty on a first part
        self.columns = columns  # the headings: the box, the item, when it started
        self.column = columns[2]
        self.items = items  # (number, text)
        self.label_style, self.style = styles
        self.box = box
        self.row_pad = row_pad
        self.pad = row_pad
        self.form = form
        self.column_width = column_width
        self.head_heights: list[float] = []
        self.foot_heights: list[float] = []
        self.foot_height = 0.0
        self.rows: list[tuple[tuple[str, ...], float]] = []

    def getSpaceBefore(self) -> float:  # noqa: N802 - reportlab's name
        return float(self.head[0].getSpaceBefore()) if self.head else 0.0

    def _text_width(self, avail_width: float) -> float:
        return float(avail_width - self._indent() - self.column_width - self.style.fontSize)

    def _indent(self) -> float:
        # the box column is as wide as its heading ("I have it"), wrapped to two lines at most
        label = self.label_style
        words = self.columns[0].split()
        widest = max((stringWidth(w, label.fontName, label.fontSize) for w in words),
                     default=0.0)
        whole = stringWidth(self.columns[0], label.fontName, label.fontSize)
        heading = whole if whole <= widest * 2.2 else max(widest, whole / 2)
        return float(max(self.box, heading) + self.style.fontSize * 0.7)

    def _box_lines(self) -> tuple[str, ...]:
        label = self.label_style
        return wrap_text(self.columns[0], label.fontName, label.fontSize,
                         self._indent() - self.style.fontSize * 0.6)

    def _measure(self, avail_width: float, pad: float) -> float:
        self.width = avail_width
        self.head_heights = []
        for index, part in enumerate(self.head):
            gap = float(self.head[index - 1].getSpaceAfter()) if index else 0.0
            self.head_heights.append(gap + float(part.wrap(avail_width, 1e6)[1]))
        width = self._text_width(avail_width)
        self.rows = []
        for _, text in self.items:
            lines = wrap_text(text, self.style.fontName, self.style.fontSize, width, hyphenate=True)
            self.rows.append((lines, pad + max(len(lines) * self.style.leading, self.box) + 1))
        self.foot_heights = [float(part.getSpaceBefore() + part.wrap(avail_width, 1e6)[1])
                             for part in self.foot]
        self.foot_height = sum(self.foot_heights)
        self.pad = pad
        return float(self._head_height() + sum(height for _, height in self.rows)
                     + self.foot_height)

    def _column_lines(self) -> tuple[str, ...]:
        label = self.label_style
        # the heading may reach left over the item column's heading when that is short,
        # rather than wrap ("When it started" on one line over its writing lines)
        room = self.width - self._indent() - self._item_width() - label.fontSize
        return wrap_text(self.column, label.fontName, label.fontSize,
                         max(self.column_width, room))

    def _item_width(self) -> float:
        label = self.label_style
        return float(stringWidth(self.columns[1], label.fontName, label.fontSize))

    def _item_lines(self) -> tuple[str, ...]:
        label = self.label_style
        return wrap_text(self.columns[1], label.fontName, label.fontSize,
                         self._text_width(self.width))

    def _header_lines(self) -> int:
        return max(len(self._column_lines()), len(self._box_lines()), len(self._item_lines()))

    def _head_height(self) -> float:
        return float(sum(self.head_heights) + self._header_lines() * self.label_style.leading
                     + self.row_pad * 0.5)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        self.height = self._measure(avail_width, self.pad)
        return self.width, self.height

    def _rows_fitting(self, avail_height: float) -> int:
        used, count = self._head_height(), 0
        for _, height in self.rows:
            if used + height > avail_height:
                break
            used += height
            count += 1
        return count

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        total = len(self.items)
        self._measure(avail_width, self.row_pad)
        fit = self._rows_fitting(avail_height)
        if fit == total:  # the rows fit, their foot does not
            fit -= 1
        if total - fit <= self.MIN_ROWS:
            # a row or two over: try tighter spacing before carrying them over
            if self._measure(avail_width, self.row_pad * 0.35) <= avail_height:
                return [self._part(self.items, self.row_pad * 0.35, keep_head=True)]
            self._measure(avail_width, self.row_pad)
            fit = min(fit, total - self.MIN_ROWS - 1)
        pad = self.row_pad
        if fit < self.MIN_ROWS:
            # the title and two rows fit with tighter spacing, rather than leave the space
            pad = self.row_pad * 0.35
            self._measure(avail_width, pad)
            fit = min(self._rows_fitting(avail_height), total - self.MIN_ROWS - 1)
            if fit < self.MIN_ROWS:
                return []  # move whole (or, at the top of a page, platypus reports it)
        return [self._part(self.items[:fit], pad, keep_head=True, keep_foot=False),
                self._part(self.items[fit:], pad, keep_head=False)]

    def _part(self, items: list[tuple[int, str]], pad: float, keep_head: bool,
              keep_foot: bool = True) -> ChecklistRows:
        part = ChecklistRows(self.head if keep_head else list(self.continued_head),
                             self.columns, items, (self.label_style, self.style), self.box,
                             self.row_pad, self.form, self.column_width,
                             self.foot if keep_foot else None)
        part.continued_head = self.continued_head
        part.pad = pad
        part.table, part.headers = self.table, self.headers  # the same table, continued
        part.cells = {number: self.cells[number] for number, _ in items}
        return part

    def draw(self) -> None:
        canvas = self.canv
        top = self.height
        for part, height in zip(self.head, self.head_heights, strict=True):
            top -= height
            part.drawOn(canvas, 0, top)
        label, style = self.label_style, self.style
        column_x = self.width - self.column_width
        top -= self.row_pad * 0.5
        # one heading over each column, on the same baseline (every column has its own);
        # on a continuation page the header repeats for the eye: an artifact there
        first = baseline_below(top, label)
        box_head, item_head, when_head = self.headers
        draw_lines(canvas, 0, first, self._box_lines(), label, opening(canvas, box_head))
        draw_lines(canvas, self._indent(), first, self._item_lines(), label,
                   opening(canvas, item_head))
        column_lines = self._column_lines()
        widest = max(stringWidth(line, label.fontName, label.fontSize) for line in column_lines)
        draw_lines(canvas, min(column_x, self.width - widest), first, column_lines, label,
                   opening(canvas, when_head))
        top -= self._header_lines() * label.leading
        indent = self._indent()
        segments = []
        for (number, text), (lines, height) in zip(self.items, self.rows, strict=True):
            bottom = top - height
            row_top = top - self.pad
            baseline = baseline_below(row_top, style)
            box_y = baseline - self.box * 0.12
            tick, item, when = self.cells[number]
            canvas.addLiteral(decoration(canvas, box_ops(0, box_y, self.box)))
            self.form.checkbox(canvas, f"symptom_{number}", 0, box_y, self.box, text, tick)
            draw_lines(canvas, indent, baseline, lines, style, opening(canvas, item))
            line_y = baseline - (len(lines) - 1) * style.leading - 2
            segments.append((column_x, self.width, line_y))
            self.form.line(canvas, f"symptom_{number}_when", column_x, self.width, line_y,
                           style.leading * 0.9, f"{self.column}: {text}", when)
            top = bottom
        rules(canvas, tuple(segments))
        for part, height in zip(self.foot, self.foot_heights, strict=True):
            top -= height
            part.drawOn(canvas, 0, top)


class Marked(Flowable):
    """A flowable drawn whole as the content of one node of the structure tree (the
    drawing of the three kinds as a Figure with its alternative text, the worked
    example as a paragraph)."""

    def __init__(self, inner: Flowable, node: Node | None) -> None:
        super().__init__()
        self.inner = inner
        self.node = node

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        width, height = self.inner.wrap(avail_width, avail_height)
        self.width, self.height = width, height
        return width, height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        return []

    def getSpaceBefore(self) -> float:  # noqa: N802 - reportlab's name
        return float(self.inner.getSpaceBefore())

    def getSpaceAfter(self) -> float:  # noqa: N802 - reportlab's name
        return float(self.inner.getSpaceAfter())

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802,N803
        start = opening(canvas, self.node)
        if not start:
            self.inner.drawOn(canvas, x, y, _sW)
            return
        canvas.addLiteral(start)
        tags, canvas.tags = canvas.tags, None  # all of it is the node's: nothing nested
        try:
            self.inner.drawOn(canvas, x, y, _sW)
        finally:
            canvas.tags = tags
        canvas.addLiteral(END)


class ExampleBlock(Flowable):
    """The worked example of how to use an item: a checked box, a question beside it,
    and on its writing line, the words "Write the answer here."

    Drawn like a question block, but never a form field: it is not the reader's.
    """

    def __init__(self, question: str, answer: str, style: ParagraphStyle,
                 layout: Layout) -> None:
        super().__init__()
        self.question, self.answer = question, answer
        self.style = style
        self.box = layout.checkbox_size
        self.gap = layout.line_gap
        self.indent = self.box + style.fontSize * 0.7
        self.after = style.fontSize * 0.35
        self.lines: tuple[str, ...] = ()
        self.answer_lines: tuple[str, ...] = ()

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        style = self.style
        room = avail_width - self.indent
        self.lines = wrap_text(self.question, style.fontName, style.fontSize, room)
        self.answer_lines = wrap_text(self.answer, style.fontName, style.fontSize, room)
        self.text_height = len(self.lines) * style.leading
        self.width = avail_width
        self.height = (max(self.text_height, self.box) + len(self.answer_lines) * self.gap
                       + self.after)
        return self.width, self.height

    def draw(self) -> None:
        canvas, style = self.canv, self.style
        first_baseline, box_y, ys = _question_geometry(
            self.height - self.after, style.fontSize, self.box, self.text_height, self.gap,
            len(self.answer_lines))
        first_baseline, box_y = first_baseline + self.after, box_y + self.after
        ys = tuple(y + self.after for y in ys)
        canvas.addLiteral(box_ops(0, box_y, self.box))
        # the check mark, drawn: a short stroke down and a long one up
        size = self.box
        canvas.saveState()
        canvas.setStrokeColor(INK)
        canvas.setLineWidth(max(1.2, size * 0.14))
        canvas.setLineCap(1)
        canvas.setLineJoin(1)
        path = canvas.beginPath()
        path.moveTo(size * 0.18, box_y + size * 0.52)
        path.lineTo(size * 0.42, box_y + size * 0.22)
        path.lineTo(size * 0.85, box_y + size * 0.88)
        canvas.drawPath(path, stroke=1, fill=0)
        canvas.restoreState()
        # (a space after the question, which prints nothing, so that text read back
        # from the page does not run it into the answer)
        lines = (*self.lines[:-1], f"{self.lines[-1]} ") if self.lines else ()
        draw_lines(canvas, self.indent, first_baseline, lines, style)
        rules(canvas, tuple((self.indent, self.width, y) for y in ys))
        for y, line in zip(ys, self.answer_lines, strict=True):
            draw_lines(canvas, self.indent + style.fontSize * 0.4, y + 2 + style.fontSize * 0.24,
                       (line,), style)


class KindsFigure(Flowable):
    """The drawing of the three kinds of recurrence, from the sources' definitions: the
    place the cancer first started (a circle) and where it comes back (black dots): in
    the same place, in nearby lymph nodes or tissue, in an organ far away.

    Its title above; under each picture (or beside it, in rows, when the labels would
    take more than two lines under it, as in large print), its label; the key under all.
    The reader's kind has a thick box and says so in words; none is marked for "not
    sure yet". Simple vector shapes, sized from the body text.
    """

    MAX_LABEL_LINES = 2  # under a picture; more, and the kinds go one under the other

    def __init__(self, title: str, labels: tuple[tuple[str, str], ...], mark: str,
                 mark_words: str, caption: str, styles: tuple[ParagraphStyle, ParagraphStyle],
                 alt: str = "") -> None:
        super().__init__()
        self.title, self.labels, self.mark = title, labels, mark
        self.mark_words, self.caption = mark_words, caption
        self.bold, self.style = styles
        self.alt = alt  # the drawing in words, for a tagged PDF's Figure
        size = self.style.fontSize
        self.gap = size * 0.8
        self.pad = size * 0.45
        self.picture = size * 2.6
        self.row_picture = size * 2.0  # in rows
        self.picture_width = size * 5.5
        self.rows = False

    def _label_lines(self, kind: str, label: str, width: float) -> tuple[tuple[str, ...],
                                                                          tuple[str, ...]]:
        words = wrap_text(label, self.style.fontName, self.style.fontSize, width)
        mark = wrap_text(self.mark_words, self.bold.fontName, self.bold.fontSize, width) \
            if kind == self.mark and self.mark_words else ()
        return words, mark

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        style, bold = self.style, self.bold
        panel = (avail_width - 2 * self.gap) / 3
        self.panels = [self._label_lines(kind, label, panel - 2 * self.pad)
                       for kind, label in self.labels]
        self.rows = max(len(words) for words, _ in self.panels) > self.MAX_LABEL_LINES
        if self.rows:
            text_width = avail_width - self.picture_width - 3 * self.pad
            self.panels = [self._label_lines(kind, label, text_width)
                           for kind, label in self.labels]
            self.row_heights = [max(self.row_picture, (len(words) + len(mark)) * style.leading)
                                + 2 * self.pad for words, mark in self.panels]
            self.panel_height = sum(self.row_heights) + self.pad * 0.4 * 2
        else:
            longest = max(len(words) + len(mark) for words, mark in self.panels)
            self.panel_height = self.pad * 2.5 + self.picture + longest * style.leading
        self.title_lines = wrap_text(self.title, bold.fontName, bold.fontSize, avail_width)
        self.caption_lines = wrap_text(self.caption, style.fontName, style.fontSize,
                                       avail_width)
        self.height = (len(self.title_lines) * bold.leading + self.pad * 0.6
                       + self.panel_height + self.pad * 0.4
                       + len(self.caption_lines) * style.leading)
        return self.width, self.height

    def _box(self, canvas: Canvas, marked: bool, x: float, y: float, width: float,
               height: float) -> None:
        canvas.saveState()
        canvas.setStrokeColor(INK)
        canvas.setLineWidth(3.0 if marked else 0.8)
        inset = 1.5 if marked else 0.4
        canvas.rect(x + inset, y + inset, width - 2 * inset, height - 2 * inset, stroke=1,
                    fill=0)
        canvas.restoreState()

    def _label(self, canvas: Canvas, x: float, top: float, words: tuple[str, ...],
               mark: tuple[str, ...]) -> None:
        style, bold = self.style, self.bold
        draw_lines(canvas, x, baseline_below(top, style), words, style)
        if mark:
            draw_lines(canvas, x, baseline_below(top - len(words) * style.leading, bold),
                       mark, bold)

    def draw(self) -> None:
        canvas, style, bold = self.canv, self.style, self.bold
        top = self.height
        draw_lines(canvas, 0, baseline_below(top, bold), self.title_lines, bold)
        top -= len(self.title_lines) * bold.leading + self.pad * 0.6
        bottom = top - self.panel_height
        if self.rows:
            row_top = top - self.pad * 0.4
            for (kind, _), (words, mark), height in zip(self.labels, self.panels,
                                                        self.row_heights, strict=True):
                self._box(canvas, kind == self.mark, 0, row_top - height, self.width,
                            height)
                middle = row_top - height / 2
                self._picture(canvas, kind, self.pad, middle - self.row_picture / 2,
                              self.picture_width, self.row_picture)
                text_height = (len(words) + len(mark)) * style.leading
                self._label(canvas, self.picture_width + 2 * self.pad,
                            middle + text_height / 2, words, mark)
                row_top -= height
        else:
            panel = (self.width - 2 * self.gap) / 3
            for index, ((kind, _), (words, mark)) in enumerate(zip(self.labels, self.panels,
                                                                   strict=True)):
                left = index * (panel + self.gap)
                self._box(canvas, kind == self.mark, left, bottom, panel, self.panel_height)
                picture_top = top - self.pad
                self._picture(canvas, kind, left + self.pad, picture_top - self.picture,
                              panel - 2 * self.pad, self.picture)
                self._label(canvas, left + self.pad, picture_top - self.picture - self.pad * 0.5,
                            words, mark)
        draw_lines(canvas, 0, baseline_below(bottom - self.pad * 0.4, style),
                   self.caption_lines, style)

    @staticmethod
    def _picture(canvas: Canvas, kind: str, x: float, y: float, width: float,
                 height: float) -> None:
        """One picture: the first place as a circle, where it comes back as black dots."""
        radius = height * 0.3
        cx, cy = x + min(width * 0.22, height * 0.6), y + height / 2
        canvas.saveState()
        canvas.setStrokeColor(INK)
        canvas.setFillColor(INK)
        canvas.setLineWidth(1.2)
        canvas.circle(cx, cy, radius, stroke=1, fill=0)
        dot = radius * 0.32
        if kind == "local":
            canvas.circle(cx + radius * 0.25, cy + radius * 0.2, dot, stroke=0, fill=1)
            canvas.circle(cx - radius * 0.3, cy - radius * 0.25, dot * 0.8, stroke=0, fill=1)
        elif kind == "regional":
            canvas.setLineWidth(0.8)
            nodes = ((cx + radius * 2.0, cy + radius * 0.9), (cx + radius * 2.3, cy - radius * 0.2),
                     (cx + radius * 1.9, cy - radius * 1.1))
            for nx, ny in nodes:
                canvas.line(cx + radius, cy, nx, ny)  # the lymph vessels
            for nx, ny in nodes:
                canvas.circle(nx, ny, dot * 1.1, stroke=1, fill=1)
        else:  # distant: an organ far away, across the panel
            far_x = x + width - height * 0.45
            canvas.setLineWidth(1.2)
            canvas.ellipse(far_x - height * 0.35, cy - height * 0.4, far_x + height * 0.35,
                           cy + height * 0.4, stroke=1, fill=0)
            canvas.circle(far_x, cy, dot * 1.2, stroke=0, fill=1)
            canvas.setDash(2, 2)
            canvas.setLineWidth(0.8)
            canvas.line(cx + radius + 2, cy, far_x - height * 0.35 - 3, cy)
            canvas.setDash()
        canvas.restoreState()
