"""Lay out what a handout says, as plain data: (selection, profile, layout) -> Document.

The renderer decides only how it looks; everything a reader sees is here, which
keeps it easy to test without a PDF.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from visitprep.layout import Layout
from visitprep.models import (
    Checklist,
    Clinic,
    GlossaryEntry,
    Item,
    Profile,
    QuestionBank,
    Selection,
)

GLOSSARY_TITLE = "Words you may hear"


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
    """(term, meaning) for the words the handout's questions use, in the bank's order."""
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
        for section in self.sections:
            yield f"the heading '{section.title}'", section.title
            for number, item in enumerate(section.items, 1):
                origin = f"question '{item.id}'" if item.id else f"your own question {number}"
                yield origin, item.text
        for checklist in self.checklists:
            yield "the checklist title", checklist.title
            yield "the checklist introduction", checklist.intro
            for entry in checklist.items:
                yield "a checklist item", entry
        yield "the template's label 'symptom_when'", self.checklist_column
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
    """Write a date the way people read it: 'Tuesday, December 1, 2026'."""
    return f"{day:%A}, {day:%B} {day.day}, {day.year}"


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

    text = layout.text
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
    sections.extend(DocSection(s.title, s.items) for s in selection.sections)
    resources = tuple(f"{r.name}: {r.phone}, {r.website}" for r in bank.resources)
    glossary = handout_glossary(bank, selection, profile.recurrence)
    sources = cited_sources(bank, selection, glossary)
    show_support = "support_people" in layout.features and bank.support is not None
    printed = printed_keys(bank, selection, profile.recurrence, glossary=glossary,
                           support=show_support, sources=cited_files(bank, selection, glossary))
    if bank.language != "en":
        require_translated(bank, printed)
    title = text["title"]
    meta_title = f"{title}: {profile.name}" if profile.name else title
    return Document(
        title=title,
        meta_title=meta_title,
        subject="Questions to ask the care team about cancer that has come back",
        language=profile.language,
        intro=text["intro"],
        fields=fields,
        situation_label=text["situation"],
        situation=bank.recurrence(profile.recurrence).meaning,
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
        glossary_title=GLOSSARY_TITLE if glossary else "",
        glossary=tuple((entry.term, entry.meaning) for entry in glossary),
        translation_note=bank.translation_note if printed & bank.unreviewed else "",
    )


def handout_glossary(bank: QuestionBank, selection: Selection,
                     recurrence: str) -> tuple[GlossaryEntry, ...]:
    """The glossary entries whose words the handout uses: its questions and its
    "About my cancer" line."""
    from visitprep.bank import glossary_for

    texts = [bank.recurrence(recurrence).meaning]
    texts += [item.text for item in selection.top + selection.own]
    texts += [item.text for section in selection.sections for item in section.items]
    return glossary_for(bank, texts)


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
