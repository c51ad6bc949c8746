"""Lay out what a handout says, as plain data: (selection, profile, layout) -> Document.

The renderer decides only how it looks; everything a reader sees is here, which
keeps it easy to test without a PDF.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from visitprep.i18n import N_, gettext
from visitprep.layout import Layout
from visitprep.models import (
    Checklist,
    Clinic,
    GlossaryEntry,
    Item,
    Profile,
    QuestionBank,
    Section,
    Selection,
)

GLOSSARY_TITLE = N_("Words you may hear")
# The headings of a checklist's box and item columns when its bank does not name them.
CHECKLIST_COLUMNS = ("I have it", "Problem")
STEP_KEYS: tuple[str, ...] = ("step_top", "step_bring", "step_show", "step_answer",
                              "step_check")  # the template's texts, numbered in this order
FIGURE_KINDS: tuple[str, ...] = ("local", "regional", "distant")  # as drawn, left to right

Term = tuple[str, str]
"""A glossary word and its meaning, as printed where the reader first meets the word."""


@dataclass(frozen=True)
class Figure:
    """The small drawing of the three kinds of recurrence beside "About my cancer"."""

    title: str
    key: str
    """What the shapes mean, printed under the drawing."""
    labels: tuple[tuple[str, str], ...]
    """(kind id, label) for each kind drawn, left to right."""
    mark: str
    """The reader's kind, drawn with a thick box; '' when not sure yet."""
    mark_words: str = ""
    """Printed under the reader's kind, so that the thick box is not all that says it."""

    @property
    def alt(self) -> str:
        """The drawing in words, for the tagged PDF and the HTML page."""
        kinds = "; ".join(f"{label} {self.mark_words}" if kind == self.mark else label
                          for kind, label in self.labels)
        return f"Drawing. {self.title}: {kinds}. {self.key}"

    def caption_lines(self) -> tuple[str, ...]:
        """What prints over and under the drawing."""
        return (self.title, self.key)


@dataclass(frozen=True)
class HeaderField:
    """A header line: its label and the value, or '' for a line to fill in by hand."""

    key: str
    label: str
    value: str


@dataclass(frozen=True)
class DocSection:
    """A heading and its questions."""

    title: str
    items: tuple[Item, ...]
    terms: tuple[Term, ...] = ()
    """With the words box last: the glossary words first met in this section."""


@dataclass(frozen=True)
class Document:
    """Everything a handout says, in reading order."""

    title: str
    meta_title: str
    subject: str
    language: str
    intro: str
    fields: tuple[HeaderField, ...]
    situation_label: str
    situation: str
    top_title: str
    top: tuple[Item, ...]
    top_slots: int
    invite: str
    sections: tuple[DocSection, ...]
    checklists: tuple[Checklist, ...]
    checklist_column: str
    notes_title: str
    learn_more_title: str
    resources: tuple[str, ...]
    sources_title: str
    sources: tuple[str, ...]
    footer: str
    page_label: str
    running_head: str
    label_box: str = ""
    clinic_title: str = ""
    clinic: tuple[str, ...] = ()
    clinic_logo: str = ""
    clinic_logo_alt: str = ""
    """What the logo says to a screen reader: the clinic file's alt, else its name."""
    support_title: str = ""
    support_intro: str = ""
    support: tuple[str, ...] = ()
    fillable: bool = False
    glossary_title: str = ""
    glossary: tuple[tuple[str, str], ...] = ()
    """(term, meaning) for the words the handout uses (its headings, questions, checklists,
    "About my cancer" and the drawing), in the bank's order, but those first met in the
    top questions: printed under "About my cancer", before any topic."""
    checklist_headers: tuple[str, ...] = ()
    """The headings of the checklist's three columns: the box, the item, when it started."""
    calls: tuple[tuple[str, str], ...] = ()
    """Under the checklist: (whose number, the number from the clinic file or '' for a line
    to write it on), e.g. ("My cancer care team's phone number:", "(555) 010-0100")."""
    how_to_title: str = ""
    steps: tuple[str, ...] = ()
    """"How to use this list", numbered, on page 1."""
    example_question: str = ""
    example_answer: str = ""
    """One worked example: a checked box, a question, and an answer on its line."""
    top_empty: str = ""
    """Said inside the top questions' box when the person gave none: it is theirs to fill."""
    figure: Figure | None = None
    explain_inline: bool = False
    """Each word is explained where first met (situation_terms, each section's terms),
    with no words box; the PDF leaves out the drawing, and the worked example unless it
    fits beside the steps (its pages are short: large print, the navigator's clinic
    block). The HTML shows them."""
    situation_terms: tuple[Term, ...] = ()
    top_terms: tuple[Term, ...] = ()
    """Words first met in the top questions, explained in their box."""
    continued: str = "{title} (continued)"
    """The heading repeated where a topic runs onto the next page."""

    def continued_title(self, title: str) -> str:
        """The heading of a topic that runs onto the next page."""
        return self.continued.format(title=title)
    translation_note: str = ""
    """In a translated handout whose texts a health professional has not all reviewed:
    the line saying so, printed at the end of the last page."""

    def texts(self) -> Iterator[tuple[str, str]]:
        """Yield (where it comes from, text) for every string that will print."""
        yield "the template's title", self.title
        yield "the template's introduction", self.intro
        for field in self.fields:
            yield f"the template's label '{field.key}'", field.label
            if field.value:
                yield f"the {field.key.replace('_', ' ')}", field.value
        yield "the template's label 'situation'", self.situation_label
        yield "the recurrence description", self.situation
        for number, item in enumerate(self.top, 1):
            yield f"top question {number}", item.text
        yield "the template's invitation line", self.invite
        if self.top_empty:
            yield "the template's text", self.top_empty
        for term, meaning in self.top_terms + self.situation_terms:
            yield f"the glossary entry '{term}'", f"{term}: {meaning}"
        if self.figure is not None:
            for _, label in self.figure.labels:
                yield "the drawing's label", label
            yield "the drawing's label", self.figure.mark_words
            for line in self.figure.caption_lines():
                yield "the drawing's caption", line
        for text in (self.how_to_title, *self.steps, self.example_question,
                     self.example_answer):
            yield "the template's text", text
        for section in self.sections:
            yield f"the heading '{section.title}'", section.title
            for term, meaning in section.terms:
                yield f"the glossary entry '{term}'", f"{term}: {meaning}"
            yield f"the heading '{section.title}'", self.continued_title(section.title)
            for number, item in enumerate(section.items, 1):
                origin = f"question '{item.id}'" if item.id else f"your own question {number}"
                yield origin, item.text
        for checklist in self.checklists:
            yield "the checklist title", checklist.title
            yield "the checklist introduction", checklist.intro
            for label in (checklist.act_now, checklist.how_to):
                if label:
                    yield "the checklist's instructions", label
            for entry in checklist.items:
                yield "a checklist item", entry
        yield "the template's label 'symptom_when'", self.checklist_column
        if self.checklists:
            for heading in self.checklist_headers[:2]:
                yield "the checklist's column headings", heading
        for whose, phone in self.calls:
            yield "the checklist's call line", whose
            if phone:
                yield "the clinic's details", phone
        for label in (self.notes_title, self.learn_more_title, self.sources_title,
                      self.footer, self.page_label):  # (the running head is the name or title)
            yield "the template's text", label
        for line in self.resources + self.sources:
            yield "the bank's sources", line
        for label in (self.label_box, self.clinic_title, self.support_title,
                      self.support_intro):
            yield "the template's text", label
        for line in self.clinic:
            yield "the clinic's details", line
        for line in self.support:
            yield "the bank's support people", line
        if self.glossary:
            yield "the glossary title", self.glossary_title
        for term, meaning in self.glossary:
            yield f"the glossary entry '{term}'", f"{term}: {meaning}"
        if self.translation_note:
            yield "the bank's translation note", self.translation_note


def format_date(day: dt.date) -> str:
    """Write a date the way people read it, in the language in use: 'Tuesday, December 1,
    2026', 'martes, 1 de diciembre de 2026'."""
    from visitprep.dates import format_day

    return format_day(day)


def build_document(
    bank: QuestionBank, profile: Profile, selection: Selection, layout: Layout,
    clinic: Clinic | None = None,
) -> Document:
    """Assemble the handout's content.

    Args:
        bank: The bank the selection came from (recurrence meanings, sources), in the
            profile's language (``bank.in_language(profile.language)``).
        profile: The visit profile (header fields).
        selection: The questions, from :func:`visitprep.selection.select_questions`.
        layout: The template, for its printed labels.
        clinic: The clinic's contact details; printed whenever given, and as blank lines
            to fill in when the template has a clinic block and none are given.

    Raises:
        TranslationError: If the bank is translated and lacks an up-to-date translation
            of a text this handout prints (naming every one).
    """
    from visitprep.translation import printed_keys, require_translated

    # The template's words are English source text: the catalog has the built-in ones'
    # translations (a clinic's own wording not in it prints as written).
    text = {key: gettext(value) if value else value for key, value in layout.text.items()}
    fields = (
        HeaderField("name", text["name"], profile.name),
        HeaderField("visit_date", text["visit_date"],
                    format_date(profile.visit_date) if profile.visit_date else ""),
        HeaderField("doctor", text["doctor"], profile.doctor),
        HeaderField("companion", text["companion"], profile.companion),
    )
    sections: list[DocSection] = []
    if selection.own:
        sections.append(DocSection(text["own_questions"], selection.own))
    sections.extend(DocSection(s.title, s.items) for s in gather_topics(bank, selection))
    resources = tuple(f"{r.name}: {r.phone}, {r.website}" for r in bank.resources)
    figure = build_figure(text, profile.recurrence)
    situation = bank.recurrence(profile.recurrence).meaning
    places = first_met(bank, selection.top, situation, figure, sections, selection.checklists)
    # the words first met in the top questions are explained in their box; every other
    # word the handout uses, in the "Words you may hear" box under "About my cancer"
    top_terms = places.pop("top")
    explain_inline = "explain_inline" in layout.features
    if explain_inline:
        sections = [DocSection(section.title, section.items, places[f"section {number}"])
                    for number, section in enumerate(sections)]
    met = {term.lower() for terms in places.values() for term, _ in terms}
    glossary = tuple(entry for entry in bank.glossary if entry.term.lower() in met)
    used = glossary + tuple(entry for entry in bank.glossary
                            if any(entry.term.lower() == term.lower() for term, _ in top_terms))
    sources = cited_sources(bank, selection, used)
    show_support = "support_people" in layout.features and bank.support is not None
    printed = printed_keys(bank, selection, profile.recurrence, glossary=used,
                           support=show_support, sources=cited_files(bank, selection, used))
    if bank.language != "en":
        require_translated(bank, printed)
    title = text["title"]
    meta_title = f"{title}: {profile.name}" if profile.name else title
    return Document(
        title=title,
        meta_title=meta_title,
        subject=gettext("Questions to ask the care team about cancer coming back"),
        language=profile.language,
        intro=text["intro"],
        fields=fields,
        situation_label=text["situation"],
        situation=situation,
        top_title=text["top_questions"],
        top=selection.top,
        top_slots=max(layout.top_slots, len(selection.top)),
        invite=text["invite"],
        sections=tuple(sections),
        checklists=selection.checklists,
        checklist_column=text["symptom_when"],
        notes_title=text["notes"],
        learn_more_title=text["learn_more"],
        resources=resources,
        sources_title=text["sources"],
        sources=sources,
        footer=text["footer"],
        page_label=text["page"],
        running_head=profile.name or title,  # whose pages these are, if they come apart
        label_box=text["label"] if "label_box" in layout.features else "",
        clinic_title=(text["clinic_contact"]
                      if clinic is not None or "clinic_block" in layout.features else ""),
        clinic=clinic.lines if clinic is not None else (),
        clinic_logo=clinic.logo if clinic is not None else "",
        clinic_logo_alt=(clinic.alt or clinic.name or "Clinic logo") if clinic is not None
        else "",
        support_title=text["support_title"] if show_support else "",
        support_intro=text["support_intro"] if show_support else "",
        support=bank.support.items if show_support and bank.support else (),
        fillable=profile.fillable,
        # (with the words explained last, each is explained under its heading instead)
        glossary_title=gettext(GLOSSARY_TITLE) if glossary and not explain_inline else "",
        glossary=() if explain_inline else tuple(
            (entry.term[:1].upper() + entry.term[1:], entry.meaning) for entry in glossary),
        calls=call_numbers(selection, clinic),
        checklist_headers=(*next((c.columns for c in selection.checklists if c.columns),
                                 CHECKLIST_COLUMNS), text["symptom_when"]),
        how_to_title=text["how_to"],
        steps=tuple(text[key] for key in STEP_KEYS if text[key]),
        example_question=text["example_question"],
        example_answer=text["example_answer"],
        top_empty=text["top_empty"] if not selection.top else "",
        figure=figure,
        top_terms=top_terms,
        explain_inline=explain_inline,
        # ("This is also called metastatic cancer" explains that word where it stands)
        situation_terms=tuple(
            (term, meaning) for term, meaning in places["situation"]
            if not _names_itself(situation, next(e.words for e in bank.glossary
                                                 if e.term.lower() == term.lower()))
        ) if explain_inline else (),
        continued=text["continued"],
        translation_note=bank.translation_note if printed & bank.unreviewed else "",
    )


def call_numbers(selection: Selection, clinic: Clinic | None) -> tuple[tuple[str, str], ...]:
    """Whose numbers to call, printed under the checklist, filled in from the clinic file
    (its phone, and its after-hours phone) when there is one, else left to write in."""
    calls: list[tuple[str, str]] = []
    for checklist in selection.checklists:
        if checklist.call_line:
            calls.append((checklist.call_line, clinic.phone if clinic else ""))
        if checklist.after_hours_line:
            calls.append((checklist.after_hours_line,
                          clinic.after_hours_phone if clinic else ""))
    return tuple(calls)


def build_figure(text: Mapping[str, str], recurrence: str) -> Figure:
    """The drawing of the three kinds, the reader's marked (none when not sure yet)."""
    mark = recurrence if recurrence in FIGURE_KINDS else ""
    return Figure(
        title=text["figure_title"],
        key=text["figure_key"],
        labels=tuple((kind, text[f"figure_{kind}"]) for kind in FIGURE_KINDS),
        mark=mark,
        mark_words=text["figure_mark"] if mark else "",
    )


def gather_topics(bank: QuestionBank, selection: Selection) -> tuple[Section, ...]:
    """The selection's sections, each topic under one heading: a question of a topic every
    handout has ("My treatment choices") that names a chosen topic by its title or one of
    its other names ("Is a clinical trial available to me?") moves to the start of that
    topic's section, so that a topic never reads as two. Which topics a question names is
    read once from the English bank (``Question.names_topics``): a Spanish handout groups
    its questions exactly as the English one does."""
    always = {topic.id for topic in bank.topics if topic.always}
    chosen = {section.topic for section in selection.sections if section.topic not in always}
    moved: dict[str, list[Item]] = {topic: [] for topic in chosen}
    kept: dict[str, list[Item]] = {}
    for section in selection.sections:
        kept[section.topic] = []
        for item in section.items:
            names = (bank.question(item.id).names_topics
                     if item.id is not None and section.topic in always else ())
            home = next((topic for topic in names if topic in chosen), None)
            (moved[home] if home else kept[section.topic]).append(item)
    gathered = [Section(section.topic, section.title,
                        tuple(moved.get(section.topic, ())) + tuple(kept[section.topic]))
                for section in selection.sections]
    return tuple(section for section in gathered if section.items)


def _names_itself(text: str, words: tuple[str, ...]) -> bool:
    """True when the text explains the word by naming it: "... also called metastatic"."""
    lowered = " ".join(text.lower().split())
    return any(f"called {word.lower()}" in lowered for word in words)


def first_met(bank: QuestionBank, top: tuple[Item, ...], situation: str, figure: Figure,
              sections: list[DocSection],
              checklists: tuple[Checklist, ...]) -> dict[str, tuple[Term, ...]]:
    """Where the reader first meets each glossary word, in reading order: the top
    questions, "About my cancer" (its line, the drawing's words and the word
    "recurrence" the drawing names), each section (heading and questions), each
    checklist. Returns the words to explain at each place, keyed "top", "situation",
    "section N", "checklist N"."""
    from visitprep.bank import uses_word

    places: list[tuple[str, list[str]]] = [
        ("top", [item.text for item in top]),
        ("situation", [situation, *(label for _, label in figure.labels),
                       *figure.caption_lines()]),
    ]
    places += [(f"section {n}", [s.title, *(item.text for item in s.items)])
               for n, s in enumerate(sections)]
    places += [(f"checklist {n}", [c.title, c.intro, *c.items, c.call_line])
               for n, c in enumerate(checklists)]
    found: dict[str, list[Term]] = {place: [] for place, _ in places}
    for entry in bank.glossary:
        for place, texts in places:
            if any(uses_word(t, entry) for t in texts):
                found[place].append((entry.term[:1].upper() + entry.term[1:], entry.meaning))
                break
    return {place: tuple(terms) for place, terms in found.items()}


def cited_sources(bank: QuestionBank, selection: Selection,
                  glossary: tuple[GlossaryEntry, ...]) -> tuple[str, ...]:
    """The sources this handout cites (questions, checklists, glossary, resources), named."""
    files = set(cited_files(bank, selection, glossary))
    return tuple(source.citation for source in bank.sources if source.file in files)


def cited_files(bank: QuestionBank, selection: Selection,
                glossary: tuple[GlossaryEntry, ...]) -> tuple[str, ...]:
    """The files of the sources this handout cites, in the bank's order."""
    items = selection.top + tuple(i for s in selection.sections for i in s.items)
    files = {item.source.file for item in items if item.source is not None}
    files |= {c.source.file for c in selection.checklists}
    files |= {entry.source.file for entry in glossary}
    files |= {r.source.file for r in bank.resources}
    return tuple(source.file for source in bank.sources if source.file in files)
