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
import time
import unicodedata
from collections.abc import Callable, Iterator
from concurrent.futures import (
    FIRST_COMPLETED,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
    wait,
)
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from visitprep.errors import ProfileError, VisitprepError, allowed, did_you_mean
from visitprep.models import Clinic, QuestionBank
from visitprep.output import write_atomic
from visitprep.profile import KEYS, normalize_key, parse_date

OUTPUT_COLUMN = "output"
COLUMNS: tuple[str, ...] = (*KEYS, OUTPUT_COLUMN)
DELIMITERS = (",", ";", "\t")
MAX_STEM = 80
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
        return " ".join(self.values.get("name", "").split())

    @property
    def where(self) -> str:
        return f"row {self.number} ({self.name})" if self.name else f"row {self.number}"


@dataclass(frozen=True)
class RowResult:
    """What happened to one row."""

    number: int
    status: str  # written, skipped, failed
    file: str = ""
    message: str = ""


@dataclass
class Summary:
    """The run so far."""

    written: int = 0
    skipped: int = 0
    failed: int = 0
    seconds: float = 0.0
    interrupted: bool = False
    failures: list[tuple[Row, str]] = field(default_factory=list)
    files: dict[int, str] = field(default_factory=dict)  # row number -> file, for --merge

    @property
    def done(self) -> int:
        return self.written + self.skipped + self.failed


# -- reading the CSV --------------------------------------------------------------------

def check_encoding(path: Path, encoding: str) -> None:
    """Decode the whole file once, in chunks, so a wrong encoding fails before any work.

    Raises:
        BatchError: Naming the encoding problem and how to fix it.
    """
    try:
        decoder = codecs.getincrementaldecoder(encoding)()
    except LookupError:
        raise BatchError(f"unknown encoding '{encoding}'",
                         hint="Try --encoding utf-8, cp1252 or latin-1.") from None
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
    except UnicodeDecodeError:
        raise BatchError(
            f"{path}: line {line} is not {encoding} text",
            hint="Save the file from your spreadsheet as 'CSV UTF-8', or name its encoding, "
            "for example: --encoding cp1252 (Excel on Windows) or --encoding latin-1.",
        ) from None
    except OSError as exc:
        raise BatchError(f"{path}: cannot be read ({exc.strerror})") from None


def _delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


@contextmanager
def _csv_records(path: Path, encoding: str) -> Iterator[Iterator[list[str]]]:
    """Open a CSV as Excel or LibreOffice writes it and yield its records, header first.

    Accepts a UTF-8 byte-order mark whenever UTF-8 is named, and picks the separator
    (',', ';' or tab) from the header line.
    """
    if encoding.replace("-", "").replace("_", "").lower() == "utf8":
        encoding = "utf-8-sig"
    with path.open("r", encoding=encoding, newline="") as handle:
        first = handle.readline()
        handle.seek(0)
        yield csv.reader(handle, delimiter=_delimiter(first))


def read_rows(path: Path, encoding: str = "utf-8-sig") -> Iterator[Row]:
    """Yield the data rows of a CSV file as Excel or LibreOffice writes it.

    Handles a UTF-8 byte-order mark, CRLF line ends, quoted fields holding commas or
    line breaks, and ';'- or tab-separated files.

    Raises:
        BatchError: For an empty file, or a header with unknown or repeated columns.
    """
    with _csv_records(path, encoding) as records:
        cells = next(records, [])
        if not cells:
            raise BatchError(f"{path}: the file is empty",
                             hint="It needs a header row, for example: name,recurrence,concerns")
        header = [normalize_key(h) if h.strip() else "" for h in cells]
        _check_header(path, header)
        number = 1
        for record in records:
            number += 1
            if not any(cell.strip() for cell in record):
                continue
            values = {key: cell.strip() for key, cell in zip(header, record, strict=False)
                      if key and cell.strip()}
            problem = ""
            if len(record) > len(header) and any(c.strip() for c in record[len(header):]):
                problem = (f"has {len(record)} cells but the header has {len(header)} columns; "
                           "check for a separator inside a value that is not in quotes")
            yield Row(number=number, values=values, raw=tuple(record), problem=problem)


def header_of(path: Path, encoding: str = "utf-8-sig") -> list[str]:
    """The CSV's header cells as written (for the failures file)."""
    with _csv_records(path, encoding) as records:
        return next(records, [])


def _check_header(path: Path, header: list[str]) -> None:
    seen: set[str] = set()
    for key in header:
        if not key:
            continue
        if key not in COLUMNS:
            raise BatchError(
                f"{path}: unknown column '{key}'.{did_you_mean(key, COLUMNS)}",
                hint=f"Columns visitprep reads: {allowed(COLUMNS)}.",
            )
        if key in seen:
            raise BatchError(f"{path}: the column '{key}' appears twice")
        seen.add(key)
    if "recurrence" not in seen:
        raise BatchError(
            f"{path}: there is no 'recurrence' column",
            hint=f"Columns found: {allowed(h for h in header if h) or 'none'}. "
            "Every row needs a recurrence: local, regional, distant or unsure.",
        )


def csv_date_order(path: Path, encoding: str = "utf-8-sig") -> str | None:
    """The order of numbers-only dates the file shows itself, read before the run.

    A `13/12/2026` in any row's visit_date settles "dmy" for the whole file, a
    `12/13/2026` "mdy". Returns None when no row settles it, when rows disagree, or when
    the file cannot be read (the run then reports that itself).
    """
    from visitprep.dates import file_order

    try:
        return file_order([row.values.get("visit_date", "") for row in read_rows(path, encoding)])
    except (VisitprepError, OSError, UnicodeDecodeError, csv.Error):
        return None


# -- file names --------------------------------------------------------------------------

def safe_stem(text: str) -> str:
    """Turn text into a file name part that is safe on Windows, macOS and Linux."""
    text = unicodedata.normalize("NFC", text)
    stem = _UNSAFE.sub("-", text.strip()).strip("-.")
    stem = re.sub(r"-{2,}", "-", stem)[:MAX_STEM].rstrip("-.")
    if stem.lower().split(".")[0] in _WINDOWS_RESERVED:
        stem = f"{stem}-file"
    return stem


def output_name(row: Row, date_order: str | None = None) -> tuple[str, str]:
    """The file name a row asks for, and a problem if the name is not allowed."""
    wanted = row.values.get(OUTPUT_COLUMN, "")
    if wanted:
        if "/" in wanted or "\\" in wanted or wanted.strip() in (".", ".."):
            return "", (f"output '{wanted}' is a path; give a plain file name such as "
                        "'maria-lopez.pdf' (files always go into the -o folder)")
        base = wanted[:-4] if wanted.lower().endswith(".pdf") else wanted
        stem = safe_stem(base)
        if not stem:
            return "", f"output '{wanted}' has no letters or digits to make a file name from"
        return f"{stem}.pdf", ""
    parts = [safe_stem(row.name)] if row.name else [f"row-{row.number}"]
    date = row.values.get("visit_date", "")
    if date:
        try:
            parts.append(parse_date(date, order=date_order).isoformat())
        except ProfileError:
            pass
    stem = "-".join(p for p in parts if p) or f"row-{row.number}"
    return f"{stem}.pdf", ""


class Names:
    """Hands out file names that never collide, case-insensitively, in row order."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def claim(self, name: str) -> str:
        stem, suffix = name[:-4], ".pdf"
        candidate, number = name, 2
        while candidate.casefold() in self.used:
            candidate, number = f"{stem}-{number}{suffix}", number + 1
        self.used.add(candidate.casefold())
        return candidate


# -- the workers ------------------------------------------------------------------------

_STATE: dict[str, Any] = {}


def _init_worker(bank: QuestionBank | None, defaults: dict[str, Any], clinic: Clinic | None,
                 folder: str, force: bool, date_order: str | None = None) -> None:
    # Ctrl-C goes to the parent, which lets running rows finish and cancels the rest.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if bank is None:
        from visitprep.bank import load_bank

        bank = load_bank()
    # One thread per worker writes files (and waits for the disk) while the worker
    # draws the next handout; only the worker's main thread uses reportlab.
    _STATE.update(bank=bank, defaults=defaults, clinic=clinic, folder=Path(folder),
                  force=force, layouts={}, writer=ThreadPoolExecutor(max_workers=1),
                  date_order=date_order)


def _one_line(exc: VisitprepError) -> str:
    return f"{exc.message} {exc.hint}".replace("\n", " ").strip() if exc.hint else exc.message


def _failed(row: Row, exc: VisitprepError) -> RowResult:
    message = _one_line(exc)
    if not message.startswith(row.where):
        message = f"{row.where}: {message}"
    return RowResult(row.number, "failed", message=message)


def render_row(row: Row) -> RowResult | bytes:
    """Validate one row and make its handout: the PDF, or the row's result if there is
    nothing to write. Runs in a worker process."""
    from visitprep.handout import make_handout
    from visitprep.layout import load_layout
    from visitprep.profile import profile_from_mapping

    if row.problem:
        return RowResult(row.number, "failed", message=f"{row.where}: {row.problem}")
    if (_STATE["folder"] / row.output).exists() and not _STATE["force"]:
        return RowResult(row.number, "skipped", row.output,
                         f"{row.where}: {row.output} is already there; kept it "
                         "(add --force to replace it)")
    values = {k: v for k, v in row.values.items() if k != OUTPUT_COLUMN}
    try:
        profile = profile_from_mapping({**_STATE["defaults"], **values}, _STATE["bank"],
                                       row.where, date_order=_STATE.get("date_order"))
        layouts: dict[str, Any] = _STATE["layouts"]
        if profile.template not in layouts:
            layouts[profile.template] = load_layout(profile.template)
        return make_handout(profile, _STATE["bank"], layout=layouts[profile.template],
                            clinic=_STATE["clinic"])
    except VisitprepError as exc:
        return _failed(row, exc)


def write_row(row: Row, pdf: bytes) -> RowResult:
    """Write one row's handout atomically, never over an existing file without --force."""
    try:
        write_atomic(_STATE["folder"] / row.output, pdf, force=_STATE["force"])
    except VisitprepError as exc:
        return _failed(row, exc)
    return RowResult(row.number, "written", row.output)


def make_rows(rows: list[Row]) -> list[RowResult]:
    """Make a few rows' handouts: one task for a worker, to spare a round trip per row.

    Each file is written by the worker's writer thread while the next is drawn.
    """
    writer: ThreadPoolExecutor = _STATE["writer"]
    made: list[RowResult | Future[RowResult]] = []
    for row in rows:
        pdf = render_row(row)
        made.append(pdf if isinstance(pdf, RowResult) else writer.submit(write_row, row, pdf))
    return [item if isinstance(item, RowResult) else item.result() for item in made]


# -- the run ----------------------------------------------------------------------------

Report = Callable[[RowResult, Summary], None]


MAX_CHUNK = 16  # rows per task for a worker


def chunk_size(remaining: int | None, jobs: int) -> int:
    """Rows for the next task: several while many rows remain (fewer round trips), then
    fewer and fewer, so the workers finish together."""
    if not remaining:
        return 1
    return max(1, min(MAX_CHUNK, remaining // (max(jobs, 1) * 8)))


def run_batch(csv_path: Path, folder: Path, *, jobs: int, force: bool = False,
              encoding: str = "utf-8-sig", bank: QuestionBank | None = None,
              defaults: dict[str, Any] | None = None, clinic: Clinic | None = None,
              report: Report = lambda result, summary: None,
              total: int | None = None, date_order: str | None = None) -> Summary:
    """Print one handout per row of a CSV file.

    Args:
        csv_path: The clinic list.
        folder: Where the handouts go (it must exist).
        jobs: Worker processes.
        force: Replace handouts that are already there (otherwise they are kept).
        encoding: The CSV's text encoding.
        bank: The question bank (a clinic's, already loaded), or None for the built-in
            one. Workers started by fork share the parent's copy.
        defaults: Values for columns a row leaves empty (template, paper, fillable).
        clinic: The clinic block printed on every handout.
        report: Called after each row, in the order rows finish.
        total: How many rows the file has, if known: long lists go to the workers a
            few rows at a time.
        date_order: "mdy" or "dmy" for numbers-only dates that can be read both ways
            (see :func:`csv_date_order`); None leaves such a date that row's error.

    Returns:
        The summary; `interrupted` is set when Ctrl-C stopped the run early.

    Raises:
        BatchError: When the file as a whole cannot be read.
    """
    check_encoding(csv_path, encoding)
    rows = read_rows(csv_path, encoding)
    first = next(rows, None)
    if first is None:
        raise BatchError(f"{csv_path}: has a header but no rows to print")
    summary = Summary()
    names = Names()
    start = time.perf_counter()

    def named(row: Row) -> Row:
        wanted, problem = output_name(row, date_order)
        if problem:
            return dataclasses.replace(row, problem=row.problem or problem)
        return dataclasses.replace(row, output=names.claim(wanted))

    def record(row: Row, result: RowResult) -> None:
        if result.status == "written":
            summary.written += 1
        elif result.status == "skipped":
            summary.skipped += 1
        else:
            summary.failed += 1
            summary.failures.append((row, result.message))
        if result.file:
            summary.files[row.number] = result.file
        summary.seconds = time.perf_counter() - start
        report(result, summary)

    def all_rows() -> Iterator[Row]:
        yield named(first)
        for row in rows:
            yield named(row)

    window = max(jobs, 1) * 4  # tasks in flight; with the chunk size, bounds the rows read
    submitted = 0
    executor = ProcessPoolExecutor(
        max_workers=max(jobs, 1),
        initializer=_init_worker,
        initargs=(bank, defaults or {}, clinic, str(folder), force, date_order),
    )
    pending: dict[Future[list[RowResult]], list[Row]] = {}

    def record_all(rows: list[Row], results: list[RowResult]) -> None:
        for row, result in zip(rows, results, strict=True):
            record(row, result)

    try:
        source = all_rows()
        exhausted = False
        while pending or not exhausted:
            while not exhausted and len(pending) < window:
                chunk = chunk_size(total - submitted if total else None, jobs)
                rows_now = list(itertools.islice(source, chunk))
                exhausted = len(rows_now) < chunk
                submitted += len(rows_now)
                if rows_now:
                    pending[executor.submit(make_rows, rows_now)] = rows_now
            if not pending:
                break
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in sorted(done, key=lambda f: pending[f][0].number):
                record_all(pending.pop(future), future.result())
    except KeyboardInterrupt:
        summary.interrupted = True
        for future in pending:
            future.cancel()
        # Rows already running finish writing their whole file; nothing is half-written.
        for future, rows_now in list(pending.items()):
            if not future.cancelled():
                try:
                    record_all(rows_now, future.result())
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


def write_failures(path: Path, header: list[str], failures: list[tuple[Row, str]]) -> None:
    """Write the bad rows and their reasons as a CSV a spreadsheet opens safely."""
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["row", "problem", *header])
    for row, message in sorted(failures, key=lambda pair: pair[0].number):
        writer.writerow([str(row.number), _safe_cell(message),
                         *(_safe_cell(cell) for cell in row.raw)])
    # UTF-8 with a byte-order mark, so Excel shows every alphabet correctly.
    write_atomic(path, ("\ufeff" + buffer.getvalue()).encode("utf-8"), force=True)


def merge_pdfs(files: list[Path], target: Path, *, force: bool) -> int:
    """Join handouts into one file for double-sided printing.

    Every handout starts on a front side: one with an odd number of pages is followed
    by a blank page, so no sheet carries two people's questions.

    Returns:
        The number of pages of the merged file.
    """
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for file in files:
        reader = PdfReader(file)
        for page in reader.pages:
            writer.add_page(page)
        if len(reader.pages) % 2:
            last = reader.pages[-1]
            writer.add_blank_page(width=float(last.mediabox.width),
                                  height=float(last.mediabox.height))
    writer.add_metadata({"/Title": "visitprep handouts", "/Creator": "visitprep"})
    buffer = io.BytesIO()
    writer.write(buffer)
    write_atomic(target, buffer.getvalue(), force=force)
    return len(writer.pages)


def default_jobs() -> int:
    """One worker per core."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
        os.cpu_count() or 1)
