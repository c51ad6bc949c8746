"""A corpus of hostile inputs (tests/data/hostile/), each run through the real CLI.

Every file must give exit 1 (bad input) or 2 (usage), one 'Error:' message naming the
file, the field and the value, no traceback, and nothing written, replaced or left
half-written. The row corpus (rows.csv) must print every good row and give one line
per bad row.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import DATA, Result

Run = Callable[..., Result]
HOSTILE = DATA / "hostile"

# file -> fragments the one message must hold (the field and the value, or the line).
ANSWERS = {
    "a_list.yaml": ["must be 'key: value' lines, not a list"],
    "alias_bomb.yaml": ["line 6", "more than 100,000 values"],
    "bidi_override.yaml": ["'doctor'", "U+202E"],
    "binary_tag.yaml": ["line 2", "!!binary"],
    "bom_inside_line.yaml": ["'doctor'", "(U+FEFF, a byte-order mark)"],
    "control_char.yaml": ["'name'", "U+0007"],
    "deep_nesting.yaml": ["line 1", "nested more than 50 levels"],
    "duplicate_key.yaml": ["line 2", "'recurrence' appears twice"],
    "empty.yaml": ["the answers file is empty"],
    "far_relative_date.yaml": ["'visit_date'", "'in 3000000 days' is more than 10 years away"],
    "far_relative_weeks.yaml": ["'visit_date'", "'in 999999999999 weeks'", "10 years"],
    "fillable_maybe.yaml": ["'fillable'", "'maybe'"],
    "huge_number.yaml": ["unknown recurrence '9999", "(5,000 characters)"],
    "impossible_date.yaml": ["'visit_date'", "'2026-02-30' is not a real date"],
    "include_other_topic.yaml": ["'include'", "'cost-tests'", "\"Costs and insurance\"",
                                 "not among the concerns", "Add 'costs' to 'concerns'"],
    "japanese.yaml": ["your own question 1", "'手'", "cannot print"],
    "list_name.yaml": ["'name' must be one value, not a list"],
    "long_name.yaml": ["'name' is 499 characters long"],
    "long_template_path.yaml": ["'template'", "ttttt", "no such file"],
    "mapping_recurrence.yaml": ["'recurrence' must be one value, not a mapping"],
    "merge_key.yaml": ["unknown key 'base'"],
    "not_utf8.yaml": ["is not UTF-8 text"],
    "python_tag.yaml": ["line 1", "!!python/object/apply:os.system"],
    "raw_nul.yaml": ["line 2", "holds a control character (U+0000)"],
    "right_to_left.yaml": ["the name", "'שלום'", "right to left"],
    "self_alias.yaml": ["line 1", "'*r' refers to itself"],
    "sexagesimal_date.yaml": ["'visit_date'", "'12:30:45'"],
    "soft_hyphen.yaml": ["'name'", "(U+00AD, a soft hyphen)"],
    "tab_indent.yaml": ["line 3", "a tab where YAML needs spaces"],
    "too_many_top.yaml": ["'top_questions' has 4 entries"],
    "top_not_for_this_kind.yaml": ["'top_questions'", "'tx-choices' assumes the recurrence "
                                   "is confirmed, and 'recurrence' is unsure"],
    "two_documents.yaml": ["line 2", "more than one document"],
    "unclosed_quote.yaml": ["line 3"],
    "unknown_concern.yaml": ["unknown concern 'money matters'"],
    "unknown_key.yaml": ["unknown key 'recurence'", "Did you mean 'recurrence'?"],
    "unknown_question_id.yaml": ["'exclude'", "'no-such-question'"],
    "unknown_template.yaml": ["'template' must be one value, not a list"],
    "unsure_top_needs_confirmed.yaml": ["'top_questions'", "'tx-choices' assumes"],
    "utf16_no_bom.yaml": ["is UTF-16 text, not UTF-8", "Save the file as UTF-8"],
    "zero_width.yaml": ["'companion'", "U+200B"],
}
TEMPLATES = {
    "alias_bomb.yaml": ["line 6", "more than 100,000 values"],
    "body_too_small.yaml": ["'font.body' is 8", "between 12 and 40"],
    "bool_maybe.yaml": ["'features.clinic_block'", "'maybe'"],
    "extends_unknown.yaml": ["extends: 'fancy'"],
    "extends_quoted_list.yaml": ["line 1", "a quote mark inside a quoted value",
                                 "Leave out the outer quotes"],
    "footer_over_body.yaml": ["'text.footer'", "'font.small' 30 pt", "'page.margin' 1 in"],
    "huge_number.yaml": ["'font.body' must be a number", "(5,000 characters)"],
    "not_a_mapping.yaml": ["must be a mapping", "not a list"],
    "page_lone_brace.yaml": ["'text.page'", "'Page {page} of {pages} {'", "brace"],
    "page_positional.yaml": ["'text.page'", "'{0}'"],
    "page_unknown_field.yaml": ["'text.page'", "'{x}'"],
    "python_tag.yaml": ["line 1", "!!python/name:os.system"],
    "unknown_key.yaml": ["unknown key 'font.bodyy'", "Did you mean 'font.body'?"],
    "title_too_long.yaml": ["'text.title' is 399 characters long", "the limit is 300"],
    "word_too_long.yaml": ["'text.footer' has a word of 80 characters"],
    "page_label_too_long.yaml": ["'text.page' is 122 characters long", "the limit is 40"],
}
CLINICS = {
    "control_char_phone.yaml": ["'phone'", "U+200B"],
    "deep_nesting.yaml": ["line 1", "nested more than 50 levels"],
    "list_phone.yaml": ["'phone' must be text, not a list"],
    "logo_bomb.yaml": ["'logo'", "bomb.png has far more pixels than a logo needs"],
    "logo_garbage_data.yaml": ["'logo'", "garbage_data.png is damaged", "cannot be decoded"],
    "logo_no_data.yaml": ["'logo'", "no_data.png is damaged", "cannot be decoded"],
    "long_name.yaml": ["'name' is 299 characters long"],
    "right_to_left_address.yaml": ["'address, line 2'", "right to left"],
    "right_to_left_name.yaml": ["'name'", "right to left"],
    "too_many_address_lines.yaml": ["'address' has 5 lines"],
    "unknown_key.yaml": ["unknown key 'fax'"],
}
# banks/<file>--<case>.yaml replaces <file> in a copy of the built-in bank.
BANKS = {
    "costs.yaml--alias_bomb.yaml": ["costs.yaml, line 7", "more than 100,000 values"],
    "costs.yaml--deep_nesting.yaml": ["costs.yaml, line 2", "nested more than 50 levels"],
    "costs.yaml--duplicate_key.yaml": ["costs.yaml, line 2", "'topic' appears twice"],
    "costs.yaml--not_utf8.yaml": ["costs.yaml", "is not UTF-8 text"],
    "costs.yaml--python_tag.yaml": ["costs.yaml, line 1", "!!python/object/apply:os.system"],
    "topics.yaml--a_list.yaml": ["topics.yaml", "not a list"],
    "topics.yaml--always_maybe.yaml": ["topics.yaml, line", "'always'", "'maybe'"],
}
CSVS = {
    "blank_rows_only.csv": ["has a header but no rows"],
    "duplicate_column.csv": ["the column 'recurrence' appears twice"],
    "empty.csv": ["the file is empty"],
    "header_only.csv": ["has a header but no rows"],
    "latin1.csv": ["line 2 is not utf-8 text", "--encoding"],
    "no_recurrence_column.csv": ["no 'recurrence' column"],
    "unknown_column.csv": ["no 'recurrence' column", "did you mean 'recurrence'?"],
    "utf16.csv": ["line 1 is not utf-8 text"],
    "utf16_no_bom.csv": ["is UTF-16 text without a byte-order mark", "--encoding utf-16-le"],
    "workbook.csv": ["is an Excel or LibreOffice workbook", "CSV UTF-8"],
}


def test_the_corpus_and_its_expectations_match() -> None:
    for folder, cases in (("answers", ANSWERS), ("templates", TEMPLATES),
                          ("clinics", CLINICS), ("csv", CSVS), ("banks", BANKS)):
        assert sorted(p.name for p in (HOSTILE / folder).iterdir()) == sorted(cases), folder


def check_refused(result: Result, tmp_path: Path, file: Path, says: list[str],
                  before: set[str]) -> None:
    assert result.code in (1, 2), result.err
    assert "Traceback" not in result.err + result.out
    errors = [line for line in result.err.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.err
    message = result.err
    assert file.name in errors[0], errors[0]  # names the file
    for fragment in says:
        assert fragment in message, (fragment, message)
    assert errors[0].endswith((".", "?")), errors[0]
    after = {str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")}
    assert after == before, after - before  # nothing written, nothing left behind


def _prepared(tmp_path: Path) -> set[str]:
    (tmp_path / "keep.pdf").write_bytes(b"%PDF-keep")
    return {str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")}


@pytest.mark.parametrize("name", sorted(ANSWERS))
def test_hostile_answers_files(run: Run, tmp_path: Path, name: str) -> None:
    before = _prepared(tmp_path)
    file = HOSTILE / "answers" / name
    result = run("make", "--answers", str(file), "-o", "out.pdf")
    check_refused(result, tmp_path, file, ANSWERS[name], before)
    assert (tmp_path / "keep.pdf").read_bytes() == b"%PDF-keep"


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_hostile_templates(run: Run, tmp_path: Path, name: str) -> None:
    before = _prepared(tmp_path)
    file = HOSTILE / "templates" / name
    result = run("make", "--recurrence", "local", "--template", str(file), "-o", "out.pdf")
    check_refused(result, tmp_path, file, TEMPLATES[name], before)
    batch = run("batch", str(DATA / "csv" / "good.csv"), "-o", "out", "--template", str(file))
    check_refused(batch, tmp_path, file, TEMPLATES[name], before)


@pytest.mark.parametrize("name", sorted(CLINICS))
def test_hostile_clinic_files(run: Run, tmp_path: Path, name: str) -> None:
    before = _prepared(tmp_path)
    file = HOSTILE / "clinics" / name
    result = run("make", "--recurrence", "local", "--clinic", str(file), "-o", "out.pdf")
    check_refused(result, tmp_path, file, CLINICS[name], before)


@pytest.mark.parametrize("name", sorted(BANKS))
def test_hostile_banks(run: Run, tmp_path: Path, bank_copy: Path, name: str) -> None:
    target = bank_copy / name.split("--")[0]
    target.write_bytes((HOSTILE / "banks" / name).read_bytes())
    before = _prepared(tmp_path)
    for argv in (["check-bank", str(bank_copy)],
                 ["make", "--recurrence", "local", "--bank", str(bank_copy), "-o", "out.pdf"],
                 ["batch", str(DATA / "csv" / "good.csv"), "-o", "out", "--bank",
                  str(bank_copy)]):
        result = run(*argv)
        check_refused(result, tmp_path, target, BANKS[name], before)


@pytest.mark.parametrize("name", sorted(CSVS))
def test_hostile_csv_files(run: Run, tmp_path: Path, name: str) -> None:
    before = _prepared(tmp_path)
    file = HOSTILE / "csv" / name
    result = run("batch", str(file), "-o", "out", "--merge", "all.pdf")
    check_refused(result, tmp_path, file, CSVS[name], before)


def test_a_cell_over_the_csv_limit(run: Run, tmp_path: Path) -> None:
    file = tmp_path / "huge.csv"
    file.write_text("name,recurrence\nAnn,local\nBo,\"" + "x" * 140_000 + "\"\n",
                    encoding="utf-8")
    before = _prepared(tmp_path)
    result = run("batch", str(file), "-o", "out")
    check_refused(result, tmp_path, file, ["line 3", "longer than 131,072 characters"], before)


@pytest.mark.parametrize(("argv", "says"), [
    (["batch", "good.csv", "-o", "out", "--jobs", "0"], "--jobs must be 1 or more"),
    (["batch", "good.csv", "-o", "out", "--jobs", "many"], "invalid int value: 'many'"),
    (["make", "--recurrence", "local", "--paper", "b5"], "invalid choice: 'b5'"),
    (["make", "-o", "out.pdf"], "make needs an answers file or at least --recurrence"),
    (["print"], "invalid choice: 'print'"),
])
def test_hostile_flags_are_usage_errors(run: Run, tmp_path: Path, argv: list[str],
                                        says: str) -> None:
    before = _prepared(tmp_path)
    result = run(*argv)
    assert result.code == 2 and says in result.err and "Traceback" not in result.err
    assert {str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")} == before


def test_hostile_rows_fail_alone_and_every_good_row_prints(run: Run, tmp_path: Path) -> None:
    result = run("batch", str(HOSTILE / "rows.csv"), "-o", "out", "--jobs", "2")
    assert result.code == 1 and "Traceback" not in result.err
    errors = [line for line in result.err.splitlines() if line.startswith("row ")]
    expected = {
        3: ["(Bad Date)", "'visit_date'", "'2026-02-30'"],
        5: ["(Octal Phone)", "'visit_date'", "'0161234567'"],
        7: ["(Hebrew)", "your own question 1", "right to left"],
        9: ["(Zero Width)", "'doctor'", "U+200B"],
        11: ["(Bad Top)", "'top_questions'", "'no-such-question'"],
        13: ["(Path Output)", "output '../../etc/passwd' is a path"],
        14: ["(Too Many Cells)", "has 10 cells but the header has 8 columns"],
        15: ["(Sexagesimal)", "'visit_date'", "'12:30:45'"],
        17: ["(Bad Recurrence)", "unknown recurrence 'sideways'"],
        18: ["(Japanese)", "your own question 1", "cannot print"],
    }
    assert [int(line.split()[1]) for line in errors] == sorted(expected)  # in row order
    for line, (number, says) in zip(errors, sorted(expected.items()), strict=True):
        assert line.startswith(f"row {number} ")
        for fragment in says:
            assert fragment in line, (fragment, line)
    out = tmp_path / "out"
    printed = sorted(p.name for p in out.glob("*.pdf"))
    assert len(printed) == 8  # the six good rows, the long output name and the formula name
    assert "Done: 8 written, 0 already there, 10 failed" in result.out
    failures = list(csv.reader(io.StringIO(
        (out / "rows-failures.csv").read_text(encoding="utf-8-sig"))))
    assert [int(row[0]) for row in failures[1:]] == sorted(expected)
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in failures for cell in row)
    assert not [p for p in out.iterdir() if p.suffix not in (".pdf", ".csv")]


def test_no_traceback_even_through_a_real_process(tmp_path: Path) -> None:
    """The corpus through `python -m visitprep`, as a user runs it (a sample)."""
    for folder, name, argv in (
            ("answers", "alias_bomb.yaml", ["make", "--answers"]),
            ("templates", "page_unknown_field.yaml", ["make", "--recurrence", "local",
                                                      "--template"])):
        process = subprocess.run(
            [sys.executable, "-m", "visitprep", *argv, str(HOSTILE / folder / name), "-o",
             "out.pdf"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert process.returncode == 1 and "Traceback" not in process.stderr
        assert process.stderr.startswith("Error: ") and name in process.stderr
        assert not (tmp_path / "out.pdf").exists()
