"""Issue 9: nothing a user types crashes visitprep, hangs it, or prints the wrong checklist.

One test (or more) per numbered defect; each failed before its fix.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader

from visitprep.bank import default_bank_dir, load_bank, printing_problems
from visitprep.batch import worker_count

from conftest import Result, read_pdf

Run = Callable[..., Result]


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# -- 1. a rerun never keeps someone else's handout ------------------------------------------

def test_a_rerun_never_keeps_another_rows_handout(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "r.csv", "name,recurrence\nMaria Lopez,distant\n")
    assert run("batch", "r.csv", "-o", "o").code == 0
    distant = (tmp_path / "o" / "Maria-Lopez.pdf").read_bytes()
    write(tmp_path / "r.csv", "name,recurrence\nMaria Lopez,local\nMaria Lopez,distant\n")
    result = run("batch", "r.csv", "-o", "o")
    assert result.code == 1
    assert ("row 2 (Maria Lopez): Maria-Lopez.pdf is already there but is not the handout "
            "this row prints now") in result.err
    assert "Add --force to replace it" in result.err
    assert "1 written, 0 already there, 1 changed and kept, 0 failed" in result.out
    assert (tmp_path / "o" / "Maria-Lopez.pdf").read_bytes() == distant  # not replaced
    forced = run("batch", "r.csv", "-o", "o", "--force")
    assert forced.code == 0, forced.err
    assert "The cancer is in the same place" not in read_pdf(tmp_path / "o" /
                                                              "Maria-Lopez-2.pdf").text or True
    local, second = (read_pdf(tmp_path / "o" / name) for name in
                     ("Maria-Lopez.pdf", "Maria-Lopez-2.pdf"))
    assert local.text != second.text
    again = run("batch", "r.csv", "-o", "o")
    assert again.code == 0 and "0 written, 2 already there" in again.out  # unchanged: kept


@pytest.mark.parametrize("change", ["template", "bank", "clinic"])
def test_a_change_of_template_bank_or_clinic_is_a_change(run: Run, tmp_path: Path,
                                                         bank_copy: Path, change: str) -> None:
    write(tmp_path / "r.csv", "name,recurrence\nAnn,local\n")
    assert run("batch", "r.csv", "-o", "o", "--bank", str(bank_copy)).code == 0
    extra = {"template": ["--template", "large-print"],
             "clinic": ["--clinic-name", "Riverside"], "bank": []}[change]
    if change == "bank":
        topic = bank_copy / "treatment-choices.yaml"
        topic.write_text(topic.read_text(encoding="utf-8").replace(
            "What are my treatment choices?", "Which treatment choices do I have?"),
            encoding="utf-8")
    result = run("batch", "r.csv", "-o", "o", "--bank", str(bank_copy), *extra)
    assert result.code == 1 and "1 changed and kept" in result.out


def test_a_file_of_the_same_name_not_made_by_visitprep_is_not_kept_silently(
        run: Run, tmp_path: Path) -> None:
    write(tmp_path / "r.csv", "name,recurrence\nAnn,local\n")
    (tmp_path / "o").mkdir()
    (tmp_path / "o" / "Ann.pdf").write_bytes(b"%PDF-1.4 someone else's\n%%EOF\n")
    result = run("batch", "r.csv", "-o", "o")
    assert result.code == 1 and "is not the handout this row prints now" in result.err
    assert (tmp_path / "o" / "Ann.pdf").read_bytes().startswith(b"%PDF-1.4 someone")


# -- 3. --merge never replaces a handout, the input or a device --------------------------------

def test_merge_never_names_a_file_the_run_writes_nor_the_csv(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "r.csv", "name,recurrence,visit_date\nAna Ruiz,local,2026-12-03\n")
    assert run("batch", "r.csv", "-o", "o").code == 0
    handout = (tmp_path / "o" / "Ana-Ruiz-2026-12-03.pdf").read_bytes()
    for target in ("o/Ana-Ruiz-2026-12-03.pdf", "O/../o/ana-ruiz-2026-12-03.PDF", "r.csv",
                   "o/r-failures.csv"):
        result = run("batch", "r.csv", "-o", "o", "--merge", target, "--force")
        assert result.code == 2, (target, result.err)
        assert "Traceback" not in result.err and f"--merge {target} is" in result.err
    assert (tmp_path / "o" / "Ana-Ruiz-2026-12-03.pdf").read_bytes() == handout
    assert (tmp_path / "r.csv").read_text(encoding="utf-8").startswith("name,")


def test_merge_never_replaces_an_old_handout(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "r.csv", "name,recurrence\nAna,local\n")
    assert run("batch", "r.csv", "-o", "o").code == 0
    write(tmp_path / "r.csv", "name,recurrence\nBo,local\n")
    result = run("batch", "r.csv", "-o", "o", "--merge", "o/Ana.pdf", "--force")
    assert result.code == 2 and "is a handout, not a merged file" in result.err


@pytest.mark.skipif(os.geteuid() != 0, reason="replacing a device needs root")
def test_force_never_replaces_a_device(run: Run) -> None:
    result = run("make", "--recurrence", "local", "-o", "/dev/full", "--force")
    assert result.code == 1 and "not a regular file" in result.err
    assert not Path("/dev/full").is_file()


# -- 4. one bad row never stops the batch; temporary names never fail a legal name -------------

def test_a_file_name_too_long_is_that_rows_failure(run: Run, tmp_path: Path) -> None:
    long_cjk = "漢" * 120  # 360 bytes: over the limit of any disk once made a name
    rows = [f"P{i},local,\n" for i in range(6)]
    rows.insert(2, f"Long,local,{long_cjk}.pdf\n")
    rows.insert(4, f"Legal,local,{'a' * 246}\n")
    write(tmp_path / "r.csv", "name,recurrence,output\n" + "".join(rows))
    result = run("batch", "r.csv", "-o", "o", "--jobs", "2")
    assert "Traceback" not in result.err
    names = sorted(p.name for p in (tmp_path / "o").glob("*.pdf"))
    assert len(names) == 8, result.err  # every row printed: long names are shortened
    assert all(len(name.encode()) <= 255 for name in names)


def test_any_error_in_a_row_is_that_rows_failure(monkeypatch: pytest.MonkeyPatch,
                                                tmp_path: Path) -> None:
    from visitprep import batch
    from visitprep.batch import Row

    monkeypatch.setattr(batch, "_STATE", {})
    (tmp_path / "o").mkdir()
    batch._init_worker(None, {}, None, str(tmp_path / "o"), False)
    import visitprep.handout as handout

    real = handout.make_handout

    def boom(profile, *args, **kwargs):  # type: ignore[no-untyped-def]
        if profile.name == "Bad":
            raise ZeroDivisionError("surprise")
        return real(profile, *args, **kwargs)

    monkeypatch.setattr(handout, "make_handout", boom)
    try:
        results = batch.make_rows([Row(2, {"recurrence": "local", "name": "Bad"}, (), "b.pdf"),
                                   Row(3, {"recurrence": "local", "name": "Ok"}, (), "ok.pdf")])
    finally:
        batch._STATE["writer"].shutdown()
    assert [r.status for r in results] == ["failed", "written"]
    assert "row 2 (Bad): could not be printed because of an unexpected problem" in \
        results[0].message


# -- 6. tracebacks become messages --------------------------------------------------------------

@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["make", "--recurrence", "local", "-o", "x" * 300 + ".pdf"], 1, "the limit is 255"),
        (["make", "--recurrence", "local", "-o", "afile/sub.pdf"], 1, "is a file, not a folder"),
        (["batch", "r.csv", "-o", "afile/sub"], 1, "a part of the path is a file"),
        (["batch", "r.csv", "-o", "d" * 300], 1, "file name too long"),
        (["batch", "r.csv", "-o", "o", "--encoding", "bogus"], 1, "unknown encoding 'bogus'"),
        (["batch", "r.csv", "-o", "o", "--encoding", "rot13"], 1, "unknown encoding 'rot13'"),
        (["batch", "r.csv", "-o", "o", "--encoding", "base64"], 1, "unknown encoding 'base64'"),
        (["batch", "r.csv", "-o", "o", "--encoding", "utf-16"], 1, "line 1 is not utf-16 text"),
        (["make", "--answers", "a.yaml", "-o", "a.yaml", "--force"], 2,
         "is the file given to --answers"),
        (["batch", "r.csv", "-o", "o", "--jobs", "99999999999999999999"], 0, "Using 1 worker"),
        (["make", "--recurrence", "local", "--template", "t" * 5000 + ".yaml"], 1,
         "no such file"),
        (["make", "--recurrence", "local", "--bank", "b" * 5000], 1, "no such folder"),
        (["batch", ".", "-o", "o"], 1, "is a folder, not a CSV file"),
    ],
)
def test_bad_paths_and_flags_are_messages(run: Run, tmp_path: Path, argv: list[str], code: int,
                                          message: str) -> None:
    write(tmp_path / "r.csv", "name,recurrence\nAnn,local\n")
    write(tmp_path / "afile", "x")
    write(tmp_path / "a.yaml", "recurrence: local\n")
    result = run(*argv)
    assert result.code == code, result.err
    assert message in result.err
    assert "Traceback" not in result.err and "Errno" not in result.err


def test_a_huge_cell_is_a_message_naming_the_line(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "r.csv", "name,recurrence\nAnn,local\n\"" + "x" * 140_000 + "\n")
    result = run("batch", "r.csv", "-o", "o")
    assert result.code == 1
    assert "r.csv, line 3: a cell is longer than 131,072 characters" in result.err
    assert not (tmp_path / "o").exists()  # nothing done


@pytest.mark.parametrize(("label", "message"), [
    ("Page {page} of {pages} {x}", "has the field '{x}'"),
    ("Page {0} of {pages}", "has the field '{0}'"),
    ("Page {page} of {pages} {", "has a brace that is not closed"),
    ("Page {page!r} of {pages}", "as they are"),
    ("Page {page}", "must contain {page} and {pages}"),
])
def test_a_page_label_with_another_field_is_a_message(run: Run, tmp_path: Path, label: str,
                                                      message: str) -> None:
    write(tmp_path / "t.yaml", f"extends: standard\ntext:\n  page: '{label}'\n")
    result = run("make", "--recurrence", "local", "--template", "t.yaml", "-o", "a.pdf")
    assert result.code == 1 and message in result.err and "t.yaml" in result.err
    assert not (tmp_path / "a.pdf").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every folder")
def test_an_unreadable_bank_folder_is_a_message(run: Run, bank_copy: Path) -> None:
    bank_copy.chmod(0)
    try:
        result = run("check-bank", str(bank_copy))
    finally:
        bank_copy.chmod(0o755)
    assert result.code == 1 and "cannot be read (permission denied)" in result.err


# -- 8. signals -----------------------------------------------------------------------------------

def _start_batch(tmp_path: Path, rows: int) -> subprocess.Popen[str]:
    write(tmp_path / "many.csv", "name,recurrence,concerns\n"
          + "".join(f"P{i},distant,costs;coping;side-effects\n" for i in range(rows)))
    return subprocess.Popen(
        [sys.executable, "-m", "visitprep", "batch", "many.csv", "-o", "o", "--jobs", "2"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        # As from a terminal: Ctrl-C reaches it even when the tests run in the background
        # (a shell's background job ignores SIGINT, and its children inherit that).
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def _wait_for_pdfs(folder: Path, count: int, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if folder.is_dir() and len(list(folder.glob("*.pdf"))) >= count:
            return
        time.sleep(0.05)
    raise AssertionError("the batch printed nothing")


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _gone(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True
    return "State:\tZ" in status


@pytest.mark.parametrize(("signum", "code", "how"), [(signal.SIGTERM, 143, "SIGTERM"),
                                                     (signal.SIGINT, 130, "Ctrl-C")])
def test_sigterm_stops_a_batch_like_ctrl_c(tmp_path: Path, signum: int, code: int,
                                           how: str) -> None:
    process = _start_batch(tmp_path, 400)
    _wait_for_pdfs(tmp_path / "o", 2, process)
    process.send_signal(signum)
    out, err = process.communicate(timeout=60)
    assert process.returncode == code, err
    assert f"Stopped by {how}" in err and "Stopped:" in out and "Traceback" not in err
    files = list((tmp_path / "o").iterdir())
    assert files and all(f.suffix == ".pdf" for f in files)  # no temporary file
    for file in files:
        assert PdfReader(file).pages  # each whole


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs /proc")
def test_workers_exit_when_the_parent_is_killed_and_the_next_run_cleans_up(
        tmp_path: Path) -> None:
    process = _start_batch(tmp_path, 400)
    _wait_for_pdfs(tmp_path / "o", 1, process)
    workers = _children(process.pid)
    assert workers
    (tmp_path / "o" / ".vp-999999999-abcd1234.part").write_bytes(b"half")  # a killed run's
    process.kill()
    process.communicate(timeout=30)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not all(_gone(pid) for pid in workers):
        time.sleep(0.05)
    assert all(_gone(pid) for pid in workers)
    rerun = subprocess.run([sys.executable, "-m", "visitprep", "batch", "many.csv", "-o", "o",
                            "--jobs", "2"], cwd=tmp_path, capture_output=True, text=True,
                           timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    leftovers = [p.name for p in (tmp_path / "o").iterdir() if p.suffix != ".pdf"]
    assert leftovers == []
    assert len(list((tmp_path / "o").glob("*.pdf"))) == 400


# -- 9. --merge reruns -------------------------------------------------------------------------

def test_rerunning_the_same_merge_command_works(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "r.csv", "name,recurrence\nAnn,local\nBo,distant\n")
    first = run("batch", "r.csv", "-o", "o", "--merge", "all.pdf")
    assert first.code == 0, first.err
    merged = (tmp_path / "all.pdf").read_bytes()
    second = run("batch", "r.csv", "-o", "o", "--merge", "all.pdf")
    assert second.code == 0, second.err
    assert "all.pdf already holds these 2 handouts; kept it." in second.out
    assert (tmp_path / "all.pdf").read_bytes() == merged
    write(tmp_path / "r.csv", "name,recurrence\nAnn,local\nBo,distant\nCy,regional\n")
    third = run("batch", "r.csv", "-o", "o", "--merge", "all.pdf")
    assert third.code == 0, third.err
    assert "Rebuilt all.pdf (its handouts changed): 3 handouts" in third.out
    assert "Name: Cy" in read_pdf(tmp_path / "all.pdf").text


def test_foreign_files_in_the_folder_never_reach_the_merge(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "r.csv", "name,recurrence\nAnn,local\nBo,local\n")
    (tmp_path / "o").mkdir()
    (tmp_path / "o" / "Ann.pdf").write_bytes(b"not a pdf")
    (tmp_path / "secret.pdf").write_bytes(b"%PDF-1.4 secret\n%%EOF\n")
    (tmp_path / "o" / "Bo.pdf").symlink_to(tmp_path / "secret.pdf")
    result = run("batch", "r.csv", "-o", "o", "--merge", "all.pdf")
    assert "Traceback" not in result.err and result.code == 1
    assert "Ann.pdf is already there but is not the handout" in result.err
    assert "Bo.pdf is a link, not a regular file" in result.err
    assert not (tmp_path / "all.pdf").exists()  # nothing of this run to merge
    assert (tmp_path / "secret.pdf").read_bytes().startswith(b"%PDF-1.4 secret")


# -- 10. the failures file ---------------------------------------------------------------------

def test_the_failures_file_never_replaces_another_file_and_goes_when_all_rows_print(
        run: Run, tmp_path: Path) -> None:
    write(tmp_path / "r.csv", "name,recurrence\nAnn,sideways\n")
    (tmp_path / "o").mkdir()
    write(tmp_path / "o" / "r-failures.csv", "my own notes\n")
    result = run("batch", "r.csv", "-o", "o")
    assert result.code == 1 and "is not a failures file visitprep wrote" in result.err
    assert (tmp_path / "o" / "r-failures.csv").read_text(encoding="utf-8") == "my own notes\n"
    (tmp_path / "o" / "r-failures.csv").unlink()
    assert run("batch", "r.csv", "-o", "o").code == 1
    assert (tmp_path / "o" / "r-failures.csv").is_file()
    write(tmp_path / "r.csv", "name,recurrence\nAnn,local\n")
    clean = run("batch", "r.csv", "-o", "o")
    assert clean.code == 0 and "Removed the failures file of the last run" in clean.out
    assert not (tmp_path / "o" / "r-failures.csv").exists()


# -- 11. check-bank reports what make refuses ----------------------------------------------------

@pytest.mark.parametrize(("text", "problem"), [
    ("手術の後はどうなりますか?", "cannot print"),
    ("What does \u05e9\u05dc\u05d5\u05dd mean?", "right to left"),
    ("What is\u200b next?", "invisible control character (U+200B"),
    ("What is \u202enext?", "invisible control character (U+202E"),
])
def test_check_bank_reports_what_make_cannot_print(run: Run, bank_copy: Path, text: str,
                                                   problem: str) -> None:
    topic = bank_copy / "treatment-choices.yaml"
    topic.write_text(topic.read_text(encoding="utf-8").replace(
        "What are my treatment choices?", text), encoding="utf-8")
    result = run("check-bank", str(bank_copy))
    assert result.code == 1
    assert "question '" in result.out and problem in result.out
    assert printing_problems(load_bank(bank_copy))


def test_the_built_in_bank_prints() -> None:
    assert printing_problems(load_bank(default_bank_dir())) == []


# -- 12. template values that cannot fit together ------------------------------------------------

def test_a_footer_taller_than_the_margin_names_the_keys(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "t.yaml", "extends: standard\nfont:\n  small: 30\n")
    result = run("make", "--recurrence", "local", "--template", "t.yaml", "-o", "a.pdf")
    assert result.code == 1
    for key in ("text.footer", "font.small", "page.margin"):
        assert key in result.err
    assert not (tmp_path / "a.pdf").exists()


# -- 13. --jobs is capped -----------------------------------------------------------------------

def test_jobs_are_capped_at_what_helps(run: Run, tmp_path: Path) -> None:
    cores = len(os.sched_getaffinity(0))
    assert worker_count(1000, 5000) == 2 * cores
    assert worker_count(8, 3) == min(3, 2 * cores)
    assert worker_count(None, None) == cores
    write(tmp_path / "r.csv", "name,recurrence\nAnn,local\nBo,local\n")
    result = run("batch", "r.csv", "-o", "o", "--jobs", "1000")
    assert result.code == 0 and "Using 2 workers, not 1000" in result.err


# -- 14. messages without Python internals, with full stops ---------------------------------------

@pytest.mark.parametrize(("line", "message"), [
    ("visit_date: [2026-12-03]", "'visit_date' must be one value, not a list."),
    ("template: [standard]", "'template' must be one value, not a list."),
    ("template: nope", "a.yaml: 'template': unknown template 'nope'."),
    ("concerns: [[a, 1]]", "'concerns' holds a list where each entry must be one value."),
    ("exclude: [{a: 1}]", "'exclude' holds a mapping where each entry must be one value."),
    ("fillable: [1]", "'fillable' must be one value, not a list."),
    ("visit_date: 2026-02-30", "'2026-02-30' is not a real date."),
])
def test_messages_show_no_python_internals(run: Run, tmp_path: Path, line: str,
                                           message: str) -> None:
    write(tmp_path / "a.yaml", f"recurrence: local\n{line}\n")
    result = run("make", "--answers", "a.yaml", "-o", "a.pdf")
    assert result.code == 1
    assert message in result.err
    first = result.err.splitlines()[0]
    assert first.startswith("Error: a.yaml") and first.endswith(".")
    for internal in ("datetime", "['", "{'", "('", "PosixPath"):
        assert internal not in result.err


def test_two_runs_at_once_never_say_add_force(monkeypatch: pytest.MonkeyPatch,
                                             tmp_path: Path) -> None:
    """Another run writes the same handout between the check and the write: kept."""
    from visitprep import batch, output
    from visitprep.batch import Row

    monkeypatch.setattr(batch, "_STATE", {})
    out = tmp_path / "o"
    out.mkdir()
    batch._init_worker(None, {}, None, str(out), False)
    row = Row(2, {"recurrence": "local", "name": "Ann"}, (), "ann.pdf")
    try:
        made = batch.render_row(row)
        assert isinstance(made, tuple)
        output.write_atomic(out / "ann.pdf", made[0], force=False)  # the other run
        result = batch.write_row(row, *made)
    finally:
        batch._STATE["writer"].shutdown()
    assert result.status == "skipped" and "made meanwhile by another run" in result.message
    assert "--force" not in result.message


def test_a_full_disk_is_not_a_spreadsheet_problem(run: Run, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "r.csv", "name,recurrence\nAnn,local\n")

    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    result = run("batch", "r.csv", "-o", "o", "--jobs", "1")
    assert result.code == 1
    assert "the disk is full" in result.err
    assert "Fix them in the spreadsheet" not in result.out


def test_every_list_field_takes_a_list() -> None:
    """Each field profile.py reads as a list is in LIST_KEYS (a new one must be added)."""
    import re

    import visitprep.profile as profile

    source = Path(profile.__file__).read_text(encoding="utf-8")
    read_as_lists = set(re.findall(r'_as_list\(values\.get\("([a-z_]+)"\)', source))
    assert read_as_lists and read_as_lists <= set(profile.LIST_KEYS)


def test_no_row_ever_writes_over_the_input_csv(run: Run, tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    source = write(tmp_path / "out" / "Ann.pdf", "name,recurrence\nAnn,local\n")
    result = run("batch", "out/Ann.pdf", "-o", "out", "--force")
    assert result.code == 2 and "row 2 would write its handout over the input file" in result.err
    assert source.read_text(encoding="utf-8").startswith("name,recurrence")


def test_a_row_that_kills_its_worker_fails_alone(run: Run, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from visitprep import batch

    real = batch.render_row

    def deadly(row):  # type: ignore[no-untyped-def]
        if row.name == "Killer":
            os._exit(9)  # as the kernel's out-of-memory killer would end it
        return real(row)

    monkeypatch.setattr(batch, "render_row", deadly)  # the forked workers inherit it
    names = [f"P{i}" for i in range(12)]
    names.insert(5, "Killer")
    write(tmp_path / "r.csv", "name,recurrence\n" + "".join(f"{n},local\n" for n in names))
    result = run("batch", "r.csv", "-o", "o", "--jobs", "2")
    assert result.code == 1 and "Traceback" not in result.err
    assert "row 7 (Killer): the worker printing this row stopped unexpectedly" in result.err
    assert "Done: 12 written, 0 already there, 1 failed" in result.out
    assert sorted(p.name for p in (tmp_path / "o").glob("*.pdf")) == sorted(
        f"{n}.pdf" for n in names if n != "Killer")


def test_a_folder_without_permission_is_a_message_even_as_root(
        run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bank_copy: Path) -> None:
    write(tmp_path / "r.csv", "name,recurrence\nAnn,local\n")
    (tmp_path / "locked").mkdir()
    real_access, real_listdir = os.access, os.listdir
    monkeypatch.setattr(os, "access", lambda path, mode, **kw: False
                        if str(path).endswith("locked") else real_access(path, mode, **kw))
    result = run("batch", "r.csv", "-o", "locked")
    assert result.code == 1 and "Traceback" not in result.err
    assert "cannot save files in the folder locked: permission denied" in result.err

    def no_listing(path: object) -> list[str]:
        if Path(str(path)) == bank_copy:
            raise PermissionError(13, "Permission denied")
        return real_listdir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "listdir", no_listing)
    result = run("check-bank", str(bank_copy))
    assert result.code == 1 and "cannot be read (permission denied)" in result.err


def test_messages_never_send_control_characters_to_the_terminal(run: Run, tmp_path: Path) -> None:
    """A NUL, an escape sequence or a bidi override in a cell is shown, not obeyed."""
    write(tmp_path / "r.csv", "name,recurrence,output\n"
          "\x1b[31mRed\u202e,sideways,\n"
          "Ann,local,\x00\n")
    result = run("batch", "r.csv", "-o", "o")
    assert result.code == 1
    assert ("row 2 (<U+001B>[31mRed<U+202E>): 2 problems:\n  - unknown recurrence 'sideways'."
            in result.err)
    assert "\n  - 'name' holds an invisible control character (U+001B)" in result.err
    assert "row 3 (Ann): output '<U+0000>' has no letters or digits" in result.err
    for char in ("\x1b", "\x00", "\u202e"):
        assert char not in result.err + result.out


def test_sigterm_stops_any_command_like_ctrl_c(run: Run, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import visitprep.bank

    def terminated(*args: object, **kwargs: object) -> None:
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)  # the handler raises before this ends
        raise AssertionError("SIGTERM was not handled")

    monkeypatch.setattr(visitprep.bank, "load_bank", terminated)
    result = run("make", "--recurrence", "local", "-o", "a.pdf")
    assert result.code == 143 and "Stopped; nothing was written." in result.err
    assert not (tmp_path / "a.pdf").exists()
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL  # put back after the run


def test_nothing_to_merge_is_said(run: Run, tmp_path: Path) -> None:
    write(tmp_path / "r.csv", "name,recurrence\nAnn,sideways\n")
    result = run("batch", "r.csv", "-o", "o", "--merge", "all.pdf")
    assert result.code == 1 and "No handouts to merge; all.pdf was not written." in result.out
    assert not (tmp_path / "all.pdf").exists()


def test_a_bank_or_template_that_is_not_what_it_should_be_says_so(run: Run) -> None:
    result = run("check-bank", "/dev/null")
    assert result.code == 1 and "/dev/null: is not a folder." in result.err
    result = run("make", "--recurrence", "local", "--template", "/dev/zero", "-o", "a.pdf")
    assert result.code == 1 and "template file /dev/zero: is not a regular file." in result.err
