"""Where the data that ships with visitprep lives: the bank and the templates
(the fonts live with visitprep.fonts)."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """Return the folder of built-in data ('questions' or 'templates').

    In an installed wheel the folders sit inside the package; in a source checkout
    (editable install, tests) they sit at the top of the repository.
    """
    inside = _PACKAGE / name
    if inside.is_dir():
        return inside
    return _PACKAGE.parents[1] / name

