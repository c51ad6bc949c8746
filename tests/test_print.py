"""Every template on both papers, with the longest profile, checked from the PDF itself."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

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
    vertical = layout.margin_top_bottom_in * INCH
    furniture_size = layout.small_size
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        assert len(pdf.pages) > 3
        for number, page in enumerate(pdf.pages, 1):
            where = f"{template}/{paper} page {number}"
            for char in page.chars:
                assert margin - 0.5 <= char["x0"] and char["x1"] <= page.width - margin + 0.5, (
                    where, char["text"], char["x0"], char["x1"])
                # nothing within 0.4 inch of the paper's edge
                assert 0.4 * INCH <= char["top"] and char["bottom"] <= page.height - 0.4 * INCH
                bottom_edge = page.height - vertical + 0.5
                in_body = vertical - 0.5 <= char["top"] and char["bottom"] <= bottom_edge
                if not in_body:  # only the footer and the top line live in the margins
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
                 "2. Will insurance cover", "3. How long will I be on this treatment?"):
        assert text in first, text


def test_navigator_handout_has_clinic_label_and_support(bank: QuestionBank) -> None:
    profile = Profile(recurrence="local", template="navigator")
    pdf = read_pdf(make_handout(profile, bank, clinic=CLINIC))
    first = pdf.pages[0]
    assert "Place label here" in first
    assert "For more local information, please contact:" in first
    assert "Riverside Cancer Center, Patient Navigation and Survivorship Office" in first
    assert "Phone: (555) 010-0100 ext. 4455" in first
    assert "12 Main Street, Suite 400" in first
    assert "1-800-4-CANCER" in pdf.pages[-1]
    assert "People who can support you" in " ".join(pdf.pages[-2:])
    for person in ("Family and friends", "Doctors and nurses", "Oncology social workers",
                   "Leaders in your faith or spiritual community"):
        assert person in pdf.text


def test_navigator_without_clinic_details_leaves_lines_to_fill(bank: QuestionBank) -> None:
    pdf = read_pdf(make_handout(Profile(recurrence="local", template="navigator"), bank))
    assert "For more local information, please contact:" in pdf.pages[0]
    standard = read_pdf(make_handout(Profile(recurrence="local"), bank))
    assert "For more local information" not in standard.text
    assert "Place label here" not in standard.text


def test_clinic_details_print_on_the_standard_handout_when_given(bank: QuestionBank) -> None:
    pdf = read_pdf(make_handout(Profile(recurrence="local"), bank, clinic=CLINIC))
    assert "For more local information, please contact:" in " ".join(pdf.pages[-2:])


@pytest.mark.parametrize(("template", "size"), [("standard", 12), ("large-print", 18)])
def test_typed_answers_are_as_large_as_the_print(bank: QuestionBank, template: str,
                                                 size: int) -> None:
    from pypdf import PdfReader

    profile = Profile(recurrence="local", concerns=("symptoms",), fillable=True,
                      template=template)
    reader = PdfReader(io.BytesIO(make_handout(profile, bank, invariant=True)))
    sizes = {float(str(field["/DA"]).split(" Tf")[0].split()[-1])
             for page in reader.pages for field in (a.get_object() for a in page.get("/Annots", []))
             if field.get("/FT") == "/Tx"}
    assert sizes == {size}


def test_fillable_fields_have_stable_readable_names(bank: QuestionBank) -> None:
    from pypdf import PdfReader

    profile = Profile(recurrence="local", concerns=("symptoms",), custom_questions=("Mine?",),
                      top_questions=("tx-choices",), doctor="Dr. Ng", fillable=True,
                      length="full")
    data = make_handout(profile, bank, invariant=True)
    fields = PdfReader(io.BytesIO(data)).get_fields() or {}
    for name in ("name", "visit_date", "companion", "top_1_done", "top_1_answer_1",
                 "top_2_question", "top_2_done", "own_1_done", "own_1_answer_1",
                 "rec-outlook_done", "rec-outlook_answer_1", "symptom_1",
                 "symptom_1_when",
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
        "name: navigator", "name: ours") + "font:\n  body: 16\n", encoding="utf-8")
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
            headings = [w["top"] for w in page.extract_words() if w["text"] == "Notes"]
            end = min(headings, default=page.height)  # the notes' lines are not answers
            boxes = [top for top in boxes if top < end]
            for top, below in zip(boxes, [*boxes[1:], end], strict=False):
                under = [line for line in rules if top < line["top"] < below]
                # the page's last question takes the space left under it as more lines
                last = below == end
                assert (len(under) >= layout.answer_lines if last
                        else len(under) == layout.answer_lines), (page.page_number, top)
                # each line runs from beside the box to the right margin
                assert all(line["x0"] > layout.margin_in * INCH + layout.checkbox_size
                           for line in under)
                assert all(line["x1"] > page.width - layout.margin_in * INCH - 8
                           for line in under)
            questions += len(boxes)
        assert questions > 5
        # the notes follow the last questions, with at least notes_lines lines to write on;
        # or, where those lines alone would carry the closing blocks onto a page of their
        # own, there are none, and the closing blocks share the last questions' page
        notes_page = next((page for page in pages if any(
            w["text"] == "Notes" for w in page.extract_words())), None)
        if notes_page is None:
            last = pages[-1]
            assert "Where to learn more" in (last.extract_text() or "")
            assert any(abs(r["width"] - layout.checkbox_size) < 0.1 for r in last.rects)
            return
        heading = next(w for w in notes_page.extract_words() if w["text"] == "Notes")
        notes = [line for line in notes_page.lines if line["stroking_color"] == grey
                 and line["top"] > heading["bottom"] and line["x0"] < layout.margin_in * INCH + 8]
        if notes_page is not pages[-1]:  # when the page ran out, the rest come next
            after = pages[pages.index(notes_page) + 1]
            text_top = min(c["top"] for c in after.chars if c["size"] > layout.small_size
                           or c["top"] > layout.margin_top_bottom_in * INCH)
            notes += [line for line in after.lines if line["stroking_color"] == grey
                      and line["top"] < text_top]
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
        steps = next(w for w in page.extract_words() if w["text"] == "How")  # to use this list
        numbers = [w for w in page.extract_words() if w["text"] in ("1.", "2.", "3.")
                   and w["top"] < steps["top"]]
        assert len(numbers) == 3
        rules = [line for line in page.lines if line["stroking_color"] == grey]
        for number in numbers:
            # the line to write on starts just after the number, on its baseline
            beside = [line for line in rules if abs(line["top"] - number["bottom"]) < 4
                      and 0 < line["x0"] - number["x1"] < 8]
            assert len(beside) == 1, number["text"]
        header = 4  # name, date, doctor, companion: each value is underlined
        in_box = [line for line in rules if line["top"] < steps["top"]]
        assert len(in_box) == header + 3 * (1 + layout.top_answer_lines)


def _logo_files(folder: Path) -> dict[str, Path]:
    from PIL import Image

    wide = Image.new("RGB", (600, 200), (20, 60, 140))
    files = {"png": folder / "logo.png", "jpeg": folder / "logo.jpg"}
    wide.save(files["png"])
    wide.save(files["jpeg"], quality=80)
    files["cut"] = folder / "cut.png"
    files["cut"].write_bytes(files["png"].read_bytes()[:-30])
    files["text"] = folder / "notes.png"
    files["text"].write_text("not an image", encoding="utf-8")
    return files


@pytest.mark.parametrize("kind", ["png", "jpeg"])
def test_the_clinic_logo_prints_in_its_box_on_page_1(bank: QuestionBank, tmp_path: Path,
                                                     kind: str) -> None:
    from visitprep.clinic import load_clinic

    logo = _logo_files(tmp_path)[kind]
    clinic_file = tmp_path / "clinic.yaml"
    clinic_file.write_text(f"name: Riverside\nphone: '555'\nlogo: {logo.name}\n",
                           encoding="utf-8")
    clinic = load_clinic(clinic_file)
    assert clinic.logo == str(logo)
    data = make_handout(Profile(recurrence="local", template="navigator"), bank, clinic=clinic)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        images = pdf.pages[0].images
        assert len(images) == 1
        image = images[0]
        # scaled into its 1.8 x 0.7 inch box, keeping its 3:1 shape
        assert image["width"] == pytest.approx(1.8 * INCH, abs=0.5)
        assert image["height"] == pytest.approx(0.6 * INCH, abs=0.5)
        assert "Riverside" in (pdf.pages[0].extract_text() or "")
        assert all(not page.images for page in pdf.pages[1:])


@pytest.mark.parametrize(("kind", "message"), [
    ("missing", "no such file"),
    ("cut", "is cut short (the PNG image does not end)"),
    ("text", "is not a PNG or JPEG image"),
])
def test_a_missing_or_broken_logo_is_one_clear_error(run: Callable[..., Any], tmp_path: Path,
                                                     kind: str, message: str) -> None:
    files = _logo_files(tmp_path)
    name = "gone.png" if kind == "missing" else files[kind].name
    (tmp_path / "clinic.yaml").write_text(f"name: Riverside\nlogo: {name}\n", encoding="utf-8")
    result = run("make", "--recurrence", "local", "--template", "navigator",
                 "--clinic", "clinic.yaml", "-o", "out.pdf")
    assert result.code == 1
    assert result.err.startswith("Error: clinic.yaml: 'logo': ")
    assert message in result.err and "Traceback" not in result.err
    assert "Give a PNG or JPEG file" in result.err
    assert not (tmp_path / "out.pdf").exists()


def test_make_with_a_clinic_file_prints_its_logo(run: Callable[..., Any], tmp_path: Path) -> None:
    logo = _logo_files(tmp_path)["jpeg"]
    (tmp_path / "clinic.yaml").write_text(f"name: Riverside\nlogo: {logo.name}\n",
                                          encoding="utf-8")
    result = run("make", "--recurrence", "local", "--clinic", "clinic.yaml",
                 "--clinic-phone", "555", "-o", "out.pdf")  # an option with the file
    assert result.code == 0, result.err
    with pdfplumber.open(tmp_path / "out.pdf") as pdf:
        assert sum(len(page.images) for page in pdf.pages) == 1  # near the end: standard
