"""Read a question bank folder (questions/*.yaml) into a validated QuestionBank.

A bank folder holds:
  topics.yaml    the recurrence kinds and the topics, in print order
  sources.yaml   the source documents and the resources printed on the last page
  glossary.yaml  (optional) words patients may hear, with a source's meaning
  <topic>.yaml   one file per topic: its questions and, optionally, a checklist

Besides loading, this module checks what a loader cannot see in one entry: the short-list
limits (core_problems), near-duplicate questions in one handout (duplicate_problems),
glossary words no question uses (glossary_problems) and, given the source documents,
that every citation's section and quote are in them (citation_problems).
"""

from __future__ import annotations

import dataclasses
import os
import re
import statistics
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from visitprep.errors import BankError, YamlError, allowed, did_you_mean, shorten
from visitprep.models import (
    RECURRENCES,
    Checklist,
    GlossaryEntry,
    Question,
    QuestionBank,
    RecurrenceKind,
    Resource,
    SourceDoc,
    SourceRef,
    SupportPeople,
    Topic,
)
from visitprep.resources import data_dir
from visitprep.yamlfile import (
    as_bool,
    check_keys,
    get_text,
    items_with_lines,
    read_yaml,
    type_name,
    where,
)

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_QUESTION_LENGTH = 300
MAX_SOURCE_BYTES = 20_000_000
MAX_MEAN_GRADE = 6.0
MAX_QUESTION_GRADE = 8.0
# Spanish: Fernández-Huerta reading ease, higher is easier (see readability.py).
MIN_MEAN_EASE_ES = 75.0
MIN_QUESTION_EASE_ES = 60.0
_SPECIAL_FILES = ("topics.yaml", "sources.yaml", "glossary.yaml")
CONFIRMED = tuple(r for r in RECURRENCES if r != "unsure")

# The short list (questions marked `core: true`): for each recurrence kind, 1 to 5 core
# questions about the recurrence itself, and at most 4 for each concern a person chooses.
RECURRENCE_TOPIC = "my-recurrence"
CORE_PER_KIND = (1, 5)
MAX_CORE_PER_CONCERN = 4


def default_bank_dir() -> Path:
    """Return the folder of the built-in question bank."""
    return data_dir("questions")


def load_bank(folder: Path | None = None) -> QuestionBank:
    """Load and validate a question bank.

    Args:
        folder: A bank folder; None for the built-in bank.

    Raises:
        BankError: Naming the file, the line and what to fix.
    """
    folder = default_bank_dir() if folder is None else Path(folder)
    if not _readable_folder(folder):
        raise BankError(
            f"{shorten(str(folder), 200)}: "
            f"{'is not a folder' if _exists(folder) else 'no such folder'}",
            hint="--bank takes a folder holding topics.yaml, sources.yaml and one file per topic.",
        )
    try:
        return _load(folder)
    except YamlError as exc:
        raise BankError(exc.message, hint=exc.hint) from None


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except (OSError, ValueError):
        return False


def _readable_folder(folder: Path) -> bool:
    """True for a folder whose files can be listed; a BankError when it cannot be read."""
    try:
        if not folder.is_dir():
            return False
        os.listdir(folder)
    except PermissionError:
        raise BankError(f"{folder}: cannot be read (permission denied)",
                        hint="Choose a bank folder you can read.") from None
    except (OSError, ValueError):
        return False
    return True


def _load(folder: Path) -> QuestionBank:
    for special in _SPECIAL_FILES[:2]:
        if not (folder / special).is_file():
            raise BankError(
                f"{folder}: has no {special}",
                hint="A bank folder needs topics.yaml and sources.yaml; "
                "copy them from the built-in bank (visitprep check-bank shows where it is).",
            )
    recurrences, topics = _read_topics(folder / "topics.yaml")
    sources, resources, support = _read_sources(folder / "sources.yaml")
    source_files = {s.file for s in sources}
    topic_ids = [t.id for t in topics]

    questions: list[Question] = []
    checklists: list[Checklist] = []
    merged: dict[str, tuple[str, str]] = {}  # old id: (the id it became, the file)
    seen_ids: dict[str, str] = {}
    topics_with_files: dict[str, str] = {}
    glossary_path = folder / "glossary.yaml"
    glossary = (_read_glossary(glossary_path, source_files) if glossary_path.is_file() else [])
    topic_files = sorted(p for p in folder.glob("*.yaml") if p.name not in _SPECIAL_FILES)
    for path in topic_files:
        data = read_yaml(path)
        name = str(path)
        check_keys(data, name, required=("topic",),
                   optional=("questions", "checklist", "merged"), what="a topic file")
        topic_id = get_text(data, "topic", name, what="the topic file")
        if topic_id not in topic_ids:
            raise BankError(
                f"{where(name, data)}: topic '{topic_id}' is not in topics.yaml."
                f"{did_you_mean(topic_id, topic_ids)}",
                hint=f"Known topics: {allowed(topic_ids)}.",
            )
        if topic_id in topics_with_files:
            raise BankError(
                f"{name}: topic '{topic_id}' already has its file "
                f"{topics_with_files[topic_id]}",
                hint="Keep each topic's questions in one file.",
            )
        topics_with_files[topic_id] = name
        entries = data.get("questions") or []
        if not isinstance(entries, list):
            raise BankError(f"{where(name, data)}: 'questions' must be a list, "
                            f"not {type_name(entries)}")
        for entry, at in items_with_lines(entries):
            question = _read_question(entry, at, name, topic_id, source_files)
            if question.id in seen_ids:
                raise BankError(
                    f"{where(name, entry)}: the question id '{question.id}' is used twice "
                    f"(also in {seen_ids[question.id]})",
                    hint="Every question needs its own id.",
                )
            seen_ids[question.id] = name
            questions.append(question)
        if data.get("checklist") is not None:
            checklists.append(_read_checklist(data["checklist"], name, topic_id, source_files))
        merged.update({old: (new, name) for old, new in _read_merged(data, name).items()})
    _check_follows(questions, seen_ids)
    _check_merged(merged, seen_ids)
    for topic in topics:
        if topic.id not in topics_with_files:
            raise BankError(
                f"{folder}: topic '{topic.id}' has no file of questions",
                hint=f"Add a file with 'topic: {topic.id}' and its questions, "
                "or remove the topic from topics.yaml.",
            )
        if not any(q.topic == topic.id for q in questions):
            raise BankError(f"{topics_with_files[topic.id]}: topic '{topic.id}' has no questions")
    return QuestionBank(
        path=folder,
        topics=tuple(topics),
        questions=tuple(_with_topics_named(questions, topics)),
        checklists=tuple(checklists),
        sources=tuple(sources),
        resources=tuple(resources),
        recurrences=tuple(recurrences),
        support=support,
        glossary=tuple(glossary),
        merged=tuple((old, new) for old, (new, _) in merged.items()),
    )


def _read_merged(data: dict[str, Any], name: str) -> dict[str, str]:
    """A topic file's `merged:` mapping, old id: the id of the question it was folded into."""
    value = data.get("merged")
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise BankError(f"{where(name, data)}: 'merged' must map old question ids to ids, "
                        f"not {type_name(value)}",
                        hint="For example: merged: {cope-counselor: cope-low-mood}")
    for old, new in value.items():
        for text in (old, new):
            if not ID_PATTERN.match(text):
                raise BankError(f"{where(name, data)}: merged: '{text}' is not a valid id",
                                hint="Ids use lower-case letters, digits and single dashes.")
    return dict(value)


def _check_merged(merged: dict[str, tuple[str, str]], files: dict[str, str]) -> None:
    """An old id must be gone, and the id it became must be a question of the bank."""
    for old, (new, name) in merged.items():
        if old in files:
            raise BankError(f"{name}: merged: '{old}' is still a question ({files[old]})",
                            hint="List an id under merged only once its question is gone.")
        if new not in files:
            raise BankError(f"{name}: merged: '{old}' became '{new}', which is not a question "
                            f"of the bank.{did_you_mean(new, files)}",
                            hint="Name the question the old one was folded into.")


def _with_topics_named(questions: list[Question], topics: list[Topic]) -> list[Question]:
    """Each question of an `always` topic with the chosen-only topics its text names (by
    title or alias, whole words), read from the bank as loaded: its English. A translated
    bank keeps these, so a question prints under the same heading in every language."""
    chosen_only = [t for t in topics if not t.always]
    always = {t.id for t in topics if t.always}
    return [dataclasses.replace(q, names_topics=tuple(
                t.id for t in chosen_only if uses_any(q.text, (t.title, *t.aliases))))
            if q.topic in always else q for q in questions]


def _check_follows(questions: list[Question], files: dict[str, str]) -> None:
    """A question that follows another reads only right after it: the two must sit together
    in one topic file and print for the same kinds, on the same short lists."""
    by_id = {q.id: (index, q) for index, q in enumerate(questions)}
    for index, question in enumerate(questions):
        if not question.follows:
            continue
        name = files[question.id]
        hint = ("Put the question right after the one it follows, in the same file, with the "
                "same recurrence, core and needs_confirmed.")
        if question.follows not in by_id:
            raise BankError(f"{name}: question '{question.id}' follows '{question.follows}', "
                            f"which is not a question of the bank."
                            f"{did_you_mean(question.follows, by_id)}", hint=hint)
        at, leader = by_id[question.follows]
        if leader.follows:
            raise BankError(f"{name}: question '{question.id}' follows '{leader.id}', which "
                            f"follows '{leader.follows}' itself", hint="Link two questions, "
                            "not a chain: merge the three, or link only two.")
        if at != index - 1 or leader.topic != question.topic:
            raise BankError(f"{name}: question '{question.id}' follows '{leader.id}' but is "
                            "not right after it", hint=hint)
        if (leader.recurrence != question.recurrence
                or any(leader.is_core(k) != question.is_core(k) for k in RECURRENCES)):
            raise BankError(f"{name}: question '{question.id}' follows '{leader.id}' but "
                            "would print without it (their recurrence or core differ)",
                            hint=hint)


def _read_id(data: dict[str, Any], key: str, name: str, what: str) -> str:
    value = get_text(data, key, name, what=what)
    if not ID_PATTERN.match(value):
        raise BankError(
            f"{where(name, data)}: '{value}' is not a valid id",
            hint="Ids use lower-case letters, digits and single dashes, like 'costs-insurance'.",
        )
    return value


def _read_list(data: dict[str, Any], key: str, name: str) -> list[Any]:
    value = data.get(key)
    if not isinstance(value, list) or not value:
        raise BankError(f"{where(name, data)}: '{key}' must be a list with at least one entry")
    return value


def _read_topics(path: Path) -> tuple[list[RecurrenceKind], list[Topic]]:
    name = str(path)
    data = check_keys(read_yaml(path), name, required=("recurrences", "topics"), what="topics.yaml")
    recurrences: list[RecurrenceKind] = []
    for entry, at in items_with_lines(_read_list(data, "recurrences", name)):
        check_keys(entry, name, required=("id", "label", "meaning"), what="a recurrence", at=at)
        rid = get_text(entry, "id", name, what="a recurrence")
        if rid not in RECURRENCES:
            raise BankError(
                f"{where(name, entry)}: unknown recurrence '{rid}'",
                hint=f"Recurrences are fixed: {allowed(RECURRENCES)}.",
            )
        recurrences.append(RecurrenceKind(
            rid, get_text(entry, "label", name), get_text(entry, "meaning", name)))
    missing = [r for r in RECURRENCES if r not in {k.id for k in recurrences}]
    if missing or len(recurrences) != len(RECURRENCES):
        raise BankError(
            f"{name}: 'recurrences' must describe each of {allowed(RECURRENCES)} once"
            + (f" (missing: {allowed(missing)})" if missing else "")
        )
    topics: list[Topic] = []
    for entry, at in items_with_lines(_read_list(data, "topics", name)):
        check_keys(entry, name, required=("id", "title", "hint"),
                   optional=("always", "aliases"), what="a topic", at=at)
        tid = _read_id(entry, "id", name, "a topic")
        if tid in {t.id for t in topics}:
            raise BankError(f"{where(name, entry)}: the topic id '{tid}' is used twice")
        always = as_bool(entry.get("always") or "false")
        if always is None:
            raise BankError(f"{where(name, entry)}: 'always' must be true or false, "
                            f"not '{entry.get('always')}'.")
        aliases = entry.get("aliases") or []
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise BankError(f"{where(name, entry)}: 'aliases' must be a list of text")
        topics.append(Topic(
            id=tid,
            title=get_text(entry, "title", name),
            hint=get_text(entry, "hint", name),
            always=always,
            aliases=tuple(a.strip().lower() for a in aliases),
        ))
    return recurrences, topics


def _read_source_ref(data: object, name: str, source_files: set[str], what: str) -> SourceRef:
    entry = check_keys(data, name, required=("file", "section"), optional=("quote",),
                       what=f"the source of {what}")
    file = get_text(entry, "file", name, what="a source")
    if file not in source_files:
        raise BankError(
            f"{where(name, entry)}: source file '{file}' is not listed in sources.yaml."
            f"{did_you_mean(file, source_files)}",
            hint=f"Listed sources: {allowed(sorted(source_files))}.",
        )
    quote = get_text(entry, "quote", name, what="a source") if "quote" in entry else ""
    return SourceRef(file=file, section=get_text(entry, "section", name, what="a source"),
                     quote=quote)


def _read_sources(path: Path) -> tuple[list[SourceDoc], list[Resource], SupportPeople | None]:
    name = str(path)
    data = check_keys(read_yaml(path), name, required=("sources",),
                      optional=("resources", "support_people"), what="sources.yaml")
    sources: list[SourceDoc] = []
    for entry, at in items_with_lines(_read_list(data, "sources", name)):
        check_keys(entry, name, required=("file", "title"), optional=("publisher", "date"),
                   what="a source", at=at)
        sources.append(SourceDoc(
            get_text(entry, "file", name), get_text(entry, "title", name),
            _optional_text(entry, "publisher", name), _optional_text(entry, "date", name)))
    files = {s.file for s in sources}
    if len(files) != len(sources):
        raise BankError(f"{name}: a source file is listed twice")
    resources: list[Resource] = []
    resource_list = data.get("resources") or []
    if not isinstance(resource_list, list):
        raise BankError(f"{where(name, data)}: 'resources' must be a list")
    for entry, at in items_with_lines(resource_list):
        check_keys(entry, name, required=("name", "phone", "website", "source"),
                   what="a resource", at=at)
        resources.append(Resource(
            name=get_text(entry, "name", name),
            phone=get_text(entry, "phone", name),
            website=get_text(entry, "website", name),
            source=_read_source_ref(entry["source"], name, files, "a resource"),
        ))
    support = None
    if data.get("support_people") is not None:
        entry = check_keys(data["support_people"], name, required=("items", "source"),
                           what="support_people")
        items = _read_list(entry, "items", name)
        if not all(isinstance(item, str) and item.strip() for item in items):
            raise BankError(f"{where(name, entry)}: every support_people item must be text")
        support = SupportPeople(
            items=tuple(" ".join(item.split()) for item in items),
            source=_read_source_ref(entry["source"], name, files, "support_people"),
        )
    return sources, resources, support


def _optional_text(entry: dict[str, Any], key: str, name: str) -> str:
    """Text that may be left empty ("" or missing), e.g. a source's unknown publisher."""
    value = entry.get(key)
    if value is None or value == "":
        return ""
    return get_text(entry, key, name)


def _read_flag(entry: dict[str, Any], key: str, name: str, qid: str, hint: str) -> bool:
    value = as_bool(entry.get(key, False))
    if value is None:
        raise BankError(
            f"{where(name, entry)}: '{key}' of question '{qid}' must be true or false, "
            f"not '{entry.get(key)}'.",
            hint=hint,
        )
    return value


def _read_question(entry: object, at: object, name: str, topic: str,
                   source_files: set[str]) -> Question:
    check_keys(entry, name, required=("id", "text", "recurrence", "source"),
               optional=("core", "needs_confirmed", "follows"), what="a question", at=at)
    assert isinstance(entry, dict)
    qid = _read_id(entry, "id", name, "a question")
    text = get_text(entry, "text", name, what=f"question '{qid}'")
    if not text.endswith("?"):
        raise BankError(
            f"{where(name, entry)}: question '{qid}' does not end with '?'",
            hint="Write every entry as a question a person may want to ask.",
        )
    if len(text) > MAX_QUESTION_LENGTH:
        raise BankError(
            f"{where(name, entry)}: question '{qid}' is {len(text)} characters long",
            hint=f"Keep a question under {MAX_QUESTION_LENGTH} characters.",
        )
    core_for = None
    if isinstance(entry.get("core"), list):
        core_for = _read_recurrence({**entry, "recurrence": entry["core"]}, name, qid, "core")
        core = True
    else:
        core = _read_flag(entry, "core", name, qid,
                          "core: true puts a question on the short list (core: [unsure], on "
                          "the short list of some kinds only); leave it out otherwise.")
    follows = ""
    if entry.get("follows") is not None:
        follows = _read_id(entry, "follows", name, f"question '{qid}'")
    needs_confirmed = _read_flag(
        entry, "needs_confirmed", name, qid,
        "needs_confirmed: true marks a question that assumes the recurrence is confirmed.")
    recurrence = _read_recurrence(entry, name, qid)
    if needs_confirmed:
        if entry["recurrence"] != "all" and "unsure" in recurrence:
            raise BankError(
                f"{where(name, entry)}: question '{qid}' needs a confirmed recurrence "
                "but lists 'unsure'",
                hint="Remove 'unsure' from its recurrence list, or remove needs_confirmed.",
            )
        recurrence = recurrence - {"unsure"}
    return Question(
        id=qid,
        text=text,
        topic=topic,
        recurrence=recurrence,
        source=_read_source_ref(entry["source"], name, source_files, f"question '{qid}'"),
        core=core,
        needs_confirmed=needs_confirmed,
        core_for=core_for,
        follows=follows,
    )


def _read_recurrence(entry: dict[str, Any], name: str, qid: str,
                     key: str = "recurrence") -> frozenset[str]:
    value = entry["recurrence"]
    if value == "all":
        return frozenset(RECURRENCES)
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not values:
        raise BankError(
            f"{where(name, entry)}: '{key}' of question '{qid}' must be "
            f"{'true, false' if key == 'core' else 'all'} or a list",
            hint=f"Allowed values: all, {allowed(RECURRENCES)}.",
        )
    for item in values:
        if item not in RECURRENCES:
            raise BankError(
                f"{where(name, entry)}: question '{qid}' has unknown recurrence '{item}'."
                f"{did_you_mean(str(item), RECURRENCES)}",
                hint=f"Allowed values: all, {allowed(RECURRENCES)}.",
            )
    return frozenset(values)


def _read_checklist(data: object, name: str, topic: str, source_files: set[str]) -> Checklist:
    entry = check_keys(data, name, required=("title", "intro", "items", "source"),
                       optional=("call_line", "after_hours_line", "act_now", "how_to",
                                 "columns"), what="the checklist")
    items = _read_list(entry, "items", name)
    texts = []
    for item in items:
        if not isinstance(item, str) or not item.strip():
            raise BankError(f"{where(name, entry)}: every checklist item must be text")
        texts.append(" ".join(item.split()))
    return Checklist(
        topic=topic,
        title=get_text(entry, "title", name),
        intro=get_text(entry, "intro", name),
        items=tuple(texts),
        source=_read_source_ref(entry["source"], name, source_files, "the checklist"),
        call_line=_optional_text(entry, "call_line", name),
        act_now=_optional_text(entry, "act_now", name),
        how_to=_optional_text(entry, "how_to", name),
        columns=_read_columns(entry, name),
        after_hours_line=_optional_text(entry, "after_hours_line", name),
    )


def _read_columns(entry: dict[str, Any], name: str) -> tuple[str, ...]:
    """The headings of a checklist's box and item columns: two texts, or none."""
    if entry.get("columns") is None:
        return ()
    columns = entry["columns"]
    if (not isinstance(columns, list) or len(columns) != 2
            or not all(isinstance(c, str) and c.strip() for c in columns)):
        raise BankError(f"{where(name, entry)}: 'columns' of the checklist must be two texts",
                        hint="Head the box column and the item column, "
                        "like: columns: [I have it, Problem]")
    return tuple(" ".join(c.split()) for c in columns)


def _read_glossary(path: Path, source_files: set[str]) -> list[GlossaryEntry]:
    name = str(path)
    data = check_keys(read_yaml(path), name, required=("glossary",), what="glossary.yaml")
    entries: list[GlossaryEntry] = []
    for entry, at in items_with_lines(_read_list(data, "glossary", name)):
        check_keys(entry, name, required=("term", "words", "meaning", "source"),
                   what="a glossary entry", at=at)
        term = get_text(entry, "term", name, what="a glossary entry")
        if term.lower() in {e.term.lower() for e in entries}:
            raise BankError(f"{where(name, entry)}: the term '{term}' is listed twice")
        words = _read_list(entry, "words", name)
        if not all(isinstance(w, str) and w.strip() for w in words):
            raise BankError(
                f"{where(name, entry)}: every entry of 'words' of '{term}' must be text",
                hint="List the forms of the word the questions use, e.g. [metastatic].")
        entries.append(GlossaryEntry(
            term=term,
            words=tuple(" ".join(w.lower().split()) for w in words),
            meaning=get_text(entry, "meaning", name, what=f"the term '{term}'"),
            source=_read_source_ref(entry["source"], name, source_files, f"the term '{term}'"),
        ))
    return entries


@dataclass(frozen=True)
class ReadingReport:
    """The reading level of a bank's questions."""

    mean: float
    grades: tuple[tuple[Question, float], ...]

    @property
    def too_hard(self) -> tuple[tuple[Question, float], ...]:
        """Questions above the per-question limit, hardest first."""
        hard = [(q, g) for q, g in self.grades if g > MAX_QUESTION_GRADE]
        return tuple(sorted(hard, key=lambda pair: -pair[1]))

    @property
    def ok(self) -> bool:
        """True when the bank meets both reading-level limits."""
        return self.mean <= MAX_MEAN_GRADE and not self.too_hard


def reading_report(bank: QuestionBank) -> ReadingReport:
    """Grade every question of a bank (Flesch-Kincaid)."""
    from visitprep.readability import grade_level  # pyphen loads only when asked

    grades = tuple((q, grade_level(q.text)) for q in bank.questions)
    mean = round(statistics.fmean(g for _, g in grades), 2) if grades else 0.0
    return ReadingReport(mean=mean, grades=grades)


@dataclass(frozen=True)
class SpanishReadingReport:
    """The reading ease of a Spanish bank's questions: Fernández-Huerta, and
    Szigriszt-Pazos on the INFLESZ scale."""

    mean: float
    mean_szigriszt: float
    scores: tuple[tuple[Question, float], ...]

    @property
    def too_hard(self) -> tuple[tuple[Question, float], ...]:
        """Questions below the per-question floor, hardest first."""
        hard = [(q, s) for q, s in self.scores if s < MIN_QUESTION_EASE_ES]
        return tuple(sorted(hard, key=lambda pair: pair[1]))

    @property
    def ok(self) -> bool:
        """True when the questions meet both Spanish reading-level targets."""
        return self.mean >= MIN_MEAN_EASE_ES and not self.too_hard


def spanish_reading_report(bank: QuestionBank) -> SpanishReadingReport:
    """Score every translated question of a bank in Spanish (``bank.in_language('es')``);
    questions still in English are left out (check-bank names them)."""
    from visitprep.readability import fernandez_huerta, szigriszt_pazos

    questions = [q for q in bank.questions
                 if f"questions:{q.id}" not in bank.untranslated]
    scores = tuple((q, fernandez_huerta(q.text)) for q in questions)
    if not scores:
        return SpanishReadingReport(mean=0.0, mean_szigriszt=0.0, scores=())
    return SpanishReadingReport(
        mean=round(statistics.fmean(s for _, s in scores), 1),
        mean_szigriszt=round(statistics.fmean(szigriszt_pazos(q.text) for q in questions), 1),
        scores=scores)


def printing_problems(bank: QuestionBank) -> list[tuple[str, str, str]]:
    """What `make` would refuse to print, text by text, so check-bank can say it first.

    Returns:
        (where in the bank, the text, what is wrong) for each text that cannot print:
        a character the handout's font lacks, right-to-left text, or an invisible
        control character (zero-width, bidi override).
    """
    import unicodedata

    from visitprep.fonts import unprintable  # reportlab loads only for check-bank

    texts: list[tuple[str, str]] = []
    texts += [(f"question '{q.id}'", q.text) for q in bank.questions]
    for topic in bank.topics:
        texts += [(f"topic '{topic.id}' title", topic.title), (f"topic '{topic.id}' hint",
                                                              topic.hint)]
    for kind in bank.recurrences:
        texts += [(f"recurrence '{kind.id}' label", kind.label),
                  (f"recurrence '{kind.id}' meaning", kind.meaning)]
    for checklist in bank.checklists:
        texts += [(f"checklist of '{checklist.topic}'", text)
                  for text in (checklist.title, checklist.intro, checklist.act_now,
                               checklist.how_to, *checklist.columns, checklist.call_line,
                               checklist.after_hours_line, *checklist.items) if text]
    for resource in bank.resources:
        texts += [(f"resource '{resource.name}'", text)
                  for text in (resource.name, resource.phone, resource.website)]
    for source in bank.sources:
        texts += [(f"source '{source.file}'", text) for text in (source.title, source.publisher)]
    if bank.support:
        texts += [("support_people", item) for item in bank.support.items]
    problems: list[tuple[str, str, str]] = []
    for where_, text in texts:
        problem = unprintable(text)
        if problem is None:
            hidden = next((c for c in text if unicodedata.category(c) in ("Cc", "Cf", "Co", "Cs")
                           and c != "\u00ad"), None)
            if hidden is not None:
                problem = (f"holds an invisible control character (U+{ord(hidden):04X}, "
                           f"{unicodedata.name(hidden, 'unnamed')})")
        if problem:
            problems.append((where_, text, problem))
    return problems


def core_problems(bank: QuestionBank) -> list[str]:
    """Return what breaks the short-list limits, one line each (empty when all is well).

    For every recurrence kind: 3 to 5 core questions in the recurrence topic (when the bank
    has one) and at most 4 core questions in each topic a person chooses as a concern.
    """
    problems: list[str] = []
    low, high = CORE_PER_KIND
    topic_ids = {t.id for t in bank.topics}
    for kind in RECURRENCES:
        core = [q for q in bank.questions if q.is_core(kind)]
        if RECURRENCE_TOPIC in topic_ids:
            count = sum(1 for q in core if q.topic == RECURRENCE_TOPIC)
            if not low <= count <= high:
                problems.append(
                    f"{kind}: {count} core questions in '{RECURRENCE_TOPIC}' "
                    f"(the short list needs {low} to {high})")
        for topic in bank.topics:
            if topic.always:
                continue
            count = sum(1 for q in core if q.topic == topic.id)
            if count > MAX_CORE_PER_CONCERN:
                problems.append(
                    f"{kind}: {count} core questions in '{topic.id}' "
                    f"(at most {MAX_CORE_PER_CONCERN} for a concern)")
    return problems


# --- near-duplicates -------------------------------------------------------------------

# Words that carry no meaning of their own in these questions: the question words, and
# the subject of the whole bank, cancer coming back, which is in most of them.
_STOPWORDS = frozenset("""
a about after all also am an and any are as at be been before being but by can could did do
does for from get go had has have how i if in is it its just me more most my now of on or our
over should so some still that the them then there they this time to up us was we what when
where which while who whom whose why will with would you your cancer come comes coming came
back
""".split())
_WORD = re.compile(r"[a-z]+")
# Terms of two words that name one thing: each counts as one word.
_TERMS = re.compile(r"\b(side effect|second opinion|clinical trial|care team|support group)s?\b")
# Two questions are near-duplicates when they share at least 3 content words and those are
# at least 40% of all the content words of the two. This catches rewordings of one question
# (like "Which side effects should I call you about right away?" and "Which symptoms mean I
# should call you right away?").
NEAR_DUPLICATE = 0.4
MIN_SHARED_WORDS = 3
# Two ways of asking one thing can share too few words for that ("What care can help keep
# me comfortable?" and "What is palliative care?"). Each entry here names a thing a person
# asks for, with the pattern that finds it in a question's words (lower case); two questions
# that make the same ask and can print in one handout are duplicates. Found by reading the
# bank against its sources: add one when a reading finds another pair.
SAME_ASKS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern)) for name, pattern in (
        ("having the same treatment again",
         r"\bsame\b[^?]*\btreatment|\btreatment\b[^?]*\bsame\b"),
        ("whom to tell about a new or changing symptom",
         r"^(?=.*\b(call|tell you|let you know|report)\b)(?=.*\bsymptoms?\b)"
         r"(?=.*\b(new|chang\w*)\b)"),
        ("living or feeling as well as one can",
         r"\b(feel|live|living|stay|staying) as well as (i|you|we) can\b"),
        ("care that keeps one comfortable (palliative care)",
         r"\b(palliative|supportive) care\b|\bcare\b[^?]*\bcomfort"),
    ))


def _stem(word: str) -> str:
    """A word's stem, roughly: 'changing' and 'change', 'symptoms' and 'symptom' match."""
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) - len(suffix) >= 3 and word.endswith(suffix) and not word.endswith("ss"):
            word = word[:-len(suffix)]
            break
    return word[:-1] if len(word) > 4 and word.endswith("e") else word


def content_words(text: str) -> frozenset[str]:
    """The words of a question that carry its meaning: lower case, question words left out,
    each word by its stem."""
    joined = _TERMS.sub(lambda match: match.group(1).replace(" ", ""), text.lower())
    return frozenset(_stem(word) for word in _WORD.findall(joined) if word not in _STOPWORDS)


def overlap(first: str, second: str) -> float:
    """Word overlap of two questions: shared content words over all their content words."""
    a, b = content_words(first), content_words(second)
    return len(a & b) / len(a | b) if a and b else 0.0


def same_ask(first: str, second: str) -> str:
    """The thing both questions ask for (see SAME_ASKS), or '' when they ask different
    things."""
    a, b = " ".join(first.lower().split()), " ".join(second.lower().split())
    return next((name for name, pattern in SAME_ASKS
                 if pattern.search(a) and pattern.search(b)), "")


def near_duplicates(first: str, second: str) -> bool:
    """True when two questions share most of their content words (see NEAR_DUPLICATE),
    have the very same ones, or make the same ask (see SAME_ASKS)."""
    a, b = content_words(first), content_words(second)
    if a and a == b:
        return True  # the same words, differently put
    if len(a & b) >= MIN_SHARED_WORDS and overlap(first, second) >= NEAR_DUPLICATE:
        return True
    return bool(same_ask(first, second))


def duplicate_problems(bank: QuestionBank) -> list[str]:
    """Pairs of questions that would print in one handout and ask the same thing.

    Every question of a kind prints when a person chooses every concern and the full list,
    so checking all the questions of each kind covers every profile.
    """
    problems: list[str] = []
    seen: set[tuple[str, str]] = set()
    for kind in RECURRENCES:
        printed = [q for q in bank.questions if kind in q.recurrence]
        for index, first in enumerate(printed):
            for second in printed[index + 1:]:
                pair = (first.id, second.id)
                if pair in seen or not near_duplicates(first.text, second.text):
                    continue
                seen.add(pair)
                ask = same_ask(first.text, second.text)
                share = overlap(first.text, second.text)
                why = (f"both ask about {ask}" if ask and share < NEAR_DUPLICATE else
                       f"share {share:.0%} of their words")
                problems.append(f"{kind}: '{first.id}' and '{second.id}' {why} "
                                "(near-duplicates in one handout)")
    return problems


# --- glossary ---------------------------------------------------------------------------

def uses_word(text: str, entry: GlossaryEntry) -> bool:
    """True when a text uses one of the entry's words (whole words, any case)."""
    return _uses(text, tuple(entry.words))


@lru_cache(maxsize=8192)
def _uses(text: str, words: tuple[str, ...]) -> bool:
    # cached: a batch asks this of the same bank texts for every handout
    lowered = " ".join(text.lower().split())
    return bool(words) and _whole_words(words).search(lowered) is not None


@lru_cache(maxsize=1024)
def _whole_words(words: tuple[str, ...]) -> re.Pattern[str]:
    # one pattern for a set of words, compiled once: a pattern a word was a tenth of a
    # one-shot make (every always-asked question against every topic's names)
    alternatives = "|".join(re.escape(word) for word in words)
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")


def uses_any(text: str, words: tuple[str, ...]) -> bool:
    """True when a text uses one of these words or phrases (whole words, any case)."""
    return _uses(text, tuple(word.lower() for word in words))


def glossary_for(bank: QuestionBank, texts: list[str] | tuple[str, ...]) -> tuple[
        GlossaryEntry, ...]:
    """The glossary entries that these texts use, in glossary order."""
    return tuple(entry for entry in bank.glossary if any(uses_word(t, entry) for t in texts))


def glossary_problems(bank: QuestionBank) -> list[str]:
    """Glossary terms that would never print: no question, heading, checklist nor
    recurrence line uses them."""
    texts = [q.text for q in bank.questions] + [k.meaning for k in bank.recurrences]
    texts += [t.title for t in bank.topics]
    texts += [text for c in bank.checklists for text in (c.title, c.intro, *c.items)]
    return [f"glossary: no question uses '{entry.term}' (words: {', '.join(entry.words)})"
            for entry in bank.glossary if not any(uses_word(t, entry) for t in texts)]


def bank_problems(bank: QuestionBank) -> list[str]:
    """Everything check-bank refuses beyond the loader's checks, one line each."""
    return core_problems(bank) + duplicate_problems(bank) + glossary_problems(bank)


# --- citations --------------------------------------------------------------------------

def _normal(text: str) -> str:
    return " ".join(text.split())


def citations(bank: QuestionBank) -> list[tuple[str, SourceRef]]:
    """Every citation in the bank, with what it is cited for."""
    refs: list[tuple[str, SourceRef]] = [(f"question '{q.id}'", q.source) for q in bank.questions]
    refs += [(f"the checklist of '{c.topic}'", c.source) for c in bank.checklists]
    refs += [(f"the resource '{r.name}'", r.source) for r in bank.resources]
    refs += [(f"the glossary term '{g.term}'", g.source) for g in bank.glossary]
    if bank.support is not None:
        refs.append(("the support people", bank.support.source))
    return refs


def citation_problems(bank: QuestionBank, texts: dict[str, str]) -> list[str]:
    """Citations whose section or quote is not where they say in the source's text.

    Args:
        bank: A loaded bank.
        texts: Each source file's name and its text (the whole document, or the passages
            kept for the tests); a file missing here is reported once.

    A section is a heading (or, in a document without headings, a paragraph's first words):
    it must start a line. A quote must be in the text under its section: the nearest
    heading before it, among the headings the bank cites in that file, is its own.
    """
    problems: list[str] = []
    refs = citations(bank)
    for missing in sorted({ref.file for _, ref in refs} - set(texts)):
        count = sum(ref.file == missing for _, ref in refs)
        problems.append(f"{missing}: not found, so its {count} citation(s) were not checked")
    headings: dict[str, list[tuple[int, str]]] = {}
    flat: dict[str, str] = {}
    for file, text in texts.items():
        lines = "\n".join(_normal(line) for line in text.splitlines())
        flat[file] = lines.replace("\n", " ")
        sections = {_normal(ref.section) for _, ref in refs if ref.file == file}
        headings[file] = sorted(
            (match.start(), section) for section in sections
            for match in re.finditer(rf"(?m)^{re.escape(section)}", lines))
    for what, ref in refs:
        if ref.file not in texts:
            continue
        section = _normal(ref.section)
        if not any(name == section for _, name in headings[ref.file]):
            problems.append(f"{what}: section \"{ref.section}\" is not in {ref.file} "
                            "(as a heading, at the start of a line)")
            continue
        if not ref.quote:
            continue
        quote = _normal(ref.quote)
        found = [m.start() for m in re.finditer(re.escape(quote), flat[ref.file])]
        if not found:
            problems.append(f"{what}: quote \"{ref.quote}\" is not in {ref.file}")
            continue
        under = [next((name for at, name in reversed(headings[ref.file]) if at <= position),
                      "the start") for position in found]
        if section not in under:
            problems.append(f"{what}: quote \"{ref.quote}\" is in {ref.file}, but under "
                            f"\"{under[0]}\", not \"{ref.section}\"")
    return problems


def read_sources(folder: Path, bank: QuestionBank) -> dict[str, str]:
    """Read the bank's source documents from a folder (the files named in sources.yaml)."""
    if not folder.is_dir():
        raise BankError(f"--seeds {folder}: is not a folder",
                        hint="Give the folder that holds the source documents.")
    texts: dict[str, str] = {}
    for source in bank.sources:
        path = folder / source.file
        if not path.is_file():
            continue
        try:
            with open(path, "rb") as handle:
                raw = handle.read(MAX_SOURCE_BYTES + 1)
        except OSError as exc:
            raise BankError(f"{path}: cannot be read ({(exc.strerror or str(exc)).lower()})",
                            hint="Check the file's permissions.") from None
        if len(raw) > MAX_SOURCE_BYTES:
            raise BankError(f"{path}: is larger than {MAX_SOURCE_BYTES // 1_000_000} MB; a "
                            "source document is plain text", hint="Check that this is the "
                            "right file.")
        try:
            texts[source.file] = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[:exc.start].count(b"\n") + 1
            raise BankError(f"{path}, line {line}: is not UTF-8 text (the byte "
                            f"0x{raw[exc.start]:02x})",
                            hint="Save the source document as UTF-8 and check again.") from None
    return texts
