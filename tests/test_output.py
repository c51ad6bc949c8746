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
    with pytest.raises(OutputError, match="cannot write .*a.pdf: Permission denied"):
        write_atomic(tmp_path / "a.pdf", b"x", force=False)
    assert list(tmp_path.iterdir()) == []


def test_full_disk_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OutputError, match="No space left on device"):
        write_atomic(tmp_path / "a.pdf", b"x", force=False)
    assert list(tmp_path.iterdir()) == []
