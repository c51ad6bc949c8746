"""Safe YAML reading with located errors: text stays the characters typed.

visitprep's YAML files hold mappings, lists and text. Every scalar is read as the
text the person typed: ``0161234567`` stays a phone number (PyYAML would read octal),
``12:30:45`` stays a time (sexagesimal), ``2026-02-30`` stays text for visitprep's own
date parser, and ``yes`` stays "yes". Only an empty value (or ``~``/``null``) is
"nothing". Where a schema wants a number or a yes/no (a template's sizes,
``fillable``), the reader of that field converts the text with :func:`as_number` and
:func:`as_bool`, and says what it expected.

Any tag (``!!python/object``, ``!!int``, ``!!binary``...) is refused. Duplicate keys are
errors, and every mapping remembers its line so later checks can name it. Every file
is bounded: its size, its nesting depth, and how far anchors and aliases expand, so a
small hostile file cannot take minutes or gigabytes.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Any

import yaml

from visitprep.errors import YamlError, allowed, did_you_mean

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 50
MAX_VALUES = 100_000  # values after aliases are expanded
NULLS = ("", "~", "null", "Null", "NULL")
STR_TAG = "tag:yaml.org,2002:str"
SEQ_TAGS = (None, "!", "tag:yaml.org,2002:seq")
MAP_TAGS = (None, "!", "tag:yaml.org,2002:map")
_DEPTH_HINT = "visitprep files need only a few levels of lists and mappings."


class LineDict(dict[str, Any]):
    """A dict that remembers the line of the YAML file it was read from."""

    line: int = 0


class LineList(list[Any]):
    """A list that remembers the line of each of its items."""

    item_lines: list[int]


class Located:
    """A scalar read from a list, with its line, for error messages only."""

    def __init__(self, line: int) -> None:
        self.line = line


# libyaml's parser when present (several times faster). Only its events are used:
# visitprep builds the values itself, so no PyYAML constructor or resolver runs.
_Parser: Any
try:
    from yaml.cyaml import CParser as _Parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - PyYAML without libyaml

    class _Parser(yaml.reader.Reader, yaml.scanner.Scanner,  # type: ignore[no-redef]
                  yaml.parser.Parser):
        def __init__(self, stream: str) -> None:
            yaml.reader.Reader.__init__(self, stream)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)


class _Refused(yaml.MarkedYAMLError):
    """A problem found while building values, at a place in the file."""

    def __init__(self, problem: str, event: Any, hint: str = "") -> None:
        super().__init__(problem=problem, problem_mark=event.start_mark)
        self.hint = hint


class _Builder:
    """Turns parser events into dicts, lists and text, within the bounds above."""

    def __init__(self, parser: Any) -> None:
        self.parser = parser
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.open_anchors: set[str] = set()
        self.values = 0

    def document(self) -> Any:
        self.parser.get_event()  # stream start
        if self.parser.check_event(yaml.StreamEndEvent):
            return None
        self.parser.get_event()  # document start
        value, _ = self.node(1)
        self.parser.get_event()  # document end
        if not self.parser.check_event(yaml.StreamEndEvent):
            event = self.parser.peek_event()
            raise _Refused("holds more than one document (a second '---')", event,
                           "Keep one document in the file.")
        return value

    def count(self, size: int, event: Any) -> None:
        self.values += size
        if self.values > MAX_VALUES:
            raise _Refused(f"holds more than {MAX_VALUES:,} values once its anchors and "
                           "aliases are expanded", event,
                           "Write the values out; visitprep files need no aliases ('*name').")

    def node(self, depth: int) -> tuple[Any, int]:
        event = self.parser.get_event()
        if isinstance(event, yaml.AliasEvent):
            if event.anchor in self.open_anchors:
                raise _Refused(f"the alias '*{event.anchor}' refers to itself", event)
            if event.anchor not in self.anchors:
                raise _Refused(f"the alias '*{event.anchor}' names no anchor", event)
            value, size = self.anchors[event.anchor]
            self.count(size, event)
            return value, size
        if depth > MAX_DEPTH:
            raise _Refused(f"is nested more than {MAX_DEPTH} levels deep", event, _DEPTH_HINT)
        anchor = getattr(event, "anchor", None)
        if anchor:
            self.open_anchors.add(anchor)
        if isinstance(event, yaml.ScalarEvent):
            value, size = self.scalar(event), 1
            self.count(1, event)
        elif isinstance(event, yaml.SequenceStartEvent):
            value, size = self.sequence(event, depth)
        elif isinstance(event, yaml.MappingStartEvent):
            value, size = self.mapping(event, depth)
        else:  # pragma: no cover - the parser guarantees one of the above
            raise _Refused("cannot be read", event)
        if anchor:
            self.open_anchors.discard(anchor)
            self.anchors[anchor] = (value, size)
        return value, size

    @staticmethod
    def scalar(event: Any) -> str | None:
        plain = event.implicit[0]
        if event.tag not in (None, "!") and not (event.tag == STR_TAG):
            raise _Refused(f"has a tag visitprep does not read ({_short_tag(event.tag)})", event,
                           "Remove the tag: these files hold plain text, lists and mappings "
                           "only.")
        if plain and event.tag is None and event.value in NULLS:
            return None
        return str(event.value)

    def sequence(self, start: Any, depth: int) -> tuple[LineList, int]:
        if start.tag not in SEQ_TAGS:
            raise _Refused(f"has a tag visitprep does not read ({_short_tag(start.tag)})", start,
                           "Remove the tag: these files hold plain text, lists and mappings "
                           "only.")
        data = LineList()
        data.item_lines = []
        size = 1
        self.count(1, start)
        while not self.parser.check_event(yaml.SequenceEndEvent):
            data.item_lines.append(self.parser.peek_event().start_mark.line + 1)
            value, child = self.node(depth + 1)
            data.append(value)
            size += child
        self.parser.get_event()
        return data, size

    def mapping(self, start: Any, depth: int) -> tuple[LineDict, int]:
        if start.tag not in MAP_TAGS:
            raise _Refused(f"has a tag visitprep does not read ({_short_tag(start.tag)})", start,
                           "Remove the tag: these files hold plain text, lists and mappings "
                           "only.")
        data = LineDict()
        data.line = start.start_mark.line + 1
        size = 1
        self.count(1, start)
        while not self.parser.check_event(yaml.MappingEndEvent):
            key_event = self.parser.peek_event()
            if not isinstance(key_event, yaml.ScalarEvent) or key_event.tag not in (None, "!",
                                                                                     STR_TAG):
                raise _Refused("a key must be plain text", key_event)
            self.parser.get_event()
            key = str(key_event.value)
            if key in data:
                raise _Refused(f"the key '{key}' appears twice", key_event,
                               "Keep one of them.")
            value, child = self.node(depth + 1)
            data[key] = value
            size += child + 1
        self.parser.get_event()
        return data, size


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def _check_characters(text: str, name: str) -> None:
    """A raw control character is one message naming its line (PyYAML's would be
    "unacceptable character #x0000"); NULs between the letters mean UTF-16 text.

    Raises:
        YamlError: Naming the file and the line, or the encoding to save it in.
    """
    found = _CONTROL.search(text)
    if not found:
        return
    head = text[:200]
    if found.group() == "\x00" and head.count("\x00") * 3 >= len(head):
        raise YamlError(f"{name}: is UTF-16 text, not UTF-8",
                        hint="Save the file as UTF-8 (in Notepad: Save as, Encoding: UTF-8).")
    line = text.count("\n", 0, found.start()) + 1
    raise YamlError(f"{name}, line {line}: holds a control character "
                    f"(U+{ord(found.group()):04X}), which is not text",
                    hint="Remove it, or retype that line; the file must be plain text.")


def _too_deep(text: str) -> int | None:
    """The line where brackets ('[', '{') outside quotes and comments first open more than
    MAX_DEPTH deep, or None. Only asked after the parser failed, so a '[' in plain text that
    the parser read as text never counts."""
    depth = 0
    line = 1
    quote = ""
    comment = False
    previous = "\n"
    for char in text:
        if char == "\n":
            line += 1
            comment = False
        elif comment:
            pass
        elif quote:
            if char == quote:
                quote = ""
        elif char in "'\"" and (previous in " \t\n[{,:-?" or depth):
            quote = char
        elif char == "#" and previous in " \t\n":
            comment = True
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return line
        elif char in "]}":
            depth = max(0, depth - 1)
        previous = char
    return None


def _quote_inside_quotes(line: str) -> bool:
    """A value such as '['standard']': quoted, with the same quote mark inside."""
    value = line.split(":", 1)[1].strip() if ":" in line else line.strip()
    value = value.lstrip("- ").strip()
    # ('' inside single quotes is YAML's own way to write one quote mark)
    return any(value.startswith(q) and value.count(q) > 2
               and not (q == "'" and value.count("''") * 2 >= value.count("'") - 2)
               for q in ("'", '"'))


def _line(text: str, number: int) -> str:
    lines = text.splitlines()
    return lines[number] if 0 <= number < len(lines) else ""


def _short_tag(tag: str) -> str:
    return "!!" + tag[len("tag:yaml.org,2002:"):] if tag.startswith("tag:yaml.org,2002:") else tag


def parse_yaml(text: str, name: str) -> Any:
    """Parse YAML text safely into dicts, lists, text and None.

    Args:
        text: The YAML source.
        name: The file name to use in error messages.

    Raises:
        YamlError: On bad syntax, a duplicate key, a tag, or a file beyond the bounds.
    """
    _check_characters(text, name)
    parser = _Parser(text)
    try:
        return _Builder(parser).document()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where_ = f"{name}, line {mark.line + 1}" if mark else name
        problem = exc.problem or exc.context or "cannot be read"
        hint = getattr(exc, "hint", "") or "Check the indentation and quoting near that line."
        deep = None if isinstance(exc, _Refused) else _too_deep(text)
        if deep is not None:
            # The parser gave up first (libyaml has a nesting limit of its own, worded its
            # own way): visitprep's limit and message stay the same whatever it says.
            where_, problem = f"{name}, line {deep}", f"is nested more than {MAX_DEPTH} levels deep"
            hint = _DEPTH_HINT
        if mark and "cannot start any token" in problem and "\t" in _line(text, mark.line):
            problem = "has a tab where YAML needs spaces"
            hint = "Indent with spaces, not tabs."
        elif mark and _quote_inside_quotes(_line(text, mark.line)):
            problem = "has a quote mark inside a quoted value"
            hint = ("A quoted value ends at its next quote mark. Leave out the outer quotes "
                    "(extends: standard), or write each inner ' as ''.")
        raise YamlError(f"{where_}: {problem}.", hint=hint) from None
    except yaml.YAMLError as exc:
        deep = _too_deep(text)
        if deep is not None:
            raise YamlError(f"{name}, line {deep}: is nested more than {MAX_DEPTH} levels deep.",
                            hint=_DEPTH_HINT) from None
        raise YamlError(f"{name}: cannot be read as YAML ({exc}).") from None
    finally:
        dispose = getattr(parser, "dispose", None)
        if dispose:
            dispose()


def read_yaml(path: Path) -> Any:
    """Read and parse one YAML file (a regular file of at most 2 MB).

    Raises:
        YamlError: If the file cannot be read or parsed.
    """
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise YamlError(f"{path}: no such file.") from None
    except OSError as exc:
        raise YamlError(f"{path}: cannot be read ({describe_os_error(exc)}).") from None
    if stat.S_ISDIR(info.st_mode):
        raise YamlError(f"{path}: is a folder, not a YAML file.")
    if not stat.S_ISREG(info.st_mode):
        raise YamlError(f"{path}: is not a regular file.", hint="Give the path of a YAML file.")
    if info.st_size > MAX_FILE_BYTES:
        raise YamlError(f"{path}: is {info.st_size:,} bytes; a visitprep YAML file is at most "
                        f"{MAX_FILE_BYTES:,} bytes.", hint="Check that this is the right file.")
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise YamlError(
            f"{path}: is not UTF-8 text.", hint="Save the file as UTF-8 and try again."
        ) from None
    except OSError as exc:
        raise YamlError(f"{path}: cannot be read ({describe_os_error(exc)}).") from None
    return parse_yaml(text, str(path))


def describe_os_error(exc: OSError) -> str:
    """An operating-system error in plain words, without Python's wrapping."""
    return (exc.strerror or str(exc)).lower() if exc.strerror else str(exc)


def where(name: str, data: object) -> str:
    """Name a place in a YAML file: 'file, line N' when the line is known."""
    line = getattr(data, "line", 0)
    return f"{name}, line {line}" if line else name


def check_keys(
    data: object,
    name: str,
    *,
    required: tuple[str, ...] = (),
    optional: tuple[str, ...] = (),
    what: str = "this entry",
    at: object = None,
) -> dict[str, Any]:
    """Check that data is a mapping with the required keys and no unknown ones.

    Args:
        data: The parsed YAML value.
        name: The file name for messages.
        required: Keys that must be present.
        optional: Keys that may be present.
        what: What the mapping is, for messages ("a question", "the template").

    Raises:
        YamlError: Naming the file, line, and the missing or unknown key.
    """
    if not isinstance(data, dict):
        raise YamlError(
            f"{where(name, at if at is not None else data)}: {what} must be a mapping "
            "of 'key: value' lines, "
            f"not {type_name(data)}."
        )
    known = required + optional
    for key in data:
        if key not in known:
            raise YamlError(
                f"{where(name, data)}: {what} has an unknown key '{key}'."
                f"{did_you_mean(key, known)}",
                hint=f"Allowed keys: {allowed(known)}.",
            )
    for key in required:
        if key not in data or data[key] is None:
            raise YamlError(f"{where(name, data)}: {what} needs the key '{key}'.")
    return data


def get_text(data: dict[str, Any], key: str, name: str, *, what: str = "this entry") -> str:
    """Return data[key] as non-empty text, or raise a located YamlError."""
    value = data.get(key)
    if not isinstance(value, str):
        raise YamlError(
            f"{where(name, data)}: '{key}' of {what} must be text, not {type_name(value)}.",
        )
    text = " ".join(str(value).split())
    if not text:
        raise YamlError(f"{where(name, data)}: '{key}' of {what} is empty.")
    return text


_TRUE = ("true", "yes", "on")
_FALSE = ("false", "no", "off")
_NUMBER = re.compile(r"[+-]?(?:\d{1,9}(?:\.\d{0,9})?|\.\d{1,9})")


def as_bool(value: object) -> bool | None:
    """Read a yes/no the schema asks for: true/false, yes/no, on/off; None if it is not one."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE:
        return True
    if isinstance(value, str) and value.strip().lower() in _FALSE:
        return False
    return None


def as_number(value: object, *, whole: bool = False) -> float | int | None:
    """Read a number the schema asks for (at most 9 digits each side of the point);
    None if the text is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not _NUMBER.fullmatch(text):
        return None
    if whole:
        return int(text) if text.lstrip("+-").isdigit() else None
    number = float(text)
    return int(number) if number.is_integer() and "." not in text else number


def type_name(value: object) -> str:
    """Describe a parsed YAML value's type in plain words."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "yes/no"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "a value of another kind"


def items_with_lines(value: list[Any]) -> list[tuple[Any, Located]]:
    """Pair each list item with its line (0 when unknown)."""
    lines = getattr(value, "item_lines", [])
    return [(item, Located(lines[i] if i < len(lines) else 0)) for i, item in enumerate(value)]
