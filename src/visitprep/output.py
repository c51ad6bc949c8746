"""Write files atomically: a reader never sees half a PDF, and nothing is replaced by accident."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import tempfile
from pathlib import Path

from visitprep.errors import OutputError


def default_name(stem: str, visit_date: dt.date | None, suffix: str) -> str:
    """The file name used when none is given: STEM[-YYYY-MM-DD]SUFFIX."""
    return f"{stem}-{visit_date.isoformat()}{suffix}" if visit_date else f"{stem}{suffix}"


def check_target(path: Path, *, force: bool) -> None:
    """Fail early, before any work, when a file cannot be written at path.

    Raises:
        OutputError: If the folder is missing, the path is a folder, or the file exists
            and force is False.
    """
    if path.is_dir():
        raise OutputError(f"{path} is a folder", hint="Give a file name, such as visit.pdf.")
    if not path.parent.is_dir():
        raise OutputError(
            f"the folder {path.parent} does not exist",
            hint="Create it first, or choose another place to save the file.",
        )
    if path.exists() and not force:
        raise OutputError(
            f"{path} already exists",
            hint="Choose another name, or add --force to replace it.",
        )


def write_atomic(path: Path, data: bytes, *, force: bool) -> None:
    """Write data to path through a temporary file in the same folder.

    Without force, an existing file is never replaced, even one that appears while
    the data was being made.

    Raises:
        OutputError: If the file exists (without force) or cannot be written.
    """
    check_target(path, force=force)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}",
                          hint="Choose a folder you can save files in.") from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644 & ~_umask())
        if force:
            os.replace(tmp, path)
        else:
            _link_no_clobber(tmp, path)
    except FileExistsError:
        raise OutputError(f"{path} already exists",
                          hint="Choose another name, or add --force to replace it.") from None
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def _link_no_clobber(tmp: Path, path: Path) -> None:
    try:
        os.link(tmp, path)  # fails with FileExistsError if path exists: no race
    except (PermissionError, NotImplementedError, OSError) as exc:
        if isinstance(exc, FileExistsError):
            raise
        # Some file systems have no hard links; fall back to check-then-rename.
        if path.exists():
            raise FileExistsError(str(path)) from None
        os.replace(tmp, path)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
