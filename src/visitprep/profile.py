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

from visitprep.bank import ID_PATTERN
from visitprep.errors import ProfileError, YamlError, allowed, did_you_mean
from visitprep.models import (
    LANGUAGES,
    LENGTHS,
    MAX_TOP_QUESTIONS,
    PAPERS,
    RECURRENCES,
    Profile,
    QuestionBank,
)
from visitprep.yamlfile import read_yaml, type_name

KEYS: tuple[str, ...] = (
    "recurrence", "concerns", "name", "doctor", "visit_date", "companion",
    "custom_questions", "top_questions", "exclude", "template", "paper", "fillable",
    "language", "length", "include",
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


_KEY_ALIASES = {"concern": "concerns"}


def normalize_key(key: str) -> str:
    """Map a key as people write it ("Visit Date", "Concern") to its canonical form."""
    canonical = re.sub(r"[\s_-]+", "_", str(key).strip().lower())
    return _KEY_ALIASES.get(canonical, canonical)


def _words(value: str) -> str:
    """Lower-case a value and turn dashes and underscores into single spaces."""
    return " ".join(value.lower().replace("_", " ").replace("-", " ").split())


def clean_text(value: object, field: str, where: str, *, limit: int = MAX_FIELD_LENGTH) -> str:
    """Return printable text: NFC, one line, no control characters, not too long.

    Raises:
        ProfileError: For a value that is not text, holds a control character or is too long.
    """
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ProfileError(
            f"{where}: '{field}' must be text, not {type_name(value)}",
            hint="Put the value in quotes.", field=field, value=str(value),
        )
    text = unicodedata.normalize("NFC", " ".join(str(value).split()))
    for char in text:
        if unicodedata.category(char) in ("Cc", "Cf", "Co", "Cs") and char != "\u00ad":
            raise ProfileError(
                f"{where}: '{field}' holds an invisible control character "
                f"(U+{ord(char):04X})",
                hint="Retype the text, or paste it as plain text.", field=field, value=text,
            )
    if len(text) > limit:
        raise ProfileError(
            f"{where}: '{field}' is {len(text)} characters long; the limit is {limit}",
            hint="Shorten it so it fits on the printed line.", field=field, value=text,
        )
    return text


def _as_list(value: object, field: str, where: str) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, str):
        # CSV cells and flags hold several values separated by ';' or line breaks.
        return [part for part in (p.strip() for p in re.split(r"[;\n]", value)) if part]
    if isinstance(value, list | tuple):
        return list(value)
    raise ProfileError(f"{where}: '{field}' must be a list, not {type_name(value)}")


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
    suggestion = did_you_mean(words.replace(" ", "-"), bank.concern_ids)
    raise ProfileError(
        f"{where}: unknown concern '{value}'.{suggestion}",
        hint=f"Allowed concerns: {allowed(bank.concern_ids)}.",
        field="concerns", value=str(value), choices=bank.concern_ids,
    )


_MONTH_FORMATS = ("%d %B %Y", "%B %d %Y", "%d %b %Y", "%b %d %Y", "%A %d %B %Y",
                  "%A %B %d %Y", "%a %d %b %Y", "%a %b %d %Y")


def parse_date(value: object, where: str = "visit_date") -> dt.date:
    """Read a visit date: ISO (2026-12-03) or with the month's name (3 December 2026).

    Dates written only with numbers and slashes (03/12/2026) are refused: they mean
    different days in different countries.

    Raises:
        ProfileError: Saying which forms are accepted.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = " ".join(str(value).replace(",", " ").replace(".", " ").split())
    hint = "Write the date as YYYY-MM-DD (for example 2026-12-03) or as 3 December 2026."
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text):
        raise ProfileError(f"{where}: '{value}' is not a real date", hint=hint)
    for fmt in _MONTH_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    if re.fullmatch(r"\d{1,2}[/ -]\d{1,2}[/ -]\d{2,4}", text):
        raise ProfileError(
            f"{where}: '{value}' could mean two different days "
            "(month first or day first)",
            hint=hint,
        )
    raise ProfileError(f"{where}: '{value}' is not a date visitprep can read", hint=hint)


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


def _check_question_id(value: str, bank: QuestionBank, field: str, where: str) -> None:
    ids = [q.id for q in bank.questions]
    if value not in ids:
        raise ProfileError(
            f"{where}: '{field}' names an unknown question id '{value}'."
            f"{did_you_mean(value, ids)}",
            hint="Run 'visitprep questions' to see every question with its id.",
            field=field, value=value,
        )


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


def profile_from_mapping(data: Mapping[str, Any], bank: QuestionBank, where: str) -> Profile:
    """Validate an answers mapping into a Profile.

    Args:
        data: Keys and values from an answers file, flags or a CSV row.
        bank: The question bank that concerns and question ids refer to.
        where: Names the input in error messages ("answers.yaml", "row 4").

    Raises:
        ProfileError: Naming the field, the bad value and the allowed values.
    """
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
    recurrence = parse_recurrence(values.get("recurrence"), where)
    concerns: list[str] = []
    for item in _as_list(values.get("concerns"), "concerns", where):
        concern = parse_concern(item, bank, where)
        if concern not in concerns:
            concerns.append(concern)

    own = [clean_text(q, "custom_questions", where, limit=MAX_OWN_QUESTION_LENGTH)
           for q in _as_list(values.get("custom_questions"), "custom_questions", where)]
    own = [q for q in own if q]
    if len(own) > MAX_OWN_QUESTIONS:
        raise ProfileError(
            f"{where}: 'custom_questions' has {len(own)} questions; "
            f"the limit is {MAX_OWN_QUESTIONS}",
            hint="Keep the ones that matter most for this visit.",
        )

    exclude: list[str] = []
    for item in _as_list(values.get("exclude"), "exclude", where):
        qid = str(item).strip()
        _check_question_id(qid, bank, "exclude", where)
        exclude.append(qid)

    include: list[str] = []
    for item in _as_list(values.get("include"), "include", where):
        qid = str(item).strip()
        _check_question_id(qid, bank, "include", where)
        if qid not in include:
            include.append(qid)

    top: list[str] = []
    for item in _as_list(values.get("top_questions"), "top_questions", where):
        text = clean_text(item, "top_questions", where, limit=MAX_OWN_QUESTION_LENGTH)
        if not text:
            continue
        if ID_PATTERN.match(text):  # looks like an id, so it must be one
            _check_question_id(text, bank, "top_questions", where)
            if text in exclude:
                raise ProfileError(
                    f"{where}: question '{text}' is both in 'top_questions' and in 'exclude'",
                    hint="Remove it from one of them.",
                )
        if text not in top:
            top.append(text)
    if len(top) > MAX_TOP_QUESTIONS:
        raise ProfileError(
            f"{where}: 'top_questions' has {len(top)} entries; choose up to {MAX_TOP_QUESTIONS}",
        )

    visit_date = values.get("visit_date")
    template = values.get("template")
    try:
        day = (parse_date(visit_date, f"{where}: 'visit_date'")
               if visit_date not in (None, "") else None)
    except ProfileError as exc:
        exc.field, exc.value = "visit_date", str(visit_date)
        raise
    return Profile(
        recurrence=recurrence,
        concerns=tuple(concerns),
        name=clean_text(values.get("name"), "name", where),
        doctor=clean_text(values.get("doctor"), "doctor", where),
        visit_date=day,
        companion=clean_text(values.get("companion"), "companion", where),
        custom_questions=tuple(own),
        top_questions=tuple(top),
        exclude=tuple(exclude),
        template=str(template).strip() if template not in (None, "") else "standard",
        paper=_choice(values.get("paper"), "paper", PAPERS, where, "letter"),
        fillable=parse_bool(values.get("fillable"), "fillable", where),
        language=_choice(values.get("language"), "language", LANGUAGES, where, "en"),
        length=_choice(values.get("length"), "length", LENGTHS, where, "short"),
        include=tuple(include),
    )


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
    return out


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def date_candidates(text: str, today: dt.date) -> list[dt.date]:
    """Every day a person may mean by a date as typed at a prompt.

    Accepts what `parse_date` accepts plus 'today', 'tomorrow', a weekday name (the
    next one), a month and day without the year (the next one), and dates written
    with numbers only, which can give two days (12/3 is December 3 or 12 March).

    Returns:
        One date, two when the numbers can be read both ways, or none.
    """
    words = " ".join(text.lower().replace(",", " ").split())
    if not words:
        return []
    if words == "today":
        return [today]
    if words == "tomorrow":
        return [today + dt.timedelta(days=1)]
    for index, name in enumerate(_WEEKDAYS):
        if words in (name, name[:3]):
            return [today + dt.timedelta(days=(index - today.weekday()) % 7)]
    try:
        return [parse_date(text)]
    except ProfileError:
        pass
    for fmt in ("%d %B", "%B %d", "%d %b", "%b %d"):
        try:
            partial = dt.datetime.strptime(words, fmt)
        except ValueError:
            continue
        upcoming = _next_occurrence(partial.month, partial.day, today)
        return [upcoming] if upcoming else []
    match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2}|\d{4}))?", words)
    if not match:
        return []
    first, second = int(match.group(1)), int(match.group(2))
    year_text = match.group(3)
    found: list[dt.date] = []
    for month, day_of_month in ((first, second), (second, first)):
        candidate: dt.date | None
        if year_text is None:
            candidate = _next_occurrence(month, day_of_month, today)
        else:
            year = int(year_text) + (2000 if len(year_text) == 2 else 0)
            try:
                candidate = dt.date(year, month, day_of_month)
            except ValueError:
                candidate = None
        if candidate and candidate not in found:
            found.append(candidate)
    return found


def _next_occurrence(month: int, day: int, today: dt.date) -> dt.date | None:
    for year in (today.year, today.year + 1):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    return None


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
