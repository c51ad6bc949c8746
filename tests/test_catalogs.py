"""The message catalogs: every entry translated, none fuzzy, none stale, none missing.

`pybabel compile --statistics` counts a fuzzy entry as translated, so the .po files are
read here directly: an empty, fuzzy or obsolete entry fails, and so does a sentence in the
code that the catalog lacks (missing) or one the catalog keeps that the code no longer has
(stale). The sentences are extracted fresh from the sources with the README's command.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from visitprep import i18n
from visitprep.steps import pages_text, questions_text

REPO = Path(__file__).resolve().parents[1]
LOCALE = REPO / "src" / "visitprep" / "locale"
CATALOGS = sorted(LOCALE.glob("*/LC_MESSAGES/visitprep.po"))
FIELD = re.compile(r"\{(\w*)[^{}]*\}")


def read(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> set[object]:
    """The sentences in the code today, as `pybabel extract` finds them."""
    out = tmp_path_factory.mktemp("pot") / "fresh.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F",
                    "babel.cfg", "-k", "N_", "-k", "ngettext:1,2", "--no-location", "-o",
                    str(out), "."], cwd=REPO, check=True, capture_output=True)
    return {message.id for message in read(out) if message.id}


def ids(catalog: Catalog) -> set[object]:
    return {message.id for message in catalog if message.id}


def test_spanish_is_a_language() -> None:
    assert i18n.LANGUAGES == ("en", "es")
    assert [path.parent.parent.name for path in CATALOGS] == ["es"]


def test_the_template_holds_every_sentence_of_the_code(extracted: set[object]) -> None:
    template = ids(read(LOCALE / "visitprep.pot"))
    assert not extracted - template, "missing from visitprep.pot: run pybabel extract"
    assert not template - extracted, "stale in visitprep.pot: run pybabel extract"


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.parent.parent.name)
def test_every_entry_is_translated_and_current(path: Path, extracted: set[object]) -> None:
    catalog = read(path)
    missing = sorted(map(str, extracted - ids(catalog)))
    stale = sorted(map(str, ids(catalog) - extracted))
    assert not missing, f"not in {path.name} (run pybabel update): {missing}"
    assert not stale, f"no longer in the code, still in {path.name}: {stale}"
    assert not list(catalog.obsolete), f"obsolete (#~) entries in {path.name}"
    problems = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        if not all(strings) or len(strings) != (catalog.num_plurals
                                                 if isinstance(message.id, tuple) else 1):
            problems.append(f"empty: {message.id!r}")
        wanted = set(FIELD.findall(message.id if isinstance(message.id, str)
                                   else message.id[1]))
        for string in strings:
            if string and set(FIELD.findall(string)) != wanted:
                problems.append(f"fields differ: {message.id!r} -> {string!r}")
    assert not problems, "\n".join(problems)


def test_a_fuzzy_entry_is_caught(tmp_path: Path) -> None:
    """The check above reads the flag that pybabel's statistics ignore."""
    po = tmp_path / "x.po"
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
                  '#, fuzzy\nmsgid "Notes"\nmsgstr "Notas"\n', encoding="utf-8")
    (message,) = [m for m in read(po) if m.id]
    assert message.fuzzy


def test_plural_forms_come_from_the_catalog() -> None:
    assert questions_text(1) == "1 question" and questions_text(3) == "3 questions"
    assert pages_text(1) == "1 page"
    with i18n.using("es"):
        assert questions_text(1) == "1 pregunta" and questions_text(3) == "3 preguntas"
        assert pages_text(2) == "2 páginas"
    from visitprep.web.text import show_more_text as show_more

    assert show_more(1, "Costs") == "Show 1 more question: Costs"
    assert show_more(2, "Costs") == "Show 2 more questions: Costs"
    with i18n.using("es"):
        assert show_more(1, "Costos") == "Mostrar 1 pregunta más: Costos"


def test_using_restores_the_language_before() -> None:
    assert i18n.current() == "en"
    with i18n.using("es"):
        assert i18n.gettext("Notes") == "Notas"
        with i18n.using("en"):
            assert i18n.gettext("Notes") == "Notes"
        assert i18n.current() == "es"
    assert i18n.gettext("Notes") == "Notes"


@pytest.mark.parametrize(("env", "language"), [
    ({"LANG": "es_MX.UTF-8"}, "es"), ({"LANG": "es_US.UTF-8"}, "es"),
    ({"LANGUAGE": "es:en", "LANG": "en_US.UTF-8"}, "es"), ({"LANG": "en_US.UTF-8"}, "en"),
    ({"LC_ALL": "C", "LANG": "es_ES"}, None), ({"LANG": "fr_FR.UTF-8"}, None), ({}, None)])
def test_language_from_the_locale(env: dict[str, str], language: str | None) -> None:
    assert i18n.language_from_locale(env) == language


@pytest.mark.parametrize(("header", "language"), [
    ("es-US,es;q=0.9,en;q=0.8", "es"), ("en-US,en;q=0.9,es;q=0.8", "en"), ("fr-FR", "en"),
    ("fr;q=0.9, es;q=0.5", "es"), ("", "en"), (None, "en"), ("es;q=0", "en"),
    ("en;q=0.5, es", "es"), ("*", "en"), ("es;q=abc", "en")])
def test_language_from_accept_language(header: str | None, language: str) -> None:
    assert i18n.language_from_header(header) == language


def test_region_tags() -> None:
    assert i18n.tag("es") == "es-US" and i18n.tag("en") == "en-US"
    assert i18n.babel_locale("es") == "es_US"
