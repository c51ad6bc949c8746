"""Safe YAML reading with located errors.

Only plain data (mappings, lists, text, numbers, booleans, dates) can be read; a
``!!python`` tag or any other constructor is refused. Duplicate keys are errors,
and every mapping remembers its line so later checks can name it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from visitprep.errors import YamlError, allowed, did_you_mean


class LineDict(dict[str, Any]):
    """A dict that remembers the line of the YAML file it was read from."""

    line: int = 0


# libyaml's parser when present (several times faster); the constructors stay the safe ones.
_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _SafeLineLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """SafeLoader that refuses duplicate keys and records mapping lines."""


def _construct_mapping(loader: _SafeLineLoader, node: yaml.MappingNode) -> Iterator[LineDict]:
    data = LineDict()
    data.line = node.start_mark.line + 1
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool):
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be plain text", key_node.start_mark
            )
        key = str(key)
        if key in data:
            raise yaml.constructor.ConstructorError(
                None, None, f"the key '{key}' appears twice", key_node.start_mark
            )
        data[key] = loader.construct_object(value_node, deep=True)


class LineList(list[Any]):
    """A list that remembers the line of each of its items."""

    item_lines: list[int]


class Located:
    """A scalar read from a list, with its line, for error messages only."""

    def __init__(self, line: int) -> None:
        self.line = line


def _construct_sequence(loader: _SafeLineLoader, node: yaml.SequenceNode) -> Iterator[LineList]:
    data = LineList()
    data.item_lines = [child.start_mark.line + 1 for child in node.value]
    yield data
    data.extend(loader.construct_object(child, deep=True) for child in node.value)


_SafeLineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_SafeLineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG,
                                _construct_sequence)


def items_with_lines(value: list[Any]) -> list[tuple[Any, Located]]:
    """Pair each list item with its line (0 when unknown)."""
    lines = getattr(value, "item_lines", [])
    return [(item, Located(lines[i] if i < len(lines) else 0)) for i, item in enumerate(value)]


def parse_yaml(text: str, name: str) -> Any:
    """Parse YAML text safely.

    Args:
        text: The YAML source.
        name: The file name to use in error messages.

    Raises:
        YamlError: On bad syntax, a duplicate key or a forbidden tag.
    """
    try:
        return yaml.load(text, Loader=_SafeLineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{name}, line {mark.line + 1}" if mark else name
        problem = exc.problem or exc.context or "cannot be read"
        if "could not determine a constructor" in problem:
            problem = "has a tag visitprep does not read (" + problem.split("tag ")[-1] + ")"
            hint = "Remove the tag: these files hold plain text, lists and mappings only."
        else:
            hint = "Check the indentation and quoting near that line."
        raise YamlError(f"{where}: {problem}", hint=hint) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"{name}: cannot be read as YAML ({exc})") from None


def read_yaml(path: Path) -> Any:
    """Read and parse one YAML file.

    Raises:
        YamlError: If the file cannot be read or parsed.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise YamlError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise YamlError(f"{path}: is a folder, not a YAML file") from None
    except UnicodeDecodeError:
        raise YamlError(
            f"{path}: is not UTF-8 text", hint="Save the file as UTF-8 and try again."
        ) from None
    except OSError as exc:
        raise YamlError(f"{path}: cannot be read ({exc.strerror})") from None
    return parse_yaml(text, str(path))


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
            f"not {type_name(data)}"
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
            f"{where(name, data)}: '{key}' of {what} must be text, not {type_name(value)}",
            hint="Put the text in quotes if it looks like a number, date or yes/no.",
        )
    text = " ".join(str(value).split())
    if not text:
        raise YamlError(f"{where(name, data)}: '{key}' of {what} is empty.")
    return text


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
    return type(value).__name__
