"""The question bank in other languages: translations/<language>.yaml in the bank folder.

Each translation sits beside the English it was made from, keyed by the English item's id
(a question's id, a topic's id, a glossary term, a source's file...), with ``en``: a hash of
the English text it translates. When the English changes, the hash no longer matches and
the translation is stale: `check-bank` names it, and a handout in that language that needs
it refuses to print, naming every such id (:func:`require_translated`), rather than print
an old meaning or slip an English sentence into a Spanish page.

Every item counts as not yet reviewed by a health professional until the file records who
reviewed it and when (``reviewed: {by: ..., on: YYYY-MM-DD}``); while any text a handout
prints is unreviewed, the handout prints the file's ``note`` saying so.

The file is read only when a bank is asked for another language (:func:`translate_bank`,
``QuestionBank.in_language``), so English handouts never pay for it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from visitprep.errors import BankError, TranslationError, YamlError, allowed, did_you_mean, shorten
from visitprep.models import (
    Checklist,
    GlossaryEntry,
    QuestionBank,
    RecurrenceKind,
    Resource,
    Selection,
    SourceDoc,
    SupportPeople,
    Topic,
)
from visitprep.yamlfile import check_keys, get_text, read_yaml, type_name, where

TRANSLATIONS_FOLDER = "translations"
HASH_LENGTH = 12
LANGUAGE_NAMES = {"en": "English", "es": "Spanish"}
_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")

# The sections of a translation file, in the order of the file and of messages, with the
# fields each translated item holds. Checklists take the text fields of models.Checklist
# (all but topic and source), so a field added there is asked of every translation.
SECTIONS = ("recurrences", "topics", "questions", "checklists", "glossary", "sources",
            "resources", "support_people")
_SINGULAR = {"recurrences": "recurrence", "topics": "topic", "questions": "question",
             "checklists": "checklist", "glossary": "glossary term", "sources": "source",
             "resources": "resource", "support_people": "support people"}
_NOT_TEXT = {"topic", "source"}
CHECKLIST_FIELDS = tuple(f.name for f in dataclasses.fields(Checklist)
                         if f.name not in _NOT_TEXT)
_FIELDS: dict[str, tuple[str, ...]] = {
    "recurrences": ("label", "meaning"),
    "topics": ("title", "hint"),
    "questions": ("text",),
    "checklists": CHECKLIST_FIELDS,
    "glossary": ("term", "meaning", "words"),
    "sources": ("citation",),
    "resources": ("name",),
    "support_people": ("items",),
}
_OPTIONAL: dict[str, tuple[str, ...]] = {"topics": ("aliases",)}
_LISTS = {"items", "words", "aliases", "columns"}


@dataclass(frozen=True)
class Review:
    """Who reviewed a translated item, and when (a clinic records it in the file)."""

    by: str
    on: str


@dataclass(frozen=True)
class TranslatedItem:
    """One item of a translation file."""

    key: str
    """'questions:rec-why', 'topics:costs', 'support_people:' ..."""
    made_from: str
    """The hash of the English this was translated from (the file's ``en``)."""
    values: Mapping[str, str | tuple[str, ...]]
    reviewed: Review | None = None
    line: int = 0


@dataclass(frozen=True)
class Translation:
    """A bank's translation file, read and checked for shape (not yet against the bank)."""

    language: str
    path: Path
    note: str
    items: Mapping[str, TranslatedItem]


def key_of(section: str, item_id: str = "") -> str:
    """The key of an item: its section and its id in the English bank."""
    return f"{section}:{item_id}"


def describe(key: str) -> str:
    """An item's key in words: "question 'rec-why'", 'the support people'."""
    section, _, item_id = key.partition(":")
    return f"the {_SINGULAR[section]}" if not item_id else f"{_SINGULAR[section]} '{item_id}'"


def language_name(language: str) -> str:
    """'Spanish' for 'es'; the code itself for a language visitprep has no name for."""
    return LANGUAGE_NAMES.get(language, language)


def translation_path(folder: Path, language: str) -> Path:
    """Where a bank folder keeps its translation into a language."""
    return Path(folder) / TRANSLATIONS_FOLDER / f"{language}.yaml"


def available_languages(folder: Path) -> tuple[str, ...]:
    """'en' and every language the bank folder has a translation file for."""
    found: list[str] = []
    try:
        names = os.listdir(Path(folder) / TRANSLATIONS_FOLDER)
    except OSError:
        names = []
    for name in sorted(names):
        stem, dot, ext = name.rpartition(".")
        if dot and ext == "yaml" and _LANGUAGE_CODE.match(stem) and stem != "en":
            found.append(stem)
    return ("en", *found)


# --- the English each item translates --------------------------------------------------

def english_items(bank: QuestionBank) -> dict[str, dict[str, str | tuple[str, ...]]]:
    """Every translatable item of an English bank, by key, with its English fields.

    For a source the English is its title, publisher and date; its translation is the
    whole line the handout prints ('citation'), which keeps the title as published.
    """
    items: dict[str, dict[str, str | tuple[str, ...]]] = {}
    for kind in bank.recurrences:
        items[key_of("recurrences", kind.id)] = {"label": kind.label, "meaning": kind.meaning}
    for topic in bank.topics:
        items[key_of("topics", topic.id)] = {"title": topic.title, "hint": topic.hint}
    for question in bank.questions:
        items[key_of("questions", question.id)] = {"text": question.text}
    for checklist in bank.checklists:
        fields: dict[str, str | tuple[str, ...]] = {}
        for name in CHECKLIST_FIELDS:
            value = getattr(checklist, name)
            if value:
                fields[name] = tuple(value) if isinstance(value, tuple) else str(value)
        items[key_of("checklists", checklist.topic)] = fields
    for entry in bank.glossary:
        items[key_of("glossary", entry.id)] = {"term": entry.term, "meaning": entry.meaning}
    for source in bank.sources:
        items[key_of("sources", source.file)] = {
            "title": source.title, "publisher": source.publisher, "date": source.date}
    for resource in bank.resources:
        # a resource is known by its web address: its name is what gets translated
        items[key_of("resources", resource.website)] = {"name": resource.name}
    if bank.support is not None:
        items[key_of("support_people")] = {"items": bank.support.items}
    return items


def english_hash(fields: Mapping[str, str | tuple[str, ...]]) -> str:
    """The hash of an item's English: its fields' texts in order, one a line."""
    lines: list[str] = []
    for value in fields.values():
        lines.extend(value if isinstance(value, tuple) else (value,))
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()[:HASH_LENGTH]


def expected_fields(key: str, english: Mapping[str, str | tuple[str, ...]]) -> tuple[str, ...]:
    """The fields a translation of this item must hold."""
    section = key.partition(":")[0]
    if section == "checklists":
        return tuple(name for name in CHECKLIST_FIELDS if name in english)
    return _FIELDS[section]


# --- reading a translation file --------------------------------------------------------

_CACHE: dict[tuple[str, int, int], Translation] = {}


def load_translation(folder: Path, language: str) -> Translation | None:
    """Read a bank folder's translation into a language; None when it has none.

    Raises:
        BankError: If the file cannot be read, or an item is not shaped as it should be.
    """
    if not _LANGUAGE_CODE.match(language):
        raise BankError(f"'{language}' is not a language code",
                        hint="Use a two-letter code such as es.")
    path = translation_path(folder, language)
    try:
        info = os.stat(path)
    except OSError:
        return None
    cache_key = (str(path.resolve()), info.st_mtime_ns, info.st_size)
    known = _CACHE.get(cache_key)
    if known is None:
        try:
            known = _read_translation(path, language)
        except YamlError as exc:
            raise BankError(exc.message, hint=exc.hint) from None
        _CACHE.clear()  # one bank at a time is the usual case; never grows without bound
        _CACHE[cache_key] = known
    return known


def _read_translation(path: Path, language: str) -> Translation:
    name = str(path)
    data = check_keys(read_yaml(path), name, required=("language", "note"),
                      optional=SECTIONS, what=f"{path.name}")
    stated = get_text(data, "language", name, what=path.name)
    if stated != language:
        raise BankError(f"{where(name, data)}: says 'language: {stated}', but the file "
                        f"name says {language}",
                        hint=f"A translation into {language} is named {language}.yaml and "
                        f"says 'language: {language}'.")
    items: dict[str, TranslatedItem] = {}
    for section in SECTIONS:
        value = data.get(section)
        if value is None:
            continue
        if section == "support_people":
            items[key_of(section)] = _read_item(section, "", value, name)
            continue
        if not isinstance(value, dict):
            raise BankError(f"{where(name, data)}: '{section}' must be a mapping of ids to "
                            f"their translation, not {type_name(value)}")
        for item_id, entry in value.items():
            items[key_of(section, str(item_id))] = _read_item(section, str(item_id), entry,
                                                              name)
    return Translation(language=language, path=path,
                       note=get_text(data, "note", name, what=path.name), items=items)


def _read_item(section: str, item_id: str, entry: object, name: str) -> TranslatedItem:
    what = describe(key_of(section, item_id))
    allowed_fields = (CHECKLIST_FIELDS if section == "checklists" else _FIELDS[section])
    check_keys(entry, name, required=("en",),
               optional=(*allowed_fields, *_OPTIONAL.get(section, ()), "reviewed"),
               what=f"the translation of {what}")
    assert isinstance(entry, dict)
    made_from = get_text(entry, "en", name, what=f"the translation of {what}")
    values: dict[str, str | tuple[str, ...]] = {}
    for field in (*allowed_fields, *_OPTIONAL.get(section, ())):
        if field not in entry or entry[field] is None:
            continue
        value = entry[field]
        if field in _LISTS or isinstance(value, list):
            if not isinstance(value, list) or not all(
                    isinstance(line, str) and line.strip() for line in value):
                raise BankError(f"{where(name, entry)}: '{field}' of the translation of "
                                f"{what} must be a list of text")
            values[field] = tuple(" ".join(line.split()) for line in value)
        else:
            values[field] = get_text(entry, field, name, what=f"the translation of {what}")
    reviewed = None
    if entry.get("reviewed") is not None:
        review = check_keys(entry["reviewed"], name, required=("by", "on"),
                            what=f"'reviewed' of {what}")
        on = get_text(review, "on", name, what=f"'reviewed' of {what}")
        try:
            dt.date.fromisoformat(on)
        except ValueError:
            raise BankError(f"{where(name, review)}: 'on' of 'reviewed' of {what} must be a "
                            f"date like 2027-01-15, not '{on}'") from None
        reviewed = Review(by=get_text(review, "by", name, what=f"'reviewed' of {what}"),
                          on=on)
    return TranslatedItem(key=key_of(section, item_id), made_from=made_from, values=values,
                          reviewed=reviewed, line=getattr(entry, "line", 0))


# --- checking a translation against its bank -------------------------------------------

def item_problem(item: TranslatedItem | None,
                 english: Mapping[str, str | tuple[str, ...]]) -> str:
    """What keeps a translated item from being used ('' when it is up to date)."""
    if item is None:
        return "missing"
    if item.made_from != english_hash(english):
        return "stale"
    for field in expected_fields(item.key, english):
        value = item.values.get(field)
        if value is None:
            return f"has no '{field}'"
        english_value = english.get(field)
        if isinstance(english_value, tuple) and (
                not isinstance(value, tuple) or len(value) != len(english_value)):
            count = len(value) if isinstance(value, tuple) else 1
            return (f"'{field}' has {count} line{'s' if count != 1 else ''}, the English "
                    f"{len(english_value)}")
        if isinstance(english_value, str) and not isinstance(value, str):
            return f"'{field}' must be text, not a list"
    return ""


def translation_problems(bank: QuestionBank, language: str) -> list[str]:
    """What is missing, stale or wrong in a bank's translation, one line each.

    Args:
        bank: The English bank.
        language: A language the bank folder has a translation file for.
    """
    translation = load_translation(bank.path, language)
    path = translation_path(bank.path, language)
    if translation is None:
        return [f"{language}: no translation file {path}"]
    problems: list[str] = []
    english = english_items(bank)
    for key, fields in english.items():
        item = translation.items.get(key)
        problem = item_problem(item, fields)
        if not problem:
            continue
        text = shorten(" / ".join(v if isinstance(v, str) else " / ".join(v)
                                  for v in fields.values() if v), 70)
        if problem == "missing":
            problems.append(f"{language}: {describe(key)} has no translation (English: "
                            f"'{text}'); add it with en: {english_hash(fields)}")
        elif problem == "stale":
            assert item is not None
            review = (f"; its review by {item.reviewed.by} on {item.reviewed.on} was of the "
                      "old text: remove 'reviewed' unless reviewed again"
                      if item.reviewed else "")
            problems.append(f"{language}: {describe(key)} is stale: its English changed since "
                            f"it was translated (now: '{text}'); update the translation, "
                            f"then write en: {english_hash(fields)}{review}")
        else:
            problems.append(f"{language}: the translation of {describe(key)} {problem}")
    for key in translation.items:
        if key not in english:
            section, _, item_id = key.partition(":")
            ids = [k.partition(":")[2] for k in english if k.startswith(section + ":")]
            problems.append(f"{language}: {describe(key)} is not in the bank; remove its "
                            f"translation from {path.name}.{did_you_mean(item_id, ids)}")
    problems += _glossary_problems(bank, language)
    return problems


def _glossary_problems(bank: QuestionBank, language: str) -> list[str]:
    """Translated glossary terms that would never print: the English term is used by a
    question, but no translated question uses the translation's words."""
    from visitprep.bank import uses_word

    translated = translate_bank(bank, language)
    texts = [q.text for q in translated.questions] + [k.meaning for k in translated.recurrences]
    english_texts = [q.text for q in bank.questions] + [k.meaning for k in bank.recurrences]
    by_id = {entry.id: entry for entry in translated.glossary}
    problems: list[str] = []
    for entry in bank.glossary:
        spanish = by_id.get(entry.term)
        if spanish is None or not any(uses_word(t, entry) for t in english_texts):
            continue
        if not any(uses_word(t, spanish) for t in texts):
            problems.append(f"{language}: glossary: no translated question uses "
                            f"'{spanish.term}' (words: {', '.join(spanish.words)}), the "
                            f"translation of '{entry.term}'")
    return problems


# --- the bank in another language ------------------------------------------------------

_TRANSLATED: dict[tuple[int, str], tuple[QuestionBank, Translation | None, QuestionBank]] = {}


def translate_bank(bank: QuestionBank, language: str) -> QuestionBank:
    """The bank with its texts in another language (see QuestionBank.in_language)."""
    if language == bank.language:
        return bank
    if bank.language != "en":
        raise ValueError(f"translate the English bank, not one already in {bank.language}")
    translation = load_translation(bank.path, language)
    known = _TRANSLATED.get((id(bank), language))
    if known is not None and known[0] is bank and known[1] is translation:
        return known[2]  # a batch asks this for every row
    english = english_items(bank)
    current: dict[str, Mapping[str, str | tuple[str, ...]]] = {}
    reviewed: set[str] = set()
    for key, fields in english.items():
        item = translation.items.get(key) if translation else None
        if item is not None and not item_problem(item, fields):
            current[key] = item.values
            if item.reviewed is not None:
                reviewed.add(key)

    def text(key: str, field: str, fallback: str) -> str:
        value = current.get(key, {}).get(field)
        return value if isinstance(value, str) else fallback

    def lines(key: str, field: str, fallback: tuple[str, ...]) -> tuple[str, ...]:
        value = current.get(key, {}).get(field)
        return value if isinstance(value, tuple) else fallback

    recurrences = tuple(RecurrenceKind(
        kind.id, text(key_of("recurrences", kind.id), "label", kind.label),
        text(key_of("recurrences", kind.id), "meaning", kind.meaning))
        for kind in bank.recurrences)
    topics = tuple(dataclasses.replace(
        topic,
        title=text(key_of("topics", topic.id), "title", topic.title),
        hint=text(key_of("topics", topic.id), "hint", topic.hint),
        aliases=_merged(topic, lines(key_of("topics", topic.id), "aliases", ())))
        for topic in bank.topics)
    questions = tuple(dataclasses.replace(
        question, text=text(key_of("questions", question.id), "text", question.text))
        for question in bank.questions)
    checklists = tuple(_checklist(checklist, current.get(key_of("checklists", checklist.topic)))
                       for checklist in bank.checklists)
    glossary = tuple(GlossaryEntry(
        term=text(key, "term", entry.term),
        words=tuple(" ".join(word.lower().split()) for word in lines(key, "words", ())),
        meaning=text(key, "meaning", entry.meaning), source=entry.source,
        translates=entry.term)
        for entry in bank.glossary
        if (key := key_of("glossary", entry.term)) in current)
    sources = tuple(SourceDoc(
        source.file, source.title, source.publisher, source.date,
        translated_citation=text(key_of("sources", source.file), "citation", ""))
        for source in bank.sources)
    resources = tuple(Resource(
        name=text(key_of("resources", resource.website), "name", resource.name),
        phone=resource.phone, website=resource.website, source=resource.source)
        for resource in bank.resources)
    support = None
    if bank.support is not None:
        support = SupportPeople(items=lines(key_of("support_people"), "items",
                                            bank.support.items), source=bank.support.source)
    translated = dataclasses.replace(
        bank, recurrences=recurrences, topics=topics, questions=questions,
        checklists=checklists, glossary=glossary, sources=sources, resources=resources,
        support=support, language=language,
        untranslated=frozenset(english) - frozenset(current),
        unreviewed=frozenset(english) - frozenset(reviewed),
        translation_note=translation.note if translation else "",
    )
    if len(_TRANSLATED) > 8:
        _TRANSLATED.clear()
    _TRANSLATED[(id(bank), language)] = (bank, translation, translated)
    return translated


def _merged(topic: Topic, aliases: tuple[str, ...]) -> tuple[str, ...]:
    """A topic's English aliases and its translated title and aliases: a person may type
    either language's words for a concern."""
    extra = tuple(a.strip().lower() for a in aliases if a.strip().lower() not in topic.aliases)
    return topic.aliases + extra


def _checklist(checklist: Checklist, values: Mapping[str, Any] | None) -> Checklist:
    if values is None:
        return checklist
    return dataclasses.replace(checklist, **{name: values[name] for name in CHECKLIST_FIELDS
                                             if name in values})


# --- what a handout needs --------------------------------------------------------------

def printed_keys(bank: QuestionBank, selection: Selection, recurrence: str, *,
                 glossary: Iterable[GlossaryEntry] = (), support: bool = False,
                 sources: Iterable[str] = ()) -> frozenset[str]:
    """The bank items a handout prints: its questions and their topics, the recurrence
    line, the checklists, glossary entries and sources it shows, the resources, and the
    support people when the template lists them."""
    keys = {key_of("recurrences", recurrence)}
    for item in selection.top:
        if item.id:
            keys.add(key_of("questions", item.id))
    for section in selection.sections:
        keys.add(key_of("topics", section.topic))
        keys.update(key_of("questions", item.id) for item in section.items if item.id)
    keys.update(key_of("checklists", checklist.topic) for checklist in selection.checklists)
    keys.update(key_of("glossary", entry.id) for entry in glossary)
    keys.update(key_of("sources", file) for file in sources)
    keys.update(key_of("resources", r.website) for r in bank.resources)
    if support and bank.support is not None:
        keys.add(key_of("support_people"))
    return frozenset(keys)


def require_translated(bank: QuestionBank, keys: Iterable[str]) -> None:
    """Refuse to print a translated handout whose texts are not all translated.

    Raises:
        TranslationError: Listing every item this handout needs that the bank has no
            up-to-date translation of.
    """
    missing = [key for key in keys if key in bank.untranslated]
    if not missing:
        return
    order = {section: index for index, section in enumerate(SECTIONS)}
    place = {key: index for index, key in enumerate(english_items(bank))}  # print order
    missing.sort(key=lambda key: (order[key.partition(":")[0]], place.get(key, 0)))
    path = translation_path(bank.path, bank.language)
    name = language_name(bank.language)
    groups: dict[str, list[str]] = {}
    for key in missing:
        section, _, item_id = key.partition(":")
        groups.setdefault(section, []).append(item_id)
    listed = "; ".join(
        (f"{_plural(section, len(ids))} " + ", ".join(ids)) if ids != [""]
        else f"the {_SINGULAR[section]}" for section, ids in groups.items())
    has_file = path.is_file()
    raise TranslationError(
        f"The question bank {bank.path} has no up-to-date {name} for "
        f"{len(missing)} text{'s' if len(missing) != 1 else ''} this handout needs: {listed}",
        hint=(f"Add their {name} to {path} (visitprep check-bank {bank.path} lists every "
              "missing or stale one)" if has_file else
              f"The bank has no {path}: add one (copy the built-in bank's, visitprep "
              "check-bank shows where it is)")
        + f", or print this handout in {language_name('en')} (--language en).",
        field="language", value=bank.language,
    )


def _plural(section: str, count: int) -> str:
    word = _SINGULAR[section]
    if count == 1 or section == "support_people":
        return word
    return {"glossary term": "glossary terms"}.get(word, word + "s")


def allowed_languages(folder: Path) -> str:
    """The languages a bank folder can print, for messages."""
    return allowed(available_languages(folder))
