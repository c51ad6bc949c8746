"""Import reportlab's platypus without work a handout never uses.

Importing `reportlab.platypus` compiles about 170 regular expressions; two of them,
a web-address pattern in `platypus.paragraph` (case-insensitive over most of Unicode)
and a CJK pattern in `lib.textsplit`, take three quarters of that time: about a fifth
of a one-shot `visitprep make`. visitprep never asks reportlab to link web addresses
or to wrap CJK text, so these two are compiled when first used instead of at import.
Every other pattern compiles as usual. And `reportlab.lib.utils` imports Pillow's
`PIL.Image` (another tenth of `make`), needed only to read an image (a clinic's logo):
reportlab gets a stand-in that imports the real module the first time it is used.
Import this module before anything from reportlab (render/pdf.py and
render/flowables.py do, first of all).
"""

from __future__ import annotations

import re
import sys
import threading
from typing import Any

# (pattern, flags) as reportlab 4.x and 5.x write them (pyproject.toml keeps reportlab
# in that range). A changed pattern simply compiles at import again: slower, never wrong.
_URI = ("(^(?:[a-z0-9\\.\\-\\+]*)://)(?:\\S+(?::\\S*)?@)?(?:(?:25[0-5]|2[0-4]\\d|[0-1]?\\d?\\d)"
        "(?:\\.(?:25[0-5]|2[0-4]\\d|[0-1]?\\d?\\d)){3}|\\[[0-9a-f:\\.]+\\]|([a-z\xa1-\uffff0-9]"
        "(?:[a-z\xa1-\uffff0-9-]{0,61}[a-z\xa1-\uffff0-9])?(?:\\.(?!-)[a-z\xa1-\uffff0-9-]"
        "{1,63}(?<!-))*\\.(?!-)(?:[a-z\xa1-\uffff-]{2,63}|xn--[a-z0-9]{1,59})(?<!-)\\.?|"
        "localhost))(?::\\d{2,5})?(?:[/?#][^\\s]*)?\\Z")
_CJK = "([\u2e80-\uffff])"
DEFERRED = {(_URI, int(re.I)), (_CJK, int(re.UNICODE))}


class DeferredModule:
    """A module imported on first use of one of its names (reportlab's `Image`)."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attribute: str) -> Any:
        import importlib

        return getattr(importlib.import_module(self._name), attribute)


class DeferredPattern:
    """A compiled pattern made on first use: behaves as the pattern it stands for."""

    def __init__(self, pattern: str, flags: int) -> None:
        self._source = (pattern, flags)
        self._compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str) -> Any:
        if self._compiled is None:
            self._compiled = re.compile(*self._source)
        return getattr(self._compiled, name)


def _import() -> list[DeferredPattern]:
    made: list[DeferredPattern] = []
    real = re.compile

    def compile_later(pattern: Any, flags: Any = 0) -> Any:
        if isinstance(pattern, str) and (pattern, int(flags)) in DEFERRED:
            made.append(DeferredPattern(pattern, int(flags)))
            return made[-1]
        return real(pattern, flags)

    with _LOCK:
        if "reportlab.platypus" in sys.modules:
            return made
        image = None
        if "reportlab.lib.utils" not in sys.modules and "PIL.Image" not in sys.modules:
            import PIL

            image = PIL.Image = DeferredModule("PIL.Image")  # type: ignore[attr-defined]
        re.compile = compile_later
        try:
            import reportlab.platypus  # noqa: F401 - the point of this module
        finally:
            re.compile = real
            if image is not None and getattr(PIL, "Image", None) is image:
                del PIL.Image  # type: ignore[attr-defined]  # the real submodule takes it
    return made


_LOCK = threading.Lock()
DEFERRED_PATTERNS = _import()  # the patterns left for later (tests check there are two)
