"""The YAML reader: text stays text, and no file can take minutes, gigabytes or a crash."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from visitprep.errors import YamlError
from visitprep.yamlfile import as_bool, as_number, parse_yaml, read_yaml

from conftest import Result, read_pdf

Run = Callable[..., Result]


def test_scalars_stay_the_characters_typed() -> None:
    data = parse_yaml(
        "phone: 0161234567\ntime: 12:30:45\nday: 2026-02-30\nok: yes\nsize: 1e3\n"
        "hex: 0x1F\nempty:\nlist: [1, 2.50, ~, no]\n", "f.yaml")
    assert data == {"phone": "0161234567", "time": "12:30:45", "day": "2026-02-30",
                    "ok": "yes", "size": "1e3", "hex": "0x1F", "empty": None,
                    "list": ["1", "2.50", None, "no"]}


def test_numbers_and_yes_no_only_where_the_schema_asks() -> None:
    assert as_number("12") == 12 and as_number("1.5") == 1.5 and as_number(" 7 ") == 7
    assert as_number("1e3") is None and as_number("0x10") is None
    assert as_number("9" * 5000) is None and as_number("1.5", whole=True) is None
    assert as_bool("Yes") is True and as_bool("off") is False and as_bool("1") is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x: !!python/object/apply:os.system ['true']", "has a tag visitprep does not read"),
        ("x: !!int 5", "has a tag visitprep does not read (!!int)"),
        ("x: !!binary aGk=", "has a tag visitprep does not read (!!binary)"),
        ("a: 1\na: 2", "line 2: the key 'a' appears twice"),
        ("? [a]\n: b", "a key must be plain text"),
        ("a: &a [*a]", "the alias '*a' refers to itself"),
        ("--- a\n--- b", "holds more than one document"),
        ("[" * 5000 + "]" * 5000, "is nested more than 50 levels deep"),
        ("[" * 300_000, "is nested more than 50 levels deep"),  # crashed libyaml's composer
    ],
)
def test_refused_files_give_a_located_message(text: str, message: str) -> None:
    with pytest.raises(YamlError) as caught:
        parse_yaml(text, "f.yaml")
    assert message in str(caught.value)
    assert str(caught.value).startswith("f.yaml")


@pytest.mark.parametrize("wording", ["exceeded maximum nesting depth", "too deep", ""])
def test_the_depth_message_is_visitprep_s_whatever_the_parser_says(
        monkeypatch: pytest.MonkeyPatch, wording: str) -> None:
    """A parser with a nesting limit of its own (libyaml's, PyYAML 6.0.4) gives up first, in
    its own words: the message stays visitprep's, at the line where the depth passes 50."""
    import yaml

    from visitprep import yamlfile

    class GivesUp:
        def __init__(self, text: str) -> None:
            pass

        def get_event(self) -> None:
            raise yaml.scanner.ScannerError(problem=wording or None)

    monkeypatch.setattr(yamlfile, "_Parser", GivesUp)
    text = "a:\n  b: " + "[" * 60 + "]" * 60
    with pytest.raises(YamlError) as caught:
        parse_yaml(text, "f.yaml")
    first_line = str(caught.value).splitlines()[0]
    assert first_line == "f.yaml, line 2: is nested more than 50 levels deep."
    # Brackets inside quotes or comments, or a file that fails for another reason, keep the
    # parser's own located message.
    assert "nested" not in _refusal('a: "' + "[" * 60 + '"\n# ' + "{" * 60)


def _refusal(text: str) -> str:
    with pytest.raises(YamlError) as caught:
        parse_yaml(text, "f.yaml")
    return str(caught.value)


def test_an_alias_bomb_stops_at_once() -> None:
    assert parse_yaml("a: &a [x, y]\nb: *a\n", "f.yaml") == {"a": ["x", "y"], "b": ["x", "y"]}
    text = "\n".join(f"{c}: &{c} [" + ",".join([f"*{p}"] * 9) + "]"
                     for p, c in zip("abcdefgh", "bcdefghi", strict=True))
    with pytest.raises(YamlError, match="more than 100,000 values"):
        parse_yaml('a: &a ["x","x","x","x","x","x","x","x","x"]\n' + text, "f.yaml")


def test_huge_and_odd_files_are_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a: " + b"x" * (3 * 1024 * 1024))
    with pytest.raises(YamlError, match="at most 2,097,152 bytes"):
        read_yaml(big)
    fifo = tmp_path / "pipe.yaml"
    import os

    os.mkfifo(fifo)
    with pytest.raises(YamlError, match="is not a regular file"):
        read_yaml(fifo)  # never blocks waiting for a writer


def test_a_clinic_phone_prints_as_typed(run: Run, tmp_path: Path) -> None:
    (tmp_path / "clinic.yaml").write_text("name: Riverside\nphone: 0161234567\n"
                                          "address: [12:30:45 Main St]\n", encoding="utf-8")
    result = run("make", "--recurrence", "local", "--clinic", "clinic.yaml",
                 "--template", "navigator", "-o", "a.pdf")
    assert result.code == 0, result.err
    text = read_pdf(tmp_path / "a.pdf").text
    assert "0161234567" in text and "12:30:45 Main St" in text
    assert "29702519" not in text and "45045" not in text


def test_an_impossible_date_in_an_answers_file_is_a_message(run: Run, tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("recurrence: local\nvisit_date: 2026-02-30\n",
                                     encoding="utf-8")
    result = run("make", "--answers", "a.yaml", "-o", "a.pdf")
    assert result.code == 1
    assert "2026-02-30" in result.err and "visit_date" in result.err
    assert "Traceback" not in result.err and not (tmp_path / "a.pdf").exists()


def test_an_answers_alias_bomb_is_a_message(run: Run, tmp_path: Path) -> None:
    text = "\n".join(f"{c}: &{c} [" + ",".join([f"*{p}"] * 9) + "]"
                     for p, c in zip("abcdefgh", "bcdefghi", strict=True))
    (tmp_path / "a.yaml").write_text('a: &a ["x","x","x","x","x","x","x","x","x"]\n' + text
                                     + "\nrecurrence: *i\n", encoding="utf-8")
    result = run("make", "--answers", "a.yaml", "-o", "a.pdf")
    assert result.code == 1 and "more than 100,000 values" in result.err
