"""The clinic's contact details, from a small YAML file or from options.

A clinic file::

    name: Riverside Cancer Center
    phone: (555) 010-0100
    address:
      - 12 Main Street, Suite 4
      - Springfield, IL 62701
    website: www.riverside.example
    logo: riverside-logo.png     # optional: PNG or JPEG, beside the clinic file or a full path
    alt: Riverside Cancer Center  # optional: what a screen reader says for the logo
                                  # (the clinic's name when left out)
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path
from typing import Any

from visitprep.errors import ProfileError, YamlError
from visitprep.models import Clinic
from visitprep.profile import clean_text
from visitprep.yamlfile import check_keys, read_yaml

MAX_ADDRESS_LINES = 4
KEYS = ("name", "phone", "address", "website", "logo", "alt")
MAX_LOGO_BYTES = 5_000_000


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
    return Clinic(
        name=clean_text(values.get("name"), "name", where),
        phone=clean_text(values.get("phone"), "phone", where),
        address=tuple(clean_text(line, "address" if len(address) == 1 else
                                 f"address, line {number}", where)
                      for number, line in enumerate(address, 1)),
        website=clean_text(values.get("website"), "website", where),
        logo=str(values.get("logo") or ""),
        alt=clean_text(values.get("alt"), "alt", where),
    )


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

    The image is read here, before any handout is made, so that a missing or broken
    file is one clear message rather than a failure on every handout of a batch.

    Raises:
        ProfileError: Naming the file and what is wrong with it.
    """
    hint = "Give a PNG or JPEG file (a path beside the clinic file, or a full path)."
    try:
        data = path.read_bytes() if path.stat().st_size <= MAX_LOGO_BYTES else None
    except FileNotFoundError:
        raise ProfileError(f"{where}: no such file {path}", hint=hint) from None
    except OSError as exc:
        raise ProfileError(f"{where}: cannot read {path} ({exc.strerror})", hint=hint) from None
    if data is None:
        raise ProfileError(f"{where}: {path} is larger than {MAX_LOGO_BYTES // 1_000_000} MB",
                           hint="Use a smaller image; the logo prints about 2 inches wide.")
    problem = _png_problem(data) if data.startswith(b"\x89PNG\r\n\x1a\n") else (
        _jpeg_problem(data) if data.startswith(b"\xff\xd8\xff") else
        "is not a PNG or JPEG image")
    if problem:
        raise ProfileError(f"{where}: {path} {problem}", hint=hint)
    return path


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
                 address: str | None) -> Clinic | None:
    """Combine a clinic file with options (an option replaces the file's field)."""
    if path is None and name is None and phone is None and address is None:
        return None
    base: dict[str, Any] = {}
    if path is not None:
        clinic = load_clinic(path)
        base = {"name": clinic.name, "phone": clinic.phone, "address": list(clinic.address),
                "website": clinic.website, "logo": clinic.logo, "alt": clinic.alt}
    for key, value in (("name", name), ("phone", phone), ("address", address)):
        if value is not None:
            base[key] = value
    return clinic_from_values(base, str(path) if path and len(base) else "the clinic options")
