"""Printing a clinic list for the web page, in a process of its own.

A clinic list of 1,000 rows draws 1,000 handouts and merges them: hundreds of
megabytes and about a million short-lived objects. Done inside the server, that
memory stayed with the server after the list was printed, and the garbage collector's
passes over it stalled every other request. Done here, in a child process that ends
when the list is printed, the memory goes back to the system and the server's own
requests never wait for a collection of the merge's objects.

`print_list` is the work (it runs in the child; tests may call it directly);
`print_list_isolated` runs it in a fresh child process and returns its result.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from visitprep.errors import VisitprepError
from visitprep.models import Clinic, QuestionBank


@dataclass
class ListResult:
    """What printing a clinic list made: picklable, so it crosses from the child.

    Attributes:
        files: The files to offer, by name: (bytes, media type).
        info: What the result page says (rows written, pages, every bad row).
        error: The one message for a list that could not be read at all ('' if read).
        too_many: The list has more rows than the page prints at once.
    """

    files: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    info: dict[str, Any] = field(default_factory=dict)
    error: str = ""
    too_many: bool = False


def print_list(text: str, name: str, defaults: dict[str, Any], bank: QuestionBank,
               clinic: Clinic | None, max_rows: int,
               date_order: str | None = None,
               offered: tuple[str, ...] = ()) -> ListResult:
    """Read the decoded CSV `text`, draw each good row's handout, merge them.

    A row's template may only be one the page offers (`offered`): a cell is never taken
    as a path on this computer (the page would read, and echo, any file it names).

    Args:
        date_order: The page's choice for dates written only in numbers that read two
            ways ("mdy" or "dmy"); the file's own dates settle it when it is None.

    Never raises for bad input: a list that cannot be read is `error`, a bad row is
    listed in `info['bad']` (with every one of its problems) and in the failures file.
    """
    from visitprep.batch import (
        column_note,
        failure_message,
        failures_csv,
        ignored_columns,
        join_pdfs,
        make_row_for_merge,
        read_rows_text,
        safe_stem,
    )
    from visitprep.dates import settle_order
    from visitprep.errors import ProfileError, allowed, shorten
    from visitprep.profile import problems_of

    try:
        header, rows = read_rows_text(text, name)
        rows_list = list(rows)
    except VisitprepError as exc:
        return ListResult(error=str(exc).replace("\n", " "))
    if not rows_list:
        return ListResult(error=f"{name}: has a header but no rows to print")
    if len(rows_list) > max_rows:
        return ListResult(too_many=True)
    order = settle_order(date_order, [row.values.get("visit_date", "") for row in rows_list],
                         {}, flag_name="as chosen on this page")
    paper = defaults.get("paper") or "letter"  # one paper for the whole merged file
    layouts: dict[str, Any] = {}
    pdfs: list[bytes] = []
    titles: list[str] = []
    notes: list[str] = []
    failures: list[tuple[Any, str]] = []
    bad: list[dict[str, Any]] = []
    for row in rows_list:
        try:
            if row.problem:
                raise VisitprepError(f"{row.where}: {row.problem}")
            template = row.values.get("template", "")
            if template and template not in offered:
                raise ProfileError(
                    f"{row.where}: 'template': '{shorten(template)}' is not a template this "
                    f"page offers ({allowed(offered)})", field="template", value=template,
                    choices=offered)
            made = make_row_for_merge(row, bank, defaults, clinic, layouts,
                                      date_order=order.order, paper=paper)
            pdfs.append(made.pdf)
            titles.append(made.title)
            if made.note:
                notes.append(made.note)
            continue
        except VisitprepError as exc:
            outcome = exc
        message = failure_message(row, outcome)
        failures.append((row, message))
        bad.append({"row": str(row.number), "name": row.name, "problems": [
            {"field": one.field, "value": one.value, "allowed": ", ".join(one.choices),
             # The allowed values are shown on their own; the hint would repeat them.
             "problem": (one.message if one.choices else failure_message(row, one))
             .removeprefix(f"{row.where}: ")}
            for one in problems_of(outcome)]})
    files: dict[str, tuple[bytes, str]] = {}
    # A file name safe on every system (and in a header): quotes and line breaks go.
    stem = safe_stem(re.sub(r"\.csv$", "", name, flags=re.IGNORECASE)) or "clinic-list"
    pages = 0
    if pdfs:
        # The merge makes about a million objects that die together: collecting them
        # while they are made only costs time (this process ends with the list).
        gc.disable()
        try:
            merged, pages = join_pdfs(pdfs, titles=titles)
        finally:
            gc.enable()
        del pdfs[:]
        files[f"{stem}-handouts.pdf"] = (merged, "application/pdf")
    if failures:
        files[f"{stem}-failures.csv"] = (failures_csv(header, failures), "text/csv")
    written = len(rows_list) - len(failures)
    info = {"kind": "clinic", "written": written, "total": len(rows_list),
            "pages": pages, "bad": bad, "notes": notes,
            "columns": column_note(ignored_columns(header)), "dates": order.summary(),
            "merged": f"{stem}-handouts.pdf" if written else "",
            "failures": f"{stem}-failures.csv" if failures else ""}
    return ListResult(files, info)


def _lower_priority() -> None:
    try:
        os.nice(10)
    except (AttributeError, OSError):  # Windows has no nice; a refusal changes nothing
        pass


def print_list_isolated(*args: Any) -> ListResult:
    """`print_list(*args)` in a new process that ends with it (its memory goes back).

    'spawn' starts a clean interpreter: forking a threaded server could copy a lock
    another thread holds.
    """
    context = multiprocessing.get_context("spawn")
    # A lower priority: a patient's page on the same server answers first.
    with ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=_lower_priority,
                             ) as pool:
        return pool.submit(print_list, *args).result()
