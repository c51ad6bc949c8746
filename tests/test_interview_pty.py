"""End to end in a real pseudo-terminal, 80 columns wide, as a person would run it."""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from pathlib import Path

import pytest

from conftest import TODAY, read_pdf

pytestmark = pytest.mark.clock  # run again under faketime in CI (.ci/run)

pexpect = pytest.importorskip("pexpect")

DOWN, UP, SPACE, ENTER = "\x1b[B", "\x1b[A", " ", "\r"
README = Path(__file__).resolve().parents[1] / "README.md"
COMMON_PATH_KEYS = 22  # the README states this figure


class Person:
    """Drives the interview in a pseudo-terminal and counts the keys pressed besides text."""

    def __init__(self, tmp_path: Path, *args: str, lang: str = "en_US.UTF-8") -> None:
        # A real terminal answers the cursor-position request at once; pexpect never does, and
        # prompt_toolkit would wait a second for it at every prompt.
        env = {**os.environ, "NO_COLOR": "1", "TERM": "xterm", "LANG": lang,
               "PROMPT_TOOLKIT_NO_CPR": "1"}
        env.pop("LC_ALL", None)
        env.pop("LC_PAPER", None)
        self.child = pexpect.spawn(sys.executable, ["-m", "visitprep", *args],
                                   cwd=str(tmp_path), env=env, dimensions=(24, 80),
                                   encoding="utf-8", timeout=30)
        self.keys = 0

    def sees(self, text: str) -> None:
        self.child.expect(re.escape(text))

    def press(self, *keys: str) -> None:
        self.keys += len(keys)
        self.child.send("".join(keys))

    def types(self, text: str) -> None:
        self.child.send(text)

    def finish(self) -> int:
        self.child.expect(pexpect.EOF)
        self.child.close()
        return int(self.child.exitstatus)


def next_friday(today: dt.date) -> dt.date:
    return today + dt.timedelta(days=(4 - today.weekday()) % 7 or 7)


def test_the_common_path_as_a_first_timer(tmp_path: Path) -> None:
    """A kind, two concerns, keep the list, no own questions, name, 'next Friday', confirm,
    save: at most 30 keys besides the typed text."""
    person = Person(tmp_path)
    person.sees("Language / Idioma")
    person.press(ENTER)                                   # English, from the locale
    person.sees("Where has the cancer come back?")
    person.press(DOWN, DOWN, ENTER)                       # Distant
    person.sees("What else would you like to talk about?")
    person.press(DOWN, SPACE, DOWN, DOWN, SPACE, ENTER)   # side effects, costs
    person.sees("Uncheck any you do not want")
    person.press(ENTER)                                   # keep the list
    person.sees("Your question:")
    person.press(ENTER)                                   # no own questions
    person.sees("to print first, on page 1")
    person.press(ENTER)                                   # none first
    person.sees("Your name, for the top of the page:")
    person.types("Ann Lee")
    person.press(ENTER)
    person.sees("The date of your visit:")
    person.types("next Friday")
    person.press(ENTER)
    friday = next_friday(TODAY)
    person.sees(f"{friday:%A}, {friday:%B} {friday.day}, {friday.year}. Is that right?")
    person.press(ENTER)                                   # yes
    person.sees("Your doctor's name:")
    person.press(ENTER)
    person.sees("Who is coming with you to the visit?")
    person.press(ENTER)
    person.sees("How big should the print be?")
    person.press(ENTER)                                   # standard; Letter from the locale
    person.sees("Save the checklist as:")
    person.press(ENTER)
    person.sees("Saved your checklist")
    person.sees("Save your answers")
    person.press(ENTER)                                   # yes
    person.sees("Save the answers as:")
    person.press(ENTER)
    answers = tmp_path / f"visit-answers-ann-lee-{friday.isoformat()}.yaml"
    person.sees(f"visitprep interview --answers {answers.name}")
    assert person.finish() == 0
    assert person.keys == COMMON_PATH_KEYS <= 30
    assert f"{COMMON_PATH_KEYS} keys" in README.read_text(encoding="utf-8")
    pdf = read_pdf(tmp_path / f"visit-questions-ann-lee-{friday.isoformat()}.pdf")
    assert "Name: Ann Lee" in pdf.pages[0]
    assert "Side effects" in pdf.text and "Costs and insurance" in pdf.text
    assert round(pdf.sizes[0][0]) == 612  # Letter, from en_US
    assert answers.is_file()


def test_the_common_path_in_spanish(tmp_path: Path) -> None:
    """Under a Spanish locale the first screen starts in Spanish: the same path, in Spanish,
    within 30 keys, and a Spanish handout with the date in Spanish."""
    from visitprep import i18n
    from visitprep.dates import format_day

    person = Person(tmp_path, lang="es_US.UTF-8")
    person.sees("visitprep hace una lista de preguntas")
    person.sees("Idioma / Language")
    person.press(ENTER)                                   # Español, from the locale
    person.sees("¿Dónde volvió el cáncer?")
    person.press(DOWN, DOWN, ENTER)
    person.sees("¿De qué más le gustaría hablar?")
    person.press(DOWN, SPACE, DOWN, DOWN, SPACE, ENTER)
    person.sees("Desmarque las que no quiera")
    person.press(ENTER)
    person.sees("Su pregunta:")
    person.press(ENTER)
    person.sees("para imprimirlas primero, en la página 1")
    person.press(ENTER)
    person.sees("Su nombre, para la parte de arriba de la página:")
    person.types("Ana López")
    person.press(ENTER)
    person.sees("La fecha de su cita:")
    person.types("el próximo martes")
    person.press(ENTER)
    tuesday = TODAY + dt.timedelta(days=(1 - TODAY.weekday()) % 7 or 7)
    with i18n.using("es"):
        said = format_day(tuesday)
    person.sees(f"{said}. ¿Es correcto?")
    person.sees("Sí")
    person.press(ENTER)                                   # Sí
    person.sees("El nombre de su médico:")
    person.press(ENTER)
    person.sees("¿Quién le acompaña a la cita?")
    person.press(ENTER)
    person.sees("¿De qué tamaño quiere la letra?")
    person.press(ENTER)
    person.sees("Guardar la lista como:")
    person.press(ENTER)
    person.sees("Se guardó su lista")
    person.sees("¿Guardar sus respuestas")
    person.press(ENTER)
    person.sees("Guardar las respuestas como:")
    person.press(ENTER)
    person.sees("Se guardaron sus respuestas en este archivo:")
    assert person.finish() == 0
    assert person.keys == COMMON_PATH_KEYS <= 30  # as many as in English
    # the files are named in Spanish too, with the person's name and the day
    (made,) = tmp_path.glob(f"preguntas-cita-ana-lopez-{tuesday.isoformat()}.pdf")
    pdf = read_pdf(made)
    assert "Nombre: Ana López" in pdf.pages[0]
    assert said in pdf.text.replace("\n", " ")
    assert "Página 1 de" in pdf.pages[0]
    (saved,) = tmp_path.glob(f"respuestas-cita-ana-lopez-{tuesday.isoformat()}.yaml")
    assert "language: es" in saved.read_text("utf-8")  # the saved answers remember the language


def test_a_full_interview_in_a_terminal(tmp_path: Path) -> None:
    person = Person(tmp_path, lang="C")                   # a locale that names no paper
    person.sees("Language / Idioma")
    person.press(ENTER)
    person.sees("Where has the cancer come back?")
    person.press(DOWN, DOWN, ENTER)                       # distant
    person.sees("What else would you like to talk about?")
    person.types("costs")                                 # letters do nothing in a list...
    person.sees("Typing does nothing in a list.")         # ...but say how to use it
    person.press(DOWN, DOWN, DOWN, SPACE, ENTER)          # costs
    person.sees("Uncheck any you do not want")
    person.press(SPACE, ENTER)                            # uncheck the first question
    person.sees("Your question:")
    person.types("Can I still travel & <hike>?")
    person.press(ENTER)
    person.sees("Your question:")
    person.press(ENTER)
    person.sees("Check up to 3 to print first")
    person.press(DOWN, ENTER)                             # moved, checked nothing: asked
    person.sees("You did not check anything. Go on without any?")
    person.press(UP, SPACE, ENTER)                        # my own question
    person.sees("Your name")
    person.types("Ирина Łukasik")
    person.press(ENTER)
    person.sees("The date of your visit")
    person.types("3/12/2027")
    person.press(ENTER)
    person.sees("Which day do you mean by 3/12/2027?")
    person.press(DOWN, ENTER)                             # Friday, December 3, 2027
    person.sees("more than a year away. Is that the right date?")
    person.types("no")                                    # letters do nothing in the list
    person.press(ENTER)                                   # No: a warning starts on No
    person.sees("The date of your visit")
    person.press(*["\x7f"] * 9)
    person.types("December 3rd, 2026")
    person.press(ENTER)
    person.sees("Thursday, December 3, 2026. Is that right?")
    person.press(ENTER)                                   # Yes
    person.sees("doctor's name")
    person.types("Dr. Ng")
    person.press(ENTER)
    person.sees("Who is coming with you")
    person.press(ENTER)
    person.sees("What paper will you print on?")          # before the print size, whose
    person.press(DOWN, ENTER)                             # page count depends on it: A4
    person.sees("How big should the print be?")
    person.press(ENTER)
    person.sees("Save the checklist as:")
    person.press(ENTER)
    person.sees("Save your answers")
    person.press(DOWN, ENTER)                             # No
    assert person.finish() == 0
    pdf = read_pdf(tmp_path / "visit-questions-lukasik-2026-12-03.pdf")
    first = pdf.pages[0]
    assert "Name: Ирина Łukasik" in first
    assert "1. Can I still travel & <hike>?" in first
    assert "Costs and insurance" in pdf.text
    assert "What type of recurrence do I have" not in pdf.text  # unchecked at review
    assert round(pdf.sizes[0][0]) == 595
    assert sorted(p.name for p in tmp_path.iterdir()) == ["visit-questions-lukasik-2026-12-03.pdf"]


def test_ctrl_c_in_a_terminal(tmp_path: Path) -> None:
    person = Person(tmp_path, "interview")
    person.sees("Language / Idioma")
    person.press(ENTER)
    person.sees("Where has the cancer come back?")
    person.press(ENTER)
    person.sees("What else would you like to talk about?")
    person.child.sendintr()
    person.sees("Stopped; nothing was written.")
    assert person.finish() == 130
    assert list(tmp_path.iterdir()) == []


# -- what the screen shows at 80x24 (issue 23) -------------------------------------------

class Screen:
    """What an 80x24 terminal shows of the interview (pyte keeps the screen as a terminal
    would draw it, scrolling and all)."""

    def __init__(self, person: Person) -> None:
        pyte = pytest.importorskip("pyte", reason="pyte is not installed "
                                   "(pip install -e '.[test]')")
        self.screen = pyte.Screen(80, 24)
        self.stream = pyte.Stream(self.screen)
        person.child.logfile_read = self

    def write(self, text: str) -> None:
        self.stream.feed(text)

    def flush(self) -> None:
        pass

    @property
    def lines(self) -> list[str]:
        return [line.rstrip() for line in self.screen.display]

    def shows(self, text: str) -> bool:
        return any(text in line for line in self.lines)


def settle(person: Person) -> None:
    """Let the terminal draw what it was sent (read whatever arrives for a moment)."""
    try:
        person.child.expect(pexpect.TIMEOUT, timeout=0.6)
    except pexpect.EOF:
        pass


ACTION_ROWS = (">> Show more questions I could add", ">> Print every question for my situation",
               "<< Go back to the previous step")


def test_the_action_rows_stay_on_screen_at_80x24(tmp_path: Path) -> None:
    person = Person(tmp_path)
    screen = Screen(person)
    person.sees("Language / Idioma")
    person.press(ENTER)
    person.sees("Where has the cancer come back?")
    person.types("x")  # a letter: it says which keys work, and Enter is not yet pressed
    person.sees("type a row's number")
    person.types("3")  # the digit moves to the third row
    person.press(ENTER)
    person.sees("What else would you like to talk about?")
    person.press(DOWN, SPACE, DOWN, DOWN, SPACE, ENTER)     # side effects, costs
    person.sees("Uncheck any you do not want")
    settle(person)
    lines = screen.lines
    # Every action row is on screen, under the list, with the list's "more below" line.
    for row in ACTION_ROWS:
        assert screen.shows(row), "\n".join(lines)
    assert screen.shows("more below: press the down arrow key"), "\n".join(lines)
    assert screen.shows("the spacebar or Enter does what the row")
    assert screen.shows("Uncheck any you do not want")  # the question stays at the top
    # Down through the list: it scrolls, the actions stay, "more above" appears.
    person.press(*[DOWN] * 15)
    settle(person)
    for row in ACTION_ROWS:
        assert screen.shows(row), "\n".join(screen.lines)
    assert screen.shows("more above: press the up arrow key"), "\n".join(screen.lines)
    assert screen.shows("Uncheck any you do not want")
    person.child.sendintr()
    person.sees("Stopped; nothing was written.")
    assert person.finish() == 130


def walk(person: Person, name: str) -> None:
    """The common path for one person (distant, no concerns, a name, 'the 8th')."""
    person.sees("Language / Idioma")
    person.press(ENTER)
    person.sees("Where has the cancer come back?")
    person.press(DOWN, DOWN, ENTER)
    person.sees("What else would you like to talk about?")
    person.press(ENTER)
    person.sees("Uncheck any you do not want")
    person.press(ENTER)
    person.sees("Your question:")
    person.press(ENTER)
    person.sees("to print first, on page 1")
    person.press(ENTER)
    person.sees("Your name, for the top of the page:")
    person.types(name)
    person.press(ENTER)
    person.sees("The date of your visit:")
    person.types("Tuesday the 8th" if TUESDAY_8TH else "the 8th")
    person.press(ENTER)
    person.sees("Is that right?")
    person.press(ENTER)
    person.sees("Your doctor's name:")
    person.press(ENTER)
    person.sees("Who is coming with you to the visit?")
    person.press(ENTER)
    person.sees("How big should the print be?")
    person.press(ENTER)
    person.sees("Save the checklist as:")
    person.press(ENTER)
    person.sees("Save your answers")
    person.press(ENTER)
    person.sees("Save the answers as:")
    person.press(ENTER)


def _eighth() -> dt.date:
    from visitprep.dates import one_day

    return one_day("the 8th", TODAY)


TUESDAY_8TH = _eighth().weekday() == 1


def test_two_people_on_one_day_get_two_files(tmp_path: Path) -> None:
    day = _eighth().isoformat()
    for name in ("Maria López", "Ann Lee"):
        person = Person(tmp_path)
        walk(person, name)
        person.sees("choose Print")
        assert person.finish() == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        f"visit-answers-ann-lee-{day}.yaml", f"visit-answers-maria-lopez-{day}.yaml",
        f"visit-questions-ann-lee-{day}.pdf", f"visit-questions-maria-lopez-{day}.pdf"]
    assert "Name: Maria López" in read_pdf(
        tmp_path / f"visit-questions-maria-lopez-{day}.pdf").pages[0]
    # The same person again that day: the next free names are offered, nothing replaced.
    person = Person(tmp_path)
    screen = Screen(person)
    walk(person, "Ann Lee")
    person.sees("choose Print")
    assert person.finish() == 0
    assert (tmp_path / f"visit-questions-ann-lee-{day}-2.pdf").is_file()
    assert (tmp_path / f"visit-answers-ann-lee-{day}-2.yaml").is_file()
    # The closing lines: each path on a line of its own, never cut at 80 columns.
    # (A path longer than the screen wraps, but nothing else shares its lines.)
    shown = screen.lines
    joined = "".join(line.ljust(80) for line in shown)
    pdf_line = f"    {tmp_path / f'visit-questions-ann-lee-{day}-2.pdf'}"
    assert pdf_line.ljust(80 * -(-len(pdf_line) // 80)) in joined
    cd_line = f"    cd {tmp_path}"
    assert cd_line.ljust(80 * -(-len(cd_line) // 80)) in joined
    assert f"    visitprep interview --answers visit-answers-ann-lee-{day}-2.yaml" in shown
