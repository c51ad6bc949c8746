"""Templates are data: loaded, merged with `extends`, refused with file and key when wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from visitprep.errors import TemplateError
from visitprep.layout import builtin_names, load_layout


def error(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TemplateError) as info:
        load_layout(str(path))
    return str(info.value)


def test_standard_meets_the_print_standard() -> None:
    layout = load_layout("standard")
    assert layout.body_size >= 12
    assert layout.margin_in >= 1.0
    assert "{page}" in layout.text["page"]
    assert builtin_names()[0] == "standard"


def test_extends_changes_only_what_it_lists(tmp_path: Path) -> None:
    path = tmp_path / "clinic.yaml"
    path.write_text("extends: standard\nname: clinic\nfont: {body: 14}\n"
                    "text: {title: Fragen & Antworten}\n", encoding="utf-8")
    layout = load_layout(str(path))
    assert layout.name == "clinic" and layout.body_size == 14
    assert layout.heading_size == load_layout("standard").heading_size
    assert layout.text["title"] == "Fragen & Antworten"


def test_unknown_key_names_file_and_key(tmp_path: Path) -> None:
    message = error(tmp_path / "t.yaml", "extends: standard\nfont: {bodi: 14}\n")
    assert "t.yaml: unknown key 'font.bodi'. Did you mean 'font.body'?" in message


def test_values_are_checked(tmp_path: Path) -> None:
    assert "'font.body' is 9; it must be between 12 and 40" in error(
        tmp_path / "t.yaml", "extends: standard\nfont: {body: 9}\n")
    assert "'question.answer_lines' must be a whole number, not text" in error(
        tmp_path / "t.yaml", "extends: standard\nquestion: {answer_lines: two}\n")
    assert "'text.page' must contain {page} and {pages}" in error(
        tmp_path / "t.yaml", "extends: standard\ntext: {page: Page}\n")
    assert "missing key 'description'" in error(tmp_path / "t.yaml", "name: x\n")


def test_broken_and_hostile_files(tmp_path: Path) -> None:
    assert "t.yaml, line" in error(tmp_path / "t.yaml", "name: [x\n")
    assert "tag" in error(tmp_path / "t.yaml", "name: !!python/name:os.system\n")
    assert "extends: 'fancy' is not a built-in template" in error(
        tmp_path / "t.yaml", "extends: fancy\n")


def test_unknown_name_lists_the_templates() -> None:
    with pytest.raises(TemplateError) as info:
        load_layout("standrd")
    assert "unknown template 'standrd'. Did you mean 'standard'?" in str(info.value)
    with pytest.raises(TemplateError, match="no such file"):
        load_layout("missing/layout.yaml")
