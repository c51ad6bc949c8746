"""Print a whole clinic list: CSV rows -> profiles -> one PDF each, in worker processes.

Rows are read lazily and at most a few are in flight at once, so memory stays flat
however long the list is. reportlab is not thread-safe, so the workers are
processes. Each worker writes its own file atomically and reports back only a
small result. A bad row never stops the others.
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import itertools
import os
import re
import signal
import threading
import time
import unicodedata
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import (
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
    wait,
)
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from visitprep.errors import (
    OutputError,
    ProfileError,
    TargetExistsError,
    Terminated,
    VisitprepError,
    allowed,
    did_you_mean,
    full_stop,
    shorten,
    visible,
)
from visitprep.handout import SUFFIXES as _SUFFIXES
from visitprep.models import Clinic, QuestionBank
from visitprep.output import (
    clean_stale_parts,
    kind_of,
    os_reason,
    write_atomic,
    write_atomic_with,
)
from visitprep.profile import KEYS, normalize_key, parse_date

OUTPUT_COLUMN = "output"
COLUMNS: tuple[str, ...] = (*KEYS, OUTPUT_COLUMN)
LARGE_PRINT = "large_print"  # a yes/no column some clinic lists carry
READ_COLUMNS: tuple[str, ...] = (*COLUMNS, LARGE_PRINT)
DELIMITERS = (",", ";", "\t")
MAX_STEM = 80
MAX_STEM_BYTES = 160
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
                     *(f"lpt{i}" for i in range(1, 10))}
_UNSAFE = re.compile(r"[^\w.\-]+")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class BatchError(VisitprepError):
    """The CSV file as a whole cannot be used (encoding, header, no rows)."""


@dataclass(frozen=True)
class Row:
    """One data row: its spreadsheet row number, raw values by canonical key, file name."""

    number: int
    values: dict[str, str]
    raw: tuple[str, ...]
    output: str = ""
    problem: str = ""

    @property
    def name(self) -> str:
        return visible(" ".join(self.values.get("name", "").split()))

    @property
    def where(self) -> str:
        return f"row {self.number} ({shorten(self.name, 40)})" if self.name else \
            f"row {self.number}"


@dataclass(frozen=True)
class RowResult:
    """What happened to one row."""

    number: int
    status: str  # written, skipped (unchanged), changed (kept, differs), failed
    file: str = ""
    message: str = ""
    kind: str = ""  # for a failure: input, output, changed or bug (what to do next)
    note: str = ""  # said of a printed row (another paper than it asked for)
    title: str = ""  # its bookmark in the merged file: the name and the visit date
    needs_order: bool = False  # failed (among others) on a date that reads two ways
    problems: tuple[str, ...] = ()  # a failed row's problems, each without the row's name


@dataclass
class Summary:
    """The run so far."""

    written: int = 0
    skipped: int = 0
    changed: int = 0
    failed: int = 0
    seconds: float = 0.0
    interrupted: bool = False
    failures: list[tuple[Row, str]] = field(default_factory=list)
    files: dict[int, str] = field(default_factory=dict)  # row number -> file, for --merge
    problems: list[tuple[Row, str, str]] = field(default_factory=list)  # row, message, kind
    titles: dict[int, str] = field(default_factory=dict)  # row number -> bookmark
    notes: list[str] = field(default_factory=list)  # said of rows that printed
    needs_order: int = 0  # rows that failed on a date that reads two ways
    signal: str = ""  # the signal that stopped the run: SIGINT or SIGTERM
    workers: int = 0  # how many worker processes the run used (after the cap)

    @property
    def done(self) -> int:
        return self.written + self.skipped + self.changed + self.failed

    @property
    def kinds(self) -> set[str]:
        """What went wrong in the rows not printed: input, output, changed, bug."""
        return {kind for _, _, kind in self.problems}



# -- reading the CSV --------------------------------------------------------------------

def _check_not_utf16(path: Path, encoding: str) -> None:
    """UTF-16 without a byte-order mark decodes as UTF-8 text with a NUL between the
    letters ("unknown column 'n a m e'"): say what it is instead."""
    if "16" in encoding or "32" in encoding:
        return
    try:
        with path.open("rb") as handle:
            head = handle.read(400)
    except OSError:
        return
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or not head:
        return  # a byte-order mark: the decoder's own message names the line
    if head.count(b"\x00") * 3 >= len(head):
        raise BatchError(f"{path}: is UTF-16 text without a byte-order mark",
                         hint="Save it from your spreadsheet as 'CSV UTF-8', or give "
                         "--encoding utf-16-le.")


_MOJIBAKE = re.compile("[\u00c2\u00c3\u00c5\u00e2][\u0080-\u00bf\u0152\u0153\u0160\u0161"
                       "\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]")


def _check_not_mojibake(data: bytes, name: str, encoding: str) -> None:
    """A UTF-8 file read as cp1252 or latin-1 prints 'ZoÃ« Ã‘ÃºÃ±ez' for 'Zoë Ñúñez': when
    the bytes are UTF-8 and the encoding given makes that pattern of them, say so.

    Raises:
        BatchError: Showing a name both ways, and the fix.
    """
    if _csv_encoding(encoding) == "utf-8-sig" or data.isascii():
        return
    try:
        as_utf8 = data.decode("utf-8-sig")
        as_given = data.decode(text_encoding(encoding))
    except (UnicodeError, LookupError, ValueError):
        return  # not UTF-8 (a real cp1252 file), or the given encoding's own message
    found = _MOJIBAKE.search(as_given)
    if not found:
        return
    line = as_given.count("\n", 0, found.start())
    shown = as_given.splitlines()[line].strip() if as_given.splitlines() else ""
    meant = as_utf8.splitlines()[line].strip() if as_utf8.splitlines() else ""
    raise BatchError(
        f"{name}: line {line + 1} reads as '{shorten(meant, 40)}' in UTF-8, but as "
        f"'{shorten(shown, 40)}' in {encoding}: the file is UTF-8",
        hint=f"Leave out --encoding {encoding} (UTF-8 is the default).")


def check_encoding(path: Path, encoding: str) -> None:
    """Decode the whole file once, in chunks, so a wrong encoding fails before any work.

    Raises:
        BatchError: Naming the encoding problem and how to fix it.
    """
    decoder = codecs.getincrementaldecoder(text_encoding(encoding))()
    _check_not_a_workbook(path)
    _check_not_utf16(path, encoding)
    try:
        with path.open("rb") as handle:
            _check_not_mojibake(handle.read(1 << 20), str(path), encoding)
    except OSError:
        pass  # the read below names the problem
    line = 1
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 16):
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as exc:
                    line += chunk[:max(exc.start, 0)].count(b"\n")
                    raise
                line += chunk.count(b"\n")
            decoder.decode(b"", final=True)
    except (UnicodeError, ValueError):  # UnicodeDecodeError, and UnicodeError from utf-16
        raise BatchError(
            f"{path}: line {line} is not {encoding} text",
            hint="Save the file from your spreadsheet as 'CSV UTF-8', or name its encoding, "
            "for example: --encoding cp1252 (Excel on Windows) or --encoding latin-1.",
        ) from None
    except OSError as exc:
        raise BatchError(f"{path}: cannot be read ({exc.strerror})") from None


_NOT_CSV = ((b"PK\x03\x04", "an Excel or LibreOffice workbook (.xlsx or .ods)"),
            (b"\xd0\xcf\x11\xe0", "an old Excel workbook (.xls)"),
            (b"%PDF-", "a PDF"))


def _check_not_a_workbook(path: Path) -> None:
    """A spreadsheet saved in its own format is named as such, not as a bad encoding."""
    try:
        with path.open("rb") as handle:
            start = handle.read(8)
    except OSError:
        return
    for magic, what in _NOT_CSV:
        if start.startswith(magic):
            raise BatchError(f"{path}: is {what}, not a CSV file",
                             hint="In the spreadsheet, choose Save As (or Export) and the "
                             "format 'CSV UTF-8', then give visitprep that file.")


def text_encoding(encoding: str) -> str:
    """The name of a text encoding Python knows (not a codec such as rot13 or base64).

    Raises:
        BatchError: For an unknown encoding, or a codec that is not a text encoding.
    """
    try:
        info = codecs.lookup(encoding)
    except (LookupError, ValueError, TypeError):
        info = None
    if info is None or not getattr(info, "_is_text_encoding", True):
        raise BatchError(f"unknown encoding '{encoding}'",
                         hint="Try --encoding utf-8, cp1252 or latin-1.")
    return encoding


def _delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_encoding(encoding: str) -> str:
    """UTF-8 is read with or without a byte-order mark."""
    return "utf-8-sig" if encoding.replace("-", "").replace("_", "").lower() == "utf8" \
        else encoding


@contextmanager
def _csv_records(path: Path, encoding: str) -> Iterator[Iterator[list[str]]]:
    """Open a CSV as Excel or LibreOffice writes it and yield its records, header first.

    Accepts a UTF-8 byte-order mark whenever UTF-8 is named, and picks the separator
    (',', ';' or tab) from the header line.
    """
    with path.open("r", encoding=_csv_encoding(encoding), newline="") as handle:
        yield _records(handle)


def _records(handle: TextIO) -> Iterator[list[str]]:
    first = handle.readline()
    handle.seek(0)
    return csv.reader(handle, delimiter=_delimiter(first))


def read_rows(path: Path, encoding: str = "utf-8-sig") -> Iterator[Row]:
    """Yield the data rows of a CSV file as Excel or LibreOffice writes it.

    Handles a UTF-8 byte-order mark, CRLF line ends, quoted fields holding commas or
    line breaks, and ';'- or tab-separated files.

    Raises:
        BatchError: For an empty file, a header with unknown or repeated columns, or
            text that cannot be read as CSV (naming the line).
    """
    with _csv_records(path, encoding) as records:
        for row in _rows_of(_checked(records, str(path)), str(path)):
            yield _template_beside(row, path.parent)


def _template_beside(row: Row, folder: Path) -> Row:
    """A template cell that is a relative path names a file beside the CSV, wherever the
    command runs (as a clinic file's logo is beside the clinic file)."""
    from visitprep.layout import builtin_names, looks_like_path

    value = row.values.get("template", "")
    if not value or value in builtin_names() or not looks_like_path(value):
        return row
    path = Path(value).expanduser() if value.startswith("~") else Path(value)
    if path.is_absolute():
        return row
    return dataclasses.replace(row, values={**row.values, "template": str(folder / path)})


def read_rows_text(text: str, name: str) -> tuple[list[str], Iterator[Row]]:
    """The header cells and the data rows of a CSV already in memory (an upload).

    Raises:
        BatchError: As `read_rows` does, when the rows are first read.
    """
    import io

    header = next(_checked(_records(io.StringIO(text, newline="")), name), [])
    return header, _rows_of(_checked(_records(io.StringIO(text, newline="")), name), name)


def decode_csv(data: bytes, name: str, encoding: str = "utf-8") -> str:
    """Decode an uploaded CSV as `check_encoding` checks a file, with the same message.

    Raises:
        BatchError: For an unknown encoding or bytes that are not text in it.
    """
    _check_not_mojibake(data, name, encoding)
    encoding = text_encoding(_csv_encoding(encoding))
    try:
        return data.decode(encoding)
    except (UnicodeError, ValueError) as exc:
        line = data[:getattr(exc, "start", 0)].count(b"\n") + 1
        raise BatchError(
            f"{name}: line {line} is not {encoding.removesuffix('-sig')} text",
            hint="Save the file from your spreadsheet as 'CSV UTF-8', or choose its "
            "encoding: cp1252 (Excel on Windows) or latin-1.",
        ) from None


# What schedule exports call the columns visitprep reads (after normalize_key).
COLUMN_ALIASES = {"patient": "name", "patient_name": "name", "provider": "doctor",
                  "appointment_date": "visit_date", "appt_date": "visit_date",
                  "appointment": "visit_date", "large_print": LARGE_PRINT}
# The failures file's own columns: read back without a note (see failures_csv).
FAILURES_COLUMNS = ("row", "problem")


def column_key(cell: str) -> str:
    """The key a header cell names ("Visit date" -> visit_date), or "" for an empty one."""
    if not cell.strip():
        return ""
    key = normalize_key(cell)
    return COLUMN_ALIASES.get(key, key)


def ignored_columns(header: list[str]) -> list[str]:
    """The header cells visitprep does not read (an MRN, a phone), as written."""
    return [" ".join(cell.split()) for cell in header
            if (key := column_key(cell)) and key not in READ_COLUMNS
            and key not in FAILURES_COLUMNS]


def column_note(ignored: list[str]) -> str:
    """The one note about the columns a run ignores, with the column a typo may mean."""
    if not ignored:
        return ""
    named = []
    for cell in ignored:
        guess = did_you_mean(column_key(cell), COLUMNS).removeprefix(" ")
        named.append(f"'{visible(shorten(cell, 40))}'"
                     + (f" (d{guess[1:]})" if guess else ""))
    them = "them" if len(ignored) > 1 else "it"
    return (f"Ignored the column{'s' if len(ignored) > 1 else ''} {', '.join(named)}: "
            f"visitprep does not read {them}, and never prints or copies {them}.")


def _rows_of(records: Iterator[list[str]], name: str) -> Iterator[Row]:
    cells = next(records, [])
    if not cells:
        raise BatchError(f"{name}: the file is empty",
                         hint="It needs a header row, for example: name,recurrence,concerns")
    header = [column_key(h) for h in cells]
    _check_header(name, header)
    header = [key if key in READ_COLUMNS else "" for key in header]
    number = 1
    for record in records:
        number += 1
        if not any(cell.strip() for cell in record):
            continue
        values = {key: cell.strip() for key, cell in zip(header, record, strict=False)
                  if key and cell.strip()}
        problem = ""
        if len(record) > len(cells) and any(c.strip() for c in record[len(cells):]):
            problem = (f"has {len(record)} cells but the header has {len(cells)} columns; "
                       "check for a separator inside a value that is not in quotes")
        elif any(_swallowed(cell, len(header), len(record) < len(header))
                 for cell in record):
            problem = ("has a quote mark (\") that is never closed, so the lines after it "
                       "were read into one of its cells; close the quote, or remove it")
        yield Row(number=number, values=values, raw=tuple(record), problem=problem)


def _swallowed(cell: str, columns: int, short: bool) -> bool:
    """A cell that holds whole rows: after a line break, a line with separators (any, in
    a row short of cells; as many as a row has, otherwise)."""
    need = 1 if short else max(columns - 1, 1)
    return any(later.count(sep) >= need for later in cell.split("\n")[1:]
               for sep in (",", ";", "\t"))


def _large_print(values: dict[str, Any], where: str) -> VisitprepError | None:
    """A 'Large print' column: yes asks for the large-print template (unless the row's
    template cell names one); no leaves it; anything else is the row's problem."""
    cell = str(values.pop(LARGE_PRINT, "") or "")
    words = cell.strip().lower()
    if words in ("yes", "y", "true", "1", "x", "on"):
        values.setdefault("template", "large-print")
    elif words not in ("", "no", "n", "false", "0", "off"):
        return ProfileError(f"{where}: 'large_print' must be yes or no, not "
                            f"'{shorten(cell, 40)}'", hint="Leave it empty for the "
                            "standard print.", field=LARGE_PRINT, value=cell,
                            choices=("yes", "no"))
    return None


def _checked(reader: Any, path: Path | str) -> Iterator[list[str]]:
    """The reader's records; a record the csv module cannot read is a BatchError."""
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                problem = (f"a cell is longer than {csv.field_size_limit():,} characters, "
                           "which no field needs")
                hint = "Check for a quote mark (\") that is opened and never closed."
            else:
                problem, hint = "cannot be read as a CSV file", "Save it again as CSV."
            line = getattr(reader, "line_num", 0)
            raise BatchError(f"{path}, line {line}: {problem}", hint=hint) from None
        yield record


@dataclass(frozen=True)
class Plan:
    """What a run will do, known before any work: the rows and the files they write."""

    total: int
    names: dict[str, int]  # casefolded file name -> row number


def plan_batch(path: Path, encoding: str = "utf-8-sig", date_order: str | None = None) -> Plan:
    """Read the whole file once, so every file-level problem stops the run before any work.

    Raises:
        BatchError: For a wrong encoding, an unreadable header or cell, or no rows.
    """
    check_encoding(path, encoding)
    names = Names()
    planned: dict[str, int] = {}
    total = 0
    for row in read_rows(path, _csv_encoding(encoding)):
        total += 1
        wanted, problem = output_name(row, date_order=date_order)
        if not problem and not row.problem:
            planned[names.claim(wanted).casefold()] = row.number
    if not total:
        raise BatchError(f"{path}: has a header but no rows to print")
    return Plan(total, planned)


def header_of(path: Path, encoding: str = "utf-8-sig") -> list[str]:
    """The CSV's header cells as written (for the failures file)."""
    with _csv_records(path, encoding) as records:
        return next(records, [])


def _check_header(path: Path | str, header: list[str]) -> None:
    seen: set[str] = set()
    for key in header:
        if not key or key not in READ_COLUMNS:
            continue  # a column visitprep does not read: ignored (see ignored_columns)
        if key in seen:
            raise BatchError(f"{path}: the column '{key}' appears twice",
                             hint="Delete or rename one of them.")
        seen.add(key)
    if "recurrence" not in seen:
        close = [key for key in header if key and did_you_mean(key, ("recurrence",))]
        raise BatchError(
            f"{path}: there is no 'recurrence' column"
            + (f" ('{close[0]}' is not a column visitprep reads; did you mean "
               "'recurrence'?)" if close else ""),
            hint=f"Columns found: {allowed(h for h in header if h) or 'none'}. "
            "Every row needs a recurrence: local, regional, distant or unsure. Columns "
            f"visitprep reads: {allowed(COLUMNS)}.",
        )


def date_order_of(path: Path, encoding: str = "utf-8-sig", flag: str | None = None,
                  env: Any = None) -> Any:
    """How the run reads numbers-only dates, and why (a :class:`visitprep.dates.DateOrder`):
    the flag, else the file's own dates, else the locale (see `dates.settle_order`)."""
    from visitprep.dates import settle_order

    try:
        texts = [row.values.get("visit_date", "")
                 for row in read_rows(path, _csv_encoding(encoding))]
    except (VisitprepError, OSError, UnicodeError, LookupError, csv.Error):
        texts = []
    return settle_order(flag, texts, env)


def csv_date_order(path: Path, encoding: str = "utf-8-sig") -> str | None:
    """The order of numbers-only dates the file shows itself, read before the run.

    A `13/12/2026` in any row's visit_date settles "dmy" for the whole file, a
    `12/13/2026` "mdy". Returns None when no row settles it, when rows disagree, or when
    the file cannot be read (the run then reports that itself).
    """
    from visitprep.dates import file_order

    try:
        return file_order([row.values.get("visit_date", "")
                           for row in read_rows(path, _csv_encoding(encoding))])
    except (VisitprepError, OSError, UnicodeError, LookupError, csv.Error):
        return None


# -- file names --------------------------------------------------------------------------

def safe_stem(text: str) -> str:
    """Turn text into a file name part that is safe on Windows, macOS and Linux."""
    # Invisible formatting (a soft hyphen, a zero-width space) is dropped, not made a '-'.
    text = "".join(c for c in unicodedata.normalize("NFC", text)
                   if unicodedata.category(c) != "Cf")
    stem = _UNSAFE.sub("-", text.strip()).strip("-.")
    stem = re.sub(r"-{2,}", "-", stem)[:MAX_STEM]
    while len(stem.encode("utf-8")) > MAX_STEM_BYTES:  # room for '-2' and a date on any disk
        stem = stem[:-1]
    stem = stem.rstrip("-.")
    if stem.lower().split(".")[0] in _WINDOWS_RESERVED:
        stem = f"{stem}-file"
    return stem


def output_name(row: Row, suffix: str = ".pdf",
                date_order: str | None = None) -> tuple[str, str]:
    """The file name a row asks for, and a problem if the name is not allowed.

    An output cell ending in .html or .htm makes that row's handout HTML, one ending
    in .pdf a PDF; other names get the suffix of the run's --format.
    """
    wanted = row.values.get(OUTPUT_COLUMN, "")
    if wanted:
        if "/" in wanted or "\\" in wanted or wanted.strip() in (".", ".."):
            return "", (f"output '{wanted}' is a path; give a plain file name such as "
                        "'maria-lopez.pdf' (files always go into the -o folder)")
        base, dot, extension = wanted.rpartition(".")
        if dot and f".{extension.lower()}" in _SUFFIXES:
            suffix = ".htm" if extension.lower() == "htm" else f".{extension.lower()}"
        else:
            base = wanted
        stem = safe_stem(base)
        if not stem:
            return "", f"output '{wanted}' has no letters or digits to make a file name from"
        return f"{stem}{suffix}", ""
    parts = [safe_stem(row.name)] if row.name else [f"row-{row.number}"]
    date = row.values.get("visit_date", "")
    if date:
        try:
            parts.append(parse_date(date, order=date_order).isoformat())
        except ProfileError:
            pass
    stem = "-".join(p for p in parts if p) or f"row-{row.number}"
    return f"{stem}{suffix}", ""


def format_of(file_name: str) -> str:
    """'html' for a .html or .htm file name, else 'pdf'."""
    return _SUFFIXES.get(Path(file_name).suffix.lower(), "pdf")


class Names:
    """Hands out file names that never collide, case-insensitively, in row order."""

    def __init__(self, reserved: frozenset[str] = frozenset()) -> None:
        self.used: set[str] = {name.casefold() for name in reserved}
        self.next: dict[str, int] = {}  # stem -> the next number to try, so n repeats of
        # one name cost n steps, not n squared

    def claim(self, name: str) -> str:
        stem, dot, extension = name.rpartition(".")
        suffix = f"{dot}{extension}"
        key = stem.casefold()
        candidate, number = name, self.next.get(key, 2)
        if candidate.casefold() in self.used:
            candidate = f"{stem}-{number}{suffix}"
            while candidate.casefold() in self.used:
                number += 1
                candidate = f"{stem}-{number}{suffix}"
            self.next[key] = number + 1
        self.used.add(candidate.casefold())
        return candidate


# -- the workers ------------------------------------------------------------------------

_STATE: dict[str, Any] = {}


def _init_worker(bank: QuestionBank | None, defaults: dict[str, Any], clinic: Clinic | None,
                 folder: str, force: bool, parent: int | None = None,
                 date_order: str | None = None, paper: str | None = None) -> None:
    if parent is not None:
        # Ctrl-C and SIGTERM go to the parent, which lets running rows finish and cancels
        # the rest; if the parent dies (even by SIGKILL), the worker exits at once.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        _exit_with_parent(parent)
    if bank is None:
        from visitprep.bank import load_bank

        bank = load_bank()
    # One thread per worker writes files (and waits for the disk) while the worker
    # draws the next handout; only the worker's main thread uses reportlab.
    _STATE.update(bank=bank, defaults=defaults, clinic=clinic, folder=Path(folder),
                  force=force, layouts={}, writer=ThreadPoolExecutor(max_workers=1),
                  date_order=date_order, paper=paper)


def _exit_with_parent(parent: int) -> None:
    try:  # Linux: the kernel kills the worker when the parent dies
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass

    def watch() -> None:  # everywhere else, and for a parent that died before prctl
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="visitprep-parent-watch", daemon=True).start()


def as_row_error(row: Row, exc: BaseException) -> VisitprepError:
    """Any error in a row, of any kind, as the row's VisitprepError (never a traceback)."""
    if isinstance(exc, VisitprepError):
        return exc
    if isinstance(exc, OSError):
        return OutputError(f"cannot write {row.output or 'its handout'}: {os_reason(exc)}")
    if isinstance(exc, RecursionError | MemoryError):
        return VisitprepError("is too large or too deeply nested to print")
    return UnexpectedError(
        f"could not be printed because of an unexpected problem ({type(exc).__name__}). "
        "This is a bug in visitprep; the other rows are not affected")


class UnexpectedError(VisitprepError):
    """A row hit a problem visitprep did not expect (a bug); the other rows go on."""


def failure_message(row: Row, exc: VisitprepError) -> str:
    """The one line that reports a bad row, starting with the row and the person."""
    message = exc.one_line()
    return message if message.startswith(row.where) else f"{row.where}: {message}"


def _failed(row: Row, exc: BaseException, kind: str = "input") -> RowResult:
    from visitprep.profile import AmbiguousDateError, problems_of

    error = as_row_error(row, exc)
    if isinstance(error, OutputError):
        kind = "output"
    elif isinstance(error, UnexpectedError):
        kind = "bug"
    every = problems_of(error)
    return RowResult(row.number, "failed", message=failure_message(row, error), kind=kind,
                     needs_order=any(isinstance(one, AmbiguousDateError) for one in every),
                     problems=tuple(failure_message(row, one).removeprefix(f"{row.where}: ")
                                    for one in every))


def bookmark(profile: Any, row: Row) -> str:
    """A handout's bookmark in the merged file: "Ann Lee, Tuesday, December 8, 2026"."""
    from visitprep.document import format_date

    name = profile.name or f"Row {row.number}"
    return f"{name}, {format_date(profile.visit_date)}" if profile.visit_date else name


def _row_profile(row: Row, bank: QuestionBank, defaults: dict[str, Any],
                 layouts: dict[str, Any], date_order: str | None = None) -> tuple[Any, Any]:
    """A row's validated profile and its layout (loaded once per template).

    Raises:
        VisitprepError: Naming every problem of the row at once (its template too).
    """
    from visitprep.layout import load_layout
    from visitprep.profile import combine, profile_from_mapping, template_name

    values = {k: v for k, v in row.values.items() if k != OUTPUT_COLUMN}
    problems: list[VisitprepError] = []
    large = _large_print(values, row.where)
    if large:
        problems.append(large)
    profile = None
    try:
        profile = profile_from_mapping({**defaults, **values}, bank, row.where,
                                       date_order=date_order)
        template = profile.template
    except ProfileError as exc:
        problems.append(exc)
        raw = {**defaults, **values}.get("template")
        template = template_name(raw) if raw not in (None, "") else "standard"
    if template not in layouts:
        try:
            layouts[template] = load_layout(template)
        except VisitprepError as exc:
            exc.field = exc.field or "template"
            exc.value = exc.value or template
            if not exc.message.startswith(row.where):
                exc.message = f"{row.where}: {exc.message}"
            problems.append(exc)
    if problems:
        raise combine(problems, row.where)
    return profile, layouts[template]


def make_row_pdf(row: Row, bank: QuestionBank, defaults: dict[str, Any],
                 clinic: Clinic | None, layouts: dict[str, Any], *,
                 fmt: str = "pdf", date_order: str | None = None) -> bytes:
    """Validate one row and draw its handout (the output column aside).

    Args:
        layouts: Layouts loaded so far, by template; filled as rows need them.
        fmt: 'pdf', or 'html' for the accessible page.
        date_order: "mdy" or "dmy" for numbers-only dates (see :func:`csv_date_order`).

    Raises:
        VisitprepError: For a bad value (`field` names the column when one is at fault),
            and for any other problem of this row, so one row never stops the others.
    """
    from visitprep.handout import make_handout

    try:
        profile, layout = _row_profile(row, bank, defaults, layouts, date_order)
        return make_handout(profile, bank, layout=layout, clinic=clinic, fmt=fmt)
    except Exception as exc:  # noqa: BLE001 - one row's problem of any kind is that row's
        raise as_row_error(row, exc) from None


def on_one_paper(profile: Any, row: Row, paper: str | None) -> tuple[Any, str]:
    """The profile on the merged file's paper, and a note when the row asked another."""
    if not paper or profile.paper == paper:
        return profile, ""
    return dataclasses.replace(profile, paper=paper), (
        f"{row.where}: asks for {profile.paper} paper; printed on {paper} like the rest of "
        "the merged file.")


@dataclass(frozen=True)
class Merged:
    """One row's handout for a merged file: the PDF, its bookmark, and a note if any."""

    pdf: bytes
    title: str
    note: str = ""


def make_row_for_merge(row: Row, bank: QuestionBank, defaults: dict[str, Any],
                       clinic: Clinic | None, layouts: dict[str, Any], *,
                       date_order: str | None = None, paper: str | None = None) -> Merged:
    """As `make_row_pdf`, on one paper for the whole merged file, with its bookmark.

    Raises:
        VisitprepError: Naming every problem of the row.
    """
    from visitprep.handout import make_handout

    try:
        profile, layout = _row_profile(row, bank, defaults, layouts, date_order)
        profile, note = on_one_paper(profile, row, paper)
        return Merged(make_handout(profile, bank, layout=layout, clinic=clinic),
                      bookmark(profile, row), note)
    except Exception as exc:  # noqa: BLE001 - one row's problem of any kind is that row's
        raise as_row_error(row, exc) from None


def _changed(row: Row) -> RowResult:
    return RowResult(
        row.number, "changed", row.output,
        f"{row.where}: {row.output} is already there but is not the handout this row prints "
        "now (its answers, the bank, the template or the clinic differ, or another program "
        "made it); kept the old file. Add --force to replace it, or give this row its own "
        "file name in the 'output' column.", kind="changed")


def render_row(row: Row) -> RowResult | tuple[bytes, str, str, str]:
    """Validate one row and make its handout: the PDF and its fingerprint, or the row's
    result if there is nothing to write. Runs in a worker process; never raises."""
    from visitprep.handout import fingerprint, make_handout, read_fingerprint

    if row.problem:
        return RowResult(row.number, "failed",
                         message=f"{row.where}: {full_stop(visible(row.problem))}")
    target = _STATE["folder"] / row.output
    try:
        kind = kind_of(target)
        if kind not in (None, "file"):
            return RowResult(row.number, "failed", message=(
                f"{row.where}: {row.output} is {kind}, not a regular file; visitprep never "
                "replaces it. Remove it, or give this row its own file name in the 'output' "
                "column."), kind="output")
        profile, layout = _row_profile(row, _STATE["bank"], _STATE["defaults"],
                                       _STATE["layouts"], _STATE.get("date_order"))
        pdf = format_of(row.output) == "pdf"  # an HTML page is not in the merged file
        profile, note = on_one_paper(profile, row, _STATE.get("paper") if pdf else None)
        made_from = fingerprint(profile, _STATE["bank"], layout, _STATE["clinic"])
        title = bookmark(profile, row)
        if kind == "file" and not _STATE["force"]:
            if read_fingerprint(target) == made_from:
                return RowResult(row.number, "skipped", row.output,
                                 f"{row.where}: {row.output} is already there and unchanged; "
                                 "kept it.", note=note, title=title)
            return _changed(row)
        return make_handout(profile, _STATE["bank"], layout=layout, clinic=_STATE["clinic"],
                            fmt=format_of(row.output)), made_from, note, title
    except Exception as exc:  # noqa: BLE001 - one row's problem of any kind is that row's
        return _failed(row, exc)


def write_row(row: Row, pdf: bytes, made_from: str = "", note: str = "",
              title: str = "") -> RowResult:
    """Write one row's handout atomically, never over an existing file without --force.

    Another run may write the same file meanwhile: if it holds this row's handout, it
    is kept; otherwise the row is reported as changed."""
    from visitprep.handout import read_fingerprint

    try:
        write_atomic(_STATE["folder"] / row.output, pdf, force=_STATE["force"])
    except TargetExistsError:
        if made_from and read_fingerprint(_STATE["folder"] / row.output) == made_from:
            return RowResult(row.number, "skipped", row.output,
                             f"{row.where}: {row.output} was made meanwhile by another run, "
                             "from the same row; kept it.", note=note, title=title)
        return _changed(row)
    except Exception as exc:  # noqa: BLE001 - one row's problem of any kind is that row's
        return _failed(row, exc)
    return RowResult(row.number, "written", row.output, note=note, title=title)


def make_rows(rows: list[Row]) -> list[RowResult]:
    """Make a few rows' handouts: one task for a worker, to spare a round trip per row.

    Each file is written by the worker's writer thread while the next is drawn.
    """
    writer: ThreadPoolExecutor = _STATE["writer"]
    made: list[RowResult | Future[RowResult]] = []
    for row in rows:
        pdf = render_row(row)
        made.append(pdf if isinstance(pdf, RowResult) else writer.submit(write_row, row, *pdf))
    results: list[RowResult] = []
    for row, item in zip(rows, made, strict=True):
        try:
            results.append(item if isinstance(item, RowResult) else item.result())
        except Exception as exc:  # noqa: BLE001
            results.append(_failed(row, exc))
    return results


# -- the run ----------------------------------------------------------------------------

Report = Callable[[RowResult, Summary], None]


MAX_CHUNK = 16  # rows per task for a worker
JOBS_PER_CORE = 2  # more workers than this never made a batch faster


def chunk_size(remaining: int | None, jobs: int) -> int:
    """Rows for the next task: several while many rows remain (fewer round trips), then
    fewer and fewer, so the workers finish together."""
    if not remaining:
        return 1
    return max(1, min(MAX_CHUNK, remaining // (max(jobs, 1) * 8)))


def worker_count(requested: int | None, rows: int | None) -> int:
    """The workers worth starting: as asked (one per core by default), but never more
    than the rows, nor more than a small multiple of the cores."""
    cores = default_jobs()
    jobs = cores if requested is None else max(1, requested)
    jobs = min(jobs, JOBS_PER_CORE * cores)
    return max(1, min(jobs, rows)) if rows else jobs


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: object) -> None:
        raise Terminated

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _names_in(folder: Path) -> set[str]:
    try:
        return {entry.name.casefold() for entry in os.scandir(folder)}
    except OSError:
        return set()


def run_batch(csv_path: Path, folder: Path, *, jobs: int, force: bool = False,
              encoding: str = "utf-8-sig", bank: QuestionBank | None = None,
              defaults: dict[str, Any] | None = None, clinic: Clinic | None = None,
              report: Report = lambda result, summary: None,
              total: int | None = None, fmt: str = "pdf",
              reserved: frozenset[str] = frozenset(),
              date_order: str | None = None, one_paper: str | None = None) -> Summary:
    """Print one handout per row of a CSV file.

    Args:
        csv_path: The clinic list.
        folder: Where the handouts go (it must exist).
        jobs: Worker processes (capped by :func:`worker_count`).
        force: Replace handouts that are already there (otherwise an unchanged one is
            kept and a changed one is reported).
        encoding: The CSV's text encoding.
        bank: The question bank (a clinic's, already loaded), or None for the built-in
            one. Workers started by fork share the parent's copy.
        defaults: Values for columns a row leaves empty (template, paper, fillable).
        clinic: The clinic block printed on every handout.
        report: Called after each row, in row order.
        total: How many rows the file has, if known: long lists go to the workers a
            few rows at a time.
        fmt: 'pdf' or 'html', for rows whose output cell does not choose one.
        reserved: File names in the folder no row may take (the merged file, the CSV
            itself), even if the file changed since it was checked.
        date_order: "mdy" or "dmy" for numbers-only dates that can be read both ways
            (see :func:`date_order_of`); None leaves such a date that row's error.
        one_paper: Every PDF handout on this paper (for --merge): a row asking another
            is printed on it, with a note.

    Returns:
        The summary; `interrupted` is set when Ctrl-C or SIGTERM stopped the run early.

    Raises:
        BatchError: When the file as a whole cannot be read.
    """
    check_encoding(csv_path, encoding)
    clean_stale_parts(folder)
    rows = read_rows(csv_path, encoding)
    first = next(rows, None)
    if first is None:
        raise BatchError(f"{csv_path}: has a header but no rows to print")
    summary = Summary()
    names = Names(reserved)
    start = time.perf_counter()
    jobs = worker_count(jobs, total)
    summary.workers = jobs

    def named(row: Row) -> Row:
        wanted, problem = output_name(row, f".{fmt}", date_order)
        if problem:
            return dataclasses.replace(row, problem=row.problem or problem)
        return dataclasses.replace(row, output=names.claim(wanted))

    def record(row: Row, result: RowResult) -> None:
        if result.status == "written":
            summary.written += 1
        elif result.status == "skipped":
            summary.skipped += 1
        elif result.status == "changed":
            summary.changed += 1
        else:
            summary.failed += 1
        if result.status in ("changed", "failed"):
            summary.failures.append((row, result.message))
            summary.problems.append((row, result.message, result.kind or "input"))
        if result.file and result.status in ("written", "skipped"):
            summary.files[row.number] = result.file
            summary.titles[row.number] = result.title or row.where.capitalize()
        if result.note:
            summary.notes.append(result.note)
        summary.needs_order += result.needs_order
        summary.seconds = time.perf_counter() - start
        report(result, summary)

    def all_rows() -> Iterator[Row]:
        yield named(first)
        for row in rows:
            yield named(row)

    def new_executor() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=jobs, initializer=_init_worker,
            initargs=(bank, defaults or {}, clinic, str(folder), force, os.getpid(),
                      date_order, one_paper))

    window = jobs * 4  # tasks in flight or waiting to be reported; bounds the rows read
    submitted = 0
    executor = new_executor()
    # Tasks in row order: [future, rows, results once known]. Results are reported in
    # row order, so the messages read like the spreadsheet.
    tasks: deque[list[Any]] = deque()

    def crashed(rows_now: list[Row]) -> list[RowResult]:
        return [RowResult(row.number, "failed", message=(
            f"{row.where}: the worker printing this row stopped unexpectedly (it may need "
            "more memory than this computer has). The other rows are not affected."),
            kind="bug") for row in rows_now]

    before = _names_in(folder)  # so a row retried after a crash is not "already there"

    def written_by_this_run(result: RowResult) -> RowResult:
        if result.status == "skipped" and result.file.casefold() not in before:
            return dataclasses.replace(result, status="written", message="")
        return result

    def recover() -> None:
        """A worker died: the pool is broken. Keep what finished, then print each row of
        the broken tasks alone in a new pool, so only a row that kills a worker fails."""
        nonlocal executor
        executor.shutdown(wait=False, cancel_futures=True)
        executor = new_executor()
        for task in tasks:
            future, rows_now, results = task
            if results is not None:
                continue
            if future.done() and not future.cancelled() and future.exception() is None:
                task[2] = future.result()
                continue
            task[2] = []
            for row in rows_now:
                try:
                    again = executor.submit(make_rows, [row]).result()
                    task[2] += [written_by_this_run(result) for result in again]
                except BrokenProcessPool:
                    task[2] += crashed([row])
                    executor.shutdown(wait=False, cancel_futures=True)
                    executor = new_executor()

    def settle(task: list[Any]) -> None:
        future, rows_now, results = task
        if results is not None:
            return
        try:
            task[2] = future.result()
        except BrokenProcessPool:
            recover()
        except Exception as exc:  # noqa: BLE001 - a task that failed as a whole
            task[2] = [_failed(row, exc, "bug") for row in rows_now]

    try:
        with _sigterm_as_interrupt():
            source = all_rows()
            exhausted = False
            while tasks or not exhausted:
                while not exhausted and len(tasks) < window:
                    chunk = chunk_size(total - submitted if total else None, jobs)
                    rows_now = list(itertools.islice(source, chunk))
                    exhausted = len(rows_now) < chunk
                    submitted += len(rows_now)
                    if rows_now:
                        tasks.append([executor.submit(make_rows, rows_now), rows_now, None])
                if not tasks:
                    break
                if tasks[0][2] is None:
                    wait([tasks[0][0]])  # rows are reported in order: the first one's turn
                while tasks and (tasks[0][2] is not None or tasks[0][0].done()):
                    settle(tasks[0])
                    _, rows_now, results = tasks.popleft()
                    for row, result in zip(rows_now, results, strict=True):
                        record(row, result)
    except KeyboardInterrupt as stop:
        summary.interrupted = True
        summary.signal = "SIGTERM" if isinstance(stop, Terminated) else "SIGINT"
        for task in tasks:
            task[0].cancel()
        # Rows already running finish writing their whole file; nothing is half-written.
        for future, rows_now, results in tasks:
            if results is None and future.cancelled():
                continue
            try:
                done = results if results is not None else future.result()
                for row, result in zip(rows_now, done, strict=True):
                    record(row, result)
            except Exception:  # noqa: BLE001 - the run is stopping; keep what finished
                pass
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
    summary.seconds = time.perf_counter() - start
    return summary


# -- after the run ------------------------------------------------------------------------

def _safe_cell(value: str) -> str:
    """Keep a spreadsheet from reading a cell as a formula."""
    return f"'{value}" if value.startswith(_FORMULA_START) else value


FAILURES_START = "\ufeffrow,problem"


def failures_file_state(path: Path) -> str:
    """'none', 'ours' (a failures file visitprep wrote) or 'other' (anything else)."""
    try:
        kind = kind_of(path)
    except OutputError:
        return "other"
    if kind is None:
        return "none"
    if kind != "file":
        return "other"
    try:
        with path.open("rb") as handle:
            start = handle.read(len(FAILURES_START.encode("utf-8")))
    except OSError:
        return "other"
    return "ours" if start == FAILURES_START.encode("utf-8") else "other"


def write_failures(path: Path, header: list[str], failures: list[tuple[Row, str]], *,
                   force: bool = False) -> None:
    """Write the bad rows and their reasons as a CSV a spreadsheet opens safely.

    A failures file of an earlier run is replaced; any other file only with force.

    Raises:
        OutputError: If a file that is not a failures file is in the way, or the disk
            refuses.
    """
    if failures_file_state(path) == "other" and not force:
        raise TargetExistsError(f"{path} already exists and is not a failures file "
                                "visitprep wrote; left it as it is",
                                hint="The failed rows are listed above. Add --force to "
                                "replace that file.")
    write_atomic(path, failures_csv(header, failures), force=True)


def failures_csv(header: list[str], failures: list[tuple[Row, str]]) -> bytes:
    """The failures file's bytes: the bad rows, their reasons and their original cells."""
    import io

    # The columns visitprep reads, as the input wrote them (so the file is fixed in a
    # spreadsheet and fed back as it is); columns it ignores (an MRN, a phone) are never
    # copied: the row number finds the row in the original list.
    kept = [i for i, cell in enumerate(header) if column_key(cell) in READ_COLUMNS]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["row", "problem", *(header[i] for i in kept)])
    for row, message in sorted(failures, key=lambda pair: pair[0].number):
        cells = [row.raw[i] if i < len(row.raw) else "" for i in kept]
        writer.writerow([str(row.number), _safe_cell(message),
                         *(_safe_cell(cell) for cell in cells)])
    # UTF-8 with a byte-order mark, so Excel shows every alphabet correctly.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def remove_old_failures(path: Path) -> bool:
    """Remove the failures file of an earlier run (only one visitprep wrote)."""
    if failures_file_state(path) != "ours":
        return False
    try:
        path.unlink()
    except OSError:
        return False
    return True


MERGED_MARK = "visitprep-merged:"
MEMBERS_MARK = "handouts:"  # then the file names a merged file holds, tab-separated
MERGED_FORMAT = "2"  # bookmarks, shared fonts: a merged file of an older visitprep is rebuilt


def merged_digest(files: list[Path], titles: list[str] | None = None) -> str:
    """What a merged file is made of: each handout's name, fingerprint and bookmark, in
    order."""
    import hashlib

    from visitprep.handout import read_fingerprint

    digest = hashlib.sha256(f"format {MERGED_FORMAT}".encode())
    for index, file in enumerate(files):
        title = titles[index] if titles else ""
        digest.update(f"\n{file.name}:{read_fingerprint(file)}:{title}".encode())
    return digest.hexdigest()[:32]


def read_merged_digest(path: Path) -> str | None:
    """The digest recorded in a merged file visitprep wrote, or None (never raises)."""
    return _read_merged(path)[0]


def read_merged_members(path: Path) -> list[str]:
    """The handouts (file names) a merged file visitprep wrote holds; [] if it does not say
    (never raises)."""
    return _read_merged(path)[1]


def _read_merged(path: Path) -> tuple[str | None, list[str]]:
    try:
        if kind_of(path) != "file":
            return None, []
        from pypdf import PdfReader

        metadata: Any = PdfReader(path).metadata or {}  # reads the trailer, not every page
        keywords = str(metadata.get("/Keywords", ""))
    except Exception:  # noqa: BLE001 - anything unreadable is not a merged file
        return None, []
    match = re.fullmatch(re.escape(MERGED_MARK) + r"([0-9a-f]{32})(?: " + re.escape(MEMBERS_MARK)
                         + r"(.*))?", keywords, flags=re.S)
    if not match:
        return None, []
    return match.group(1), [name for name in (match.group(2) or "").split("\t") if name]


def merge_pdfs(files: list[Path], target: Path, *, force: bool, digest: str = "",
               titles: list[str] | None = None) -> int:
    """Join handouts into one file for double-sided printing, written as they are read.

    Every handout starts on a front side (one with an odd number of pages is followed by
    a blank page, so no sheet carries two people's questions) and has a bookmark. Memory
    stays flat however many handouts there are (see :mod:`visitprep.merged`).

    Args:
        digest: What the merged file is made of (see `merged_digest`), recorded in it so a
            rerun can tell whether it changed.
        titles: Each handout's bookmark (default: its file name).

    Returns:
        The number of pages of the merged file.

    Raises:
        OutputError: If a handout cannot be read or the file cannot be written; no merged
            file is left behind then.
    """
    from visitprep.merged import MergedWriter

    pages = 0

    def write(handle: Any) -> None:
        nonlocal pages
        # The handouts it holds ride along, so a rerun can tell whom a rebuild would drop.
        members = "\t".join(Path(file).name for file in files if not isinstance(file, bytes))
        merged = MergedWriter(handle, keywords=(f"{MERGED_MARK}{digest}" + (
            f" {MEMBERS_MARK}{members}" if members else "")) if digest else "")
        for index, file in enumerate(files):
            _add(merged, file, titles[index] if titles else Path(file).stem)
        pages = merged.close()

    write_atomic_with(target, write, force=force)
    return pages


def _add(merged: Any, file: Path | bytes, title: str) -> None:
    """One handout into a merged file; a broken one is an OutputError naming it."""
    from visitprep.merged import HandoutUnreadableError

    try:
        if isinstance(file, bytes):
            data = file
        else:
            fd = os.open(file, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            with os.fdopen(fd, "rb") as handle:
                data = handle.read()
        merged.add(data, title)
    except (HandoutUnreadableError, OSError):
        shown = "a handout" if isinstance(file, bytes) else str(file)
        raise OutputError(f"cannot merge {shown}: it is not a whole PDF any more",
                          hint="Delete it and run the same command again to make it "
                          "anew.") from None


def join_pdfs(files: Iterable[Path | bytes], *, keywords: str = "",
              titles: Iterable[str] = ()) -> tuple[bytes, int]:
    """Join handouts (files or bytes) for double-sided printing, as `merge_pdfs` does,
    into memory (the web page's merged file).

    Returns:
        The merged PDF and its number of pages.

    Raises:
        OutputError: If a handout is not a whole PDF.
    """
    import io

    from visitprep.merged import MergedWriter

    buffer = io.BytesIO()
    merged = MergedWriter(buffer, keywords=keywords)
    names = iter(titles)
    for number, file in enumerate(files, 1):
        title = next(names, "") or (file.stem if isinstance(file, Path) else f"Handout {number}")
        _add(merged, file, title)
    pages = merged.close()
    return buffer.getvalue(), pages


def default_jobs() -> int:
    """One worker per core."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
        os.cpu_count() or 1)
