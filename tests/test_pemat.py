"""What makes a handout tell its reader what to do (issue 24, PEMAT-P): the numbered
steps on page 1 of every template and the HTML page, the note in a blank top box, every
glossary word explained on or before the page that first uses it, the drawing of the
three kinds with the reader's marked, the worked example, "(continued)" headings, one
section a topic, and US English ("check", never "tick")."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pypdf import PdfReader

from visitprep.bank import uses_word
from visitprep.document import Document
from visitprep.handout import make_document, make_handout
from visitprep.layout import builtin_names, load_layout
from visitprep.models import Profile, QuestionBank

from conftest import read_pdf

STEPS = ("1. Make sure your top questions are in the box.", "2. Bring this list to your visit.",
         "3. Show page 1 to your care team.", "4. Write each answer under its question.",
         "5. Check the box when it is answered.")
OWN = ("Can I travel to see my grandson in March?",)


def _profile(template: str, **fields: object) -> Profile:
    return Profile(**{"recurrence": "distant", "template": template,  # type: ignore[arg-type]
                      "concerns": ("symptoms", "supportive-care", "follow-up"),
                      "name": "Maria López", **fields})


class _Text(HTMLParser):
    """The text of a page, and the text of each element with a given class."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.parts).split())


def _html_text(page: str) -> str:
    body = page.split("<body>", 1)[1]
    parser = _Text()
    parser.feed(body)
    return parser.text


# --- How to use this list -------------------------------------------------------------------

@pytest.mark.parametrize("template", builtin_names())
@pytest.mark.parametrize("top", [(), (OWN[0], "tx-choices", "rec-outlook")])
def test_the_steps_are_on_page_1_of_every_template(bank: QuestionBank, template: str,
                                                   top: tuple[str, ...]) -> None:
    profile = _profile(template, custom_questions=OWN if top else (), top_questions=top)
    pages = read_pdf(make_handout(profile, bank)).pages
    page_one = pages[0]
    if template == "large-print" and top:
        # At 18 pt, three top questions (one of them two questions that travel together)
        # fill page 1 with the box; the steps then open page 2, before anything else.
        assert "How to use this list" not in page_one and "My top questions" in page_one
        page_two = pages[1].split("How to use this list", 1)
        assert len(page_two) == 2 and "?" not in page_two[0], pages[1][:200]
        for step in STEPS:
            assert step in page_two[1], (template, step)
        return
    assert "How to use this list" in page_one
    for step in STEPS:
        assert step in page_one, (template, step)
    # the steps follow the top questions' box, which stays on page 1 too
    assert page_one.index("My top questions") < page_one.index("How to use this list")


@pytest.mark.parametrize("template", builtin_names())
def test_the_html_page_has_the_steps_as_a_numbered_list(bank: QuestionBank,
                                                        template: str) -> None:
    page = make_handout(_profile(template), bank, fmt="html").decode("utf-8")
    steps = re.search(r'<ol class="steps">(.*?)</ol>', page, re.S)
    assert steps is not None
    items = re.findall(r"<li>(.*?)</li>", steps.group(1))
    assert items == [step.split(". ", 1)[1] for step in STEPS]
    # after the top questions, before the first topic
    assert page.index('class="top"') < steps.start() < page.index('id="section-1"')


def test_the_old_one_line_instruction_is_gone(bank: QuestionBank) -> None:
    text = read_pdf(make_handout(_profile("standard"), bank)).text
    assert "Tick each one" not in text


# --- US English -----------------------------------------------------------------------------

_TICK = re.compile(r"\btick(s|ed|ing)?\b", re.I)


@pytest.mark.parametrize("template", builtin_names())
def test_no_tick_in_english_text(bank: QuestionBank, template: str) -> None:
    layout = load_layout(template)
    for key, value in layout.text.items():
        assert not _TICK.search(value), (template, key, value)
    profile = _profile(template, concerns=tuple(t.id for t in bank.topics if not t.always))
    document, _ = make_document(profile, bank)
    for origin, value in document.texts():
        assert not _TICK.search(value), (origin, value)
    page = make_handout(profile, bank, fmt="html").decode("utf-8")
    assert not _TICK.search(_html_text(page))


# --- the top questions' box -----------------------------------------------------------------

@pytest.mark.parametrize("template", builtin_names())
def test_a_blank_top_box_says_it_is_the_readers(bank: QuestionBank, template: str) -> None:
    note = "For you: write your top questions here."
    blank = read_pdf(make_handout(_profile(template), bank)).pages[0]
    assert note in blank
    # inside the box: after its title and invitation, before its first slot
    assert blank.index("Can we go over them together?") < blank.index(note) < \
        blank.index("How to use this list")
    given = read_pdf(make_handout(_profile(template, top_questions=("tx-choices",)),
                                  bank)).pages[0]
    assert note not in given
    page = make_handout(_profile(template), bank, fmt="html").decode("utf-8")
    assert f'<p class="top-empty">{note}</p>' in page


# --- words explained where they are first met -----------------------------------------------

def _explained_on(pages: list[str], term: str, meaning: str) -> int | None:
    """The first page (0-based) that explains the term: "Term: meaning" or, as a
    distant recurrence's own line does, "also called <term>"."""
    said = f"{term[:1].upper()}{term[1:]}: {' '.join(meaning.split()[:4])}"
    for number, page in enumerate(pages):
        if said in page or f"also called {term.lower()}" in page.lower():
            return number
    return None


PROFILES = [
    dict(recurrence="distant"),
    dict(recurrence="unsure", concerns=("symptoms", "follow-up")),
    dict(recurrence="local", concerns=("supportive-care", "follow-up", "deciding")),
    dict(recurrence="regional", top_questions=("rec-what-it-means",),
         concerns=("supportive-care",)),
    dict(recurrence="distant", length="full",
         concerns=("supportive-care", "follow-up", "clinical-trials", "coping")),
]


@pytest.mark.parametrize("template", builtin_names())
@pytest.mark.parametrize("fields", PROFILES, ids=lambda f: "-".join(map(str, f.values())))
def test_no_glossary_word_is_used_on_a_page_before_the_one_that_explains_it(
        bank: QuestionBank, template: str, fields: dict[str, object]) -> None:
    profile = _profile(template, **{"concerns": (), **fields})
    pdf = read_pdf(make_handout(profile, bank))
    used = 0
    for entry in bank.glossary:
        first_use = next((number for number, page in enumerate(pdf.pages)
                          if uses_word(page, entry)), None)
        if first_use is None:
            continue
        used += 1
        explained = _explained_on(pdf.pages, entry.term, entry.meaning)
        assert explained is not None, (template, entry.term, "never explained")
        assert explained <= first_use, (template, entry.term, explained + 1, first_use + 1)
    assert used  # "recurrence" at least: the topic of every handout


def test_recurrence_is_explained_on_page_1_beside_the_kind(bank: QuestionBank) -> None:
    page_one = read_pdf(make_handout(_profile("standard"), bank)).pages[0]
    about = page_one.index("About my cancer:")
    assert page_one.index("Recurrence: Cancer that comes back") > about
    assert "Words you may hear" in page_one


def test_the_words_box_looks_at_headings_and_the_heading_fits_everyone(
        bank: QuestionBank) -> None:
    for kind in ("local", "regional", "distant", "unsure"):
        document, _ = make_document(Profile(recurrence=kind), bank)
        assert document.sections[0].title == "About my cancer coming back"
        assert "Recurrence" in [term for term, _ in document.glossary]


@pytest.mark.parametrize("template", ["large-print", "navigator"])
def test_where_pages_are_short_each_word_is_explained_under_its_heading(
        bank: QuestionBank, template: str) -> None:
    document, _ = make_document(_profile(template, recurrence="local"), bank)
    assert not document.glossary and document.explain_inline
    assert ("Recurrence", next(e.meaning for e in bank.glossary
                               if e.term == "recurrence")) in document.situation_terms
    by_heading = {s.title: [t for t, _ in s.terms] for s in document.sections}
    assert "Palliative care" in by_heading["Supportive and palliative care"]
    chronic, _ = make_document(_profile(template, recurrence="distant",
                                        concerns=("chronic-illness",)), bank)
    by_heading = {s.title: [t for t, _ in s.terms] for s in chronic.sections}
    assert "Chronic illness" in by_heading["Living with cancer over time"]


# --- the drawing and the worked example -----------------------------------------------------

@pytest.mark.parametrize("kind", ["local", "regional", "distant", "unsure"])
def test_the_drawing_marks_the_readers_kind(bank: QuestionBank, kind: str) -> None:
    document, _ = make_document(Profile(recurrence=kind), bank)
    figure = document.figure
    assert figure is not None
    labels = dict(figure.labels)
    assert list(labels) == ["local", "regional", "distant"]
    assert labels["regional"] == "Regional: nearby lymph nodes or tissue"
    assert figure.mark == ("" if kind == "unsure" else kind)
    page_one = read_pdf(make_handout(Profile(recurrence=kind), bank)).pages[0]
    assert "Three kinds of recurrence" in page_one
    assert "Circle: where the cancer first started. Black dots: where it comes back." in page_one
    if kind == "unsure":
        assert "(my kind)" not in page_one and "(my kind)" not in figure.alt
    else:
        assert f"{labels[kind]} (my kind)" in page_one
        assert f"{labels[kind]} (my kind)" in figure.alt
    assert figure.alt.startswith("Drawing. Three kinds of recurrence: Local")
    page = make_handout(Profile(recurrence=kind), bank, fmt="html").decode("utf-8")
    assert page.count('<li class="kind') == 3
    assert page.count('class="kind mine"') == (0 if kind == "unsure" else 1)
    assert len(re.findall(r'<svg viewBox="0 0 120 50" role="img" aria-label="[^"]+"', page)) == 3


def test_the_worked_example_is_on_page_1(bank: QuestionBank) -> None:
    page_one = read_pdf(make_handout(_profile("standard"), bank)).pages[0]
    assert "Example: When will I get my test results? Write the answer here." in page_one
    # it is not a form field: nobody's answer goes there
    fillable = make_handout(_profile("standard", fillable=True), bank)
    fields = PdfReader(io.BytesIO(fillable)).get_fields() or {}
    assert not [name for name in fields if "example" in name.lower()]


# --- "(continued)" headings and one section a topic -----------------------------------------

def _bodies(pdf: bytes, document: Document) -> list[list[str]]:
    """Each page's lines, without the running head and page number."""
    pages = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        lines = [" ".join(line.split()) for line in (page.extract_text() or "").splitlines()]
        lines = [line for line in lines if line and not re.search(r"Page \d+ of \d+", line)]
        pages.append(lines)
    return pages


@pytest.mark.parametrize("template", builtin_names())
def test_a_topic_that_runs_onto_the_next_page_repeats_its_heading(
        bank: QuestionBank, template: str) -> None:
    profile = _profile(template, length="full", concerns=tuple(
        t.id for t in bank.topics if not t.always), custom_questions=OWN)
    pdf = make_handout(profile, bank)
    document, _ = make_document(profile, bank)
    owner = {item.text: (section, index) for section in document.sections
             for index, item in enumerate(section.items)}
    continued = 0
    for number, lines in enumerate(_bodies(pdf, document)[1:], 2):
        first = next((text for text in owner if lines and lines[0].startswith(
            text[:40])), None)
        if first is not None:
            section, index = owner[first]
            # a topic's questions carried over are headed "(continued)", but its last one
            # alone, which goes without (a page would be added for it)
            assert index == 0 or index == len(section.items) - 1, (number, first)
            if index == len(section.items) - 1 and index > 0:
                continue
        heading = next((s for s in document.sections
                        if lines and lines[0] == f"{s.title} (continued)"), None)
        if heading is not None:
            continued += 1
            assert any(line.startswith(item.text[:30]) for item in heading.items
                       for line in lines[1:3]), (number, lines[:3])
    assert continued >= 1


def test_the_symptom_list_repeats_its_title_when_it_runs_on(bank: QuestionBank) -> None:
    profile = _profile("large-print", concerns=("symptoms",), custom_questions=OWN)
    pdf = read_pdf(make_handout(profile, bank))
    starts = [n for n, page in enumerate(pdf.pages) if "Symptoms to call about" in page]
    assert len(starts) == 2, starts
    assert "Symptoms to call about (continued)" in pdf.pages[starts[1]]


def test_a_topic_is_one_section(bank: QuestionBank) -> None:
    profile = Profile(recurrence="distant", concerns=("clinical-trials", "side-effects"))
    document, _ = make_document(profile, bank)
    titles = [s.title for s in document.sections]
    assert len(titles) == len(set(titles))
    by_title = {s.title: [i.text for i in s.items] for s in document.sections}
    for text in ("Is a clinical trial available to me?",
                 "Will I have to pay any costs in a clinical trial?"):
        assert text in by_title["Clinical trials"]
        assert text not in by_title["My treatment choices"]
    assert "How can I manage the side effects?" in by_title["Side effects"]
    # without the concern, the question stays where the bank has it
    alone, _ = make_document(Profile(recurrence="distant"), bank)
    kept = {s.title: [i.text for i in s.items] for s in alone.sections}
    assert "Is a clinical trial available to me?" in kept["My treatment choices"]


def test_a_template_copied_before_these_texts_still_loads(tmp_path: Path) -> None:
    """A full copy of the standard template made before the steps, the drawing and the
    "(continued)" heading existed gets the standard template's words for them."""
    from visitprep.layout import builtin_dir

    new = ("how_to", "step_", "example_", "top_empty", "figure_", "continued",
           "explain_inline")
    lines = (builtin_dir() / "standard.yaml").read_text(encoding="utf-8").splitlines()
    old = [line for line in lines if not line.strip().startswith(new)
           and not line.startswith("                         #")]
    path = tmp_path / "old.yaml"
    path.write_text("\n".join(old) + "\n", encoding="utf-8")
    assert "how_to" not in path.read_text(encoding="utf-8")
    layout = load_layout(path)
    assert layout.text["how_to"] == "How to use this list"
    assert layout.text["continued"] == "{title} (continued)"
    assert "explain_inline" not in layout.features


def test_no_tick_in_the_web_page_or_interview_texts() -> None:
    """US English everywhere a person reads: the web page's and the interview's texts."""
    from visitprep import steps
    from visitprep.web import text

    for table in (text.TEXT, steps.MESSAGES):
        assert table
        for key, value in table.items():
            assert not _TICK.search(str(value)), (key, value)
