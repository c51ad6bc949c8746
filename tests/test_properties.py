"""Property tests: whatever answers file or CSV row a person writes, the loaders answer
with a value or a VisitprepError, never a traceback, and never take long."""

from __future__ import annotations

import csv
import functools
import io
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from visitprep.bank import load_bank
from visitprep.batch import BatchError, output_name, read_rows
from visitprep.errors import VisitprepError
from visitprep.models import QuestionBank
from visitprep.profile import KEYS, load_answers, profile_from_mapping
from visitprep.yamlfile import parse_yaml


@functools.cache
def the_bank() -> QuestionBank:
    return load_bank()  # not a fixture: a failing example would print all of it


def assert_no_python_reprs(message: str, values: Any) -> None:
    """No list, mapping or date reaches a message as Python writes it."""
    assert "datetime." not in message
    for value in values:
        if isinstance(value, list | dict) and value:
            assert repr(value) not in message and str([str(v) for v in value]) not in message


SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])

# Text people (and spreadsheets) produce: any character, including controls, RTL, emoji.
TEXT = st.text(max_size=40)
WORDS = st.sampled_from(["local", "Distant", "metastatic", "costs", "coping", "yes", "no",
                         "0161234567", "12:30:45", "2026-02-30", "2026-12-03", "3 December 2026",
                         "~", "null", "!!python/object:os.system", "*a", "&a", "{", "[", "'",
                         "\"", "- x", ": ", "#", "true", "1e9", "0x1F", "1_000", ".inf",
                         "treat-options", "standard", "large-print", "a4", "letter"])
SCALAR = st.one_of(TEXT, WORDS, st.integers(), st.floats(allow_nan=True), st.booleans(),
                   st.none())
VALUE = st.recursive(SCALAR, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                     st.dictionaries(TEXT, inner, max_size=3)),
                     max_leaves=8)
KEY = st.one_of(st.sampled_from(KEYS), st.sampled_from(["Visit Date", "Concern", "output"]),
                TEXT)


@SETTINGS
@given(st.dictionaries(KEY, VALUE, max_size=8))
def test_generated_answers_files_load_or_say_why(tmp_path: Path, answers: dict[str, Any]) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(yaml.safe_dump(answers, allow_unicode=True), encoding="utf-8")
    try:
        profile_from_mapping(load_answers(path), the_bank(), str(path))
    except VisitprepError as exc:
        assert exc.message.startswith(str(path))
        assert_no_python_reprs(exc.message, answers.values())


RAW = st.one_of(WORDS, TEXT.filter(lambda t: "\n" not in t and "\r" not in t),
                st.lists(WORDS, max_size=3).map(lambda items: "[" + ", ".join(items) + "]"),
                st.sampled_from(["2026-12-03", "2026-02-30", "2026-12-03 10:00:00", "12:30:45",
                                 "0o17", "017", "1" * 4400, "[" * 60, "&x [*x]", "!!binary aGk=",
                                 "!!timestamp 2026-02-30", "!!float x", "!!set {a}"]))


@SETTINGS
@given(st.lists(st.tuples(KEY.filter(lambda k: "\n" not in k and ":" not in k), RAW),
                max_size=8))
def test_hand_written_answers_files_load_or_say_why(tmp_path: Path,
                                                    lines: list[tuple[str, str]]) -> None:
    """Unquoted values, as people type them: dates, times, octal, tags, anchors."""
    path = tmp_path / "a.yaml"
    path.write_text("".join(f"{key}: {raw}\n" for key, raw in lines), encoding="utf-8")
    try:
        profile_from_mapping(load_answers(path), the_bank(), str(path))
    except VisitprepError as exc:
        assert exc.message.startswith(str(path))
        assert "datetime." not in exc.message


@SETTINGS
@given(st.text(max_size=300))
def test_any_text_parses_or_says_why(text: str) -> None:
    try:
        parse_yaml(text, "f.yaml")
    except VisitprepError as exc:
        assert exc.message.startswith("f.yaml")


@SETTINGS
@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=30),
                min_size=1, max_size=30).map("\n".join))
def test_yaml_shaped_text_parses_or_says_why(text: str) -> None:
    try:
        parse_yaml(text, "f.yaml")
    except VisitprepError as exc:
        assert exc.message.startswith("f.yaml")


CELL = st.one_of(TEXT, WORDS, st.sampled_from(["=SUM(A1)", "+1", "@x", "\"", ";", "a;b;c",
                                               "\r\n", "\x00", "..", "CON", "a/b", "x" * 300]))
HEADER = ["name", "recurrence", "concerns", "visit_date", "output", "custom_questions",
          "top_questions", "exclude", "template", "paper", "fillable", "doctor"]


@SETTINGS
@given(st.lists(st.lists(CELL, min_size=0, max_size=len(HEADER) + 2), min_size=1, max_size=6),
       st.sampled_from([",", ";", "\t"]))
def test_generated_csv_rows_load_or_say_why(tmp_path: Path,
                                            rows: list[list[str]], delimiter: str) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(HEADER)
    writer.writerows(rows)
    path = tmp_path / "r.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    try:
        for row in read_rows(path):
            name, problem = output_name(row)
            assert bool(name) != bool(problem)
            if name:
                assert "/" not in name and len(name.encode()) <= 255
            values = {k: v for k, v in row.values.items() if k != "output"}
            try:
                profile_from_mapping(values, the_bank(), row.where)
            except VisitprepError as exc:
                assert exc.message.startswith(row.where)
    except BatchError as exc:
        assert str(path) in exc.message


# -- issue 17: relative dates and exclusions, through the handout itself -----------------

RELATIVE = st.builds(lambda count, unit, plural: f"in {count} {unit}{'s' if plural else ''}",
                     st.one_of(st.integers(0, 4000), st.integers(0, 10**40)),
                     st.sampled_from(["day", "week", "month"]), st.booleans())


@SETTINGS
@given(RELATIVE, st.dates())
def test_generated_relative_dates_read_or_say_why(text: str, today: Any) -> None:
    """Any count of days, weeks or months, on any day: a day at most ten years ahead, or
    the one message; never past the calendar's end."""
    import datetime as dt

    from visitprep.dates import MAX_AHEAD_DAYS, DateError, read_date

    try:
        (day,) = read_date(text, today).days
    except DateError as exc:
        assert "more than 10 years away" in str(exc) or "end of the calendar" in str(exc)
    else:
        assert today <= day <= today + dt.timedelta(days=MAX_AHEAD_DAYS)


@SETTINGS
@given(st.data(), st.sampled_from(["local", "regional", "distant", "unsure"]),
       st.lists(st.sampled_from(["costs", "side-effects", "clinical-trials"]), unique=True),
       st.lists(st.text(alphabet="abc ?", min_size=1, max_size=12), max_size=2))
def test_generated_exclusions_make_a_handout_or_say_why(data: st.DataObject, recurrence: str,
                                                        concerns: list[str],
                                                        own: list[str]) -> None:
    """Leave out any questions, up to all of them, with or without own questions: a handout
    holding what is left, or 'there is nothing to print' when nothing is."""
    from visitprep.handout import make_handout
    from visitprep.selection import select_questions

    bank = the_bank()
    mapping = {"recurrence": recurrence, "concerns": concerns}
    listed = [item.id for section in select_questions(
        bank, profile_from_mapping(mapping, bank, "a")).sections for item in section.items]
    excluded = data.draw(st.one_of(st.just(listed),
                                   st.lists(st.sampled_from(listed), unique=True)
                                   if listed else st.just([])))
    profile = profile_from_mapping({**mapping, "exclude": excluded,
                                    "custom_questions": own}, bank, "a")
    own_left = [q for q in profile.custom_questions if q.strip()]
    try:
        pdf = make_handout(profile, bank)
    except VisitprepError as exc:
        assert "there is nothing to print" in exc.message
        assert set(excluded) == set(listed) and not own_left
    else:
        assert pdf.startswith(b"%PDF")
        assert set(excluded) != set(listed) or own_left
