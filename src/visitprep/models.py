"""Plain, frozen data shared by the stages of the pipeline. No I/O here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

# The languages with a message catalog (visitprep/locale/), English first.
from visitprep.i18n import LANGUAGES as LANGUAGES

RECURRENCES: tuple[str, ...] = ("local", "regional", "distant", "unsure")
PAPERS: tuple[str, ...] = ("letter", "a4")
LENGTHS: tuple[str, ...] = ("short", "full")
ROOMS: tuple[str, ...] = ("standard", "more")  # room to write: more lines a question
FORMATS: tuple[str, ...] = ("pdf", "html")  # the handout as print, or as an accessible page
MAX_TOP_QUESTIONS = 3


@dataclass(frozen=True)
class SourceRef:
    """Where a question comes from: a source document, its section, and the words there."""

    file: str
    section: str
    quote: str = ""
    """The source's own words that support the question (found in the section's text)."""


@dataclass(frozen=True)
class SourceDoc:
    """One source document of the bank, named as precisely as the document allows."""

    file: str
    title: str
    publisher: str = ""
    date: str = ""
    translated_citation: str = ""
    """The whole line in a translated bank: the title as published, and in the handout's
    language who published it, when, and the language it is in."""

    @property
    def citation(self) -> str:
        """The line printed on the handout: the title, then its publisher and date in
        brackets, or what is missing."""
        from visitprep.i18n import gettext

        if self.translated_citation:
            return self.translated_citation
        if not self.publisher and not self.date:
            return gettext("{title} (no author or date given)").format(title=self.title)
        publisher = self.publisher[:1].upper() + self.publisher[1:]
        date = self.date or gettext("no date")
        return f"{self.title} ({publisher}, {date})" if publisher else f"{self.title} ({date})"


@dataclass(frozen=True)
class Resource:
    """A place to learn more, printed on the last page."""

    name: str
    phone: str
    website: str
    source: SourceRef


@dataclass(frozen=True)
class RecurrenceKind:
    """A recurrence value with its plain label and meaning from the sources."""

    id: str
    label: str
    meaning: str


@dataclass(frozen=True)
class Topic:
    """A group of questions; topics that are not `always` are chosen as concerns."""

    id: str
    title: str
    hint: str
    always: bool = False
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Question:
    """One question of the bank."""

    id: str
    text: str
    topic: str
    recurrence: frozenset[str]
    source: SourceRef
    core: bool = False
    """True for the short list: the questions a navigator would keep if only a few could stay."""
    needs_confirmed: bool = False
    """True for a question that assumes the recurrence is confirmed (never for `unsure`)."""
    core_for: frozenset[str] | None = None
    """The kinds whose short list holds it, when only some do (`core: [unsure]`); None when
    `core` holds for every kind it fits."""
    follows: str = ""
    """The id of the question this one reads after ("Which do you suggest for me?" after
    "What are my treatment choices?"): the two travel together, never one without the other."""
    names_topics: tuple[str, ...] = ()
    """For a question of a topic every handout has, the chosen-only topics its English text
    names by title or other name ("Is a clinical trial available to me?": clinical-trials),
    in bank order: it prints under the first of them that the person chose. Decided once,
    on the English bank, so a handout groups its questions the same way in every language."""

    def is_core(self, kind: str) -> bool:
        """True when this question is on the short list of this kind of recurrence."""
        if self.core_for is not None:
            return kind in self.core_for and kind in self.recurrence
        return self.core and kind in self.recurrence


@dataclass(frozen=True)
class GlossaryEntry:
    """A word patients may hear, with a source's own meaning in plain words."""

    term: str
    words: tuple[str, ...]
    meaning: str
    source: SourceRef
    translates: str = ""
    """In a translated bank, the English term this entry translates (its id)."""

    @property
    def id(self) -> str:
        """The entry's id: its English term."""
        return self.translates or self.term


@dataclass(frozen=True)
class Checklist:
    """A list to check, printed when its topic is chosen (the symptoms list)."""

    topic: str
    title: str
    intro: str
    items: tuple[str, ...]
    source: SourceRef
    call_line: str = ""
    """A label printed with a line to write on: whose number to call (a clinic's phone)."""
    act_now: str = ""
    """A line printed in bold above the table: what to do now, not at the visit."""
    how_to: str = ""
    """How to fill in the table, above it."""
    columns: tuple[str, ...] = ()
    """The headings of the box column and the item column (the third is the template's)."""
    after_hours_line: str = ""
    """A second label with a line: the number to call at night and on weekends."""


@dataclass(frozen=True)
class SupportPeople:
    """The people who can support a person, listed on the navigator handout."""

    items: tuple[str, ...]
    source: SourceRef


@dataclass(frozen=True)
class Clinic:
    """The clinic's contact block: printed under "For more local information"."""

    name: str = ""
    phone: str = ""
    address: tuple[str, ...] = ()
    website: str = ""
    logo: str = ""  # a PNG or JPEG file, checked when the clinic file is read
    alt: str = ""  # the logo's alternative text in the tagged PDF (else the name)
    after_hours_phone: str = ""  # the number to call at night and on weekends

    @property
    def lines(self) -> tuple[str, ...]:
        """The block's lines, in print order, without empty ones."""
        from visitprep.i18n import gettext

        phone = gettext("Phone: {phone}").format(phone=self.phone) if self.phone else ""
        after = (gettext("After hours: {phone}").format(phone=self.after_hours_phone)
                 if self.after_hours_phone else "")
        return tuple(line for line in (self.name, *self.address, phone, after, self.website)
                     if line)


@dataclass(frozen=True)
class QuestionBank:
    """A validated question bank."""

    path: Path
    topics: tuple[Topic, ...]
    questions: tuple[Question, ...]
    checklists: tuple[Checklist, ...]
    sources: tuple[SourceDoc, ...]
    resources: tuple[Resource, ...]
    recurrences: tuple[RecurrenceKind, ...]
    support: SupportPeople | None = None
    glossary: tuple[GlossaryEntry, ...] = ()
    language: str = "en"
    """The language of the texts: 'en' as loaded, another after :meth:`in_language`."""
    untranslated: frozenset[str] = frozenset()
    """In a translated bank, the items still in English ('questions:rec-why'): no
    translation, or one made from an older English text. A handout that needs one
    refuses to print (see :func:`visitprep.translation.require_translated`)."""
    unreviewed: frozenset[str] = frozenset()
    """In a translated bank, the items no health professional has reviewed yet."""
    translation_note: str = ""
    """The line a translated handout prints while any of its texts is unreviewed."""
    merged: tuple[tuple[str, str], ...] = ()
    """(old id, id) of questions folded into another: an answers file that still names the
    old id (top_questions, exclude, include) gets the question it became."""

    def current_id(self, question_id: str) -> str:
        """The id a question has now: itself, or the question it was folded into."""
        return dict(self.merged).get(question_id, question_id)

    def in_language(self, language: str) -> QuestionBank:
        """The same bank with its texts in another language, from the bank folder's
        translations/<language>.yaml ('en' gives the bank as loaded).

        Items without an up-to-date translation keep their English and are listed in
        :attr:`untranslated`; making a handout that needs one raises a TranslationError
        naming them.

        Raises:
            BankError: If the translation file cannot be read.
        """
        from visitprep.translation import translate_bank  # the file is read only when asked

        return translate_bank(self, language)

    def topic(self, topic_id: str) -> Topic:
        """Return the topic with this id (KeyError if there is none)."""
        for topic in self.topics:
            if topic.id == topic_id:
                return topic
        raise KeyError(topic_id)

    def question(self, question_id: str) -> Question:
        """Return the question with this id (KeyError if there is none)."""
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(question_id)

    def recurrence(self, recurrence_id: str) -> RecurrenceKind:
        """Return the recurrence kind with this id (KeyError if there is none)."""
        for kind in self.recurrences:
            if kind.id == recurrence_id:
                return kind
        raise KeyError(recurrence_id)

    @property
    def concern_ids(self) -> tuple[str, ...]:
        """Topic ids a person can choose as concerns (every topic)."""
        return tuple(topic.id for topic in self.topics)


@dataclass(frozen=True)
class Profile:
    """Everything visitprep knows about one visit: from an interview, a file or a CSV row."""

    recurrence: str
    concerns: tuple[str, ...] = ()
    name: str = ""
    doctor: str = ""
    visit_date: dt.date | None = None
    companion: str = ""
    custom_questions: tuple[str, ...] = ()
    top_questions: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    template: str = "standard"
    paper: str = "letter"
    fillable: bool = False
    language: str = "en"
    length: str = "short"
    include: tuple[str, ...] = ()
    room: str = "standard"


@dataclass(frozen=True)
class Item:
    """A question as printed: from the bank (with id and source) or the person's own."""

    text: str
    id: str | None = None
    source: SourceRef | None = None

    @property
    def is_own(self) -> bool:
        """True for a question the person wrote."""
        return self.id is None


@dataclass(frozen=True)
class Section:
    """Questions under one heading."""

    topic: str
    title: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Selection:
    """The questions one profile gets, in print order."""

    top: tuple[Item, ...]
    own: tuple[Item, ...]
    sections: tuple[Section, ...]
    checklists: tuple[Checklist, ...] = field(default=())

    @property
    def count(self) -> int:
        """How many questions will print, top questions included."""
        return len(self.top) + len(self.own) + sum(len(s.items) for s in self.sections)
