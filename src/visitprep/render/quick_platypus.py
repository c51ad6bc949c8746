"""Import reportlab's platypus without compiling two patterns a handout never uses.

Importing `reportlab.platypus` compiles about 170 regular expressions; two of them,
a web-address pattern in `platypus.paragraph` (case-insensitive over most of Unicode)
and a CJK pattern in `lib.textsplit`, take three quarters of that time: about a fifth
of a one-shot `visitprep make`. visitprep never asks reportlab to link web addresses
or to wrap CJK text, so these two are compiled when first used instead of at import.
Every other pattern compiles as usual. Import this module before anything from
`reportlab.platypus` (render/pdf.py and render/flowables.py do, first of all).
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
        re.compile = compile_later
        try:
            import reportlab.platypus  # noqa: F401 - the point of this module
        finally:
            re.compile = real
    return made


_LOCK = threading.Lock()
DEFERRED_PATTERNS = _import()  # the patterns left for later (tests check there are two)
