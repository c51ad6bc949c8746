"""Dates as people write them: one reader, the same day in make, answers files and CSV cells."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from visitprep.batch import csv_date_order
from visitprep.dates import (
    DateError,
    DateOrder,
    browser_order,
    file_order,
    format_day,
    locale_order,
    one_day,
    read_date,
    settle_order,
)

from conftest import TODAY as CLOCK
from conftest import Result

pytestmark = pytest.mark.clock  # run again under faketime in CI (.ci/run)

Run = Callable[..., Result]
TODAY = dt.date(2026, 11, 22)  # a Sunday
DEC3 = dt.date(2026, 12, 3)

# Every form the issue lists, with the day it means counted from TODAY.
FORMS: list[tuple[str, dt.date]] = [
    ("2026-12-03", DEC3),
    ("3 December 2026", DEC3),
    ("Dec 3", DEC3),
    ("Dec. 3", DEC3),
    ("Dec 3rd", DEC3),
    ("December 3rd, 2026", DEC3),
    ("12/3/2026", DEC3),  # with --date-order mdy
    ("3.12.2026", DEC3),  # with --date-order dmy
    ("tomorrow", dt.date(2026, 11, 23)),
    ("Friday", dt.date(2026, 11, 27)),
    ("next Friday", dt.date(2026, 11, 27)),
    ("in 2 weeks", dt.date(2026, 12, 6)),
    ("2026-12-03 09:30", DEC3),
]
ORDER = {"12/3/2026": "mdy", "3.12.2026": "dmy"}


@pytest.mark.parametrize(("text", "day"), FORMS)
def test_every_form_reads_as_the_day_meant(text: str, day: dt.date) -> None:
    assert one_day(text, TODAY, ORDER.get(text)) == day


@pytest.mark.parametrize(("text", "day"), [
    ("Thursday, December 3, 2026", DEC3), ("the 3rd of December", DEC3), ("3 Dec", DEC3),
    ("2026/12/03", DEC3), ("2026-12-03T09:30:00", DEC3), ("2026-12-03T09:30:00Z", DEC3),
    ("12/13/2026 9:30 AM", dt.date(2026, 12, 13)), ("DEC 3RD", DEC3), ("  dec   3  ", DEC3),
    ("Sept 4", dt.date(2027, 9, 4)), ("today", TODAY),
    ("the day after tomorrow", dt.date(2026, 11, 24)),
    ("Fri", dt.date(2026, 11, 27)), ("this Friday", dt.date(2026, 11, 27)),
    ("Sunday", dt.date(2026, 11, 29)),  # today is Sunday: the next one, not today
    ("in 3 days", dt.date(2026, 11, 25)), ("in a week", dt.date(2026, 11, 29)),
    ("in one month", dt.date(2026, 12, 22)), ("13/12/2026", dt.date(2026, 12, 13)),
    ("12/13/2026", dt.date(2026, 12, 13)), ("12-13-26", dt.date(2026, 12, 13)),
    ("Nov 1", dt.date(2027, 11, 1)),  # past this year: next year's
    ("Nov 22", TODAY), ("3/3/2026", dt.date(2026, 3, 3)),  # both orders give the same day
])
def test_more_forms(text: str, day: dt.date) -> None:
    assert one_day(text, TODAY) == day


@pytest.mark.parametrize(("text", "days"), [
    ("12/3/2026", (DEC3, dt.date(2026, 3, 12))),
    ("3.12.2026", (dt.date(2026, 3, 12), DEC3)),
    ("12/3", (DEC3, dt.date(2027, 3, 12))),
    ("12-3-26", (DEC3, dt.date(2026, 3, 12))),
    ("12/3/2026 09:30", (DEC3, dt.date(2026, 3, 12))),
])
def test_numbers_only_dates_that_can_be_swapped_give_both_days(
        text: str, days: tuple[dt.date, ...]) -> None:
    reading = read_date(text, TODAY)
    assert reading.ambiguous and reading.days == days
    with pytest.raises(DateError, match=f"could be {format_day(days[0])} \\(month first\\) "
                       f"or {format_day(days[1])} \\(day first\\)"):
        one_day(text, TODAY)
    assert one_day(text, TODAY, "mdy") == days[0]
    assert one_day(text, TODAY, "dmy") == days[1]


def test_an_order_never_overrides_what_the_date_shows() -> None:
    assert one_day("13/12/2026", TODAY, "mdy") == dt.date(2026, 12, 13)
    assert read_date("13/12/2026", TODAY).numeric == "dmy"
    assert read_date("12/13/2026", TODAY).numeric == "mdy"
    assert read_date("12/3/2026", TODAY).numeric == ""


@pytest.mark.parametrize(("text", "message"), [
    ("", "there is no date"),
    ("someday", "'someday' is not a date visitprep can read"),
    ("2026-02-30", "'2026-02-30' is not a real date"),
    ("30/2/2026", "'30/2/2026' is not a real date"),
    ("13/13/2026", "has no month"),
    ("Friday, December 3, 2026", "Thursday, December 3, 2026 is a Thursday, not a Friday"),
    ("Dec 3 Jan", "is not a date"),
    ("in many weeks", "is not a date"),
    ("next week", "is not a date"),
])
def test_what_is_not_a_date_is_refused_with_the_reason(text: str, message: str) -> None:
    with pytest.raises(DateError, match=message):
        read_date(text, TODAY)


def test_the_order_a_file_shows() -> None:
    assert file_order(["12/3/2026", "13/12/2026", ""]) == "dmy"
    assert file_order(["12/3/2026", "12/13/2026"]) == "mdy"
    assert file_order(["12/3/2026", "2026-12-03", "Dec 3"]) is None
    assert file_order(["13/12/2026", "12/13/2026"]) is None  # the file disagrees with itself


# -- each entry point -------------------------------------------------------------------

def expected(text: str) -> dt.date:
    return one_day(text, CLOCK, ORDER.get(text))  # the day the suite fixes for visitprep


@pytest.mark.parametrize(("text", "day"), FORMS)
def test_make_visit_date_takes_every_form(run: Run, tmp_path: Path, text: str,
                                          day: dt.date) -> None:
    args = ["make", "--recurrence", "local", "--visit-date", text]
    if text in ORDER:
        args += ["--date-order", ORDER[text]]
    result = run(*args)
    assert result.code == 0, result.err
    assert (tmp_path / f"visit-questions-{expected(text).isoformat()}.pdf").is_file()


@pytest.mark.parametrize(("text", "day"), FORMS)
def test_answers_files_take_every_form(run: Run, tmp_path: Path, text: str,
                                       day: dt.date) -> None:
    (tmp_path / "a.yaml").write_text(f'recurrence: local\nvisit_date: "{text}"\n',
                                     encoding="utf-8")
    args = ["make", "--answers", "a.yaml"]
    if text in ORDER:
        args += ["--date-order", ORDER[text]]
    result = run(*args)
    assert result.code == 0, result.err
    assert (tmp_path / f"visit-questions-{expected(text).isoformat()}.pdf").is_file()


def test_an_unquoted_yaml_date_reads_too(run: Run, tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("recurrence: local\nvisit_date: 2026-12-03\n",
                                     encoding="utf-8")
    assert run("make", "--answers", "a.yaml").code == 0
    assert (tmp_path / "visit-questions-2026-12-03.pdf").is_file()


def test_make_refuses_an_ambiguous_date_and_names_the_fix(run: Run, tmp_path: Path) -> None:
    result = run("make", "--recurrence", "local", "--visit-date", "3.12.2026")
    assert result.code == 1
    assert result.err == (
        "Error: --visit-date: '3.12.2026' could be Thursday, March 12, 2026 (month first) or "
        "Thursday, December 3, 2026 (day first).\n"
        "Add --date-order mdy or --date-order dmy, or write it as YYYY-MM-DD.\n")
    (tmp_path / "a.yaml").write_text('recurrence: local\nvisit_date: "12/3/2026"\n',
                                     encoding="utf-8")
    result = run("make", "--answers", "a.yaml")
    assert result.code == 1
    assert result.err.startswith("Error: a.yaml: 'visit_date': '12/3/2026' could be ")
    assert list(tmp_path.glob("*.pdf")) == []


def test_date_order_must_be_mdy_or_dmy(run: Run) -> None:
    result = run("make", "--recurrence", "local", "--date-order", "ymd")
    assert result.code == 2
    assert "--date-order: invalid choice: 'ymd'" in result.err


def write_csv(path: Path, dates: list[str]) -> Path:
    lines = ["name,recurrence,visit_date"]
    lines += [f"P{index},local,{text}" for index, text in enumerate(dates, start=1)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_csv_cells_take_every_form(run: Run, tmp_path: Path) -> None:
    forms = [text for text, _ in FORMS if text not in ORDER]
    write_csv(tmp_path / "list.csv", [f'"{text}"' for text in forms])
    result = run("batch", "list.csv", "-o", "out", "--jobs", "1")
    assert result.code == 0, result.err
    names = sorted(p.name for p in (tmp_path / "out").glob("*.pdf"))
    assert names == sorted(f"P{index}-{expected(text).isoformat()}.pdf"
                           for index, text in enumerate(forms, start=1))


def test_a_csv_follows_the_order_it_shows_elsewhere(run: Run, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "uk.csv", ["12/3/2026", "13/12/2026", "3.12.2026"])
    assert csv_date_order(path) == "dmy"
    result = run("batch", "uk.csv", "-o", "out", "--jobs", "1")
    assert result.code == 0, result.err
    assert sorted(p.name for p in (tmp_path / "out").glob("*.pdf")) == [
        "P1-2026-03-12.pdf", "P2-2026-12-13.pdf", "P3-2026-12-03.pdf"]


def test_a_us_export_prints_every_row(run: Run, tmp_path: Path) -> None:
    write_csv(tmp_path / "us.csv", ["12/3/2026 9:30 AM", "12/14/2026 10:00 AM", "1/5/2027"])
    result = run("batch", "us.csv", "-o", "out", "--jobs", "1")
    assert result.code == 0, result.err
    assert sorted(p.name for p in (tmp_path / "out").glob("*.pdf")) == [
        "P1-2026-12-03.pdf", "P2-2026-12-14.pdf", "P3-2027-01-05.pdf"]


def test_date_order_wins_over_nothing_and_settles_a_csv(run: Run, tmp_path: Path) -> None:
    write_csv(tmp_path / "list.csv", ["12/3/2026", "2026-12-04"])
    result = run("batch", "list.csv", "-o", "out", "--jobs", "1", "--date-order", "dmy")
    assert result.code == 0, result.err
    assert (tmp_path / "out" / "P1-2026-03-12.pdf").is_file()


def test_an_ambiguous_cell_nothing_settles_is_that_rows_error(run: Run, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "list.csv", ["12/3/2026", "2026-12-04", "13/12/2026",
                                              "12/13/2026"])
    assert csv_date_order(path) is None  # the rows disagree
    result = run("batch", "list.csv", "-o", "out", "--jobs", "1")
    assert result.code == 1
    assert ("row 2 (P1): 'visit_date': '12/3/2026' could be Thursday, December 3, 2026 "
            "(month first) or Thursday, March 12, 2026 (day first). Add --date-order mdy or "
            "--date-order dmy, or write it as YYYY-MM-DD.") in result.err
    assert sorted(p.name for p in (tmp_path / "out").glob("*.pdf")) == [
        "P2-2026-12-04.pdf", "P3-2026-12-13.pdf", "P4-2026-12-13.pdf"]


@pytest.mark.parametrize(("env", "order"), [
    ({"LC_ALL": "en_US.UTF-8"}, "mdy"),
    ({"LANG": "en_PH.UTF-8"}, "mdy"),
    ({"LC_TIME": "en_GB.UTF-8", "LANG": "en_US.UTF-8"}, "dmy"),  # LC_TIME before LANG
    ({"LC_ALL": "de_DE.UTF-8"}, "dmy"),
    ({"LC_ALL": "es_US.UTF-8"}, "dmy"),  # Spanish is day first, even in the US
    ({"LC_ALL": "es"}, "dmy"),
    ({"LC_ALL": "C"}, None),
    ({"LC_ALL": "C.UTF-8", "LANG": "en_US.UTF-8"}, None),  # LC_ALL wins, and says nothing
    ({"LANG": "POSIX"}, None),
    ({"LANG": "ja_JP.UTF-8"}, None),  # year first: says nothing of 12/8/2026
    ({"LANG": "en"}, None),
    ({}, None),
])
def test_the_locale_settles_the_order(env: dict[str, str], order: str | None) -> None:
    assert locale_order(env)[0] == order


def test_the_order_is_settled_by_the_flag_then_the_file_then_the_locale() -> None:
    us = {"LC_ALL": "en_US.UTF-8"}
    texts = ["12/8/2026", "12/9/2026", "2026-12-10"]
    assert settle_order("dmy", texts, us) == DateOrder("dmy", "--date-order dmy", 2)
    shown = settle_order(None, [*texts, "13/12/2026"], us)
    assert (shown.order, shown.why) == ("dmy", "other dates in the same file show it "
                                        "(13/12/2026)")
    assert settle_order(None, texts, us) == DateOrder(
        "mdy", "the computer's locale is en_US.UTF-8", 2, "en_US.UTF-8")
    nothing = settle_order(None, texts, {"LC_ALL": "C"})
    assert nothing.order is None and nothing.summary() == ""
    against = settle_order("mdy", ["13/12/2026", "1/2/2027"], us)
    assert against.why == ("--date-order mdy, though 13/12/2026 in the same file can only be "
                           "read day first")
    assert settle_order(None, ["2026-12-08"], us).summary() == ""  # nothing read two ways


def test_the_browser_language_gives_the_web_page_its_default() -> None:
    assert browser_order(["en-US", "en"]) == "mdy"
    assert browser_order(["en-GB"]) == "dmy"
    assert browser_order(["es-US", "en-US"]) == "dmy"
    assert browser_order(["en", "en-US"]) == "mdy"
    assert browser_order([]) == "mdy"


# -- a weekday and a day of the month, a weekday of next week (issue 23) ----------------

@pytest.mark.parametrize(("text", "day"), [
    ("Tuesday the 8th", dt.date(2026, 12, 8)), ("tues, the 8th", dt.date(2026, 12, 8)),
    ("the 8th", dt.date(2026, 12, 8)), ("on the 8th", dt.date(2026, 12, 8)),
    ("8th", dt.date(2026, 12, 8)), ("the 22nd", TODAY),  # today included
    ("the 31st", dt.date(2026, 12, 31)),
    ("Tuesday next week", dt.date(2026, 11, 24)),  # TODAY is a Sunday: weeks start Monday
    ("next week Tuesday", dt.date(2026, 11, 24)), ("next week on Friday", dt.date(2026, 11, 27)),
])
def test_a_day_of_the_month_and_a_day_of_next_week(text: str, day: dt.date) -> None:
    assert one_day(text, TODAY) == day


def test_tuesday_next_week_is_in_the_week_after_this_one() -> None:
    thursday = dt.date(2026, 12, 3)
    assert one_day("Tuesday next week", thursday) == dt.date(2026, 12, 8)
    assert one_day("Thursday next week", thursday) == dt.date(2026, 12, 10)
    assert one_day("the 8th", thursday) == dt.date(2026, 12, 8)
    assert one_day("the 2nd", thursday) == dt.date(2027, 1, 2)
    assert one_day("the 30th", dt.date(2027, 1, 31)) == dt.date(2027, 3, 30)  # no Feb 30


def test_a_weekday_that_is_not_the_next_8th_is_refused() -> None:
    with pytest.raises(DateError, match="the next 8th is Tuesday, December 8, 2026, not a "
                                        "Wednesday"):
        read_date("Wednesday the 8th", TODAY)
    with pytest.raises(DateError, match="is not a date"):
        read_date("8", TODAY)  # a bare number is not a day


def _next_eighth() -> tuple[str, dt.date]:
    """'<its weekday> the 8th' for the next 8th from today (tests run on any date)."""
    import calendar

    day = one_day("the 8th", CLOCK)
    return f"{calendar.day_name[day.weekday()]} the 8th", day


def _new_forms() -> list[str]:
    return [_next_eighth()[0], "the 8th", "Tuesday next week"]


@pytest.mark.parametrize("index", range(3))
def test_the_new_forms_in_make_and_answers_files(run: Run, tmp_path: Path,
                                                 index: int) -> None:
    text = _new_forms()[index]
    day = one_day(text, CLOCK)
    result = run("make", "--recurrence", "local", "--visit-date", text, "-o", "flag.pdf")
    assert result.code == 0, result.err
    (tmp_path / "a.yaml").write_text(f'recurrence: local\nvisit_date: "{text}"\n',
                                     encoding="utf-8")
    result = run("make", "--answers", "a.yaml", "-o", "file.pdf")
    assert result.code == 0, result.err
    from conftest import read_pdf

    for name in ("flag.pdf", "file.pdf"):
        assert format_day(day).split(", ", 1)[1] in read_pdf(tmp_path / name).pages[0]


def test_the_new_forms_in_csv_cells(run: Run, tmp_path: Path) -> None:
    forms = _new_forms()
    write_csv(tmp_path / "list.csv", forms)
    result = run("batch", "list.csv", "-o", "out", "--jobs", "1")
    assert result.code == 0, result.err
    names = sorted(p.name for p in (tmp_path / "out").glob("*.pdf"))
    assert names == sorted(f"P{index}-{one_day(text, CLOCK).isoformat()}.pdf"
                           for index, text in enumerate(forms, start=1))


def test_the_new_forms_in_the_interview_and_the_web_page() -> None:
    from visitprep import steps
    from visitprep.bank import load_bank
    from visitprep.web.form import read_form

    today = CLOCK
    bank = load_bank()
    for text in _new_forms():
        day = one_day(text, today)
        checked = steps.check_date(text, today)
        assert checked.days == (day,) and checked.question.startswith(format_day(day))

        class Form(dict):  # type: ignore[type-arg]
            def getlist(self, key: str) -> list[str]:
                return []

        state = read_form(Form(recurrence="local", visit_date=text), bank, today=today)
        assert state.errors == {} and state.draft.visit_date == day
        assert state.date_note.startswith(format_day(day))


def test_the_one_clock(monkeypatch: pytest.MonkeyPatch, run: Run) -> None:
    """visitprep reads the date in one place: the computer's, or VISITPREP_TODAY's."""
    from visitprep import dates

    assert dates.today() == CLOCK  # the suite fixes it (conftest)
    monkeypatch.setenv("VISITPREP_TODAY", "2028-02-29")
    assert dates.today() == dt.date(2028, 2, 29)
    monkeypatch.setenv("VISITPREP_TODAY", "")
    assert dates.today() == dt.date.today()  # unset or empty: the computer's date
    for bad in ("2028-02-30", "tomorrow", "2028-2-3"):
        monkeypatch.setenv("VISITPREP_TODAY", bad)
        result = run("make", "--recurrence", "local", "--visit-date", "tomorrow")
        assert result.code == 2
        assert result.err == (f"Error: VISITPREP_TODAY='{bad}' is not a day written as "
                              "YYYY-MM-DD.\nUnset VISITPREP_TODAY to use the computer's date.\n")


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_written_out_names_are_cldrs(language: str) -> None:
    """format_day, weekday_name and day_first skip Babel's locale data for the languages
    visitprep ships: what they write must be exactly what Babel (CLDR) writes."""
    from babel.dates import format_date, get_date_format, get_day_names

    from visitprep import i18n
    from visitprep.dates import day_first, format_day, weekday_name

    locale = i18n.babel_locale(language)
    with i18n.using(language):
        day = dt.date(2024, 1, 1)
        while day.year < 2029:  # every day of five years, a leap day among them
            assert format_day(day) == format_date(day, "full", locale=locale), day
            day += dt.timedelta(days=1)
        assert [weekday_name(n) for n in range(7)] == [
            get_day_names("wide", locale=locale)[n] for n in range(7)]
    pattern = get_date_format("short", locale=locale).pattern
    assert day_first(language) == (pattern.find("d") < pattern.find("M"))
