"""The commands as a user runs them: exit codes, exact messages, files written or not."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import DATA, Result, read_pdf

pytestmark = pytest.mark.clock  # run again under faketime in CI (.ci/run)

FULL = DATA / "answers" / "full.yaml"
Run = Callable[..., Result]


def test_make_from_an_answers_file(run: Run, tmp_path: Path) -> None:
    result = run("make", "--answers", str(FULL), "-o", "visit.pdf")
    assert result.code == 0, result.err
    first, second = result.out.splitlines()[:2]
    pages = len(read_pdf(tmp_path / "visit.pdf").pages)
    assert first == f"{pages} pages: the standard template, the short list, on A4."
    assert second.startswith(f"Wrote visit.pdf ({pages} pages)")
    pdf = read_pdf(tmp_path / "visit.pdf")
    first = pdf.pages[0]
    assert "Name: Maria López" in first
    assert "Doctor: Dr. R&D <Okafor>" in first
    assert "1. Can I travel to see my grandson in March?" in first
    assert "Is x<y & z a problem?" in pdf.text
    assert "Will I have to stay in the hospital?" not in pdf.text
    assert "Symptoms to call about" in pdf.text
    assert round(pdf.sizes[0][0]) == 595  # a4 from the file


def test_make_from_flags(run: Run, tmp_path: Path) -> None:
    result = run("make", "--recurrence", "metastatic", "--concern", "costs", "--concern",
                 "Second Opinion", "--name", "Дмитрий", "--visit-date", "3 December 2026",
                 "--question", "Who pays for parking?", "--top", "so-should-i",
                 "-o", "out.pdf")
    assert result.code == 0, result.err
    text = read_pdf(tmp_path / "out.pdf").text
    assert "Дмитрий" in text and "Who pays for parking?" in text
    assert "Costs and insurance" in text and "A second opinion" in text
    assert "1. Should I get a second opinion?" in text


def test_concerns_with_commas_and_the_plural_flag(run: Run, tmp_path: Path) -> None:
    """A tired navigator types --concerns, or several at once with commas: both work, and
    an unknown one among them is named alone."""
    result = run("make", "--recurrence", "distant", "--concerns", "costs, second-opinion",
                 "--concern", "síntomas", "-o", "out.pdf")
    assert result.code == 0, result.err
    text = read_pdf(tmp_path / "out.pdf").text
    assert "Costs and insurance" in text and "A second opinion" in text
    assert "Symptoms to tell my care team" in text
    bad = run("make", "--recurrence", "distant", "--concern", "costs,nope", "-o", "bad.pdf")
    assert bad.code == 1 and "unknown concern 'nope'" in bad.err
    assert not (tmp_path / "bad.pdf").exists()


def test_flags_replace_the_answers_file(run: Run, tmp_path: Path) -> None:
    result = run("make", "--answers", str(FULL), "--recurrence", "local", "--paper", "letter",
                 "-o", "out.pdf")
    assert result.code == 0, result.err
    pdf = read_pdf(tmp_path / "out.pdf")
    assert "in the same place it first started" in pdf.pages[0]
    assert round(pdf.sizes[0][0]) == 612


def test_length_and_include_flags_replace_the_answers_file(run: Run, tmp_path: Path) -> None:
    stay = "How much will the tests and scans cost me?"  # not core
    assert stay not in read_pdf_after(run, tmp_path, "short.pdf")
    assert stay in read_pdf_after(run, tmp_path, "full.pdf", "--length", "full")
    assert stay in read_pdf_after(run, tmp_path, "one.pdf", "--include", "cost-tests")
    result = run("make", "--answers", str(FULL), "--length", "long", "-o", "x.pdf")
    assert result.code == 2 and "--length" in result.err


def read_pdf_after(run: Run, folder: Path, name: str, *flags: str) -> str:
    result = run("make", "--answers", str(FULL), *flags, "-o", name)
    assert result.code == 0, result.err
    return read_pdf(folder / name).text


@pytest.mark.parametrize("output", ["out.pdf", "out.html"])
def test_make_says_which_concerns_print_nothing_yet(run: Run, output: str) -> None:
    """Said for the HTML handout as for the PDF: a chosen concern never drops silently."""
    result = run("make", "--recurrence", "unsure", "--concern", "side-effects", "--concern",
                 "costs", "-o", output)
    assert result.code == 0, result.err
    assert result.out.splitlines()[0] == ('Note: "Side effects" has no questions while a '
                                          "recurrence is not confirmed; they come once it is.")
    deciding = run("make", "--recurrence", "unsure", "--concern", "deciding", "-o",
                   "deciding" + output.removeprefix("out"))
    assert deciding.code == 0, deciding.err
    assert deciding.out.startswith('Note: "Deciding, and how long I can take" has no '
                                   "questions"), deciding.out
    assert "Note:" not in run("make", "--recurrence", "local", "--concern", "side-effects",
                              "-o", "two" + output.removeprefix("out")).out


def test_default_output_name_uses_the_name_and_the_visit_date(run: Run, tmp_path: Path) -> None:
    assert run("make", "--answers", str(FULL)).code == 0
    assert (tmp_path / "visit-questions-maria-lopez-2026-12-03.pdf").is_file()
    assert run("make", "--recurrence", "local").code == 0
    assert (tmp_path / "visit-questions.pdf").is_file()


def test_existing_file_is_kept_without_force(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "visit.pdf"
    target.write_bytes(b"my old handout")
    result = run("make", "--recurrence", "local", "-o", "visit.pdf")
    assert result.code == 1
    assert result.err == ("Error: visit.pdf already exists.\n"
                          "Choose another name, or add --force to replace it.\n")
    assert target.read_bytes() == b"my old handout"
    assert run("make", "--recurrence", "local", "-o", "visit.pdf", "--force").code == 0
    assert target.read_bytes().startswith(b"%PDF")


def test_bad_input_writes_nothing(run: Run, tmp_path: Path) -> None:
    result = run("make", "--recurrence", "local", "--name", "王小明", "-o", "visit.pdf")
    assert result.code == 1
    assert result.err.startswith("Error: the name ('王小明') has the character '王'")
    assert "Traceback" not in result.err
    assert list(tmp_path.iterdir()) == []  # no PDF, no temporary file


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--recurrence", "far"), "Error: --recurrence: unknown recurrence 'far'.\n"
         "Allowed values: local, regional, distant, unsure (use 'unsure' if it is not "
         "known yet).\n"),
        (("--recurrence", "local", "--concern", "money matters"),
         "Error: --concern: unknown concern 'money matters'."),
        (("--recurrence", "local", "--exclude", "tx-choice"),
         "Error: --exclude names an unknown question id 'tx-choice'. Did you mean "
         "'tx-choices'?"),
        (("--recurrence", "local", "--visit-date", "12/03/2026"),
         "Error: --visit-date: '12/03/2026' could be Thursday, December 3, 2026 (month first) "
         "or Thursday, March 12, 2026 (day first).\nAdd --date-order mdy or --date-order dmy, "
         "or write it as YYYY-MM-DD.\n"),
        (("--recurrence", "local", "--visit-date", "someday"),
         "Error: --visit-date: 'someday' is not a date visitprep can read.\n"),
        (("--recurrence", "local", "--name", "x" * 101),
         "Error: --name is 101 characters long; the limit is 100.\n"),
        (("--recurrence", "local", "--template", "fancy"), "Error: unknown template 'fancy'."),
        (("--recurrence", "local", "--bank", "nowhere"), "Error: nowhere: no such folder"),
        (("--recurrence", "local", "--clinic", "nope.yaml"), "Error: nope.yaml: no such file"),
        (("--answers", "missing.yaml"), "Error: missing.yaml: no such file"),
        (("--recurrence", "local", "-o", "no/such/dir/x.pdf"),
         "Error: the folder no/such/dir does not exist"),
        (("--recurrence", "local", "-o", "."), "Error: . is a folder"),
    ],
)
def test_bad_input_exits_1_with_one_clear_message(run: Run, tmp_path: Path,
                                                  args: tuple[str, ...], message: str) -> None:
    result = run("make", *args)
    assert result.code == 1
    assert message in result.err
    assert "Traceback" not in result.err
    assert not list(tmp_path.glob("*.pdf"))


def test_broken_answers_file_names_file_and_line(run: Run, tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("recurrence: local\nconcerns: [costs\n", encoding="utf-8")
    result = run("make", "--answers", "a.yaml")
    assert result.code == 1
    assert result.err.startswith("Error: a.yaml, line 3:")
    (tmp_path / "b.yaml").write_text("recurrence: !!python/object/apply:os.getcwd []\n",
                                     encoding="utf-8")
    result = run("make", "--answers", "b.yaml")
    assert result.code == 1 and "b.yaml, line 1: has a tag visitprep does not read" in result.err


@pytest.mark.parametrize(
    "args",
    [("make",), ("make", "--paper", "legal"), ("frobnicate",), ("questions", "--concern", "x"),
     ("make", "--bogus")],
)
def test_usage_errors_exit_2(run: Run, args: tuple[str, ...]) -> None:
    result = run(*args)
    assert result.code == 2
    assert result.err.startswith("Error: ")
    assert "--help" in result.err


def test_questions_lists_ids_and_sources(run: Run) -> None:
    result = run("questions", "--recurrence", "unsure", "--concern", "costs")
    assert result.code == 0
    assert "About my cancer coming back (my-recurrence)" in result.out
    assert "  rec-tests-to-find-out: What tests will show if my cancer has come back?" in result.out
    source = '      from What Is Cancer Recurrence?, "How is a cancer recurrence diagnosed?"'
    assert source in result.out
    assert ".txt" not in result.out  # sources by title, not by file name
    assert "Costs and insurance (costs)" in result.out
    assert "tx-surgery-radiation" not in result.out
    assert result.out.rstrip().endswith("questions.")


def test_questions_without_a_profile_lists_the_whole_bank(run: Run) -> None:
    result = run("questions")
    assert result.code == 0
    assert "Side effects (concern: side-effects)" in result.out
    assert "for: local;" in result.out
    assert "106 questions in 13 topics." in result.out or "questions in 13 topics." in result.out


def test_questions_for_an_answers_file(run: Run) -> None:
    result = run("questions", "--answers", str(FULL))
    assert result.code == 0
    assert result.out.startswith("Top questions (page 1)\n  (own): Can I travel")


def test_check_bank_reports_the_reading_level(run: Run) -> None:
    result = run("check-bank")
    assert result.code == 0
    assert "Reading level (Flesch-Kincaid grade): mean " in result.out
    assert result.out.rstrip().endswith("OK: the bank is valid and easy to read.")


def test_check_bank_flags_hard_questions(run: Run, bank_copy: Path) -> None:
    path = bank_copy / "costs.yaml"
    path.write_text(path.read_text(encoding="utf-8") + (
        "  - id: cost-hard\n    text: Notwithstanding institutional reimbursement "
        "considerations, what supplementary pharmaceutical expenditures are anticipated?\n"
        "    recurrence: all\n    source: {file: 002_232169e8006b1272.txt, section: x}\n"),
        encoding="utf-8")
    result = run("check-bank", str(bank_copy))
    assert result.code == 1
    assert "cost-hard: Notwithstanding" in result.out
    assert "Rewrite these in shorter sentences" in result.out


def test_check_bank_refuses_a_broken_bank(run: Run, bank_copy: Path) -> None:
    (bank_copy / "coping.yaml").write_text("topic: coping\nquestions:\n  - [\n", encoding="utf-8")
    result = run("check-bank", str(bank_copy))
    assert result.code == 1
    assert "coping.yaml, line" in result.err


def test_templates_lists_one_line_each(run: Run) -> None:
    result = run("templates")
    assert result.code == 0
    lines = [line.split(maxsplit=1) for line in result.out.splitlines()]
    assert lines[0] == ["standard", "Standard print, 12 pt, a line to write on under each "
                        "question and notes at the end."]
    assert ["large-print", "Large print, 18 pt throughout, bold headings, bigger boxes and wider "
            "lines to write on."] in lines


def test_python_dash_m_and_help(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "visitprep", "make", "--recurrence", "local",
                           "-o", str(tmp_path / "m.pdf")], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "m.pdf").read_bytes().startswith(b"%PDF")
    done = subprocess.run([sys.executable, "-m", "visitprep", "--help"], capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0 and "Exit codes: 0 done; 1 bad input" in done.stdout


def test_every_command_has_examples_and_the_interview_comes_first(run: Run) -> None:
    from visitprep.cli import build_parser

    top = run("--help")
    assert top.code == 0
    listed = re.findall(r"^    (\w[\w-]*)", top.out, re.M)
    assert listed[0] == "interview"
    assert "examples:" in top.out
    commands = next(a for a in build_parser()._actions
                    if isinstance(a, argparse._SubParsersAction))
    for name in commands.choices:
        result = run(name, "--help")
        assert result.code == 0
        assert "examples:\n  visitprep " + name in result.out, name


def test_batch_help_lists_the_csv_columns(run: Run) -> None:
    from visitprep.batch import COLUMNS
    from visitprep.cli import CSV_COLUMNS

    assert CSV_COLUMNS == COLUMNS
    text = " ".join(run("batch", "--help").out.split())
    assert ", ".join(COLUMNS) in text


def test_questions_help_does_not_point_at_itself(run: Run) -> None:
    text = " ".join(run("questions", "--help").out.split())
    assert "(see 'visitprep questions')" not in text
    assert "'visitprep questions' with no options lists every topic with its id" in text


def test_plurals_read_right(run: Run, tmp_path: Path) -> None:
    from visitprep.cli import _n

    assert (_n(1, "page"), _n(2, "page"), _n(0, "handout")) == ("1 page", "2 pages",
                                                                "0 handouts")
    (tmp_path / "one.csv").write_text("name,recurrence\nAnn,local\n", encoding="utf-8")
    result = run("batch", "one.csv", "-o", "out", "--merge", "all.pdf", "--jobs", "1")
    assert result.code == 0, result.err
    assert "1 handout," in result.out and "1 handouts" not in result.out


# -- room to write, serve's options (issue 23) -------------------------------------------

def test_serve_help_lists_no_force_which_would_do_nothing(run: Run) -> None:
    result = run("serve", "--help")
    assert result.code == 0
    assert "--force" not in result.out and "--room" in result.out
    assert run("serve", "--force").code == 2


def test_more_room_to_write_says_the_page_count_before_printing(run: Run,
                                                                tmp_path: Path) -> None:
    from conftest import read_pdf

    standard = run("make", "--answers", str(FULL), "-o", "standard.pdf")
    more = run("make", "--answers", str(FULL), "--room", "more", "-o", "more.pdf")
    assert standard.code == more.code == 0, more.err
    first = more.out.splitlines()[0]
    assert first.endswith(", more room to write, on A4.")  # full.yaml: paper a4
    pages = int(first.split()[0])
    assert len(read_pdf(tmp_path / "more.pdf").pages) == pages
    assert pages > len(read_pdf(tmp_path / "standard.pdf").pages)
    (tmp_path / "a.yaml").write_text(FULL.read_text(encoding="utf-8") + "room: more\n",
                                     encoding="utf-8")
    assert run("make", "--answers", "a.yaml", "-o", "file.pdf").out.splitlines()[0] == first
    bad = run("make", "--recurrence", "local", "--room", "lots")
    assert bad.code == 2 and "--room: invalid choice: 'lots'" in bad.err
    (tmp_path / "b.yaml").write_text("recurrence: local\nroom: lots\n", encoding="utf-8")
    bad = run("make", "--answers", "b.yaml", "-o", "b.pdf")
    assert bad.code == 1
    assert bad.err.startswith("Error: b.yaml: unknown room 'lots'.")
    assert "Allowed values: standard, more." in bad.err


def test_more_room_in_a_csv_column_and_as_the_batch_default(run: Run, tmp_path: Path) -> None:
    from conftest import read_pdf

    (tmp_path / "list.csv").write_text(
        "name,recurrence,concerns,room\nAnn,distant,costs;side-effects,more\n"
        "Bo,distant,costs;side-effects,\nCy,distant,costs;side-effects,standard\n",
        encoding="utf-8")
    result = run("batch", "list.csv", "-o", "out", "--jobs", "1")
    assert result.code == 0, result.err
    pages = {p.stem: len(read_pdf(p).pages) for p in (tmp_path / "out").glob("*.pdf")}
    assert pages["Ann"] > pages["Bo"] == pages["Cy"]
    result = run("batch", "list.csv", "-o", "out2", "--jobs", "1", "--room", "more")
    assert result.code == 0, result.err
    again = {p.stem: len(read_pdf(p).pages) for p in (tmp_path / "out2").glob("*.pdf")}
    assert again["Ann"] == again["Bo"] == pages["Ann"] and again["Cy"] == pages["Cy"]


def test_a_default_name_already_taken_gives_the_next_free_one(run: Run, tmp_path: Path) -> None:
    # The interview's "print the same checklist again" command, typed where it printed.
    (tmp_path / "answers.yaml").write_text("recurrence: local\nname: Ann Lee\n"
                                           "visit_date: 2026-12-08\n")
    first = run("make", "--answers", "answers.yaml")
    assert first.code == 0
    taken = tmp_path / "visit-questions-ann-lee-2026-12-08.pdf"
    taken.write_bytes(b"filled in by hand")
    again = run("make", "--answers", "answers.yaml")
    assert again.code == 0, again.err
    assert ("visit-questions-ann-lee-2026-12-08.pdf is already there; writing "
            "visit-questions-ann-lee-2026-12-08-2.pdf instead") in again.out
    assert taken.read_bytes() == b"filled in by hand"
    assert (tmp_path / "visit-questions-ann-lee-2026-12-08-2.pdf").read_bytes()[:4] == b"%PDF"
