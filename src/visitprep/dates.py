"""One reader for dates as people write them: the interview, `make --visit-date`, answers
files and CSV cells all go through :func:`read_date`.

Absolute forms: ``2026-12-03``, ``2026/12/03``, ``3 December 2026``, ``Dec 3``, ``Dec. 3``,
``Dec 3rd``, ``December 3rd, 2026``, ``Thursday, December 3, 2026``, ``the 3rd of December``,
numbers only (``12/3/2026``, ``3.12.2026``, ``12-3-26``, ``12/3``), and spreadsheet
timestamps (``2026-12-03 09:30``, ``12/3/2026 9:30 AM``: the time is ignored). A month and day
without a year mean the next such day, today included.

Relative forms, counted from `today`: ``today``, ``tomorrow``, ``the day after tomorrow``,
a weekday (``Friday``, ``Fri``, ``this Friday``, ``next Friday``: the first one after today),
a weekday of next week (``Tuesday next week``, ``next week Tuesday``: weeks start on Monday),
a day of the month (``the 8th``, ``on the 8th``: the next 8th, today included; ``Tuesday the
8th``: the same, and it must be a Tuesday), ``in 3 days``, ``in 2 weeks``, ``in a week``,
``in one month``.

The same in Spanish, in either language (the words cannot be mistaken): ``8 de diciembre``,
``el 8 de diciembre``, ``martes 8 de diciembre``, ``8 de diciembre de 2026``, ``hoy``,
``mañana``, ``pasado mañana``, ``el martes``, ``el próximo martes``, ``este martes``,
``en dos semanas``, ``dentro de 3 días``, ``en un mes`` (accents optional).
Numbers-only dates are read day first where the language writes them so
(:func:`day_first`: Spanish, from CLDR), unless an order is given.

Nothing is guessed silently. A date written only in numbers whose day and month can be
swapped (``12/3/2026``: December 3 or 12 March) gives both days unless an order
(``"mdy"`` or ``"dmy"``) is given; a weekday that does not match the date is refused.
No library is used: the forms are few, and the libraries that read them (dateutil) pick
one reading of ``12/3`` without saying so, which is exactly what must not happen here.
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from visitprep.i18n import babel_locale, current, gettext

ORDERS: tuple[str, ...] = ("mdy", "dmy")
FORMS_HINT = ("Write it like: 2026-12-03, 3 December 2026, Dec 3, 12/3/2026, tomorrow, "
              "Friday, next Friday, or in 2 weeks.")

_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr)
                if name})
_MONTHS["sept"] = 9
_WEEKDAYS = {name.lower(): number for number, name in enumerate(calendar.day_name)}
_WEEKDAYS.update({name.lower(): number for number, name in enumerate(calendar.day_abbr)})
_WEEKDAYS.update({"tues": 1, "thur": 3, "thurs": 3, "weds": 2})
# Spanish, without accents (the text is compared without them). "mar" stays March: as a
# weekday it would be martes, so the short weekday names are left out where they clash.
_MONTHS.update({name: number for number, name in enumerate(
    ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
     "octubre", "noviembre", "diciembre"), 1)})
_MONTHS.update({"ene": 1, "abr": 4, "ago": 8, "set": 9, "setiembre": 9, "dic": 12})
_WEEKDAYS.update({name: number for number, name in enumerate(
    ("lunes", "martes", "miercoles", "jueves", "viernes", "sabado", "domingo"))})
_WEEKDAYS.update({"lun": 0, "mie": 2, "jue": 3, "vie": 4, "sab": 5, "dom": 6})
_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
                 "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11,
                 "twelve": 12,
                 "un": 1, "uno": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5,
                 "seis": 6, "siete": 7, "ocho": 8, "nueve": 9, "diez": 10, "once": 11,
                 "doce": 12}
_FILLERS = ("the", "of", "on", "de", "del", "el", "la")
_TIME = re.compile(r"(?:[ t]+|(?<=\d)t)(?:at )?\d{1,2}(?::\d{2}){1,2}(?:\.\d+)?\s*(?:[ap]\.?m\.?)?"
                   r"(?:\s*(?:z|utc|[+-]\d{2}:?\d{2}))?$")
_TIME_WORD = re.compile(r"\s+(?:at\s+)?\d{1,2}\s*[ap]\.?m\.?$")
_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_NUMERIC = re.compile(r"(\d{1,2})([/.-])(\d{1,2})(?:\2(\d{4}|\d{2}))?")
_IN = re.compile(r"in (\d+|[a-z]+) (day|week|month)s?")
# No visit is booked more than ten years ahead: a date further on is a typo (or a hostile
# cell), refused whether written as a day or counted from today, and never computed past
# the calendar's end.
MAX_AHEAD_YEARS = 10
MAX_AHEAD_DAYS = 3653
_EN = re.compile(r"(?:en|dentro de) (\d+|[a-z]+) (dia|semana|mes)(?:s|es)?")
_ES_UNITS = {"dia": "day", "semana": "week", "mes": "month"}


class DateError(ValueError):
    """The text is not a date; `str()` says why, in plain words."""


TODAY_VARIABLE = "VISITPREP_TODAY"


def today() -> dt.date:
    """The one clock visitprep reads, for 'tomorrow', 'more than a year away' and file names.

    It is the computer's date unless the environment variable ``VISITPREP_TODAY`` holds a
    day as ``YYYY-MM-DD``: the tests fix it so, and it remakes a handout as it was made on
    that day.

    Raises:
        UsageError: When ``VISITPREP_TODAY`` is set but is not such a day.
    """
    fixed = os.environ.get(TODAY_VARIABLE, "").strip()
    if not fixed:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(fixed) if len(fixed) == 10 else _bad_today(fixed)
    except ValueError:
        return _bad_today(fixed)


def _bad_today(fixed: str) -> dt.date:
    from visitprep.errors import UsageError

    raise UsageError(f"{TODAY_VARIABLE}='{fixed}' is not a day written as YYYY-MM-DD",
                     hint=f"Unset {TODAY_VARIABLE} to use the computer's date.")


@dataclass(frozen=True)
class Reading:
    """What a date text means.

    Attributes:
        days: One day; two (month first, then day first) when a numbers-only date can be
            read both ways and no order was given.
        numeric: The numbers-only order the text shows for itself: "mdy" for 12/13/2026,
            "dmy" for 13/12/2026, "" when it shows none (or is not numbers only).
    """

    days: tuple[dt.date, ...]
    numeric: str = ""

    @property
    def ambiguous(self) -> bool:
        """True when the text can mean two different days."""
        return len(self.days) > 1


# CLDR's words for the languages visitprep ships, written out: loading Babel's locale data
# for them took a tenth of a one-shot `make`. tests/test_dates.py holds them equal to
# Babel's for every day of several years; any other language goes through Babel.
_MONTH_NAMES = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
           "septiembre", "octubre", "noviembre", "diciembre"),
}
_DAY_NAMES = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "es": ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
}
_DAY_FIRST = {"en": False, "es": True}


def format_day(day: dt.date) -> str:
    """A date the way people read it, in the language in use (CLDR's long form):
    'Thursday, December 3, 2026', 'jueves, 3 de diciembre de 2026'."""
    language = current()
    if language in _MONTH_NAMES:
        weekday, month = _DAY_NAMES[language][day.weekday()], _MONTH_NAMES[language][day.month - 1]
        if language == "en":
            return f"{weekday}, {month} {day.day}, {day.year}"
        return f"{weekday}, {day.day} de {month} de {day.year}"
    from babel.dates import format_date

    return str(format_date(day, "full", locale=babel_locale()))


def weekday_name(number: int) -> str:
    """The name of a weekday (0 is Monday) in the language in use."""
    language = current()
    if language in _DAY_NAMES:
        return _DAY_NAMES[language][number]
    from babel.dates import get_day_names

    return str(get_day_names("wide", locale=babel_locale())[number])


def day_first(language: str | None = None) -> bool:
    """True where a language writes numbers-only dates day first (8/12/2026 in Spanish),
    as CLDR's short date pattern does."""
    language = language or current()
    if language in _DAY_FIRST:
        return _DAY_FIRST[language]
    from babel.dates import get_date_format

    pattern = get_date_format("short", locale=babel_locale(language)).pattern
    return pattern.find("d") < pattern.find("M")


def _plain(text: str) -> str:
    """Lower case, without accents: 'Miércoles' -> 'miercoles'."""
    return "".join(char for char in unicodedata.normalize("NFKD", text.lower())
                   if not unicodedata.combining(char))


def read_date(text: str, today: dt.date, order: str | None = None) -> Reading:
    """Read a date as a person writes it.

    Args:
        text: What was typed or written in the cell.
        today: The day relative words count from.
        order: "mdy" or "dmy" to settle numbers-only dates that can be read both ways.

    Raises:
        DateError: When the text is empty, not a date, or not a real day (30 February).
    """
    words = " ".join(_plain(str(text)).strip().split())
    if not words:
        raise DateError(gettext("there is no date"))
    reading = _read(words, today, order, str(text))
    for day in reading.days:
        if (day - today).days > MAX_AHEAD_DAYS:
            raise DateError(gettext("'{text}' is {day}, more than {years} years away").format(
                text=text, day=format_day(day), years=MAX_AHEAD_YEARS))
    return reading


def _read(words: str, today: dt.date, order: str | None, text: str) -> Reading:
    words = _TIME_WORD.sub("", _TIME.sub("", words)).strip()
    relative = _relative(words, today, text)
    if relative is not None:
        return Reading((relative,))
    match = _ISO.fullmatch(words)
    if match:
        return Reading((_day(int(match[1]), int(match[2]), int(match[3]), text),))
    match = _NUMERIC.fullmatch(words)
    if match:
        return _numeric(match, today, order, text)
    return Reading((_with_month_name(words, today, text),))


def _day(year: int, month: int, day: int, text: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise DateError(gettext("'{text}' is not a real date").format(text=text)) from None


def _next(month: int, day: int, today: dt.date, text: str) -> dt.date:
    """The next such day, today included (February 29 may be up to four years away)."""
    for year in range(today.year, today.year + 5):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    raise DateError(gettext("'{text}' is not a real date").format(text=text))


def _relative(words: str, today: dt.date, text: str) -> dt.date | None:
    if words in ("today", "now", "hoy"):
        return today
    if words in ("tomorrow", "manana"):
        return today + dt.timedelta(days=1)
    if words in ("the day after tomorrow", "day after tomorrow", "pasado manana"):
        return today + dt.timedelta(days=2)
    weekday = re.fullmatch(r"(?:(?:this|next|on|coming|this coming|el|este|el proximo|proximo)"
                           r" )?([a-z]+)\.?(?: (?:que viene|proximo))?", words)
    if weekday and weekday[1] in _WEEKDAYS:
        ahead = (_WEEKDAYS[weekday[1]] - today.weekday()) % 7
        return today + dt.timedelta(days=ahead or 7)
    # "Tuesday next week", "next week Tuesday", "next week on Tuesday": a day of the week
    # after this one (weeks start on Monday).
    next_week = (re.fullmatch(r"(?:on )?([a-z]+)\.?,? (?:of )?next week", words)
                 or re.fullmatch(r"next week,? (?:on )?([a-z]+)\.?", words))
    if next_week and next_week[1] in _WEEKDAYS:
        monday = today + dt.timedelta(days=7 - today.weekday())
        return monday + dt.timedelta(days=_WEEKDAYS[next_week[1]])
    match = _IN.fullmatch(words)
    spanish = _EN.fullmatch(words)
    if match is not None or spanish is not None:
        number, unit = ((match[1], match[2]) if match is not None else
                        (spanish[1], _ES_UNITS[spanish[2]]) if spanish is not None else ("", ""))
        count = int(number) if number.isdigit() else _NUMBER_WORDS.get(number)
        if count is None:
            return None
        unit_days = {"day": 1, "week": 7, "month": 28}[unit]
        if count > MAX_AHEAD_DAYS // unit_days:  # bounded before any sum: no overflow
            raise DateError(gettext("'{text}' is more than {years} years away").format(
                text=text, years=MAX_AHEAD_YEARS))
        try:
            if unit == "day":
                return today + dt.timedelta(days=count)
            if unit == "week":
                return today + dt.timedelta(weeks=count)
            month0 = today.month - 1 + count
            year, month = today.year + month0 // 12, month0 % 12 + 1
            return dt.date(year, month, min(today.day, calendar.monthrange(year, month)[1]))
        except (OverflowError, ValueError):  # only from a clock near the year 9999
            raise DateError(gettext("'{text}' is past the end of the calendar").format(
                text=text)) from None
    return None


def _numeric(match: re.Match[str], today: dt.date, order: str | None, text: str) -> Reading:
    first, second = int(match[1]), int(match[3])
    year_text = match[4]
    shows = "dmy" if first > 12 >= second else "mdy" if second > 12 >= first else ""

    def make(month: int, day: int) -> dt.date:
        if year_text is None:
            return _next(month, day, today, text)
        year = int(year_text) + (2000 if len(year_text) == 2 else 0)
        return _day(year, month, day, text)

    if shows == "dmy" or (not shows and order == "dmy"):
        return Reading((make(second, first),), shows)
    if shows == "mdy" or (not shows and order == "mdy"):
        return Reading((make(first, second),), shows)
    if first > 12 and second > 12:
        raise DateError(gettext("'{text}' has no month: neither {first} nor {second} is 1 to "
                                "12").format(text=text, first=first, second=second))
    days: list[dt.date] = []
    for month, day in ((first, second), (second, first)):
        try:
            candidate = make(month, day)
        except DateError:
            continue
        if candidate not in days:
            days.append(candidate)
    if not days:
        raise DateError(gettext("'{text}' is not a real date").format(text=text))
    return Reading(tuple(days))


def _with_month_name(words: str, today: dt.date, text: str) -> dt.date:
    tokens = [t for t in re.split(r"[\s,./-]+", words) if t and t not in _FILLERS]
    month = day = year = None
    weekday = None
    for token in tokens:
        plain = token.rstrip(".")
        if plain in _MONTHS and month is None:
            month = _MONTHS[plain]
        elif plain in _WEEKDAYS and weekday is None:
            weekday = _WEEKDAYS[plain]
        elif re.fullmatch(r"\d{1,2}(?:st|nd|rd|th)?", plain) and day is None:
            day = int(re.sub(r"\D", "", plain))
        elif re.fullmatch(r"\d{4}", plain) and year is None:
            year = int(plain)
        elif re.fullmatch(r"'\d{2}", plain) and year is None:
            year = 2000 + int(plain[1:])
        else:
            raise DateError(_unreadable(text))
    if month is None and day is not None and year is None and (
            re.search(r"\d(?:st|nd|rd|th)\b", words) or re.search(r"\b(?:the|el) \d", words)
            or weekday is not None):
        # "the 8th", "Tuesday the 8th", "el martes 8": the next 8th, today included.
        found = _next_of_month(day, today, text)
        if weekday is not None and found.weekday() != weekday:
            raise DateError(gettext("the next {ordinal} is {day}, not a {weekday}").format(
                ordinal=_ordinal(day), day=format_day(found), weekday=weekday_name(weekday)))
        return found
    if month is None or day is None:
        raise DateError(_unreadable(text))
    found = _day(year, month, day, text) if year is not None else _next(month, day, today, text)
    if weekday is not None and found.weekday() != weekday:
        raise DateError(gettext("{day} is a {weekday}, not a {other}").format(
            day=format_day(found), weekday=weekday_name(found.weekday()),
            other=weekday_name(weekday)))
    return found


def _unreadable(text: str) -> str:
    return gettext("'{text}' is not a date visitprep can read").format(text=text)


def _next_of_month(day: int, today: dt.date, text: str) -> dt.date:
    """The next day `day` of a month, today included (the 31st skips short months)."""
    year, month = today.year, today.month
    for _ in range(13):
        if day <= calendar.monthrange(year, month)[1]:
            candidate = dt.date(year, month, day)
            if candidate >= today:
                return candidate
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    raise DateError(gettext("'{text}' is not a real date").format(text=text))


def _ordinal(number: int) -> str:
    """8 -> '8th', 1 -> '1st', 22 -> '22nd' (in English; other languages: the number)."""
    if current() != "en":
        return str(number)
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(
        number % 10, "th")
    return f"{number}{suffix}"


def one_day(text: str, today: dt.date, order: str | None = None) -> dt.date:
    """The one day a text means, for files and flags where nobody can be asked.

    Raises:
        DateError: When it is not a date, or a numbers-only date that can be read both
            ways and no order settles it (the message names both days).
    """
    reading = read_date(text, today, order)
    if reading.ambiguous:
        first, second = reading.days
        raise DateError(gettext("'{text}' could be {first} (month first) or {second} (day "
                                "first)").format(text=text, first=format_day(first),
                                                 second=format_day(second)))
    return reading.days[0]


def file_order(texts: list[str]) -> str | None:
    """The numbers-only order a list of date texts shows (a 13/12/2026 settles "dmy").

    Returns:
        "mdy" or "dmy" when the texts that show an order all agree, else None.
    """
    return file_evidence(texts)[0]


def file_evidence(texts: list[str]) -> tuple[str | None, str, int]:
    """The order the texts show, one text that shows it, and how many texts are
    numbers-only dates that could be read both ways."""
    shown: dict[str, str] = {}
    ambiguous = 0
    for text in texts:
        try:
            reading = _read(" ".join(_plain(str(text)).strip().split()), dt.date(2000, 1, 1),
                            None, str(text))
        except DateError:
            continue
        if reading.numeric:
            shown.setdefault(reading.numeric, " ".join(str(text).split()))
        elif reading.ambiguous:
            ambiguous += 1
    if len(shown) == 1:
        order, example = next(iter(shown.items()))
        return order, example, ambiguous
    return None, "", ambiguous


# Regions whose people write the month first (12/8/2026 is December 8): the United States
# and the places that follow its usage. Spanish is read day first wherever it is spoken.
_MONTH_FIRST_REGIONS = frozenset({"US", "PH", "AS", "GU", "MP", "UM", "VI", "MH", "FM", "PW"})
# Languages written year first (2026/12/8): their locales say nothing about 12/8/2026.
_YEAR_FIRST_LANGUAGES = frozenset({"zh", "ja", "ko", "hu", "lt", "mn"})
LOCALE_VARIABLES = ("LC_ALL", "LC_TIME", "LANG")


def locale_order(env: Mapping[str, str] | None = None) -> tuple[str | None, str]:
    """The numbers-only order the system's locale implies, and the locale's name.

    Reads LC_ALL, LC_TIME, then LANG: en_US (and the other month-first regions) mean
    "mdy"; Spanish and the day-first locales (en_GB, de_DE, fr_FR...) mean "dmy"; the C
    and POSIX locales, a language alone ("en") and year-first languages say nothing (None).
    """
    env = os.environ if env is None else env
    for variable in LOCALE_VARIABLES:
        value = env.get(variable, "")
        if not value:
            continue
        base = value.split(".")[0].split("@")[0]
        language, _, region = base.partition("_")
        language = language.lower()
        if base in ("C", "POSIX") or not language.isalpha() or language in \
                _YEAR_FIRST_LANGUAGES:
            return None, value
        if language == "es":
            return "dmy", value
        if region.upper() in _MONTH_FIRST_REGIONS:
            return "mdy", value
        if not region and language == "en":
            return None, value
        return "dmy", value
    return None, ""


def browser_order(languages: list[str]) -> str:
    """The order a browser's languages (Accept-Language, best first) imply: en-US means
    month first; Spanish and the day-first locales day first. Month first when nothing
    says (the program's users are in the United States)."""
    for tag in languages:
        language, _, region = tag.replace("-", "_").partition("_")
        order, _ = locale_order({"LANG": f"{language}_{region}" if region else language})
        if order:
            return order
    return "mdy"


@dataclass(frozen=True)
class DateOrder:
    """The order a run reads numbers-only dates in, and why (for the summary line).

    Attributes:
        order: "mdy", "dmy", or None when nothing settles it.
        why: In plain words: "--date-order mdy", "other dates in the file show it
            (12/13/2026)", "the computer's locale is en_US.UTF-8".
        ambiguous: How many dates of the file could be read both ways.
        locale: The locale looked at (for the message when nothing settles it).
    """

    order: str | None
    why: str = ""
    ambiguous: int = 0
    locale: str = ""

    def summary(self) -> str:
        """The line a run prints about its numbers-only dates ("" when it has none)."""
        if not self.ambiguous or not self.order:
            return ""
        way = ("month first (12/8/2026 is December 8)" if self.order == "mdy"
               else "day first (12/8/2026 is 12 August)")
        count = f"{self.ambiguous} date{'s' if self.ambiguous != 1 else ''}"
        return f"Dates written only in numbers were read {way}: {self.why} ({count} " \
               "could be read both ways). Every handout prints its date in words."


def settle_order(flag: str | None, texts: list[str],
                 env: Mapping[str, str] | None = None, *, flag_name: str = "--date-order",
                 locale_name: str = "the computer's locale is") -> DateOrder:
    """Settle how numbers-only dates read, in turn: the flag (or the web page's choice),
    any date of the same file that shows the order, then the locale.

    Args:
        flag: "mdy" or "dmy" as given, or None.
        texts: Every date text of the file.
        env: The environment whose locale is read (default: os.environ); None values of
            the mapping are ignored.
        flag_name: How the reason names the flag: "--date-order" (followed by the order),
            or words that stand alone ("as chosen on this page").
        locale_name: How the reason introduces the locale.
    """
    shown, example, ambiguous = file_evidence(texts)
    if flag:
        why = f"{flag_name} {flag}" if flag_name.startswith("--") else flag_name
        if shown and shown != flag:
            other = "day first" if shown == "dmy" else "month first"
            why += f", though {example} in the same file can only be read {other}"
        return DateOrder(flag, why, ambiguous)
    if shown:
        return DateOrder(shown, f"other dates in the same file show it ({example})", ambiguous)
    order, locale = locale_order(env)
    if order:
        return DateOrder(order, f"{locale_name} {locale}", ambiguous, locale)
    return DateOrder(None, "", ambiguous, locale)
