"""Turn an answers file, command-line flags or a CSV row into a validated Profile.

All three go through :func:`profile_from_mapping`, so a value means the same
thing wherever it is written. Keys are case-, dash-, underscore- and
space-insensitive ("Visit Date" is ``visit_date``); values accept the plain words
people use ("metastatic" for distant, "insurance" for costs).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from visitprep import dates
from visitprep.bank import ID_PATTERN
from visitprep.errors import ProfileError, VisitprepError, YamlError, allowed, did_you_mean
from visitprep.models import (
    LANGUAGES,
    LENGTHS,
    MAX_TOP_QUESTIONS,
    PAPERS,
    RECURRENCES,
    ROOMS,
    Profile,
    QuestionBank,
)
from visitprep.yamlfile import read_yaml, type_name

KEYS: tuple[str, ...] = (
    "recurrence", "concerns", "name", "doctor", "visit_date", "companion",
    "custom_questions", "top_questions", "exclude", "template", "paper", "fillable",
    "language", "length", "include", "room",
)
MAX_FIELD_LENGTH = 100
MAX_OWN_QUESTION_LENGTH = 300
MAX_OWN_QUESTIONS = 30

RECURRENCE_ALIASES: dict[str, tuple[str, ...]] = {
    "local": ("local recurrence", "same place", "same spot", "in the same place"),
    "regional": ("regional recurrence", "nearby", "near by", "lymph nodes", "lymph node"),
    "distant": ("distant recurrence", "metastatic", "metastasis", "metastases",
                "metastasized", "metastasised", "spread", "another part of the body"),
    "unsure": ("not sure", "not sure yet", "unsure yet", "unknown", "don't know",
               "dont know", "do not know", "not known", "not yet known"),
}
_TRUE = ("true", "yes", "y", "1", "on")
_FALSE = ("false", "no", "n", "0", "off", "")


# what people call a key, where another key's name is the nearer guess ("own questions"
# would otherwise suggest top_questions)
_KEY_ALIASES = {"concern": "concerns", "own_questions": "custom_questions",
                "my_questions": "custom_questions", "my_own_questions": "custom_questions",
                "own_question": "custom_questions"}


def normalize_key(key: str) -> str:
    """Map a key as people write it ("Visit Date", "Concern") to its canonical form."""
    canonical = re.sub(r"[\s_-]+", "_", str(key).strip().lower())
    return _KEY_ALIASES.get(canonical, canonical)


def _words(value: str) -> str:
    """Lower-case a value and turn dashes and underscores into single spaces."""
    return " ".join(value.lower().replace("_", " ").replace("-", " ").split())


def _subject(where: str, field: str | None) -> str:
    """How a message names a field: "answers.yaml: 'name'", or just "--name" for a flag."""
    return where if field is None else f"{where}: '{field}'"


def one_line(value: object) -> str:
    """Text as it prints: NFC, its runs of spaces and line breaks as one space."""
    return unicodedata.normalize("NFC", " ".join(str(value).split()))


def control_character(text: str) -> str | None:
    """The first invisible control or formatting character in the text.

    The one rule for every front door (answers files, flags, CSV cells, the web page, the
    interview): such a character is refused with a message, never printed or put in a file
    name. A soft hyphen (U+00AD), pasted from a word processor, would print as a visible
    hyphen ("Ma-ria") and end up in the file name, so it is refused like the others.
    """
    return next((char for char in text if unicodedata.category(char) in
                 ("Cc", "Cf", "Co", "Cs")), None)


_NAMED = {"\u00ad": "a soft hyphen", "\ufeff": "a byte-order mark"}


def character_code(char: str) -> str:
    """'00AD, a soft hyphen': the code of an invisible character, with its name when people
    know it by one."""
    named = _NAMED.get(char)
    return f"{ord(char):04X}, {named}" if named else f"{ord(char):04X}"


def clean_text(value: object, field: str | None, where: str, *,
               limit: int = MAX_FIELD_LENGTH) -> str:
    """Return printable text: NFC, one line, no control characters, not too long.

    Raises:
        ProfileError: For a value that is not text, holds a control character or is too long.
    """
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ProfileError(
            f"{_subject(where, field)} must be text, not {type_name(value)}",
            hint="Put the value in quotes.", field=field or "", value=str(value),
        )
    text = one_line(value)
    char = control_character(text)
    if char:
        raise ProfileError(
            f"{_subject(where, field)} holds an invisible control character "
            f"(U+{character_code(char)})",
            hint="Retype the text, or paste it as plain text.", field=field or "", value=text,
        )
    if len(text) > limit:
        raise ProfileError(
            f"{_subject(where, field)} is {len(text)} characters long; the limit is {limit}",
            hint="Shorten it so it fits on the printed line.", field=field or "", value=text,
        )
    return text


class AmbiguousDateError(ProfileError):
    """A numbers-only date that can be read two ways, and no order given."""


class RowProblemsError(ProfileError):
    """Several problems in one answers mapping (a CSV row), each its own ProfileError."""

    def __init__(self, where: str, problems: list[VisitprepError]) -> None:
        self.problems = problems
        self.parts = [_without(where, problem.one_line()) for problem in problems]
        super().__init__(f"{where}: {len(problems)} problems")
        # Each part was shortened and made visible already; the whole line is not cut.
        self.message = f"{where}: {len(problems)} problems: " + " ".join(
            f"{number}) {part}" for number, part in enumerate(self.parts, 1))
        self.args = (self.message,)


def _without(where: str, text: str) -> str:
    """A message without its leading "row 4 (Ann Lee): ", which the whole line names once."""
    return text.removeprefix(f"{where}: ").removeprefix(f"{where} ")


def problems_of(error: VisitprepError) -> list[VisitprepError]:
    """Every problem an error stands for: its own list, or itself."""
    return list(error.problems) if isinstance(error, RowProblemsError) else [error]


def combine(problems: list[VisitprepError], where: str) -> VisitprepError:
    """One error for one problem; a RowProblemsError naming each for several."""
    flat = [one for problem in problems for one in problems_of(problem)]
    return flat[0] if len(flat) == 1 else RowProblemsError(where, flat)


def _as_list(value: object, field: str | None, where: str, *,
             commas: bool = False) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, str):
        # CSV cells and flags hold several values separated by ';' or line breaks; a list
        # of ids or topics (never holding a comma itself) may use ',' too.
        separators = r"[;,\n]" if commas else r"[;\n]"
        return [part for part in (p.strip() for p in re.split(separators, value)) if part]
    if isinstance(value, list | tuple):
        return list(value)
    raise ProfileError(f"{_subject(where, field)} must be a list, not {type_name(value)}")


def parse_recurrence(value: object, where: str) -> str:
    """Return the recurrence id for a value such as 'Distant' or 'metastatic'.

    Raises:
        ProfileError: Listing the allowed values.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ProfileError(
            f"{where}: 'recurrence' is missing",
            hint=f"Allowed values: {allowed(RECURRENCES)}.",
            field="recurrence", choices=RECURRENCES,
        )
    words = _words(str(value))
    for rid in RECURRENCES:
        if words == rid or words in RECURRENCE_ALIASES[rid]:
            return rid
    raise ProfileError(
        f"{where}: unknown recurrence '{value}'.{did_you_mean(words, RECURRENCES)}",
        hint=f"Allowed values: {allowed(RECURRENCES)} (use 'unsure' if it is not known yet).",
        field="recurrence", value=str(value), choices=RECURRENCES,
    )


def parse_concern(value: object, bank: QuestionBank, where: str) -> str:
    """Return the topic id for a concern such as 'Costs' or 'insurance'.

    Raises:
        ProfileError: Listing the topic ids.
    """
    words = _words(str(value))
    for topic in bank.topics:
        if words == _words(topic.id) or words in (_words(a) for a in topic.aliases):
            return topic.id
    found = _translated_concern(words, bank)
    if found:
        return found
    suggestion = did_you_mean(words.replace(" ", "-"), bank.concern_ids)
    raise ProfileError(
        f"{where}: unknown concern '{value}'.{suggestion}",
        hint=f"Allowed concerns: {allowed(bank.concern_ids)}.",
        field="concerns", value=str(value), choices=bank.concern_ids,
    )


def _translated_concern(words: str, bank: QuestionBank) -> str:
    """The topic a concern names in one of the bank's translations ("costos", "Síntomas"),
    its title or an alias, with or without accents; '' for none."""
    from visitprep.errors import BankError
    from visitprep.translation import available_languages

    plain = _unaccented(words)
    for language in available_languages(bank.path)[1:]:
        try:
            translated = bank.in_language(language)
        except BankError:  # a broken translation is check-bank's to report
            continue
        for topic in translated.topics:
            names = (topic.title, *topic.aliases)
            if plain in (_unaccented(_words(name)) for name in names):
                return topic.id
    return ""


def _unaccented(text: str) -> str:
    """'sintomas' for 'síntomas': spreadsheets often lose the accents."""
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFD", text)
                   if not unicodedata.combining(c))


def parse_date(value: object, where: str = "visit_date", *, today: dt.date | None = None,
               order: str | None = None) -> dt.date:
    """Read a visit date in any form :mod:`visitprep.dates` reads.

    Args:
        value: The text (or a date, from YAML).
        where: Names the field in messages ("--visit-date", "row 4: 'visit_date'").
        today: The day relative words count from (default: today).
        order: "mdy" or "dmy", for numbers-only dates that can be read both ways.

    Raises:
        ProfileError: Naming the value, both days for an ambiguous one, and the fix.
    """
    from visitprep.dates import FORMS_HINT, DateError, one_day

    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = " ".join(str(value).split())
    try:
        return one_day(text, today or dates.today(), order)
    except DateError as exc:
        if "could be" in str(exc):
            raise AmbiguousDateError(
                f"{where}: {exc}.",
                hint="Add --date-order mdy or --date-order dmy, or write it as YYYY-MM-DD.",
                field="visit_date", value=text) from None
        raise ProfileError(f"{where}: {exc}.", hint=FORMS_HINT, field="visit_date",
                           value=text) from None


def parse_bool(value: object, field: str, where: str) -> bool:
    """Read true/false, yes/no, 1/0."""
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    words = str(value).strip().lower()
    if words in _TRUE:
        return True
    if words in _FALSE:
        return False
    raise ProfileError(f"{where}: '{field}' must be true or false, not '{value}'",
                       field=field, value=str(value), choices=("true", "false"))


def _choice(value: object, field: str, choices: tuple[str, ...], where: str, default: str) -> str:
    if value is None or str(value).strip() == "":
        return default
    words = str(value).strip().lower()
    if words not in choices:
        raise ProfileError(
            f"{where}: unknown {field} '{value}'.{did_you_mean(words, choices)}",
            hint=f"Allowed values: {allowed(choices)}.",
            field=field, value=str(value), choices=choices,
        )
    return words


def language_code(value: object) -> object:
    """A language as a spreadsheet may write it: 'es', 'es-US', 'Spanish', 'Español' -> 'es'
    (a name in English or in itself, from the catalogs' names). Anything else is returned as
    it is, for the error that names the allowed values."""
    import unicodedata

    from visitprep.i18n import NAMES

    if not isinstance(value, str) or not value.strip():
        return value
    plain = "".join(char for char in unicodedata.normalize("NFKD", value.strip().lower())
                    if not unicodedata.combining(char))
    names = {"english": "en", "ingles": "en", "spanish": "es", "espanol": "es"}
    names.update({"".join(c for c in unicodedata.normalize("NFKD", name.lower())
                          if not unicodedata.combining(c)): code for code, name in NAMES.items()})
    if plain in names:
        return names[plain]
    code = plain.replace("_", "-").split("-")[0]
    return code if code in LANGUAGES and len(plain) <= 6 else value


def _check_question_id(value: str, bank: QuestionBank, field: str | None, where: str) -> None:
    ids = [q.id for q in bank.questions]
    if value not in ids:
        raise ProfileError(
            f"{_subject(where, field)} names an unknown question id '{value}'."
            f"{did_you_mean(value, ids)}",
            hint="Run 'visitprep questions' to see every question with its id.",
            field=field or "", value=value,
        )


def _check_fits(qid: str, bank: QuestionBank, recurrence: str, field: str | None,
                where: str) -> None:
    """A question named to print (top or include) must be one asked for this kind of
    recurrence: a question that assumes the recurrence is confirmed never prints for
    someone not sure yet."""
    if not recurrence or qid not in {q.id for q in bank.questions}:
        return  # an unknown kind or id has its own message
    question = bank.question(qid)
    if recurrence in question.recurrence:
        return
    if question.needs_confirmed and recurrence == "unsure":
        why = "assumes the recurrence is confirmed, and 'recurrence' is unsure"
    else:
        why = f"is not asked for a {recurrence} recurrence"
    raise ProfileError(f"{_subject(where, field)}: question '{qid}' {why}",
                       hint="Remove it, or write the question in your own words "
                       "('custom_questions').", field=field or "", value=qid)


def _check_topic_chosen(qid: str, bank: QuestionBank, concerns: list[str], where: str) -> None:
    """An 'include' adds a question to its topic's short list: the topic must print."""
    if qid not in {q.id for q in bank.questions}:
        return  # an unknown id has its own message
    topic = next(t for t in bank.topics if t.id == bank.question(qid).topic)
    if not topic.always and topic.id not in concerns:
        raise ProfileError(
            f"{_subject(where, 'include')}: question '{qid}' is in the topic "
            f"\"{topic.title}\", which is not among the concerns",
            hint=f"Add '{topic.id}' to 'concerns', or remove '{qid}' from 'include'.",
            field="include", value=qid)


LIST_KEYS = ("concerns", "custom_questions", "top_questions", "exclude", "include")


def check_shapes(values: Mapping[str, Any], where: str) -> None:
    """Every field is one value (text, a number, yes/no) and every list holds single
    values, so no message ever shows a Python list or mapping.

    Raises:
        ProfileError: Naming the field and what it holds instead.
    """
    def single(value: object) -> bool:
        return value is None or isinstance(value, str | int | float | bool | dt.date)

    for key, value in values.items():
        if key in LIST_KEYS and isinstance(value, list | tuple):
            for item in value:
                if not single(item):
                    raise ProfileError(
                        f"{where}: '{key}' holds {type_name(item)} where each entry must be "
                        "one value", hint="Write one entry per line, each a plain value.")
        elif not single(value):
            raise ProfileError(f"{where}: '{key}' must be one value, not {type_name(value)}",
                               hint="Write it on one line after the key, for example "
                               f"'{key}: ...'.")


def profile_from_mapping(data: Mapping[str, Any], bank: QuestionBank, where: str, *,
                         flags: Mapping[str, str] | None = None, today: dt.date | None = None,
                         date_order: str | None = None) -> Profile:
    """Validate an answers mapping into a Profile.

    Args:
        data: Keys and values from an answers file, flags or a CSV row.
        bank: The question bank that concerns and question ids refer to.
        where: Names the input in error messages ("answers.yaml", "row 4").
        flags: For values given as command-line flags, key -> flag ("visit_date" ->
            "--visit-date"): their errors name the flag, not the key.
        today: The day relative dates ("next Friday") count from (default: today).
        date_order: "mdy" or "dmy" for numbers-only dates that can be read both ways.

    Raises:
        ProfileError: Naming the field, the bad value and the allowed values.
    """
    flagged = dict(flags or {})

    def src(key: str) -> str:  # where the value came from
        return flagged.get(key, where)

    def name(key: str) -> str | None:  # how to name the field (a flag names itself)
        return None if key in flagged else key

    values: dict[str, Any] = {}
    for raw_key, value in data.items():
        key = normalize_key(raw_key)
        if key not in KEYS:
            raise ProfileError(
                f"{where}: unknown key '{raw_key}'.{did_you_mean(key, KEYS)}",
                hint=f"Allowed keys: {allowed(KEYS)}.",
            )
        if key in values:
            raise ProfileError(f"{where}: the key '{key}' is given twice")
        values[key] = value

    check_shapes(values, where)
    # Every field is checked, so a row shows all its problems at once (a bad concern
    # must not hide a bad date in the same row).
    problems: list[VisitprepError] = []

    def field_value(read: Any, *args: Any, default: Any = None, **kwargs: Any) -> Any:
        try:
            return read(*args, **kwargs)
        except ProfileError as exc:
            problems.append(exc)
            return default

    recurrence = field_value(parse_recurrence, values.get("recurrence"), src("recurrence"))
    concerns: list[str] = []
    given = _as_list(values.get("concerns"), name("concerns"), src("concerns"), commas=True)
    # a flag given once with several ('--concern costs,side-effects') counts each
    for item in [part for value in given
                 for part in (_as_list(value, None, "", commas=True)
                              if isinstance(value, str) else [value])]:
        concern = field_value(parse_concern, item, bank, src("concerns"))
        if concern is not None and concern not in concerns:
            concerns.append(concern)

    own_at = (name("custom_questions"), src("custom_questions"))
    own = [field_value(clean_text, q, *own_at, limit=MAX_OWN_QUESTION_LENGTH, default="")
           for q in _as_list(values.get("custom_questions"), *own_at)]
    own = [q for q in own if q]
    if len(own) > MAX_OWN_QUESTIONS:
        problems.append(ProfileError(
            f"{_subject(*own_at[::-1])} has {len(own)} questions; "
            f"the limit is {MAX_OWN_QUESTIONS}",
            hint="Keep the ones that matter most for this visit.",
            field="custom_questions",
        ))

    # Question ids are read in any case (TX-CHOICES is tx-choices), in every list.
    exclude: list[str] = []
    for item in _as_list(values.get("exclude"), name("exclude"), src("exclude"), commas=True):
        qid = bank.current_id(str(item).strip().lower())  # a folded id: the one it became
        field_value(_check_question_id, qid, bank, name("exclude"), src("exclude"))
        exclude.append(qid)

    include: list[str] = []
    for item in _as_list(values.get("include"), "include", where, commas=True):
        qid = bank.current_id(str(item).strip().lower())
        field_value(_check_question_id, qid, bank, "include", where)
        field_value(_check_fits, qid, bank, recurrence, "include", where)
        field_value(_check_topic_chosen, qid, bank, concerns, where)
        if qid not in include:
            include.append(qid)

    top: list[str] = []
    top_at = (name("top_questions"), src("top_questions"))
    for item in _as_list(values.get("top_questions"), *top_at):
        text = field_value(clean_text, item, *top_at, limit=MAX_OWN_QUESTION_LENGTH,
                           default="")
        if not text:
            continue
        if ID_PATTERN.match(text.lower()):  # looks like an id, so it must be one
            text = bank.current_id(text.lower())
            field_value(_check_question_id, text, bank, *top_at)
            field_value(_check_fits, text, bank, recurrence, top_at[0], top_at[1])
            if text in exclude:
                problems.append(ProfileError(
                    f"{where}: question '{text}' is both in 'top_questions' and in 'exclude'",
                    hint="Remove it from one of them.", field="top_questions", value=text,
                ))
        if text not in top:
            top.append(text)
    if len(top) > MAX_TOP_QUESTIONS:
        problems.append(ProfileError(
            f"{_subject(*top_at[::-1])} has {len(top)} entries; choose up to "
            f"{MAX_TOP_QUESTIONS}", field="top_questions",
        ))

    visit_date = values.get("visit_date")
    template = values.get("template")
    language = field_value(_choice, language_code(values.get("language")), "language",
                           LANGUAGES, where, "en", default="en")
    if date_order is None and visit_date not in (None, ""):
        from visitprep.dates import day_first

        date_order = "dmy" if day_first(language) else None  # 8/12/2026 in Spanish
    day = (field_value(parse_date, visit_date,
                       _subject(src("visit_date"), name("visit_date")),
                       today=today, order=date_order)
           if visit_date not in (None, "") else None)
    texts = {key: field_value(clean_text, values.get(key), name(key), src(key), default="")
             for key in ("name", "doctor", "companion")}
    paper = field_value(_choice, values.get("paper"), "paper", PAPERS, where, "letter",
                        default="letter")
    fillable = field_value(parse_bool, values.get("fillable"), "fillable", where,
                           default=False)
    length = field_value(_choice, values.get("length"), "length", LENGTHS, where, "short",
                         default="short")
    if problems:
        raise combine(problems, where)
    return Profile(
        recurrence=recurrence,
        concerns=tuple(concerns),
        name=texts["name"],
        doctor=texts["doctor"],
        visit_date=day,
        companion=texts["companion"],
        custom_questions=tuple(own),
        top_questions=tuple(top),
        exclude=tuple(exclude),
        template=template_name(template) if template not in (None, "") else "standard",
        paper=paper,
        fillable=fillable,
        language=language,
        length=length,
        include=tuple(include),
        room=_choice(values.get("room"), "room", ROOMS, where, "standard"),
    )


def template_name(value: object) -> str:
    """A built-in template named in plain words ("Large print") by its name
    ("large-print"); anything else (a file's path) as written."""
    from visitprep.layout import builtin_names

    text = str(value).strip()
    words = _words(text).replace(" ", "-")
    return words if words in builtin_names() else text


def load_answers(path: Path) -> dict[str, Any]:
    """Read an answers file into a mapping (validated later, with the bank).

    Raises:
        ProfileError: If the file cannot be read or is not a mapping.
    """
    try:
        data = read_yaml(path)
    except YamlError as exc:
        raise ProfileError(exc.message, hint=exc.hint) from None
    if data is None:
        raise ProfileError(f"{path}: the answers file is empty",
                           hint="It needs at least a line such as 'recurrence: local'.")
    if not isinstance(data, dict):
        raise ProfileError(f"{path}: an answers file must be 'key: value' lines, "
                           f"not {type_name(data)}",
                           hint="For example:\nrecurrence: distant\nconcerns: [costs]")
    return dict(data)


def profile_to_mapping(profile: Profile) -> dict[str, Any]:
    """Return the answers-file form of a profile (only what differs from the defaults)."""
    out: dict[str, Any] = {"recurrence": profile.recurrence}
    if profile.concerns:
        out["concerns"] = list(profile.concerns)
    for key in ("name", "doctor", "companion"):
        if getattr(profile, key):
            out[key] = getattr(profile, key)
    if profile.visit_date:
        out["visit_date"] = profile.visit_date.isoformat()
    for key in ("custom_questions", "top_questions", "exclude"):
        if getattr(profile, key):
            out[key] = list(getattr(profile, key))
    if profile.template != "standard":
        out["template"] = profile.template
    if profile.paper != "letter":
        out["paper"] = profile.paper
    if profile.fillable:
        out["fillable"] = True
    if profile.length != "short":
        out["length"] = profile.length
    if profile.include:
        out["include"] = list(profile.include)
    if profile.room != "standard":
        out["room"] = profile.room
    if profile.language != "en":
        out["language"] = profile.language  # a saved file remembers its language
    return out


def date_candidates(text: str, today: dt.date) -> list[dt.date]:
    """Every day a typed date can mean: none, one, or two for a numbers-only date such as
    12/3 (kept for callers of the old API; :func:`visitprep.dates.read_date` says more)."""
    from visitprep.dates import DateError, read_date

    try:
        return list(read_date(text, today).days)
    except DateError:
        return []


def dump_answers(profile: Profile) -> str:
    """Return an answers file (YAML) that reproduces this profile."""
    import yaml

    header = (
        "# visitprep answers. Print the same handout again with:\n"
        "#   visitprep make --answers THIS-FILE\n"
        "# or start the interview from these answers with:\n"
        "#   visitprep interview --answers THIS-FILE\n"
    )
    body = yaml.safe_dump(profile_to_mapping(profile), allow_unicode=True, sort_keys=False,
                          default_flow_style=False, width=1000)
    return header + body
