"""Batch: a clinic list from a spreadsheet, as Excel and LibreOffice write it."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from visitprep import batch
from visitprep.batch import Names, Row, output_name, read_rows, run_batch, safe_stem

from conftest import DATA, Result, read_pdf

pytestmark = pytest.mark.clock  # run again under faketime in CI (.ci/run)

CSV = DATA / "csv"
Run = Callable[..., Result]


def rows_of(name: str, encoding: str = "utf-8-sig") -> list[Row]:
    return list(read_rows(CSV / name, encoding))


def test_reads_excel_utf8_with_bom_crlf_and_quoted_fields() -> None:
    rows = rows_of("excel_utf8.csv")
    first = rows[0]
    assert first.number == 2
    assert first.values["name"] == "Maria López"
    assert first.values["custom_questions"] == "Can I travel, in March?\nWhat about May?"
    assert first.values["doctor"] == "Dr. R&D <Okafor>"
    assert [r.number for r in rows] == [2, 3, 4, 5, 6, 7, 8, 9, 11]  # the empty row 10 is skipped


def test_reads_semicolon_files_from_european_locales() -> None:
    rows = rows_of("european_semicolon.csv")
    assert rows[0].values == {"name": "Jürgen Groß", "recurrence": "Distant",
                              "visit_date": "2026-12-03", "doctor": "Dr. Müller, Klinikum"}
    assert rows[1].values["concerns"] == "costs;coping"


def test_another_encoding_is_a_clear_error(run: Run) -> None:
    result = run("batch", str(CSV / "windows_cp1252.csv"), "-o", "out")
    assert result.code == 1
    assert "line 2 is not utf-8 text" in result.err
    assert "--encoding cp1252" in result.err
    result = run("batch", str(CSV / "windows_cp1252.csv"), "-o", "out", "--encoding", "cp1252")
    assert result.code == 0, result.err


@pytest.mark.parametrize(
    ("name", "message"),
    [("no_recurrence.csv", "there is no 'recurrence' column"),
     ("unknown_column.csv", "there is no 'recurrence' column ('recurence' is not a column "
      "visitprep reads; did you mean 'recurrence'?)"),
     ("header_only.csv", "has a header but no rows to print")],
)
def test_file_level_problems_stop_before_any_work(run: Run, tmp_path: Path, name: str,
                                                  message: str) -> None:
    result = run("batch", str(CSV / name), "-o", "out")
    assert result.code == 1
    assert message in result.err
    assert not list((tmp_path / "out").glob("*.pdf")) if (tmp_path / "out").exists() else True


def test_every_good_row_prints_and_every_bad_row_is_one_line(run: Run, tmp_path: Path) -> None:
    result = run("batch", str(CSV / "excel_utf8.csv"), "-o", "out", "--jobs", "2")
    assert result.code == 1
    errors = [line for line in result.err.splitlines() if line.startswith("row ")]
    assert errors == [
        "row 4 (Bad Row): unknown recurrence 'sideways'. Allowed values: local, regional, "
        "distant, unsure (use 'unsure' if it is not known yet).",
        "row 6 (=HYPERLINK(\"http://x\")): unknown concern 'money matters'. Allowed concerns: "
        "my-recurrence, treatment-choices, deciding, side-effects, clinical-trials, costs, "
        "second-opinion, symptoms, follow-up, lowering-risk, supportive-care, coping, "
        "chronic-illness.",
        "row 7 (Evil): output '../../outside.pdf' is a path; give a plain file name such as "
        "'maria-lopez.pdf' (files always go into the -o folder).",
        "row 11 (Zoë): 'visit_date': '2026-02-30' is not a real date. Write it like: "
        "2026-12-03, 3 December 2026, Dec 3, 12/3/2026, tomorrow, Friday, next Friday, or in "
        "2 weeks.",
    ]
    out = tmp_path / "out"
    assert sorted(p.name for p in out.glob("*.pdf")) == sorted([
        "Maria-López-2026-12-03.pdf", "Maria-López-2026-12-03-2.pdf", "row-5.pdf",
        "Дмитрий-Шостакович-2026-12-03.pdf", "ann-custom.pdf"])
    assert not (tmp_path / "outside.pdf").exists()
    assert "Done: 5 written, 0 already there, 4 failed, in " in result.out
    first = read_pdf(out / "Maria-López-2026-12-03.pdf")
    assert "Name: Maria López" in first.pages[0]
    assert "Can I travel, in March?" in first.text and "What about May?" in first.text
    second = read_pdf(out / "Maria-López-2026-12-03-2.pdf")
    assert "Side effects" in second.text and "Costs and insurance" not in second.text
    russian = read_pdf(out / "Дмитрий-Шостакович-2026-12-03.pdf")
    assert "1. What are my treatment choices?" in russian.pages[0]
    assert "Will I have to stay in the hospital?" not in russian.text


def test_the_failures_file_is_safe_to_open_in_a_spreadsheet(run: Run, tmp_path: Path) -> None:
    run("batch", str(CSV / "excel_utf8.csv"), "-o", "out")
    raw = (tmp_path / "out" / "excel_utf8-failures.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:4] == ["row", "problem", "Name", "Recurrence"]
    assert [r[0] for r in rows[1:]] == ["4", "6", "7", "11"]
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@")), cell
    assert rows[2][2] == "'=HYPERLINK(\"http://x\")"


def test_rerun_after_fixing_prints_only_what_is_missing(run: Run, tmp_path: Path) -> None:
    source = tmp_path / "list.csv"
    source.write_bytes((CSV / "excel_utf8.csv").read_bytes())
    run("batch", str(source), "-o", "out")
    out = tmp_path / "out"
    before = {p.name: p.stat().st_mtime_ns for p in out.glob("*.pdf")}
    source.write_bytes(source.read_bytes().replace(b"sideways", b"regional"))
    result = run("batch", str(source), "-o", "out")
    assert "Done: 1 written, 5 already there, 3 failed" in result.out
    assert (out / "Bad-Row.pdf").is_file()
    for name, mtime in before.items():
        assert (out / name).stat().st_mtime_ns == mtime  # kept, not rewritten
    assert "5 handouts unchanged, kept." in result.out
    assert "Maria-López-2026-12-03.pdf" not in result.out + result.err  # counted, not listed
    forced = run("batch", str(source), "-o", "out", "--force")
    assert "Done: 6 written, 0 already there" in forced.out


def test_merge_starts_every_handout_on_a_front_side(run: Run, tmp_path: Path) -> None:
    result = run("batch", str(CSV / "good.csv"), "-o", "out", "--merge", "all.pdf")
    assert result.code == 0, result.err
    out = tmp_path / "out"
    handouts = ["Ann-Lee-2026-12-03.pdf", "Bo-Chen-2026-12-03.pdf", "Cy-Diaz-2026-12-03.pdf"]
    counts = [len(PdfReader(out / name).pages) for name in handouts]
    merged = PdfReader(tmp_path / "all.pdf")
    padded = [c + c % 2 for c in counts]
    assert len(merged.pages) == sum(padded)
    start = 0
    for name, count, size in zip(("Ann Lee", "Bo Chen", "Cy Diaz"), counts, padded,
                                 strict=True):
        assert start % 2 == 0  # page index even: a front side
        first = " ".join(merged.pages[start].extract_text().split())
        assert f"Name: {name}" in first
        own = " ".join(merged.pages[i].extract_text() for i in range(start, start + count))
        others = {"Ann Lee", "Bo Chen", "Cy Diaz"} - {name}
        assert not any(other in own for other in others)
        if size > count:
            assert (merged.pages[start + count].extract_text() or "").strip() == ""
        start += size


def test_merge_into_the_output_folder_it_creates(run: Run, tmp_path: Path) -> None:
    result = run("batch", str(CSV / "good.csv"), "-o", "new", "--merge", "new/all.pdf")
    assert result.code == 0, result.err
    assert len(PdfReader(tmp_path / "new" / "all.pdf").pages) > 3


def test_merge_target_is_never_replaced_without_force(run: Run, tmp_path: Path) -> None:
    (tmp_path / "all.pdf").write_bytes(b"keep")
    result = run("batch", str(CSV / "good.csv"), "-o", "out", "--merge", "all.pdf")
    assert result.code == 1 and "all.pdf already exists" in result.err
    assert (tmp_path / "all.pdf").read_bytes() == b"keep"
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.pdf"))


def test_clinic_block_and_template_on_every_handout(run: Run, tmp_path: Path) -> None:
    result = run("batch", str(CSV / "good.csv"), "-o", "out", "--template", "navigator",
                 "--clinic-name", "Riverside Cancer Center", "--clinic-phone", "555-0100",
                 "--paper", "a4", "--fillable")
    assert result.code == 0, result.err
    for pdf_path in (tmp_path / "out").glob("*.pdf"):
        pdf = read_pdf(pdf_path)
        assert "Place label here" in pdf.pages[0]
        assert "Riverside Cancer Center" in pdf.pages[0]
        assert round(pdf.sizes[0][0]) == 595
        assert PdfReader(pdf_path).get_fields()


def test_csv_columns_win_over_the_flags(tmp_path: Path, run: Run) -> None:
    source = tmp_path / "t.csv"
    source.write_text("name,recurrence,paper\nA,local,letter\nB,local,\n", encoding="utf-8")
    assert run("batch", str(source), "-o", "out", "--paper", "a4").code == 0
    assert round(read_pdf(tmp_path / "out" / "A.pdf").sizes[0][0]) == 612
    assert round(read_pdf(tmp_path / "out" / "B.pdf").sizes[0][0]) == 595


def test_file_names_are_safe_and_never_collide() -> None:
    assert safe_stem('a<b>c:d"e|f?g*h') == "a-b-c-d-e-f-g-h"
    assert safe_stem("CON") == "CON-file"
    assert safe_stem("  José  María  ") == "José-María"
    assert safe_stem("...") == ""
    assert len(safe_stem("x" * 500)) == 80
    names = Names()
    assert [names.claim(n) for n in ("a.pdf", "A.pdf", "a.pdf", "a-2.pdf")] == [
        "a.pdf", "A-2.pdf", "a-3.pdf", "a-2-2.pdf"]
    row = Row(number=7, values={"output": "..\\secret"}, raw=())
    assert "is a path" in output_name(row)[1]
    assert output_name(Row(3, {"output": "nice file.PDF"}, ()))[0] == "nice-file.pdf"
    assert output_name(Row(3, {}, ()))[0] == "row-3.pdf"


def test_ctrl_c_stops_cleanly_and_reports_what_was_done(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "many.csv"
    source.write_text("name,recurrence\n" + "".join(f"P{i},local\n" for i in range(40)),
                      encoding="utf-8")
    seen: list[int] = []

    def report(result: batch.RowResult, summary: batch.Summary) -> None:
        seen.append(result.number)
        if len(seen) == 3:
            raise KeyboardInterrupt

    out = tmp_path / "out"
    out.mkdir()
    summary = run_batch(source, out, jobs=2, report=report)
    assert summary.interrupted
    assert 3 <= summary.written < 40
    files = list(out.iterdir())
    assert all(f.suffix == ".pdf" for f in files)  # no temporary or half-written file
    for file in files:
        assert PdfReader(file).pages  # each one whole


def test_ctrl_c_through_the_cli_exits_130(run: Run, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: object, **kwargs: object) -> batch.Summary:
        return batch.Summary(written=2, failed=1, seconds=1.0, interrupted=True)

    monkeypatch.setattr(batch, "run_batch", interrupted)
    result = run("batch", str(CSV / "good.csv"), "-o", "out")
    assert result.code == 130
    assert "Stopped: 2 written, 0 already there, 1 failed" in result.out
    assert "Stopped by Ctrl-C" in result.err


def _long_list(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rows: int) -> tuple[
        Path, Callable[[], int]]:
    """A CSV of many rows, and how many of them have been read so far."""
    source = tmp_path / "long.csv"
    source.write_text("name,recurrence\n" + "".join(f"P{i},local\n" for i in range(rows)),
                      encoding="utf-8")
    read = 0
    original = batch.read_rows

    def counting(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        nonlocal read
        for row in original(*args, **kwargs):  # type: ignore[arg-type]
            read += 1
            yield row

    monkeypatch.setattr(batch, "read_rows", counting)
    (tmp_path / "out").mkdir()
    return source, lambda: read


def test_rows_are_streamed_with_a_bounded_window(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """However long the file, only a few rows are read ahead of the finished ones."""
    source, read = _long_list(tmp_path, monkeypatch, 200)
    ahead: list[int] = []
    monkeypatch.setattr(batch, "render_row", _fake_render_row)
    run_batch(source, tmp_path / "out", jobs=2,
              report=lambda result, summary: ahead.append(read() - summary.done))
    assert len(ahead) == 200
    assert max(ahead) <= 2 * 4 + 1


def test_long_lists_go_to_the_workers_a_few_rows_at_a_time(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert batch.chunk_size(None, 2) == 1
    assert batch.chunk_size(20, 2) == 1  # a short list: the workers share it evenly
    assert batch.chunk_size(1000, 2) == batch.MAX_CHUNK
    assert batch.chunk_size(40, 2) == 2  # near the end, smaller tasks
    source, read = _long_list(tmp_path, monkeypatch, 500)
    ahead: list[int] = []
    numbers: list[int] = []
    monkeypatch.setattr(batch, "render_row", _fake_render_row)

    def report(result: batch.RowResult, summary: batch.Summary) -> None:
        ahead.append(read() - summary.done)
        numbers.append(result.number)

    summary = run_batch(source, tmp_path / "out", jobs=2, report=report, total=500)
    assert summary.written == 500
    assert sorted(numbers) == list(range(2, 502))  # every row once
    assert max(ahead) <= (2 * 4 + 1) * batch.MAX_CHUNK  # a bounded window, however long


def _fake_render_row(row: Row) -> batch.RowResult:
    return batch.RowResult(row.number, "written", row.output)


def test_bad_jobs_and_missing_file(run: Run) -> None:
    assert run("batch", str(CSV / "good.csv"), "-o", "out", "--jobs", "0").code == 2
    result = run("batch", "missing.csv", "-o", "out")
    assert result.code == 1 and "missing.csv: no such file" in result.err
    assert run("batch", str(CSV / "good.csv")).code == 2  # -o is required


def test_plain_progress_lines_when_not_a_terminal(run: Run) -> None:
    result = run("batch", str(CSV / "good.csv"), "-o", "out")
    assert "3/3 rows done" in result.err
    assert "\r" not in result.err


def test_a_clinics_own_bank_reaches_every_worker(run: Run, bank_copy: Path,
                                                 tmp_path: Path) -> None:
    file = bank_copy / "treatment-choices.yaml"
    file.write_text(file.read_text(encoding="utf-8").replace(
        "What are my treatment choices?", "Which treatment choices does our clinic offer?"),
        encoding="utf-8")
    result = run("batch", str(CSV / "good.csv"), "-o", str(tmp_path / "out"), "--jobs", "2",
                 "--bank", str(bank_copy))
    assert result.code == 0, result.err
    handouts = sorted((tmp_path / "out").glob("*.pdf"))
    assert len(handouts) == 3
    texts = [read_pdf(handout).text for handout in handouts]  # type: ignore[attr-defined]
    # Treatment questions print for the two confirmed recurrences, never for 'unsure'.
    assert sum("Which treatment choices does our clinic offer?" in text for text in texts) == 2
    assert not any("What are my treatment choices?" in text for text in texts)


def test_a_task_of_several_rows_writes_each_whole_or_says_why(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch, "_STATE", {})
    out = tmp_path / "out"
    out.mkdir()
    (out / "kept.pdf").write_bytes(b"mine")
    (out / "a-folder.pdf").mkdir()

    def row(number: int, output: str, problem: str = "", **values: str) -> Row:
        return Row(number=number, values={"recurrence": "local", **values}, raw=(),
                   output=output, problem=problem)

    rows = [row(2, "ann.pdf", name="Ann"), row(3, "bad.pdf", problem="has 9 cells"),
            row(4, "kept.pdf"), row(5, "bo.pdf", recurrence="sideways"),
            row(6, "cy.pdf", name="Cy"), row(7, "a-folder.pdf")]
    batch._init_worker(None, {}, None, str(out), False)
    try:
        results = batch.make_rows(rows)
        assert [r.status for r in results] == [
            "written", "failed", "changed", "failed", "written", "failed"]
        assert [r.number for r in results] == [2, 3, 4, 5, 6, 7]
        assert "row 5" in results[3].message and "sideways" in results[3].message
        assert (out / "kept.pdf").read_bytes() == b"mine"
        for name in ("ann.pdf", "cy.pdf"):
            assert PdfReader(out / name).pages
        batch._STATE["force"] = True  # now the folder in the way is a write error
        again = batch.make_rows([row(6, "cy.pdf", name="Cy"), row(7, "a-folder.pdf")])
        assert [r.status for r in again] == ["written", "failed"]
        assert "a-folder.pdf is a folder, not a regular file" in again[1].message
    finally:
        batch._STATE["writer"].shutdown()
    assert sorted(p.name for p in out.iterdir()) == [
        "a-folder.pdf", "ann.pdf", "cy.pdf", "kept.pdf"]  # no temporary file left


def test_messages_come_in_row_order_even_when_an_earlier_row_is_slow(
        run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Row 4 is slow (a loaded machine can pause any worker): its message still comes
    before row 6's. Reporting in the order rows finished made the test above flaky."""
    import time

    real = batch.render_row

    def slow_row_4(row: Row):  # type: ignore[no-untyped-def]
        if row.number == 4:
            time.sleep(1.0)
        return real(row)

    monkeypatch.setattr(batch, "render_row", slow_row_4)  # the forked workers inherit it
    result = run("batch", str(CSV / "excel_utf8.csv"), "-o", "out", "--jobs", "2")
    numbers = [int(line.split()[1]) for line in result.err.splitlines()
               if line.startswith("row ")]
    assert numbers == [4, 6, 7, 11]


def test_many_rows_of_one_name_get_their_numbers_in_linear_steps() -> None:
    class Counting(set[str]):
        lookups = 0

        def __contains__(self, item: object) -> bool:
            Counting.lookups += 1
            return super().__contains__(item)

    names = Names()
    names.used = Counting()
    claimed = [names.claim("Ann.pdf") for _ in range(2000)]
    assert len({name.casefold() for name in claimed}) == 2000
    assert claimed[:3] == ["Ann.pdf", "Ann-2.pdf", "Ann-3.pdf"]
    assert Counting.lookups < 3 * 2000  # was about 2,000,000: a 50,000-row list hung


def test_reserved_names_are_never_taken_by_a_row(tmp_path: Path) -> None:
    """The merged file's and the CSV's names are kept free even if the list changed after
    it was checked."""
    source = tmp_path / "r.csv"
    source.write_text("name,recurrence\nall,local\nAnn,local\n", encoding="utf-8")
    (tmp_path / "out").mkdir()
    summary = run_batch(source, tmp_path / "out", jobs=1, reserved=frozenset({"ALL.pdf"}))
    assert summary.written == 2
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["Ann.pdf", "all-2.pdf"]


# -- a clinic day from a real US spreadsheet (issue 21) -----------------------------------

US_EXPORT = CSV / "us_excel_export.csv"  # 25 rows as Excel in the US saves them
US_BAD = {7: ["2 problems:", "unknown concern 'money matters'", "'12/33/2026' is not a real "
              "date"],
          10: ["2 problems:", "unknown recurrence 'sideways'", "unknown concern 'travel'"],
          14: ["'2/30/2027' is not a real date"],
          18: ["'recurrence' is missing"],
          23: ["'large_print' must be yes or no, not 'maybe'"]}
US_DAYS = {"12/8/2026": "Tuesday, December 8, 2026", "12/9/2026": "Wednesday, December 9, 2026",
           "12/10/2026": "Thursday, December 10, 2026",
           "12/11/2026": "Friday, December 11, 2026", "1/5/2027": "Tuesday, January 5, 2027",
           "1/6/2027": "Wednesday, January 6, 2027"}


def us_rows() -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(US_EXPORT.read_text(encoding="utf-8-sig"))))


def text_sizes(path: Path) -> set[int]:
    """The sizes (pt) of the text on a PDF's first page."""
    sizes: set[int] = set()

    def visit(text: str, cm: Any, tm: Any, font: Any, size: float) -> None:
        if text.strip():
            sizes.add(round(size * tm[0]))

    PdfReader(path).pages[0].extract_text(visitor_text=visit)
    return sizes


def row_lines(err: str) -> dict[int, str]:
    """Each reported row's lines on stderr, joined, by row number."""
    found: dict[int, str] = {}
    number = 0
    for line in err.splitlines():
        if line.startswith("row "):
            number = int(line.split()[1])
            found[number] = line
        elif line.startswith("  - ") and number:
            found[number] += " " + line.strip()
    return found


def test_the_us_export_is_what_excel_writes() -> None:
    raw = US_EXPORT.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\r\n") == 26
    rows = us_rows()
    assert len(rows) == 25 and "MRN" in rows[0]
    assert any("," in row["Concerns"] for row in rows)


def test_a_us_clinic_day_prints_under_an_en_us_locale(run: Run, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")
    source = tmp_path / "clinic-day.csv"
    source.write_bytes(US_EXPORT.read_bytes())
    result = run("batch", "clinic-day.csv", "-o", "out", "--merge", "out/all.pdf", "--jobs", "2")
    assert result.code == 1
    # Every bad row, with every one of its problems; no other row is reported.
    reported = row_lines(result.err)
    assert sorted(reported) == sorted(US_BAD)
    for number, says in US_BAD.items():
        for fragment in says:
            assert fragment in reported[number], (fragment, reported[number])
    assert "Ignored the columns 'MRN', 'Phone': visitprep does not read them" in result.out
    assert ("Dates written only in numbers were read month first (12/8/2026 is December 8): "
            "the computer's locale is en_US.UTF-8") in result.out
    assert "Done: 20 written, 0 already there, 5 failed" in result.out
    assert ("row 9 (Hector Ruiz): asks for a4 paper; printed on letter like the rest of the "
            "merged file.") in result.out
    # Every good row printed, with its date in words; nothing of the ignored columns.
    out = tmp_path / "out"
    good = [row for number, row in enumerate(us_rows(), 2) if number not in US_BAD]
    for row in good:
        name = row["Patient Name"]
        files = list(out.glob(f"{safe_stem(name)}-20*.pdf"))
        assert len(files) == 1, name
        first = read_pdf(files[0]).pages[0]
        assert f"Visit date: {US_DAYS[row['Visit Date']]}" in first, (name, first[:300])
        assert row["MRN"] not in first and row["Phone"] not in first
    assert min(text_sizes(next(out.glob("Carmen-D*.pdf")))) >= 18  # 'Large Print: Yes'
    assert min(text_sizes(out / "Ann-Lee-2026-12-08.pdf")) < 18
    assert read_pdf(out / "Hector-Ruiz-2026-12-09.pdf").sizes[0] == (612.0, 792.0)
    # The failures file: the input's columns it reads, the reasons, no MRN or phone.
    failures = out / "clinic-day-failures.csv"
    table = list(csv.DictReader(io.StringIO(failures.read_text(encoding="utf-8-sig"))))
    assert [int(row["row"]) for row in table] == sorted(US_BAD)
    assert "MRN" not in table[0] and "Phone" not in table[0]
    assert not any(row["MRN"] in failures.read_text(encoding="utf-8-sig")
                   for row in us_rows())


def test_the_failures_file_is_fixed_and_fed_back(run: Run, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")
    (tmp_path / "clinic-day.csv").write_bytes(US_EXPORT.read_bytes())
    run("batch", "clinic-day.csv", "-o", "out")
    failures = tmp_path / "out" / "clinic-day-failures.csv"
    # What a navigator does in the spreadsheet: correct the cells, save (the reasons stay).
    table = list(csv.reader(io.StringIO(failures.read_text(encoding="utf-8-sig"))))
    header = table[0]
    fixes = {"money matters, costs": "costs", "12/33/2026": "12/3/2026",
             "sideways": "regional", "costs, travel": "costs", "2/30/2027": "2/3/2027",
             "maybe": "yes"}
    fixed = [[fixes.get(cell, cell) for cell in row] for row in table[1:]]
    for row in fixed:
        if row[header.index("Patient Name")] == "Quinn Adams":
            row[header.index("Recurrence")] = "local"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([header, *fixed])
    (tmp_path / "fixed.csv").write_bytes(("\ufeff" + buffer.getvalue()).encode("utf-8"))
    result = run("batch", "fixed.csv", "-o", "out")
    assert result.code == 0, result.err
    assert "Done: 5 written, 0 already there, 0 failed" in result.out
    assert "Ignored" not in result.out  # its row and problem columns are its own
    frank = read_pdf(tmp_path / "out" / "Frank-Ito-2026-12-03.pdf")
    assert "Visit date: Thursday, December 3, 2026" in frank.pages[0]
    assert min(text_sizes(tmp_path / "out" / "Victor-Hugo-2027-01-05.pdf")) >= 18
    # A rerun of the whole list keeps all it printed, says so, and lists the real problems.
    again = run("batch", "clinic-day.csv", "-o", "out")
    assert "Done: 0 written, 20 already there, 5 failed" in again.out
    assert "20 handouts unchanged, kept." in again.out
    assert sorted(row_lines(again.err)) == sorted(US_BAD)
    assert "unchanged" not in again.err


def test_with_nothing_to_settle_the_order_the_command_is_shown_with_it(
        run: Run, tmp_path: Path) -> None:
    (tmp_path / "clinic-day.csv").write_bytes(US_EXPORT.read_bytes())
    result = run("batch", "clinic-day.csv", "-o", "out")  # the C locale (conftest)
    assert result.code == 1
    assert "Done: 0 written, 0 already there, 25 failed" in result.out
    assert "23 rows have a date written only in numbers that reads two ways" in result.out
    assert "the locale ('C.UTF-8') does not say" in result.out
    assert "  visitprep batch clinic-day.csv -o out --date-order mdy\n" in result.out
    again = run("batch", "clinic-day.csv", "-o", "out", "--date-order", "mdy")
    assert "Done: 20 written, 0 already there, 5 failed" in again.out
    assert "were read month first (12/8/2026 is December 8): --date-order mdy" in again.out


def test_a_day_first_locale_reads_day_first(run: Run, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LC_ALL", "es_MX.UTF-8")
    (tmp_path / "l.csv").write_text("name,recurrence,visit_date\nAna,local,3/12/2026\n",
                                    encoding="utf-8")
    result = run("batch", "l.csv", "-o", "out")
    assert result.code == 0, result.err
    assert "read day first (12/8/2026 is 12 August): the computer's locale is es_MX" in result.out
    assert "Thursday, December 3, 2026" in read_pdf(tmp_path / "out" /
                                                    "Ana-2026-12-03.pdf").pages[0]


def test_the_help_example_works_as_written(run: Run, tmp_path: Path) -> None:
    """The CSV in `batch --help`, run with its own first example, in the C locale."""
    help_text = run("batch", "--help").out
    lines = help_text.split("a CSV file (clinic-day.csv):\n")[1].splitlines()
    (tmp_path / "clinic-day.csv").write_text(
        "\n".join(line.strip() for line in lines if line.strip()) + "\n", encoding="utf-8")
    example = next(line.split() for line in help_text.splitlines()
                   if line.strip().startswith("visitprep batch clinic-day.csv"))
    result = run(*example[1:])
    assert result.code == 0, result.err
    assert "Ignored the column 'MRN'" in result.out
    assert "other dates in the same file show it (12/14/2026)" in result.out
    ann = read_pdf(tmp_path / "handouts" / "Ann-Lee-2026-12-08.pdf").pages[0]
    assert "Visit date: Tuesday, December 8, 2026" in ann


def test_columns_in_plain_words_and_concerns_with_commas(run: Run, tmp_path: Path) -> None:
    (tmp_path / "l.csv").write_text(
        "Patient Name,Recurrence,Concerns,Template,Visit date\n"
        'Ann,local,"costs, clinical trials",Large print,2026-12-08\n', encoding="utf-8")
    result = run("batch", "l.csv", "-o", "out")
    assert result.code == 0, result.err
    ann = read_pdf(tmp_path / "out" / "Ann-2026-12-08.pdf")
    assert "Costs and insurance" in ann.text and "Clinical trials" in ann.text
    assert "Ignored" not in result.out


def test_a_typo_in_a_column_is_named_in_the_note(run: Run, tmp_path: Path) -> None:
    (tmp_path / "l.csv").write_text("name,recurrence,conserns\nAnn,local,costs\n",
                                    encoding="utf-8")
    result = run("batch", "l.csv", "-o", "out")
    assert result.code == 0, result.err
    assert ("Ignored the column 'conserns' (did you mean 'concerns'?): visitprep does not "
            "read it") in result.out


def font_files(reader: PdfReader) -> set[int]:
    """The embedded font programs a PDF holds (their object numbers)."""
    found: set[int] = set()
    for page in reader.pages:
        fonts = page["/Resources"].get_object().get("/Font")
        if fonts is None:  # a blank back
            continue
        for ref in fonts.get_object().values():
            font = ref.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is not None and "/FontFile2" in descriptor.get_object():
                found.add(descriptor.get_object().raw_get("/FontFile2").idnum)
    return found


def test_the_merged_file_is_what_a_print_room_expects(run: Run, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")
    (tmp_path / "clinic-day.csv").write_bytes(US_EXPORT.read_bytes())
    result = run("batch", "clinic-day.csv", "-o", "out", "--merge", "all.pdf")
    assert "Merged all.pdf: 20 handouts, " in result.out
    assert "a bookmark for each person" in result.out
    merged = PdfReader(tmp_path / "all.pdf")
    # One bookmark a person, in row order, at the first page of their handout (a front side).
    good = [row for number, row in enumerate(us_rows(), 2) if number not in US_BAD]
    marks = [(item.title, merged.get_destination_page_number(item)) for item in merged.outline]
    assert [title for title, _ in marks] == [
        f"{row['Patient Name']}, {US_DAYS[row['Visit Date']]}" for row in good]
    for (title, page), (_, following) in zip(marks, [*marks[1:], ("", len(merged.pages))],
                                             strict=True):
        assert page % 2 == 0, title
        assert f"Name: {title.split(',')[0]}" in " ".join(
            merged.pages[page].extract_text().split())
        handout = following - page
        assert handout % 2 == 0
    assert merged.trailer["/Root"]["/PageMode"] == "/UseOutlines"
    # One paper size, and the fonts once, not once a handout.
    assert {(float(p.mediabox.width), float(p.mediabox.height)) for p in merged.pages} == {
        (612.0, 792.0)}
    assert len(font_files(merged)) <= 4  # regular and bold, standard and large-print subsets
    singles = sum(p.stat().st_size for p in (tmp_path / "out").glob("*.pdf"))
    assert (tmp_path / "all.pdf").stat().st_size < singles / 3
    # A rerun with nothing changed keeps it; a changed row rebuilds it.
    before = (tmp_path / "all.pdf").stat().st_mtime_ns
    again = run("batch", "clinic-day.csv", "-o", "out", "--merge", "all.pdf")
    assert "all.pdf already holds these 20 handouts; kept it." in again.out
    assert (tmp_path / "all.pdf").stat().st_mtime_ns == before


def test_a_broken_handout_leaves_no_merged_file(tmp_path: Path) -> None:
    from visitprep.errors import OutputError

    good = tmp_path / "a.pdf"
    good.write_bytes(b"%PDF-1.4 not really")
    with pytest.raises(OutputError, match="cannot merge .*a.pdf: it is not a whole PDF"):
        batch.merge_pdfs([good], tmp_path / "all.pdf", force=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pdf"]


def test_the_note_on_ignored_columns_shows_control_characters(run: Run, tmp_path: Path) -> None:
    (tmp_path / "l.csv").write_text("name,recurrence,\x1b[31mMRN: x\n"
                                    "Ann: the first,local,1\nBo,sideways,2\n",
                                    encoding="utf-8")
    result = run("batch", "l.csv", "-o", "out")
    assert "Ignored the column '<U+001B>[31mMRN: x'" in result.out
    assert "\x1b" not in result.out + result.err
