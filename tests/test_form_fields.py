"""Form fields written by visitprep's own widgets are the ones reportlab's acroForm writes.

Fillable handouts write their widgets as fixed strings and share each appearance stream
(render/flowables.py, `Form`): six times faster than reportlab's acroForm, which builds
six streams for every checkbox. These tests draw the same fields both ways on one page
and compare what a PDF reader gets: every entry of every widget, the appearance streams'
content, and the form's fonts.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import IndirectObject
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen.canvas import Canvas

from visitprep.render.flowables import FIELD_FONT, INK, Form


def _resolved(value: Any) -> Any:
    """A widget entry with references replaced by what they point to (streams by data)."""
    if isinstance(value, IndirectObject):
        value = value.get_object()
    if hasattr(value, "get_data"):
        return {"data": value.get_data(), **{k: _resolved(v) for k, v in value.items()
                                             if k not in ("/Length", "/Filter")}}
    if isinstance(value, dict):
        return {k: _resolved(v) for k, v in value.items() if k != "/P"}
    if isinstance(value, list):
        return [_resolved(v) for v in value]
    return value


def _widgets(draw: Any) -> tuple[list[Any], Any]:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=letter)
    canvas.translate(30, 40)  # fields are placed relative to the canvas, as in a frame
    draw(canvas)
    canvas.showPage()
    canvas.save()
    reader = PdfReader(io.BytesIO(buffer.getvalue()))
    annotations = [_resolved(a) for a in reader.pages[0]["/Annots"]]
    return annotations, _resolved(reader.trailer["/Root"]["/AcroForm"])


FIELDS = [("check", "q1_done", 72.0, 600.0, 14.0, "What are my treatment choices?"),
          ("text", "q1_answer_1", 90.0, 500.0, 540.0, "Answer to: (é) \\ what?"),
          ("check", "q2_done", 72.0, 400.0, 14.0, ""),
          ("text", "notes_1", 72.0, 300.0, 540.0, "Notes")]


@pytest.mark.parametrize("size", [12.0, 18.0])
def test_our_widgets_are_reportlabs(size: float) -> None:
    def ours(canvas: Canvas) -> None:
        form = Form(True, size)
        for kind, name, x, y, extent, tip in FIELDS:
            if kind == "check":
                form.checkbox(canvas, name, x, y, extent, tip)
            else:
                form.line(canvas, name, x, extent, y, 10, tip)

    def reportlabs(canvas: Canvas) -> None:
        for kind, name, x, y, extent, tip in FIELDS:
            if kind == "check":
                canvas.acroForm.checkboxRelative(
                    name=name, tooltip=tip, x=x, y=y, size=extent, buttonStyle="check",
                    borderWidth=None, borderColor=None, fillColor=None, textColor=INK,
                    fieldFlags="", annotationFlags="print")
            else:
                canvas.acroForm.textfieldRelative(
                    name=name, tooltip=tip, x=x, y=y + 1, width=extent - x,
                    height=max(10, size * 1.25), borderWidth=None, borderColor=None,
                    fillColor=None, textColor=INK, fontName=FIELD_FONT, fontSize=size,
                    fieldFlags="", annotationFlags="print", maxlen=0)

    (mine, my_form), (theirs, their_form) = _widgets(ours), _widgets(reportlabs)
    assert len(mine) == len(FIELDS)
    assert mine == theirs
    assert my_form == their_form


def test_a_second_document_in_the_same_process_writes_its_own_streams() -> None:
    first, _ = _widgets(lambda canvas: Form(True, 12).checkbox(canvas, "a", 0, 0, 14, "A"))
    second, _ = _widgets(lambda canvas: Form(True, 12).checkbox(canvas, "a", 0, 0, 14, "A"))
    assert first == second
