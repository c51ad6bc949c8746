"""The clinic's contact details, from a small YAML file or from options.

A clinic file::

    name: Riverside Cancer Center
    phone: (555) 010-0100
    after_hours_phone: (555) 010-0199   # optional: at night and on weekends
    address:
      - 12 Main Street, Suite 4
      - Springfield, IL 62701
    website: www.riverside.example
    logo: riverside-logo.png     # optional: PNG or JPEG, beside the clinic file or a full path
    alt: Riverside Cancer Center  # optional: what a screen reader says for the logo
                                  # (the clinic's name when left out)
"""

from __future__ import annotations

import os
import stat
import struct
import zlib
from pathlib import Path
from typing import Any

from visitprep.errors import ProfileError, YamlError
from visitprep.models import Clinic
from visitprep.profile import clean_text
from visitprep.yamlfile import check_keys, read_yaml

MAX_ADDRESS_LINES = 4
KEYS = ("name", "phone", "after_hours_phone", "address", "website", "logo", "alt")
MAX_LOGO_BYTES = 5_000_000
MAX_LOGO_PIXELS = 25_000_000  # a 5,000 x 5,000 image; a logo prints about 2 inches wide


def clinic_from_values(values: dict[str, Any], where: str) -> Clinic:
    """Validate clinic details.

    Raises:
        ProfileError: Naming the field at fault.
    """
    address = values.get("address") or []
    if isinstance(address, str):
        address = [part for part in address.replace(";", "\n").splitlines() if part.strip()]
    if not isinstance(address, list):
        raise ProfileError(f"{where}: 'address' must be text or a list of lines")
    if len(address) > MAX_ADDRESS_LINES:
        raise ProfileError(f"{where}: 'address' has {len(address)} lines; "
                           f"the limit is {MAX_ADDRESS_LINES}")
    clinic = Clinic(
        name=clean_text(values.get("name"), "name", where),
        phone=clean_text(values.get("phone"), "phone", where),
        address=tuple(clean_text(line, "address" if len(address) == 1 else
                                 f"address, line {number}", where)
                      for number, line in enumerate(address, 1)),
        website=clean_text(values.get("website"), "website", where),
        logo=str(values.get("logo") or ""),
        alt=clean_text(values.get("alt"), "alt", where),
        after_hours_phone=clean_text(values.get("after_hours_phone"), "after_hours_phone",
                                     where),
    )
    _check_printable(clinic, where)
    return clinic


def _check_printable(clinic: Clinic, where: str) -> None:
    """Each field the font cannot print (right-to-left text, Chinese...) is refused here,
    naming the clinic file and the field, not later as 'the clinic's details'."""
    from visitprep.fonts import unprintable  # reportlab: only with clinic details

    fields = [("name", clinic.name), ("phone", clinic.phone), ("website", clinic.website)]
    fields += [("address" if len(clinic.address) == 1 else f"address, line {number}", line)
               for number, line in enumerate(clinic.address, 1)]
    for field, value in fields:
        problem = unprintable(value) if value else None
        if problem:
            raise ProfileError(f"{where}: '{field}' ('{value}') {problem}",
                               hint="Write it another way (for example in Latin letters), or "
                               "leave it out and write it on the printed page by hand.",
                               field=field, value=value)


def load_clinic(path: Path) -> Clinic:
    """Read a clinic file.

    Raises:
        ProfileError: If the file cannot be read or holds unknown keys or bad values.
    """
    try:
        data = check_keys(read_yaml(path), str(path), optional=KEYS, what="the clinic file")
    except YamlError as exc:
        raise ProfileError(exc.message, hint=exc.hint) from None
    logo = data.get("logo")
    if logo not in (None, ""):
        if not isinstance(logo, str):
            raise ProfileError(f"{path}: 'logo' must be the path of a PNG or JPEG file")
        data = {**data, "logo": str(check_logo(path.parent / logo, f"{path}: 'logo'"))}
    return clinic_from_values(data, str(path))


def check_logo(path: Path, where: str) -> Path:
    """Check that a logo file is a whole PNG or JPEG image; return its path.

    The image is read and decoded here, before any handout is made, so that a missing or
    broken file is one clear message rather than a failure on every handout of a batch.
    Only a regular file is opened (a device such as /dev/zero, or a pipe, is refused
    without reading it), and never more than the size limit is read.

    Raises:
        ProfileError: Naming the file and what is wrong with it.
    """
    hint = "Give a PNG or JPEG file (a path beside the clinic file, or a full path)."
    data = _read_logo(path, where, hint)
    problem = _png_problem(data) if data.startswith(b"\x89PNG\r\n\x1a\n") else (
        _jpeg_problem(data) if data.startswith(b"\xff\xd8\xff") else
        "is not a PNG or JPEG image")
    problem = problem or _decode_problem(data)
    if problem:
        raise ProfileError(f"{where}: {path} {problem}", hint=hint)
    return path


def _read_logo(path: Path, where: str, hint: str) -> bytes:
    too_big = ProfileError(f"{where}: {path} is larger than {MAX_LOGO_BYTES // 1_000_000} MB",
                           hint="Use a smaller image; the logo prints about 2 inches wide.")
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise ProfileError(f"{where}: {path} is not a regular file (a device, a pipe or a "
                               "folder)", hint=hint)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):  # swapped meanwhile
                raise ProfileError(f"{where}: {path} is not a regular file", hint=hint)
            data = handle.read(MAX_LOGO_BYTES + 1)
    except FileNotFoundError:
        raise ProfileError(f"{where}: no such file {path}", hint=hint) from None
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "a bad name"
        raise ProfileError(f"{where}: cannot read {path} ({reason.lower()})",
                           hint=hint) from None
    if len(data) > MAX_LOGO_BYTES:
        raise too_big
    return data


def _decode_problem(data: bytes) -> str | None:
    """Decode the whole image, as the renderer will (Pillow, which reportlab uses)."""
    import io
    import warnings

    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Pillow's own size warning: the check is below
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                if width * height > MAX_LOGO_PIXELS:
                    return (f"is {width:,} x {height:,} pixels; a logo can have at most "
                            f"{MAX_LOGO_PIXELS:,} pixels")
                image.load()
    except Image.DecompressionBombError:
        return f"has far more pixels than a logo needs (at most {MAX_LOGO_PIXELS:,})"
    except Exception:  # noqa: BLE001 - any decoder failure means the same thing here
        return "is damaged (its image data cannot be decoded)"
    return None


def _png_problem(data: bytes) -> str | None:
    """Walk a PNG's chunks: each whole, with a right checksum, up to IEND."""
    at, seen_header = 8, False
    while at + 12 <= len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        body = data[at + 8:at + 8 + length]
        if len(body) < length or at + 12 + length > len(data):
            break
        (crc,) = struct.unpack(">I", data[at + 8 + length:at + 12 + length])
        if zlib.crc32(kind + body) != crc:
            return "is damaged (a PNG chunk fails its checksum)"
        if kind == b"IHDR":
            width, height = struct.unpack(">II", body[:8])
            if not width or not height:
                return "has no pixels"
            seen_header = True
        if kind == b"IEND":
            return None if seen_header else "is damaged (no PNG header)"
        at += 12 + length
    return "is cut short (the PNG image does not end)"


def _jpeg_problem(data: bytes) -> str | None:
    """A JPEG has a frame header (its size) and ends with its end-of-image marker."""
    if not data.rstrip(b"\x00").endswith(b"\xff\xd9"):
        return "is cut short (the JPEG image does not end)"
    if not any(bytes((0xFF, marker)) in data for marker in (0xC0, 0xC1, 0xC2)):
        return "is damaged (no JPEG frame header)"
    return None


def merge_clinic(path: Path | None, name: str | None, phone: str | None,
                 address: str | None, after_hours_phone: str | None = None) -> Clinic | None:
    """Combine a clinic file with options (an option replaces the file's field)."""
    if (path is None and name is None and phone is None and address is None
            and after_hours_phone is None):
        return None
    base: dict[str, Any] = {}
    if path is not None:
        clinic = load_clinic(path)
        base = {"name": clinic.name, "phone": clinic.phone, "address": list(clinic.address),
                "website": clinic.website, "logo": clinic.logo, "alt": clinic.alt,
                "after_hours_phone": clinic.after_hours_phone}
    for key, value in (("name", name), ("phone", phone), ("address", address),
                       ("after_hours_phone", after_hours_phone)):
        if value is not None:
            base[key] = value
    return clinic_from_values(base, str(path) if path and len(base) else "the clinic options")
