"""Write files atomically: a reader never sees half a file, and nothing is replaced by accident.

Every file is written to a short temporary name in the same folder (``.vp-PID-XXXX.part``,
so a long but legal file name never fails because of it), synced, then moved into
place. Without ``force`` an existing file is never replaced; with it, only a regular file
is: a folder, a link, a device or a pipe at the target is never replaced or written
through. A temporary file left by a run that was killed is removed by the next run in
that folder.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import stat
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from visitprep.errors import OutputError, TargetExistsError
from visitprep.i18n import N_, gettext

MAX_NAME_BYTES = 255
PART_PREFIX = ".vp-"
PART_SUFFIX = ".part"
_PART = re.compile(r"\.vp-(\d+)-[^/]*\.part")
# Before version 0.1.0's reliability work, temporary files were .NAME.XXXXXXXX.part.
_OLD_PART = re.compile(r"\..+\.(?:pdf|html|yaml|csv)\.[a-z0-9_]{8}\.part")
STALE_PART_SECONDS = 3600.0
FORCE_HINT = "Choose another name, or add --force to replace it."


MAX_PERSON_CHARS = 40  # of a person's name in a default file name
# Latin letters that Unicode does not decompose into a plain letter and a mark.
_LATIN = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE",
                        "ß": "ss", "đ": "d", "Đ": "D", "ł": "l", "Ł": "L", "þ": "th",
                        "Þ": "TH", "ð": "d", "Ð": "D", "ı": "i"})


def name_part(name: str) -> str:
    """A person's name as part of a file name: 'Maria López' -> 'maria-lopez'.

    Letters without an ASCII form (Chinese, Arabic) drop out; a name left with nothing
    gives "" (the file is then named by the date alone).
    """
    import unicodedata

    plain = unicodedata.normalize("NFKD", re.sub(r"['\u2019]", "", name).translate(_LATIN))
    plain = plain.encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[a-z0-9]+", plain.lower())
    out = "-".join(words)[:MAX_PERSON_CHARS].strip("-")
    return out


# The file names the patient's front doors (the interview, the web page) offer, in the
# language in use: a Spanish reader gets "preguntas-cita-ana-2026-12-08.pdf". The command
# line keeps the English names its --help and scripts promise.
STEMS = {"questions": N_("visit-questions"), "answers": N_("visit-answers")}


def stem(kind: str) -> str:
    """The default file name's first word for `kind` ("questions" or "answers"), in the
    language in use; plain ASCII, so every file system and every terminal takes it."""
    words = gettext(STEMS[kind])
    return words if words.isascii() and words.strip() else STEMS[kind]


def default_name(stem: str, visit_date: dt.date | None, suffix: str, name: str = "") -> str:
    """The file name used when none is given: STEM[-NAME][-YYYY-MM-DD]SUFFIX.

    The person's name keeps two people seen on the same day apart
    (``visit-questions-maria-lopez-2026-12-08.pdf``).
    """
    parts = [stem, name_part(name), visit_date.isoformat() if visit_date else ""]
    return "-".join(part for part in parts if part) + suffix


def free_name(folder: Path, name: str, taken: Callable[[Path], bool] | None = None) -> str:
    """`name`, or the first of NAME-2, NAME-3, ... that is free in `folder`.

    Args:
        folder: Where the file goes.
        name: The file name wanted (with its suffix).
        taken: Whether a path is in use (default: anything is there, even a broken link).
    """
    def in_use(path: Path) -> bool:
        return path.exists() or path.is_symlink()

    taken = taken or in_use
    if not taken(folder / name):
        return name
    stem, dot, suffix = name.rpartition(".") if "." in name else (name, "", "")
    for number in range(2, 1000):
        candidate = f"{stem}-{number}{dot}{suffix}"
        if not taken(folder / candidate):
            return candidate
    return name


def os_reason(exc: OSError) -> str:
    """What went wrong, in plain words (no errno numbers or Python wrapping)."""
    if exc.errno == 28:
        return "the disk is full"
    return (exc.strerror or str(exc) or type(exc).__name__).lower()


def kind_of(path: Path) -> str | None:
    """What is at path, without following a link: None (nothing), 'file', or a description.

    Raises:
        OutputError: If the path cannot even be looked at (name too long, no permission).
    """
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        raise OutputError(f"cannot write {path}: a part of the path is a file, not a folder.",
                          hint="Choose a path inside a folder.") from None
    except (OSError, ValueError) as exc:
        reason = os_reason(exc) if isinstance(exc, OSError) else "the name holds a null byte"
        raise OutputError(f"cannot write {path}: {reason}.",
                          hint="Choose another name or folder.") from None
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISLNK(mode):
        return "a link"
    return "a device, pipe or socket"


def check_name(path: Path) -> None:
    """Refuse a file name the file system cannot hold.

    Raises:
        OutputError: Naming the file and the limit.
    """
    size = len(os.fsencode(path.name))
    if size > MAX_NAME_BYTES:
        shown = path.name if len(path.name) <= 40 else path.name[:37] + "..."
        raise OutputError(
            f"the file name '{shown}' is {size} bytes long; the limit is {MAX_NAME_BYTES}.",
            hint="Choose a shorter name.")


def check_target(path: Path, *, force: bool) -> None:
    """Fail early, before any work, when a file cannot be written at path.

    Raises:
        OutputError: If the folder is missing, the path is not a regular file, or the
            file exists and force is False.
    """
    check_name(path)
    kind = kind_of(path)
    if kind == "a folder":
        raise OutputError(f"{path} is a folder.", hint="Give a file name, such as visit.pdf.")
    if kind not in (None, "file"):
        raise OutputError(f"{path} is {kind}, not a regular file; visitprep never replaces it.",
                          hint="Choose another name.")
    parent = path.parent
    parent_kind = kind_of(parent) if str(parent) not in ("", ".") else "a folder"
    if parent_kind == "a link":
        parent_kind = "a folder" if parent.is_dir() else None
    if parent_kind is None:
        raise OutputError(
            f"the folder {parent} does not exist.",
            hint="Create it first, or choose another place to save the file.",
        )
    if parent_kind != "a folder":
        raise OutputError(f"cannot write {path}: {parent} is not a folder.",
                          hint="Choose a path inside a folder.")
    if kind == "file" and not force:
        raise TargetExistsError(f"{path} already exists.", hint=FORCE_HINT)


def write_atomic(path: Path, data: bytes, *, force: bool) -> None:
    """Write data to path through a temporary file in the same folder.

    Without force, an existing file is never replaced, even one that appears while
    the data was being made. With force, only a regular file is replaced.

    Raises:
        OutputError: If the file exists (without force) or cannot be written.
    """
    write_atomic_with(path, lambda handle: handle.write(data), force=force)


def write_atomic_with(path: Path, write: Callable[[BinaryIO], object], *,
                      force: bool) -> None:
    """As `write_atomic`, for a file written piece by piece: `write` gets the temporary
    file's handle; whatever it raises leaves no file behind.

    Raises:
        OutputError: If the file exists (without force) or cannot be written, and
            whatever `write` raises.
    """
    check_target(path, force=force)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f"{PART_PREFIX}{os.getpid()}-",
                                        suffix=PART_SUFFIX, dir=path.parent)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {os_reason(exc)}.",
                          hint="Choose a folder you can save files in.") from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644 & ~_umask())
        if force:
            if kind_of(path) not in (None, "file"):  # appeared meanwhile
                raise OutputError(f"{path} is not a regular file; visitprep never replaces it.")
            os.replace(tmp, path)
        else:
            _link_no_clobber(tmp, path)
    except FileExistsError:
        raise TargetExistsError(f"{path} already exists.", hint=FORCE_HINT) from None
    except OSError as exc:
        hint = ("Free some space, or choose another disk, then run the same command again."
                if exc.errno == 28 else None)
        raise OutputError(f"cannot write {path}: {os_reason(exc)}.", hint=hint) from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def _link_no_clobber(tmp: Path, path: Path) -> None:
    try:
        os.link(tmp, path)  # fails with FileExistsError if path exists: no race
    except (PermissionError, NotImplementedError, OSError) as exc:
        if isinstance(exc, FileExistsError) or getattr(exc, "errno", 0) in (28, 36):
            raise
        # Some file systems have no hard links; fall back to check-then-rename.
        if os.path.lexists(path):
            raise FileExistsError(str(path)) from None
        os.replace(tmp, path)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def clean_stale_parts(folder: Path) -> int:
    """Remove temporary files left in folder by a run that was killed.

    A temporary file is stale when the process named in it is gone, or it is over an
    hour old; another run writing into the same folder keeps its own.

    Returns:
        How many were removed.
    """
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    now = time.time()
    for entry in entries:
        match = _PART.fullmatch(entry.name)
        old = _OLD_PART.fullmatch(entry.name)
        if not (match or old) or not entry.is_file(follow_symlinks=False):
            continue
        try:
            too_old = now - entry.stat(follow_symlinks=False).st_mtime > STALE_PART_SECONDS
            stale = too_old or bool(match and not _alive(int(match.group(1))))
            if stale:
                os.unlink(entry.path)
                removed += 1
        except OSError:
            continue
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid() or os.name == "nt":  # on Windows os.kill would end the process
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    try:  # a killed process nobody has reaped yet is gone too
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            return handle.read().rsplit(")", 1)[-1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def save_path_problem(value: str, cwd: Path, suffix: str) -> tuple[Path | None, str | None]:
    """Check a file path as typed so far at a prompt; never raises.

    Args:
        value: The text typed (possibly half a path).
        cwd: The folder a relative path is in.
        suffix: The file's suffix, added when the name lacks it ('.pdf', '.yaml').

    Returns:
        (the path, None) when a file can be saved there, else (None, what is wrong).
    """
    from visitprep.i18n import gettext as _

    try:
        text = value.strip()
        if not text:
            return None, _("Type a file name.")
        if "\x00" in text:
            return None, _("A file name cannot hold a null character.")
        path = Path(text).expanduser()
        if not path.name or text.endswith(("/", os.sep)):
            return None, _("Add a file name after the folder.")
        if path.suffix.lower() != suffix and not (suffix == ".yaml" and path.suffix == ".yml"):
            path = path.with_name(path.name + suffix)
        path = path if path.is_absolute() else cwd / path
        check_name(path)
        kind = kind_of(path)
        if kind == "a folder":
            return None, _("That is a folder. Add a file name.")
        if kind == "a link":
            return None, _("That is a link, not a file.")
        if kind not in (None, "file"):
            return None, _("That is a device, pipe or socket, not a file.")
        if not path.parent.is_dir():
            return None, _("The folder {folder} does not exist.").format(folder=path.parent)
        return path, None
    except OutputError as exc:
        return None, exc.message[:1].upper() + exc.message[1:]
    except RuntimeError:  # '~someone' with no such user
        user = value.strip()[1:].split("/", 1)[0]
        return None, _("There is no home folder for '~{user}'.").format(user=user)
    except (OSError, ValueError, KeyError) as exc:  # ValueError: a name Path cannot take
        reason = os_reason(exc) if isinstance(exc, OSError) else _("check the name")
        return None, _("That is not a path visitprep can use ({reason}).").format(reason=reason)


def validate_save_path(value: str, cwd: Path, suffix: str, back_word: str = "back") -> bool | str:
    """A prompt validator over :func:`save_path_problem`: True, or the message to show."""
    if value.strip().lower() == back_word:
        return True
    return save_path_problem(value, cwd, suffix)[1] or True
