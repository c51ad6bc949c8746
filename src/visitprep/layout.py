"""Read a layout template (templates/*.yaml) into a validated Layout.

A template is data, so a clinic can copy one, edit it and use it with
``--template FILE``. ``extends: NAME`` starts from a built-in template.
"""

from __future__ import annotations

import math
import string
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from visitprep.errors import TemplateError, YamlError, allowed, did_you_mean, shorten
from visitprep.resources import data_dir
from visitprep.yamlfile import as_bool, as_number, read_yaml, type_name

MIN_BODY_SIZE = 12.0

TEXT_KEYS: tuple[str, ...] = (
    "title", "intro", "name", "visit_date", "doctor", "companion", "situation",
    "top_questions", "invite", "own_questions", "symptom_when", "notes", "learn_more",
    "sources", "footer", "page", "clinic_contact", "label", "support_title", "support_intro",
    "how_to", "step_top", "step_bring", "step_show", "step_answer", "step_check",
    "example_question", "example_answer", "top_empty", "figure_title", "figure_key", "figure_mark",
    "figure_local", "figure_regional", "figure_distant", "continued",
)
# Text keys added after templates were first copied: a template that does not extend a
# built-in one and lacks them gets the standard template's words.
_NEWER_TEXTS: tuple[str, ...] = TEXT_KEYS[TEXT_KEYS.index("how_to"):]
FEATURES: tuple[str, ...] = ("clinic_block", "label_box", "support_people", "explain_inline")

# key path -> (kind, low, high); kinds: number, int, text
_SCHEMA: dict[str, tuple[str, float, float]] = {
    "name": ("text", 0, 0),
    "description": ("text", 0, 0),
    "page.margin": ("number", 0.4, 2.0),
    "page.margin_top_bottom": ("number", 0.5, 2.0),
    "font.body": ("number", MIN_BODY_SIZE, 40),
    "font.heading": ("number", 10, 60),
    "font.title": ("number", 12, 72),
    "font.small": ("number", 8, 30),
    "font.line_spacing": ("number", 1.0, 3.0),
    "question.checkbox": ("number", 6, 40),
    "question.answer_lines": ("int", 0, 10),
    "question.line_gap": ("number", 12, 72),
    "question.top_answer_lines": ("int", 0, 10),
    "notes_lines": ("int", 0, 40),
    "top_slots": ("int", 1, 3),
    **{f"text.{key}": ("text", 0, 0) for key in TEXT_KEYS},
    **{f"features.{key}": ("bool", 0, 0) for key in FEATURES},
}
_GROUPS = {key.split(".")[0] for key in _SCHEMA if "." in key}
# Keys a template may leave out (added after templates were first copied), with where
# their value comes from when it does.
_OPTIONAL = {"page.margin_top_bottom": "page.margin"}


@dataclass(frozen=True)
class Layout:
    """How a handout looks: sizes in points (margin in inches) and its printed labels."""

    name: str
    description: str
    source: str
    margin_in: float
    margin_top_bottom_in: float
    body_size: float
    heading_size: float
    title_size: float
    small_size: float
    line_spacing: float
    checkbox_size: float
    answer_lines: int
    line_gap: float
    top_answer_lines: int
    notes_lines: int
    top_slots: int
    text: Mapping[str, str]
    features: frozenset[str] = frozenset()


def builtin_dir() -> Path:
    """Return the folder of the built-in templates."""
    return data_dir("templates")


def builtin_names() -> tuple[str, ...]:
    """Return the names of the built-in templates, standard first."""
    names = sorted(p.stem for p in builtin_dir().glob("*.yaml"))
    return tuple(sorted(names, key=lambda n: (n != "standard", n)))


def load_layout(name_or_path: str | Path) -> Layout:
    """Load a built-in template by name, or a template file by path.

    Raises:
        TemplateError: Naming the file and the key at fault.
    """
    path = _resolve(str(name_or_path))
    return _validate(_read_merged(path, seen=()), str(path))


def looks_like_path(value: str) -> bool:
    """True for a template given as a file (a .yaml name, or a path), not a built-in name."""
    return value.endswith((".yaml", ".yml")) or "/" in value or "\\" in value


def _resolve(value: str) -> Path:
    if value in builtin_names():
        return builtin_dir() / f"{value}.yaml"
    if looks_like_path(value):
        path = Path(value)
        try:
            found, there = path.is_file(), path.exists()
        except (OSError, ValueError):
            found = there = False
        if not found:
            what = "is not a regular file" if there else "no such file"
            raise TemplateError(f"template file {shorten(value)}: {what}",
                                hint="Give the path of a template .yaml file, or a built-in "
                                f"name: {allowed(builtin_names())}.")
        return path
    raise TemplateError(
        f"unknown template '{value}'.{did_you_mean(value, builtin_names())}",
        hint=f"Built-in templates: {allowed(builtin_names())}; or give a path to a .yaml file.",
    )


def _read_merged(path: Path, seen: tuple[Path, ...]) -> dict[str, Any]:
    try:
        data = read_yaml(path)
    except YamlError as exc:
        raise TemplateError(exc.message, hint=exc.hint) from None
    if not isinstance(data, dict):
        raise TemplateError(f"{path}: a template must be a mapping of 'key: value' lines, "
                            f"not {type_name(data)}")
    parent = data.pop("extends", None)
    if parent is None:
        return data
    if not isinstance(parent, str) or parent not in builtin_names():
        raise TemplateError(
            f"{path}: extends: '{parent}' is not a built-in template",
            hint=f"Built-in templates: {allowed(builtin_names())}.",
        )
    parent_path = builtin_dir() / f"{parent}.yaml"
    if parent_path.resolve() in seen or parent_path.resolve() == path.resolve():
        raise TemplateError(f"{path}: extends: '{parent}' loops back to itself")
    base = _read_merged(parent_path, (*seen, path.resolve()))
    return _merge(base, data)


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _flatten(data: dict[str, Any], name: str) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if key in _GROUPS:
            if not isinstance(value, dict):
                raise TemplateError(f"{name}: '{key}' must be a mapping, not {type_name(value)}")
            for sub, subvalue in value.items():
                flat[f"{key}.{sub}"] = subvalue
        else:
            flat[str(key)] = value
    return flat


def _validate(data: dict[str, Any], name: str) -> Layout:
    flat = _flatten(data, name)
    known = tuple(_SCHEMA) + ("extends",)
    for key in flat:
        if key not in _SCHEMA:
            raise TemplateError(
                f"{name}: unknown key '{key}'.{did_you_mean(key, known)}",
                hint=f"Template keys: {allowed(_SCHEMA)}.",
            )
    values: dict[str, Any] = {}
    if any(f"text.{key}" not in flat for key in _NEWER_TEXTS) and \
            not name.endswith("standard.yaml"):
        standard = _flatten(_read_merged(builtin_dir() / "standard.yaml", ()), "standard")
        for key in _NEWER_TEXTS:
            flat.setdefault(f"text.{key}", standard[f"text.{key}"])
    flat.setdefault("features.explain_inline", False)  # added after templates were copied
    for key, (kind, low, high) in _SCHEMA.items():
        if key in _OPTIONAL and flat.get(key) is None and flat.get(_OPTIONAL[key]) is not None:
            flat[key] = flat[_OPTIONAL[key]]
        if key not in flat or flat[key] is None:
            raise TemplateError(
                f"{name}: missing key '{key}'",
                hint="Start from a built-in template with 'extends: standard' "
                "to fill in what you leave out.",
            )
        value = flat[key]
        if kind == "bool":
            value = as_bool(value) if as_bool(value) is not None else value
            if not isinstance(value, bool):
                raise TemplateError(f"{name}: '{key}' must be true or false, not "
                                    f"{type_name(value)} ('{value}')")
            values[key] = value
            continue
        if kind == "text":
            if isinstance(value, bool) or not isinstance(value, str | int | float):
                raise TemplateError(f"{name}: '{key}' must be text, not {type_name(value)}")
            values[key] = " ".join(str(value).split())
            check_text_length(key, values[key], name)
            continue
        number = as_number(value, whole=kind == "int")
        if number is None:
            want = "a whole number" if kind == "int" else "a number"
            raise TemplateError(f"{name}: '{key}' must be {want}, not {type_name(value)} "
                                f"('{value}')")
        value = number
        if not low <= value <= high:
            raise TemplateError(
                f"{name}: '{key}' is {value}; it must be between {low:g} and {high:g}"
                + (" (body text is never smaller than 12 pt)" if key == "font.body" else "")
            )
        values[key] = value
    check_page_label(values["text.page"], name)
    check_continued(values["text.continued"], name)
    layout = Layout(
        name=values["name"],
        description=values["description"],
        source=name,
        margin_in=float(values["page.margin"]),
        margin_top_bottom_in=float(values["page.margin_top_bottom"]),
        body_size=float(values["font.body"]),
        heading_size=float(values["font.heading"]),
        title_size=float(values["font.title"]),
        small_size=float(values["font.small"]),
        line_spacing=float(values["font.line_spacing"]),
        checkbox_size=float(values["question.checkbox"]),
        answer_lines=int(values["question.answer_lines"]),
        line_gap=float(values["question.line_gap"]),
        top_answer_lines=int(values["question.top_answer_lines"]),
        notes_lines=int(values["notes_lines"]),
        top_slots=int(values["top_slots"]),
        text={key: values[f"text.{key}"] for key in TEXT_KEYS},
        features=frozenset(key for key in FEATURES if values[f"features.{key}"]),
    )
    check_fit(layout, name)
    return layout


# Labels printed beside a write-in line are short; other texts at most a few lines.
_SHORT_TEXTS = ("text.name", "text.visit_date", "text.doctor", "text.companion",
                "text.situation", "text.label", "text.page", "text.notes")
MAX_LABEL = 40
MAX_TEXT = 300
MAX_WORD = 40


def check_text_length(key: str, text: str, name: str) -> None:
    """A template's text fits where it prints: no label or text too long, no word too
    long to wrap.

    Raises:
        TemplateError: Naming the key, its length and the limit.
    """
    limit = MAX_LABEL if key in _SHORT_TEXTS else MAX_TEXT
    if len(text) > limit:
        raise TemplateError(f"{name}: '{key}' is {len(text)} characters long; the limit is "
                            f"{limit}", hint="Shorten it so it fits where it prints.")
    longest = max(text.split(), key=len, default="")
    if len(longest) > MAX_WORD:
        raise TemplateError(f"{name}: '{key}' has a word of {len(longest)} characters "
                            f"('{longest}'); the limit is {MAX_WORD}",
                            hint="A word that long cannot wrap onto the next line.")


def _label_fields(label: str, key: str, name: str, hint: str) -> tuple[list[str], bool]:
    """The {fields} a template text holds, and whether any has a format or conversion.

    Raises:
        TemplateError: For a brace not closed or not opened.
    """
    try:
        parsed = [(field, spec or conv) for _, field, spec, conv in
                  string.Formatter().parse(label) if field is not None]
    except ValueError:
        raise TemplateError(f"{name}: '{key}' ('{label}') has a brace that is not closed "
                            "or not opened", hint=hint) from None
    return [field for field, _ in parsed], any(extra for _, extra in parsed)


def check_page_label(label: str, name: str) -> None:
    """The page label holds {page} and {pages} and no other field, in valid braces.

    Raises:
        TemplateError: Naming the label and what is wrong with it.
    """
    hint = "For example: \"Page {page} of {pages}\". Write a brace as {{ or }}."
    fields, specs = _label_fields(label, "text.page", name, hint)
    unknown = [field for field in fields if field not in ("page", "pages")]
    if unknown or specs:
        shown = unknown[0] if unknown else fields[0]
        raise TemplateError(f"{name}: 'text.page' ('{label}') has the field '{{{shown}}}'; "
                            "it may only use {page} and {pages}, as they are", hint=hint)
    if "page" not in fields or "pages" not in fields:
        raise TemplateError(f"{name}: 'text.page' must contain {{page}} and {{pages}} "
                            f"(it is '{label}')", hint=hint)


def check_continued(label: str, name: str) -> None:
    """The "(continued)" heading holds {title} once, as it is, and no other field.

    Raises:
        TemplateError: Naming the label and what is wrong with it.
    """
    hint = "For example: \"{title} (continued)\". Write a brace as {{ or }}."
    fields, specs = _label_fields(label, "text.continued", name, hint)
    if fields != ["title"] or specs:
        raise TemplateError(f"{name}: 'text.continued' must contain {{title}} once, as it "
                            f"is, and no other field (it is '{label}')", hint=hint)


# Page furniture, as the renderer draws it (render/pdf.py): the footer's note sits 0.4 inch
# above the paper's edge and its lines go up; the top line (the page number, the person's
# name) sits 0.4 inch below the top edge; the margins grow to make room for both.
_EDGE = 0.4 * 72 + 1.5
_ASCENT, _DESCENT = 0.93, 0.24  # DejaVu Sans, of the font size
_CHAR_WIDTH = 0.5  # of the font size: a narrow average, so a borderline template passes
_NARROWEST_PAGE = 595.0  # A4 width in points (letter is 612)
_FRAME_PADDING = 6.0
_MARGIN_GROWTH = 1.5  # the furniture may take at most this times the margin it sits in


def check_fit(layout: Layout, name: str) -> None:
    """Values that are each in range must also fit together: the footer and the top line
    take no more than their margins (or half as much again) from every page.

    Raises:
        TemplateError: Naming the keys that conflict and what to change.
    """
    margin = layout.margin_in * 72
    vertical = layout.margin_top_bottom_in * 72
    small = layout.small_size
    width = _NARROWEST_PAGE - 2 * (margin + _FRAME_PADDING)
    label = layout.text["page"].replace("{page}", "99").replace("{pages}", "99")
    margins = (f"'page.margin' {layout.margin_in:g} in, 'page.margin_top_bottom' "
               f"{layout.margin_top_bottom_in:g} in")
    if len(label) * small * _CHAR_WIDTH > width / 2:
        raise TemplateError(
            f"{name}: the page number ('text.page' in 'font.small' {small:g} pt) takes more "
            f"than half the line at the top of the page ({margins})",
            hint="Make font.small smaller, text.page shorter, or page.margin smaller.")
    footer = layout.text["footer"]
    lines = max(1, math.ceil(len(footer) * small * _CHAR_WIDTH / width)) if footer else 1
    needs = _EDGE + _DESCENT * small + (lines - 1) * small * 1.2 + _ASCENT * small + 0.6 * small
    allowed = max(vertical * _MARGIN_GROWTH, 72.0)
    if needs > allowed:
        raise TemplateError(
            f"{name}: the footer ('text.footer' in {lines} line{'s' if lines > 1 else ''} of "
            f"'font.small' {small:g} pt) needs {needs / 72:.1f} inches at the foot of every "
            f"page, more than the bottom margin allows ({margins})",
            hint="Make font.small smaller, text.footer shorter, or "
            "page.margin_top_bottom larger.")
