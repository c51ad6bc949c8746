"""Message catalogs: every sentence a person reads, in each language visitprep speaks.

Code marks a sentence with :func:`_` (``ngettext`` when it holds a count, ``N_`` for a
sentence kept in a table and translated when it is shown). ``pybabel extract`` collects them
into ``locale/visitprep.pot``; each language is ``locale/<code>/LC_MESSAGES/visitprep.po``
inside the package, read and compiled in memory the first time that language is used (so
an installed copy needs no build step, and a catalog edited in place is used at once).
A third language is a new catalog (and a translated bank): no code change.

The language in use is a context variable: :func:`using` sets it for a block (a command,
a web request, a CSV row), and every ``_()`` in that block answers in it. English is the
language of the source text, so it needs no catalog.

To update the catalogs after changing a sentence (see the README's "Translations")::

    pybabel extract -F babel.cfg -k N_ -k ngettext:1,2 -o src/visitprep/locale/visitprep.pot .
    pybabel update -i src/visitprep/locale/visitprep.pot -d src/visitprep/locale -D visitprep
"""

from __future__ import annotations

import contextlib
import contextvars
import gettext as _gettext
import io
import os
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

DOMAIN = "visitprep"
SOURCE_LANGUAGE = "en"
LOCALE_DIR = Path(__file__).with_name("locale")
# The region whose conventions a handout follows: US Spanish and English (CLDR locales,
# and the PDF's /Lang). A language not listed here uses its plain code.
REGIONS: dict[str, str] = {"en": "US", "es": "US"}
# What each language is called in itself, for the language choice on the first screen.
NAMES: dict[str, str] = {"en": "English", "es": "Español"}

_current: contextvars.ContextVar[str] = contextvars.ContextVar("visitprep_language",
                                                               default=SOURCE_LANGUAGE)


def _find_languages() -> tuple[str, ...]:
    found = sorted(path.parent.parent.name
                   for path in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return (SOURCE_LANGUAGE, *(code for code in found if code != SOURCE_LANGUAGE))


LANGUAGES: tuple[str, ...] = _find_languages()
"""The languages with a catalog, English first."""


def N_(message: str) -> str:  # noqa: N802 - the gettext convention
    """Mark a sentence for the catalog without translating it yet (it is in a table)."""
    return message


@cache
def translations(language: str) -> _gettext.NullTranslations:
    """The compiled catalog of a language (English: the source text itself).

    Raises:
        KeyError: For a language without a catalog.
    """
    if language == SOURCE_LANGUAGE:
        return _gettext.NullTranslations()
    if language not in LANGUAGES:
        raise KeyError(language)
    import hashlib

    from visitprep import font_cache

    source = (LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po").read_bytes()
    # The compiled catalog is kept in the user's cache beside the font metrics, named by the
    # .po file's hash: compiling it with Babel took about 85 ms of a Spanish start. A missing,
    # broken or foreign entry is passed over, as the font cache's are.
    key = hashlib.sha256(source + b"|catalog|1").hexdigest()[:32]
    entry = font_cache.cache_folder() / f"catalog-{key}.bin"
    state = font_cache._read(entry)
    if state is not None and isinstance(state.get("mo"), bytes):
        try:
            return _gettext.GNUTranslations(io.BytesIO(state["mo"]))
        except Exception:  # noqa: BLE001 - any entry that does not parse is made again
            pass
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    catalog = read_po(io.BytesIO(source), locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)  # a fuzzy entry stays English (and a test fails)
    font_cache._write(entry, {"_names": (), "mo": compiled.getvalue()})
    compiled.seek(0)
    return _gettext.GNUTranslations(compiled)


@cache
def catalog_digest(language: str) -> str:
    """A fingerprint of a language's catalog (a changed translation prints differently)."""
    import hashlib

    if language == SOURCE_LANGUAGE:
        return ""
    return hashlib.sha256((LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po")
                          .read_bytes()).hexdigest()[:32]


def current() -> str:
    """The language in use ("en" unless :func:`using` says otherwise)."""
    return _current.get()


@contextlib.contextmanager
def using(language: str | None) -> Iterator[str]:
    """Translate into `language` within the block (None: keep the one in use)."""
    if language is None:
        yield _current.get()
        return
    token = _current.set(language)
    try:
        yield language
    finally:
        _current.reset(token)


def activate(language: str) -> None:
    """Use `language` from now on in this context (the interview's own choice; the caller
    wraps it in :func:`using`, which restores the language before)."""
    _current.set(language)


def enter(language: str) -> contextvars.Token[str]:
    """Use `language` until :func:`leave` (a web request's start and end)."""
    return _current.set(language)


def leave(token: contextvars.Token[str]) -> None:
    """Go back to the language before the :func:`enter` that gave `token`."""
    _current.reset(token)


def gettext(message: str) -> str:
    """`message` in the language in use."""
    return translations(_current.get()).gettext(message)


_ = gettext


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form of a sentence for `count` ("1 question", "3 questions"), from the catalog's
    plural rule; fill in the count with ``.format(count=...)`` or %-formatting."""
    return translations(_current.get()).ngettext(singular, plural, count)


def questions_text(count: int) -> str:
    """'1 question', '3 questions' (the plural form from the catalog)."""
    return ngettext("{count} question", "{count} questions", count).format(count=count)


def pages_text(count: int) -> str:
    """'1 page', '3 pages' (the plural form from the catalog)."""
    return ngettext("{count} page", "{count} pages", count).format(count=count)


def checked_text(count: int) -> str:
    """'1 checked', '3 checked' ('1 marcada', '3 marcadas'): a list's answer once done."""
    return ngettext("{count} checked", "{count} checked", count).format(count=count)


def say(message: str, **values: Any) -> str:
    """`message` translated, with `values` filled in ({name} fields)."""
    text = gettext(message)
    return text.format(**values) if values else text


def tag(language: str | None = None) -> str:
    """A BCP 47 tag with the region: "es-US" (the PDF's /Lang)."""
    language = language or current()
    region = REGIONS.get(language)
    return f"{language}-{region}" if region else language


def babel_locale(language: str | None = None) -> str:
    """The CLDR locale for dates: "es_US"."""
    return tag(language).replace("-", "_")


def language_from_locale(env: Mapping[str, str] | None = None) -> str | None:
    """The language the system's locale asks for, if visitprep speaks it.

    Reads LANGUAGE (its first entry), LC_ALL, LC_MESSAGES, then LANG, as gettext does:
    es_MX.UTF-8 -> "es". "C" and "POSIX" say nothing.
    """
    env = os.environ if env is None else env
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if not value:
            continue
        first = value.split(":")[0].split(".")[0].split("@")[0]
        if first in ("C", "POSIX") or not first:
            return None
        code = first.split("_")[0].split("-")[0].lower()
        return code if code in LANGUAGES else None
    return None


def language_from_header(header: str | None) -> str:
    """The best language for an Accept-Language header (English when none fits)."""
    best, best_q = SOURCE_LANGUAGE, -1.0
    for order, part in enumerate((header or "").split(",")):
        item, _sep, params = part.strip().partition(";")
        code = item.strip().split("-")[0].lower()
        quality = 1.0
        for param in params.split(";"):
            key, _eq, value = param.strip().partition("=")
            if key == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if code in LANGUAGES and quality > 0 and quality > best_q:
            best, best_q = code, quality - order * 1e-6  # the first of equals wins
    return best


def extract_templates(fileobj: Any, keywords: Any, comment_tags: Any,
                      options: Any) -> Iterator[tuple[int, str, str, list[str]]]:
    """A Babel extractor for the built-in templates/*.yaml: their `text:` values.

    babel.cfg names it (``[extractors]``), so the
    handout's printed labels reach the catalog like any sentence in the code.
    """
    import yaml

    data = yaml.safe_load(fileobj.read().decode("utf-8")) or {}
    text = data.get("text") or {}
    for key, value in text.items():
        if isinstance(value, str) and value:
            yield 0, "gettext", value, [f"template text.{key}"]
