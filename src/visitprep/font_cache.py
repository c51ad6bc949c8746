"""The bundled fonts' parsed metrics, cached between runs.

reportlab parses a TrueType file (its tables, glyph widths and character map) each
time a process loads it: about 25 ms a font, 50 ms of a one-shot `visitprep make` that
takes a quarter of a second. What it finds never changes for a given file and a given
reportlab, so it is kept in the user's cache folder (`$XDG_CACHE_HOME/visitprep`, or
`~/.cache/visitprep`), in a file named by the SHA-256 of the font file and reportlab's
version: a changed font or a new reportlab makes a new entry, never a stale one.

The cache is only ever a shortcut. A cache folder that cannot be made or written, an
entry that is cut short, foreign or not the user's own, is passed over and the font
is parsed as before; nothing here ever fails a handout. Entries are written whole (a
temporary file moved into place) and read only when they belong to this user and no
one else can write them.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import stat
import tempfile
import threading
from pathlib import Path
from typing import Any

FORMAT = 1  # the layout of an entry; a new one makes new entries
# TTFontFace attributes that are text with its decoded form (reportlab's TTFNameBytes).
_NAMES = ("name", "familyName", "styleName", "fullName", "uniqueFontID")
_LOCK = threading.Lock()


def cache_folder() -> Path:
    """Where entries live: $XDG_CACHE_HOME/visitprep, or ~/.cache/visitprep."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "visitprep"


def load_ttfont(name: str, path: Path) -> Any:
    """reportlab's TTFont for the font file at path, registered under name by the caller.

    The same object reportlab makes (`TTFont(name, str(path))`), its parsed face read
    from the cache when an entry for this file and this reportlab is there.
    """
    import reportlab
    from reportlab.pdfbase import ttfonts

    data = path.read_bytes()
    key = hashlib.sha256(data + f"|{reportlab.Version}|{FORMAT}".encode()).hexdigest()
    entry = cache_folder() / f"font-{key[:32]}.bin"
    state = _read(entry)
    if state is not None:
        face = _face(ttfonts, state, data)
        if face is not None:
            with _LOCK:  # TTFont makes its face by this module-level name
                original = ttfonts.TTFontFace
                ttfonts.TTFontFace = lambda *args, **kwargs: face
                try:
                    return ttfonts.TTFont(name, str(path))
                finally:
                    ttfonts.TTFontFace = original
    font = ttfonts.TTFont(name, str(path))
    _write(entry, _state(font.face))
    return font


def _state(face: Any) -> dict[str, Any]:
    """The face's parsed attributes as plain values (marshal writes no objects)."""
    state = {key: value for key, value in face.__dict__.items()
             if key not in ("_ttf_data", "_pdfScale", *_NAMES)}
    state["_names"] = {key: (bytes(getattr(face, key)), getattr(face, key).ustr)
                       for key in _NAMES if hasattr(face, key)}
    return state


def _face(ttfonts: Any, state: dict[str, Any], data: bytes) -> Any:
    """A TTFontFace with the cached attributes and the file's bytes, or None."""
    try:
        names = state.pop("_names")
        face = ttfonts.TTFontFace.__new__(ttfonts.TTFontFace)
        face.__dict__.update(state)
        for key, (raw, text) in names.items():
            value = ttfonts.TTFNameBytes(raw)
            value.ustr = text
            setattr(face, key, value)
        face._ttf_data = data
        units = int(face.unitsPerEm)
        face._pdfScale = (lambda x: x) if units == 1000 else (lambda x: x * (1000 / units))
        if not (face.charToGlyph and face.charWidths and face.numGlyphs):
            return None
        return face
    except (AttributeError, KeyError, TypeError, ValueError):
        return None


def _read(entry: Path) -> dict[str, Any] | None:
    """An entry's state, if it is this user's own regular file and reads whole."""
    try:
        # Never a link, and never waiting on a pipe someone put there (checked below).
        fd = os.open(entry, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
                     | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if (not stat.S_ISREG(info.st_mode) or info.st_mode & 0o022
                or (hasattr(os, "getuid") and info.st_uid != os.getuid())
                or info.st_size > 16 * 1024 * 1024):
            return None
        with os.fdopen(fd, "rb", closefd=False) as handle:
            raw = handle.read()
        value = marshal.loads(raw)
    except (OSError, EOFError, ValueError, TypeError):
        return None
    finally:
        os.close(fd)
    return value if isinstance(value, dict) and "_names" in value else None


def _write(entry: Path, state: dict[str, Any]) -> None:
    """Write an entry whole, readable by this user only; a failure only skips it."""
    try:
        data = marshal.dumps(state)
        entry.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=entry.parent, prefix=".font-", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(temporary, entry)
        except BaseException:
            os.unlink(temporary)
            raise
    except (OSError, ValueError):
        pass
