"""End to end in a real pseudo-terminal, 80 columns wide, as a person would run it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from conftest import read_pdf

pexpect = pytest.importorskip("pexpect")

DOWN, SPACE, ENTER = "\x1b[B", " ", "\r"


def spawn(tmp_path: Path, *args: str) -> object:
    env = {**os.environ, "NO_COLOR": "1", "TERM": "xterm"}
    child = pexpect.spawn(sys.executable, ["-m", "visitprep", *args], cwd=str(tmp_path),
                          env=env, dimensions=(24, 80), encoding="utf-8", timeout=30)
    return child


def test_a_full_interview_in_a_terminal(tmp_path: Path) -> None:
    child = spawn(tmp_path)
    child.expect("Where has the cancer come back?")
    child.send(DOWN + DOWN + ENTER)                      # distant
    child.expect("What would you like to talk about?")
    child.send(DOWN + DOWN + DOWN + SPACE + ENTER)       # costs
    child.expect("How long should the list be?")
    child.send(ENTER)                                    # short
    child.expect("pages. Untick what does not fit")
    child.send(SPACE + ENTER)                            # untick the first question
    child.expect("Your question:")
    child.send("Can I still travel & <hike>?" + ENTER)
    child.expect("Your question:")
    child.send(ENTER)
    child.expect("Pick up to 3 to print first")
    child.send(SPACE + ENTER)                            # my own question
    child.expect("Your name")
    child.send("Ирина Łukasik" + ENTER)
    child.expect("The date of your visit")
    child.send("2026-12-03" + ENTER)
    child.expect("doctor's name")
    child.send("Dr. Ng" + ENTER)
    child.expect("Who is coming with you")
    child.send(ENTER)
    child.expect("How big should the print be?")
    child.send(ENTER)
    child.expect("What paper will you print on?")
    child.send(ENTER)
    child.expect("Save the checklist as:")
    child.send(ENTER)
    child.expect("Save your answers")
    child.send("n")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    pdf = read_pdf(tmp_path / "visit-questions-2026-12-03.pdf")
    first = pdf.pages[0]
    assert "Name: Ирина Łukasik" in first
    assert "1. Can I still travel & <hike>?" in first
    assert "Costs and insurance" in pdf.text
    assert "What type of recurrence do I have" not in pdf.text  # unticked at review
    assert sorted(p.name for p in tmp_path.iterdir()) == ["visit-questions-2026-12-03.pdf"]


def test_ctrl_c_in_a_terminal(tmp_path: Path) -> None:
    child = spawn(tmp_path, "interview")
    child.expect("Where has the cancer come back?")
    child.send(ENTER)
    child.expect("What would you like to talk about?")
    child.sendintr()
    child.expect("Stopped; nothing was written.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert list(tmp_path.iterdir()) == []
