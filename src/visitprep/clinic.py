"""The clinic's contact details, from a small YAML file or from options.

A clinic file::

    name: Riverside Cancer Center
    phone: (555) 010-0100
    address:
      - 12 Main Street, Suite 4
      - Springfield, IL 62701
    website: www.riverside.example
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from visitprep.errors import ProfileError, YamlError
from visitprep.models import Clinic
from visitprep.profile import clean_text
from visitprep.yamlfile import check_keys, read_yaml

MAX_ADDRESS_LINES = 4
KEYS = ("name", "phone", "address", "website")


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
        address=tuple(clean_text(line, "address", where) for line in address),
        website=clean_text(values.get("website"), "website", where),
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
    return clinic_from_values(data, str(path))


def merge_clinic(path: Path | None, name: str | None, phone: str | None,
                 address: str | None) -> Clinic | None:
    """Combine a clinic file with options (an option replaces the file's field)."""
    if path is None and name is None and phone is None and address is None:
        return None
    base: dict[str, Any] = {}
    if path is not None:
        clinic = load_clinic(path)
        base = {"name": clinic.name, "phone": clinic.phone, "address": list(clinic.address),
                "website": clinic.website}
    for key, value in (("name", name), ("phone", phone), ("address", address)):
        if value is not None:
            base[key] = value
    return clinic_from_values(base, str(path) if path and len(base) else "the clinic options")
