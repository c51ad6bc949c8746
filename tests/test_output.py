"""Files are written whole or not at all, and never replaced by accident."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from visitprep.errors import OutputError
from visitprep.output import write_atomic


def test_writes_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "a.pdf"
    write_atomic(target, b"%PDF-data", force=False)
    assert target.read_bytes() == b"%PDF-data"
    assert [p.name for p in tmp_path.iterdir()] == ["a.pdf"]


def test_never_replaces_without_force(tmp_path: Path) -> None:
    target = tmp_path / "a.pdf"
    target.write_bytes(b"old")
    with pytest.raises(OutputError, match="already exists"):
        write_atomic(target, b"new", force=False)
    assert target.read_bytes() == b"old"
    write_atomic(target, b"new", force=True)
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["a.pdf"]


def test_a_file_that_appears_meanwhile_is_kept(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "a.pdf"
    real_fdopen = os.fdopen

    def racing_fdopen(fd: int, mode: str):  # type: ignore[no-untyped-def]
        target.write_bytes(b"someone else's")
        return real_fdopen(fd, mode)

    monkeypatch.setattr(os, "fdopen", racing_fdopen)
    with pytest.raises(OutputError, match="already exists"):
        write_atomic(target, b"new", force=False)
    assert target.read_bytes() == b"someone else's"
    assert [p.name for p in tmp_path.iterdir()] == ["a.pdf"]


def test_unwritable_folder_is_a_clear_error(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(OutputError, match="cannot write .*a.pdf: permission denied"):
        write_atomic(tmp_path / "a.pdf", b"x", force=False)
    assert list(tmp_path.iterdir()) == []


def test_full_disk_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OutputError, match="the disk is full"):
        write_atomic(tmp_path / "a.pdf", b"x", force=False)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("kind", ["fifo", "link", "folder"])
def test_force_never_replaces_what_is_not_a_regular_file(tmp_path: Path, kind: str) -> None:
    target = tmp_path / "a.pdf"
    outside = tmp_path / "outside.pdf"
    outside.write_bytes(b"keep")
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "link":
        target.symlink_to(outside)
    else:
        target.mkdir()
    with pytest.raises(OutputError, match="(not a regular file|is a folder)"):
        write_atomic(target, b"new", force=True)
    assert outside.read_bytes() == b"keep"
    assert (target.is_symlink() or target.is_dir()) if kind != "fifo" else \
        not target.is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pdf", "outside.pdf"]


def test_a_device_is_never_replaced(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="not a regular file"):
        write_atomic(Path("/dev/null"), b"x", force=True)
    assert not Path("/dev/null").is_file()


def test_a_long_legal_name_is_written_and_a_too_long_one_is_a_message(tmp_path: Path) -> None:
    legal = tmp_path / ("a" * 251 + ".pdf")  # 255 bytes: the temporary name must not matter
    write_atomic(legal, b"x", force=False)
    assert legal.read_bytes() == b"x"
    with pytest.raises(OutputError, match="is 260 bytes long; the limit is 255"):
        write_atomic(tmp_path / ("é" * 128 + ".pdf"), b"x", force=False)
    with pytest.raises(OutputError, match="a part of the path is a file"):
        write_atomic(legal / "sub.pdf", b"x", force=False)


def test_stale_temporary_files_of_dead_runs_are_removed(tmp_path: Path) -> None:
    from visitprep.output import clean_stale_parts

    dead = tmp_path / ".vp-999999999-abcdefgh.part"  # no such process
    live = tmp_path / f".vp-{os.getpid()}-abcdefgh.part"
    other = tmp_path / ".notes.part"
    for path in (dead, live, other):
        path.write_bytes(b"x")
    old_style = tmp_path / ".Ann.pdf.k2j3h4l5.part"  # named as before, an hour old
    recent_old_style = tmp_path / ".Bo.pdf.abcd1234.part"
    for path in (old_style, recent_old_style):
        path.write_bytes(b"x")
    os.utime(old_style, (0, 0))
    assert clean_stale_parts(tmp_path) == 2
    assert not dead.exists() and not old_style.exists()
    assert live.exists() and other.exists() and recent_old_style.exists()


@pytest.mark.parametrize("typed", ["/", "~", "~nosuchuser/x", "a\x00b", "/etc/passwd/x",
                                   "x" * 300, "/" + "d" * 300 + "/x", "", "  ", "out/",
                                   "/dev/null", ".", ".."])
def test_checking_a_half_typed_path_never_raises(tmp_path: Path, typed: str) -> None:
    from visitprep.output import save_path_problem, validate_save_path

    path, problem = save_path_problem(typed, tmp_path, ".pdf")
    assert (path is None) != (problem is None)
    assert validate_save_path(typed, tmp_path, ".pdf") in (True, problem)


def test_make_cleans_up_after_a_killed_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from visitprep.cli import main

    stale = tmp_path / ".vp-999999999-abcdefgh.part"
    stale.write_bytes(b"half")
    monkeypatch.chdir(tmp_path)
    assert main(["make", "--recurrence", "local", "-o", "a.pdf"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pdf"]


def test_the_interview_checks_paths_with_the_function_that_never_raises(tmp_path: Path) -> None:
    from visitprep import interview

    for typed in ("/", "~nosuchuser/", "a\x00", "x" * 300):
        message = interview._validate_path(typed, tmp_path, ".pdf")
        assert isinstance(message, str) and message.endswith(".")
    assert interview._validate_path("visit", tmp_path, ".pdf") is True
    assert interview._validate_path("back", tmp_path, ".pdf") is True
