"""Every template on both papers, with the longest profile, checked from the PDF itself."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

from visitprep.handout import make_handout
from visitprep.layout import builtin_names, load_layout
from visitprep.models import Clinic, Profile, QuestionBank

from conftest import read_pdf

pdfplumber = pytest.importorskip("pdfplumber")

INCH = 72.0
LONG_NAME = "Maria-Fernanda Wołodyjowska-Papadopoulou de los Santos y Ærøskøbing-Ørsted"
LONG_QUESTION = ("If I decide to wait a few months before starting the new treatment so that I "
                 "can be at my daughter's wedding overseas, what could that mean for my health, "
                 "and who should I call if something changes while I am away from home for "
                 "three weeks?")


def longest_profile(bank: QuestionBank, template: str, paper: str) -> Profile:
    return Profile(
        recurrence="unsure",
        concerns=tuple(t.id for t in bank.topics),
        name=LONG_NAME,
        doctor="Dr. Konstantinos Alexandropoulos-Whitfield, MD, PhD",
        companion="My sister Guðrún and my neighbour Bartholomew",
        visit_date=dt.date(2026, 12, 30),
        custom_questions=(LONG_QUESTION, "Can I keep working?",
                          LONG_QUESTION.replace("daughter", "son")),
        top_questions=(LONG_QUESTION, "rec-or-progression", "tx-goal"),
        template=template,
        paper=paper,
    )


CLINIC = Clinic(name="Riverside Cancer Center, Patient Navigation and Survivorship Office",
                phone="(555) 010-0100 ext. 4455",
                address=("12 Main Street, Suite 400", "Springfield, IL 62701"),
                website="www.riverside.example/navigation")


def overlapping_words(page: object) -> list[tuple[str, str]]:
    words = page.extract_words(use_text_flow=False, keep_blank_chars=False)  # type: ignore[attr-defined]
    boxes = sorted(((w["top"] + 0.3, w["bottom"] - 0.3, w["x0"] + 0.3, w["x1"] - 0.3, w["text"])
                    for w in words), key=lambda b: b[0])
    found: list[tuple[str, str]] = []
    active: list[tuple[float, float, float, float, str]] = []
    for box in boxes:
        active = [a for a in active if a[1] > box[0]]
        found += [(a[4], box[4]) for a in active if a[2] < box[3] and box[2] < a[3]]
        active.append(box)
    return found


@pytest.mark.parametrize("paper", ["letter", "a4"])
@pytest.mark.parametrize("template", builtin_names())
def test_text_stays_inside_the_margins_and_never_overlaps(
        bank: QuestionBank, template: str, paper: str) -> None:
    layout = load_layout(template)
    pdf_bytes = make_handout(longest_profile(bank, template, paper), bank, layout=layout,
                             clinic=CLINIC, invariant=True)
    margin = layout.margin_in * INCH
    furniture_size = layout.small_size
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        assert len(pdf.pages) > 3
        for number, page in enumerate(pdf.pages, 1):
            where = f"{template}/{paper} page {number}"
            for char in page.chars:
                assert margin - 0.5 <= char["x0"] and char["x1"] <= page.width - margin + 0.5, (
                    where, char["text"], char["x0"], char["x1"])
                assert 0.25 * INCH <= char["top"] and char["bottom"] <= page.height - 0.25 * INCH
                bottom_edge = page.height - margin + 0.5
                in_body = margin - 0.5 <= char["top"] and char["bottom"] <= bottom_edge
                if not in_body:  # only the footer and running head live in the margins
                    assert round(char["size"], 1) == furniture_size, (where, char["text"])
            assert overlapping_words(page) == [], where


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_large_print_body_is_at_least_18_pt_and_sans_serif(bank: QuestionBank,
                                                           paper: str) -> None:
    layout = load_layout("large-print")
    pdf_bytes = make_handout(longest_profile(bank, "large-print", paper), bank, layout=layout,
                             invariant=True)
    margin = layout.margin_in * INCH
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        for page in pdf.pages:
            body = [c for c in page.chars
                    if margin <= c["top"] and c["bottom"] <= page.height - margin]
            assert body
            assert min(round(c["size"], 2) for c in body) >= 18
            assert all("DejaVuSans" in c["fontname"] for c in body)
            assert not any("Oblique" in c["fontname"] or "Italic" in c["fontname"]
                           for c in page.chars)


def test_large_print_keeps_the_top_questions_and_invitation_on_page_1(
        bank: QuestionBank) -> None:
    profile = Profile(recurrence="distant", name="Ann Lee", visit_date=dt.date(2026, 12, 3),
                      doctor="Dr. Ng", companion="Bo", template="large-print",
                      top_questions=("tx-choices", "cost-coverage", "tx-how-long"),
                      concerns=("costs",))
    first = read_pdf(make_handout(profile, bank)).pages[0]
    for text in ("My top questions", "To my care team", "1. What are my treatment choices?",
                 "2. Will my insurance cover", "3. How long will I be on this treatment?"):
        assert text in first, text


def test_navigator_handout_has_clinic_label_and_support(bank: QuestionBank) -> None:
    profile = Profile(recurrence="local", template="navigator")
    pdf = read_pdf(make_handout(profile, bank, clinic=CLINIC))
    assert "Place label here" in pdf.pages[0]
    last = pdf.pages[-1]
    assert "For more local information, please contact:" in last
    assert "Riverside Cancer Center, Patient Navigation and Survivorship Office" in last
    assert "Phone: (555) 010-0100 ext. 4455" in last
    assert "12 Main Street, Suite 400" in last
    assert "1-800-4-CANCER" in last
    for person in ("Family and friends", "Doctors and nurses", "Oncology social workers",
                   "Leaders in your faith or spiritual community"):
        assert person in pdf.text


def test_navigator_without_clinic_details_leaves_lines_to_fill(bank: QuestionBank) -> None:
    pdf = read_pdf(make_handout(Profile(recurrence="local", template="navigator"), bank))
    assert "For more local information, please contact:" in " ".join(pdf.pages[-2:])
    standard = read_pdf(make_handout(Profile(recurrence="local"), bank))
    assert "For more local information" not in standard.text
    assert "Place label here" not in standard.text


def test_clinic_details_print_on_the_standard_handout_when_given(bank: QuestionBank) -> None:
    pdf = read_pdf(make_handout(Profile(recurrence="local"), bank, clinic=CLINIC))
    assert "For more local information, please contact:" in " ".join(pdf.pages[-2:])


def test_fillable_fields_have_stable_readable_names(bank: QuestionBank) -> None:
    from pypdf import PdfReader

    profile = Profile(recurrence="local", concerns=("symptoms",), custom_questions=("Mine?",),
                      top_questions=("tx-choices",), doctor="Dr. Ng", fillable=True)
    data = make_handout(profile, bank, invariant=True)
    fields = PdfReader(io.BytesIO(data)).get_fields() or {}
    for name in ("name", "visit_date", "companion", "top_1_done", "top_1_answer_1",
                 "top_2_question", "top_2_done", "own_1_done", "own_1_answer_2",
                 "tx-hospital_done", "tx-hospital_answer_1", "symptom_1", "symptom_1_when",
                 "notes_1"):
        assert name in fields, name
    assert "doctor" not in fields  # given: printed, not a field
    assert fields["tx-hospital_done"]["/FT"] == "/Btn"
    assert fields["tx-hospital_answer_1"]["/FT"] == "/Tx"
    again = PdfReader(io.BytesIO(make_handout(profile, bank, invariant=True))).get_fields()
    assert sorted(fields) == sorted(again or {})


def test_fillable_looks_the_same_as_printed(bank: QuestionBank) -> None:
    plain = Profile(recurrence="regional", concerns=("costs", "symptoms"), name="Ann")
    filled = Profile(recurrence="regional", concerns=("costs", "symptoms"), name="Ann",
                     fillable=True)
    with pdfplumber.open(io.BytesIO(make_handout(plain, bank, invariant=True))) as a, \
            pdfplumber.open(io.BytesIO(make_handout(filled, bank, invariant=True))) as b:
        assert len(a.pages) == len(b.pages)
        for page_a, page_b in zip(a.pages, b.pages, strict=True):
            assert page_a.extract_text() == page_b.extract_text()
            assert len(page_a.lines) == len(page_b.lines)
            assert len(page_a.rects) == len(page_b.rects)


def test_templates_can_be_copied_and_edited(tmp_path: Path, bank: QuestionBank) -> None:
    source = (Path(__file__).resolve().parents[1] / "templates" / "navigator.yaml")
    copy = tmp_path / "ours.yaml"
    copy.write_text(source.read_text(encoding="utf-8").replace(
        "name: navigator", "name: ours").replace("body: 14", "body: 16"), encoding="utf-8")
    layout = load_layout(str(copy))
    assert layout.name == "ours" and layout.body_size == 16
    assert "label_box" in layout.features


@pytest.mark.parametrize("template", builtin_names())
def test_every_question_has_its_box_and_writing_lines(bank: QuestionBank, template: str) -> None:
    layout = load_layout(template)
    profile = Profile(recurrence="regional", concerns=("costs", "coping"), template=template)
    grey = (0.35, 0.35, 0.35)
    with pdfplumber.open(io.BytesIO(make_handout(profile, bank, invariant=True))) as pdf:
        pages = pdf.pages
        questions = 0
        for page in pages[1:-1]:  # past the header and top box; no checklist in this profile
            boxes = sorted(r["top"] for r in page.rects
                           if abs(r["width"] - layout.checkbox_size) < 0.1
                           and r["stroking_color"] == (0.0, 0.0, 0.0))
            rules = [line for line in page.lines if line["stroking_color"] == grey]
            assert all(line["linewidth"] == pytest.approx(0.6) for line in rules)
            for top, below in zip(boxes, [*boxes[1:], page.height], strict=False):
                under = [line for line in rules if top < line["top"] < below]
                assert len(under) == layout.answer_lines, (page.page_number, top)
                # each line runs from beside the box to the right margin
                assert all(line["x0"] > layout.margin_in * INCH + layout.checkbox_size
                           for line in under)
                assert all(line["x1"] > page.width - layout.margin_in * INCH - 8
                           for line in under)
            questions += len(boxes)
        assert questions > 5
        notes_page = next(page for page in pages
                          if "Notes" in (page.extract_text() or "").splitlines()[:3])
        notes = [line for line in notes_page.lines if line["stroking_color"] == grey]
        assert len(notes) >= layout.notes_lines


@pytest.mark.parametrize("template", builtin_names())
def test_no_heading_is_left_alone_at_the_foot_of_a_page(bank: QuestionBank,
                                                        template: str) -> None:
    from visitprep.document import build_document
    from visitprep.selection import select_questions

    layout = load_layout(template)
    margin = layout.margin_in * INCH
    topics = [t.id for t in bank.topics]
    checked = 0
    for paper in ("letter", "a4"):
        for count in range(0, len(topics) + 1, 3):
            profile = Profile(recurrence="unsure", concerns=tuple(topics[:count]),
                              template=template, paper=paper)
            document = build_document(bank, profile, select_questions(bank, profile), layout,
                                      None)
            # ("Notes" is followed by writing lines, not text: the box test checks those.)
            headings = {section.title for section in document.sections} | {
                document.learn_more_title, document.sources_title,
                *(checklist.title for checklist in document.checklists)}
            data = make_handout(profile, bank, layout=layout, invariant=True)
            with pdfplumber.open(io.BytesIO(data)) as pdf:
                for page in pdf.pages:
                    body = page.within_bbox((0, margin - 1, page.width, page.height - margin + 1))
                    lines = (body.extract_text() or "").splitlines()
                    assert lines, page.page_number
                    assert lines[-1] not in headings, (paper, count, page.page_number, lines[-1])
                    checked += 1
    assert checked > 20


def test_empty_top_question_slots_have_a_line_to_write_the_question_on(
        bank: QuestionBank) -> None:
    layout = load_layout("standard")
    data = make_handout(Profile(recurrence="local"), bank, layout=layout, invariant=True)
    grey = (0.35, 0.35, 0.35)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[0]
        numbers = [w for w in page.extract_words() if w["text"] in ("1.", "2.", "3.")]
        assert len(numbers) == 3
        rules = [line for line in page.lines if line["stroking_color"] == grey]
        for number in numbers:
            # the line to write on starts just after the number, on its baseline
            beside = [line for line in rules if abs(line["top"] - number["bottom"]) < 4
                      and 0 < line["x0"] - number["x1"] < 8]
            assert len(beside) == 1, number["text"]
        header = 4  # name, date, doctor, companion: each value is underlined
        assert len(rules) == header + 3 * (1 + layout.top_answer_lines)
