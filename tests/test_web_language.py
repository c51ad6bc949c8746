"""visitprep serve in Spanish, through Flask's test client: the browser's Accept-Language,
`serve --language`, the switch on every page keeping what was typed, a saved answers
file's language, and each handout in the language of the page that made it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from html import unescape
from typing import Any

import pytest

from visitprep.models import QuestionBank
from visitprep.web.app import Settings, create_app

from conftest import read_pdf

HOST = "127.0.0.1:5000"
TODAY = dt.date(2026, 12, 3)  # a Thursday
SPANISH = {"Accept-Language": "es-US,es;q=0.9,en;q=0.8"}


@pytest.fixture
def settings(bank: QuestionBank) -> Settings:
    return Settings(bank=bank, hosts=(HOST,), today=lambda: TODAY)


@pytest.fixture
def client(settings: Settings) -> Any:
    return create_app(settings).test_client()


@pytest.fixture
def post(client: Any, settings: Settings) -> Callable[..., Any]:
    def send(path: str, data: dict[str, Any], **kwargs: Any) -> Any:
        return client.post(path, data={"token": settings.token, **data},
                           base_url=f"http://{HOST}", **kwargs)
    return send


def get(client: Any, path: str, **kwargs: Any) -> Any:
    return client.get(path, base_url=f"http://{HOST}", **kwargs)


def text(response: Any) -> str:
    return unescape(response.get_data(as_text=True))


def test_the_browsers_language_chooses_the_page(client: Any, bank: QuestionBank) -> None:
    page = text(get(client, "/", headers=SPANISH))
    assert '<html lang="es">' in page
    assert "Haga la lista para su cita" in page and "¿Dónde volvió el cáncer?" in page
    assert 'name="language" value="es"' in page
    assert 'id="language-en"' in page and ">English<" in page  # the switch, in its own words
    assert "Make your visit checklist" not in page
    spanish = bank.in_language("es")
    assert spanish.recurrences[0].label in page  # the bank's words too
    english = text(get(client, "/", headers={"Accept-Language": "en-US,en"}))
    assert '<html lang="en">' in english and ">Español<" in english
    assert '<html lang="en">' in text(get(client, "/"))  # no header: English
    assert '<html lang="es">' in text(get(client, "/clinic-list?lang=es"))
    assert '<html lang="en">' in text(get(client, "/clinic-list?lang=en", headers=SPANISH))


def test_serve_language_sets_the_default(bank: QuestionBank) -> None:
    settings = Settings(bank=bank, hosts=(HOST,), today=lambda: TODAY,
                        defaults={"language": "es"})
    client = create_app(settings).test_client()
    assert '<html lang="es">' in text(get(client, "/", headers={"Accept-Language": "en"}))
    assert '<html lang="en">' in text(get(client, "/?lang=en"))
    loaded = text(client.post("/load", base_url=f"http://{HOST}", data={
        "token": settings.token, "answers_text": "recurrence: local\nlanguage: en\n"}))
    assert '<html lang="en">' in loaded and 'name="language" value="en"' in loaded


def test_the_switch_keeps_what_was_typed(post: Callable[..., Any]) -> None:
    typed = {"recurrence": "distant", "concerns": ["costs"], "name": "Ana López",
             "own": "¿Puedo viajar en marzo?", "visit_date": "8 de diciembre",
             "language": "en", "switch_language": "es"}
    page = text(post("/", typed))
    assert '<html lang="es">' in page
    assert 'value="Ana López"' in page and "¿Puedo viajar en marzo?" in page
    assert re.search(r'id="recurrence-distant"[^>]*checked', page)
    assert re.search(r'id="concerns-costs"[^>]*checked', page)
    assert "martes, 8 de diciembre de 2026" in page  # the date read back in Spanish
    assert "preguntas, " in page and "páginas." in page  # the count, plural from the catalog
    back = text(post("/", {**typed, "language": "es", "switch_language": "en"}))
    assert '<html lang="en">' in back and 'value="Ana López"' in back
    assert "Tuesday, December 8, 2026" in back


def test_a_spanish_checklist_is_made_and_its_result_page_is_spanish(
        client: Any, post: Callable[..., Any]) -> None:
    made = post("/", {"recurrence": "local", "concerns": ["costs"], "name": "Ana López",
                      "language": "es", "action": "make"})
    assert made.status_code == 303
    assert "lang=es" in made.headers["Location"]
    result = text(get(client, made.headers["Location"]))
    assert '<html lang="es">' in result and "Su lista está lista" in result
    pdf_link = re.search(r'href="([^"]+\.pdf)[^"]*"', result)
    assert pdf_link and "/preguntas-cita-ana-lopez.pdf" in pdf_link.group(1)
    assert "respuestas-cita-ana-lopez.yaml" in result  # the download names, in Spanish
    pdf = read_pdf(get(client, unescape(pdf_link.group(1))).data)
    assert pdf.metadata["/Lang"] == "es-US" and "Página 1 de" in pdf.text
    answers = re.search(r'name="answers_text" value="([^"]*)"', result)
    assert answers and "language: es" in unescape(answers.group(1))


def test_a_saved_spanish_answers_file_opens_the_page_in_spanish(
        post: Callable[..., Any]) -> None:
    page = text(post("/load", {"answers_text": "recurrence: local\nlanguage: es\n",
                               "language": "en"}))
    assert '<html lang="es">' in page
    assert re.search(r'id="recurrence-local"[^>]*checked', page)


def test_errors_are_spanish_on_a_spanish_page(post: Callable[..., Any]) -> None:
    page = text(post("/", {"language": "es", "action": "make"}))
    assert "Hay un problema" in page and "Elija dónde volvió el cáncer." in page
    bad = text(post("/", {"recurrence": "local", "visit_date": "algún día",
                          "language": "es", "action": "make"}))
    assert "no es una fecha que visitprep pueda leer" in bad


def test_a_bad_file_on_a_spanish_page_says_so_in_spanish(post: Callable[..., Any]) -> None:
    """visitprep's own checks of a file speak English; a Spanish page says in Spanish what
    failed and that the detail is in English, rather than show English alone."""
    import io

    bad = text(post("/load", {"language": "es", "answers_file": (
        io.BytesIO(b"recurrence: sideways\n"), "respuestas.yaml")},
        content_type="multipart/form-data", headers={"Accept-Language": "es"}))
    assert ("No se pudo abrir este archivo de respuestas. Lo que encontró visitprep (en "
            "inglés): respuestas.yaml: unknown recurrence 'sideways'") in bad
    english = text(post("/load", {"language": "en", "answers_file": (
        io.BytesIO(b"recurrence: sideways\n"), "answers.yaml")},
        content_type="multipart/form-data", headers={"Accept-Language": "en"}))
    assert "answers.yaml: unknown recurrence 'sideways'" in english
    assert "(in English)" not in english
    clinic = text(post("/clinic-list", {"language": "es", "csv": (
        io.BytesIO(b"name,recurrence\nAna,local\n" + b"\xff" * 3), "lista.csv")},
        content_type="multipart/form-data", headers={"Accept-Language": "es"}))
    assert "No se pudo leer esta lista. Lo que encontró visitprep (en inglés):" in clinic


def test_the_preview_answers_in_the_pages_language(post: Callable[..., Any]) -> None:
    answer = post("/api/preview", {"recurrence": "local", "language": "es"}).get_json()
    assert re.fullmatch(r"\d+ preguntas, \d+ páginas?\.", answer["count"])
