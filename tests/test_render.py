"""Read generated PDFs back and check what a reader sees."""

from __future__ import annotations

import re

import pytest

from visitprep.document import build_document
from visitprep.errors import RenderError
from visitprep.handout import make_handout
from visitprep.layout import load_layout
from visitprep.models import Profile, QuestionBank
from visitprep.selection import select_questions

from conftest import read_pdf

LETTER = (612.0, 792.0)
A4 = (595.28, 841.89)


def pdf_for(bank: QuestionBank, **fields: object) -> object:
    profile = Profile(**{"recurrence": "distant", **fields})  # type: ignore[arg-type]
    return read_pdf(make_handout(profile, bank, invariant=True))


def test_page_one_carries_header_top_questions_and_invitation(bank: QuestionBank) -> None:
    pdf = pdf_for(bank, name="Maria López", doctor="Dr. Okafor", companion="Ana",
                  visit_date=__import__("datetime").date(2026, 12, 3),
                  top_questions=("tx-choices", "Can I keep working?"))
    first = pdf.pages[0]  # type: ignore[attr-defined]
    assert first.startswith("Questions about my cancer coming back")
    for text in ("Name: Maria López", "Visit date: Thursday, December 3, 2026",
                 "Doctor: Dr. Okafor", "Coming with me: Ana", "My top questions",
                 "1. What are my treatment choices?", "2. Can I keep working?",
                 "To my care team: I brought these questions. Can we go over them together?",
                 "About my cancer: The cancer has spread to organs or tissues far from"):
        assert text in first, text
    # a top question is not printed a second time in its section
    assert pdf.text.count("What are my treatment choices?") == 1  # type: ignore[attr-defined]


def test_blank_header_lines_when_nothing_is_given(bank: QuestionBank) -> None:
    first = pdf_for(bank).pages[0]  # type: ignore[attr-defined]
    assert "Name: Visit date: Doctor: Coming with me:" in first
    assert "1. 2. 3." in first  # three empty numbered lines to write on


def test_sections_by_topic_and_footer_on_every_page(bank: QuestionBank) -> None:
    pdf = pdf_for(bank, concerns=("costs", "clinical-trials"))
    pages = pdf.pages  # type: ignore[attr-defined]
    text = pdf.text  # type: ignore[attr-defined]
    for heading in ("About my cancer coming back", "My treatment choices", "Clinical trials",
                    "Costs and insurance"):
        assert heading in text
    assert "Side effects" not in text.replace("side effects", "")
    for number, page in enumerate(pages, 1):
        assert f"Page {number} of {len(pages)}" in page
        assert "This list helps you talk with your care team." in page
        assert "does not replace their care or" in page


def test_last_page_has_notes_resources_and_sources(bank: QuestionBank) -> None:
    pages = pdf_for(bank).pages  # type: ignore[attr-defined]
    last = pages[-1]
    assert "Notes" in " ".join(pages[-2:])
    assert "1-800-4-CANCER (1-800-422-6237), www.cancer.gov" in last
    assert "888-651-3038, www.cancer.net" in last
    assert "Where these questions come from" in last
    assert "Cancer 101: Cancer Recurrence" in last


def test_symptom_checklist_prints_with_its_concern(bank: QuestionBank) -> None:
    assert "Symptoms to call about" not in pdf_for(bank).text  # type: ignore[attr-defined]
    text = pdf_for(bank, concerns=("symptoms",)).text  # type: ignore[attr-defined]
    assert "Symptoms to call about" in text
    assert "When it started" in text
    assert "Blood in my stool or urine" in text


CHECKLIST_LINES = (
    # first, in bold, not to wait; the source's warning; how to fill the table in
    "Do not wait for your visit. If you have any of these, call your cancer care team now.",
    "These could mean serious problems. Many can also have other causes, like a cold or an "
    "infection.",
    "Check Yes for each one you have, write when it started, and show this page to your care "
    "team.",
)


@pytest.mark.parametrize("template", ["standard", "large-print", "navigator"])
@pytest.mark.parametrize("recurrence", ["local", "regional", "distant", "unsure"])
def test_the_checklist_warns_says_call_now_and_how_to_fill_it_in(
        bank: QuestionBank, template: str, recurrence: str) -> None:
    pdf = read_pdf(make_handout(Profile(recurrence=recurrence, concerns=("symptoms",),
                                        template=template), bank))
    text = " ".join(pdf.text.split())
    at = text.index("Symptoms to call about")
    # said before the first row, and in that order: warning, call now, how to fill it in
    first_row = text.index("A symptom my cancer caused before")
    places = [text.index(line, at) for line in CHECKLIST_LINES]
    assert places == sorted(places) and places[-1] < first_row, places
    # a heading over every column, the box's included, right above the first row
    assert re.search(r"Yes\s+Problem\s+When it\s+started\s+A symptom my cancer",
                     text[at:]), text[at:first_row + 40]
    assert "My care team's number:" in text and "After hours:" in text
    assert not re.search(r"\btick\b", text[at:], re.IGNORECASE)  # US English: check


def test_the_numbers_to_call_come_from_the_clinic_file(bank: QuestionBank) -> None:
    from visitprep.models import Clinic

    profile = Profile(recurrence="distant", concerns=("symptoms",))
    clinic = Clinic(name="Riverside Cancer Center", phone="(555) 010-0100",
                    after_hours_phone="(555) 010-0199")
    text = " ".join(read_pdf(make_handout(profile, bank, clinic=clinic)).text.split())
    assert "My care team's number: (555) 010-0100" in text
    assert "After hours: (555) 010-0199" in text
    # a clinic with only its phone: the other line is left to write on
    only = Clinic(name="Riverside Cancer Center", phone="(555) 010-0100")
    document = build_document(bank, profile, select_questions(bank, profile),
                              load_layout("standard"), only)
    assert document.calls == (("My care team's number:", "(555) 010-0100"),
                              ("After hours:", ""))
    blank = build_document(bank, profile, select_questions(bank, profile),
                           load_layout("standard"))
    assert [number for _, number in blank.calls] == ["", ""]


def test_markup_characters_print_literally(bank: QuestionBank) -> None:
    pdf = pdf_for(bank, name="R&D <b>Smith</b>", doctor="A & B; C<D",
                  custom_questions=("Is x<y & y>z true?", "What does &amp; mean?",
                                    r"Is (a) \ b) or C:\new (PDF string syntax) a problem?"))
    text = pdf.text  # type: ignore[attr-defined]
    assert "R&D <b>Smith</b>" in text
    assert "A & B; C<D" in text
    assert "Is x<y & y>z true?" in text
    assert "What does &amp; mean?" in text
    assert r"Is (a) \ b) or C:\new (PDF string syntax) a problem?" in text


@pytest.mark.parametrize(
    "name",
    ["Zażółć Gęślą", "Ödön Ősz", "Дмитрий Шостакович", "Γιώργος Παπαδόπουλος",
     "Nguyễn Thị Minh Khai", "Ṣẹ̀gun Àjàyí", "Jürgen Groß", "Ευτυχία ΜΕ ΤΟΝΟΥΣ"],
)
def test_names_in_many_alphabets_print(bank: QuestionBank, name: str) -> None:
    import unicodedata

    text = pdf_for(bank, name=unicodedata.normalize("NFC", name)).text  # type: ignore[attr-defined]
    assert unicodedata.normalize("NFC", name) in unicodedata.normalize("NFC", text)


def test_a_character_the_font_lacks_is_an_error_not_a_box(bank: QuestionBank) -> None:
    with pytest.raises(RenderError) as info:
        make_handout(Profile(recurrence="local", name="王小明"), bank)
    message = str(info.value)
    assert ("the name ('王小明') has the character '王' "
            "(U+738B, CJK UNIFIED IDEOGRAPH-738B)") in message
    assert "cannot print" in message


def test_emoji_in_an_own_question_is_located(bank: QuestionBank) -> None:
    with pytest.raises(RenderError, match=r"your own question 1 .*\(U\+1F980, CRAB\)"):
        make_handout(Profile(recurrence="local", custom_questions=("Will I smile? 🦀",)), bank)


def test_right_to_left_text_is_refused_clearly(bank: QuestionBank) -> None:
    with pytest.raises(RenderError, match="right to left"):
        make_handout(Profile(recurrence="local", doctor="שלום"), bank)


def test_metadata(bank: QuestionBank) -> None:
    pdf = pdf_for(bank, name="Maria López")
    meta = pdf.metadata  # type: ignore[attr-defined]
    assert meta["/Title"] == "Questions about my cancer coming back: Maria López"
    assert meta["/Subject"] == "Questions to ask the care team about cancer coming back"
    assert meta["/Lang"] == "en-US"
    assert meta["/Creator"].startswith("visitprep")


def test_paper_sizes(bank: QuestionBank) -> None:
    letter = pdf_for(bank).sizes  # type: ignore[attr-defined]
    a4 = pdf_for(bank, paper="a4").sizes  # type: ignore[attr-defined]
    assert {tuple(round(v, 1) for v in s) for s in letter} == {LETTER}
    assert {tuple(round(v, 1) for v in s) for s in a4} == {(595.3, 841.9)}


def test_invariant_output_is_byte_identical(bank: QuestionBank) -> None:
    profile = Profile(recurrence="regional", concerns=("coping",), name="Ann")
    assert make_handout(profile, bank, invariant=True) == make_handout(
        profile, bank, invariant=True)


def test_every_question_of_the_selection_prints(bank: QuestionBank) -> None:
    profile = Profile(recurrence="unsure", concerns=tuple(t.id for t in bank.topics))
    text = read_pdf(make_handout(profile, bank, invariant=True)).text
    flat = re.sub(r"\s+", " ", text)
    for section in select_questions(bank, profile).sections:
        for item in section.items:
            assert item.text in flat, item.id


def test_document_lists_every_printed_string(bank: QuestionBank) -> None:
    profile = Profile(recurrence="local", name="Ann", custom_questions=("Mine?",))
    layout = load_layout("standard")
    document = build_document(bank, profile, select_questions(bank, profile), layout)
    origins = dict((text, origin) for origin, text in document.texts())
    assert origins["Ann"] == "the name"
    assert origins["Mine?"] == "your own question 1"


def _embedded_fonts(pdf: bytes) -> dict[str, tuple[object, ...]]:
    """Each embedded font: its entries, its descriptor's, its font file and character map."""
    import io

    from pypdf import PdfReader

    fonts: dict[str, tuple[object, ...]] = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            if "/FontDescriptor" not in font:  # a standard font: nothing embedded
                continue
            descriptor = font["/FontDescriptor"].get_object()
            fonts[font["/BaseFont"]] = (
                {key: value for key, value in font.items()
                 if key not in ("/FontDescriptor", "/ToUnicode", "/Name")},
                {key: value for key, value in descriptor.items() if key != "/FontFile2"},
                descriptor["/FontFile2"].get_object().get_data(),
                font["/ToUnicode"].get_object().get_data(),
            )
    return fonts


def test_fonts_embedded_once_per_process_match_reportlabs_own(
        bank: QuestionBank, monkeypatch: pytest.MonkeyPatch) -> None:
    import types

    from reportlab.pdfbase import pdfmetrics

    from visitprep.render.pdf import FONT, FONT_BOLD

    profile = Profile(recurrence="local", name="Zoë Nguyễn", doctor="Dr. Groß")
    make_handout(profile, bank, invariant=True)  # fills the cache
    cached = _embedded_fonts(make_handout(profile, bank, invariant=True))
    for name in (FONT, FONT_BOLD):
        font = pdfmetrics.getFont(name)
        monkeypatch.setattr(font, "addObjects", types.MethodType(type(font).addObjects, font))
    assert cached == _embedded_fonts(make_handout(profile, bank, invariant=True))
    assert len(cached) == 2


def test_handouts_with_the_same_letters_share_one_font_subset(bank: QuestionBank) -> None:
    # reportlab numbers letters in the order they are first drawn; visitprep fixes the
    # order, so a batch embeds the same subset (made once) for "José López" and "Ló Jé".
    first = make_handout(Profile(recurrence="local", name="José López"), bank, invariant=True)
    second = make_handout(Profile(recurrence="local", name="Ló Jé"), bank, invariant=True)
    assert _embedded_fonts(first) == _embedded_fonts(second)
    assert "Ló Jé" in read_pdf(second).text  # type: ignore[attr-defined]


@pytest.mark.parametrize("lead", ["About my cancer:", "Über meinen Krebs (Ärztin):"])
def test_lead_text_prints_its_lead_in_bold_and_wraps_inside_its_width(lead: str) -> None:
    import io

    import pdfplumber
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import SimpleDocTemplate

    from visitprep.render.flowables import LeadText
    from visitprep.render.pdf import FONT, FONT_BOLD, _fonts

    _fonts()
    body = ParagraphStyle("b", fontName=FONT, fontSize=12, leading=16)
    bold = ParagraphStyle("bb", fontName=FONT_BOLD, fontSize=12, leading=16)
    text = "The cancer has spread to organs (or tissues) far from where it first started. " * 3
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, leftMargin=72, rightMargin=300)
    doc.build([LeadText(lead, text, bold, body)])
    with pdfplumber.open(io.BytesIO(buffer.getvalue())) as pdf:
        page = pdf.pages[0]
        words = " ".join((page.extract_text() or "").split())
        assert words == " ".join(f"{lead} {text}".split())
        chars = [c for c in page.chars if c["text"].strip()]
        lead_chars = len(lead.replace(" ", ""))
        assert all("Bold" in c["fontname"] for c in chars[:lead_chars])
        assert not any("Bold" in c["fontname"] for c in chars[lead_chars:])
        assert max(c["x1"] for c in chars) <= page.width - 300 + 0.5
        assert len({round(c["top"]) for c in chars}) >= 4  # it wrapped


class _Doc:
    """Something reportlab can key a font's per-document state on."""


def test_the_bundled_fonts_have_every_ascii_letter_at_its_own_code() -> None:
    # Plain ASCII text is written straight into the page (flowables.direct), which is
    # right only if each font's first subset maps ASCII to itself.
    from reportlab.pdfbase import pdfmetrics

    from visitprep.render.pdf import FONT, FONT_BOLD, _fonts

    _fonts()
    for name in (FONT, FONT_BOLD):
        font = pdfmetrics.getFont(name)
        assert all(code in font.face.charToGlyph for code in range(32, 127)), name
        text = "".join(map(chr, range(32, 127)))
        document = _Doc()  # a stand-in: every new document starts the same way
        assert font.splitString(text, document) == [(0, text.encode("ascii"))]


def test_a_heading_moves_with_what_follows_unless_together_they_exceed_a_page() -> None:
    import io

    import pdfplumber
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import SimpleDocTemplate, Spacer

    from visitprep.render.flowables import PlainText, Together
    from visitprep.render.pdf import FONT, _fonts

    _fonts()
    style = ParagraphStyle("h", fontName=FONT, fontSize=14, leading=18, spaceBefore=10)

    def pages_of(story: list[object]) -> list[str]:
        buffer = io.BytesIO()
        SimpleDocTemplate(buffer).build(story)  # type: ignore[arg-type]
        with pdfplumber.open(io.BytesIO(buffer.getvalue())) as pdf:
            return [page.extract_text() or "" for page in pdf.pages]

    frame = SimpleDocTemplate(io.BytesIO()).height - 12  # the frame's padding
    # Near the foot of page 1: the heading goes to page 2 with its text.
    pages = pages_of([Spacer(1, frame - 30),
                      Together([PlainText("Heading", style), PlainText("Its text", style)])])
    assert len(pages) == 2 and pages[1].split("\n")[:2] == ["Heading", "Its text"]
    # A group taller than a page comes apart rather than failing.
    pages = pages_of([Together([PlainText("Heading", style), Spacer(1, frame - 10)]),
                      PlainText("After", style)])
    assert pages[0] == "Heading" and "After" in pages[-1]


def test_a_question_too_long_for_a_page_is_named(bank: QuestionBank) -> None:
    question = "Could you tell me more " + "and more " * 200 + "about it?"
    with pytest.raises(RenderError) as info:
        make_handout(Profile(recurrence="local", template="large-print",
                             custom_questions=("Short one?", question)), bank)
    assert info.value.message == (
        "the question 'Could you tell me more and more and more and more and...' "
        "is too long to fit on one page.")
    assert "0x" not in str(info.value)
    assert "Shorten it" in (info.value.hint or "")
