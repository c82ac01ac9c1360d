"""Read a JSON or TOML configuration file into a pydantic model, with one-line errors.

The seed read ``ev.json`` key by key with ``setattr``: a typo silently created a new attribute
and wrong values surfaced as crashes deep in a session (v1-api §4.5). Here every file is
validated as a whole against its schema before anything runs, and every problem becomes a
:class:`ConfigError` whose message is one line naming the file, the key path, the problem and,
where there is a choice, the allowed values::

    evse.toml: charger.max_current: must be > 0 (got -5)
    ev.json: battery.capasity: unknown key (allowed: capacity, level, ...)
    ev.json: line 4, column 3: syntax error: Expecting ',' delimiter

Schemas derive from :class:`ConfigModel` (unknown keys are errors).
"""

from __future__ import annotations

import json
import re
import tomllib
import types
import typing
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

SUFFIXES = (".json", ".toml")
_MAX_SHOWN = 40  # characters of an offending value shown in a message

Schema = TypeVar("Schema", bound=BaseModel)


class ConfigError(Exception):
    """A configuration file that cannot be used; ``str()`` is one line for the user."""

    def __init__(self, path: str | Path, problem: str, key: str | None = None) -> None:
        self.path = str(path)
        self.key = key
        self.problem = problem
        where = f"{self.path}: {key}: " if key else f"{self.path}: "
        super().__init__(where + problem)


class ConfigModel(BaseModel):
    """Base for configuration schemas: unknown keys are errors; a loaded configuration is frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def load_config(path: str | Path, schema: type[Schema]) -> Schema:
    """Read ``path`` (``.json`` or ``.toml``) and validate it against ``schema``."""
    data = read_config_data(path)
    return validate_config(path, data, schema)


def read_config_data(path: str | Path) -> dict[str, Any]:
    """The file's top-level table, parsed but not validated."""
    file = Path(path)
    suffix = file.suffix.lower()
    if suffix not in SUFFIXES:
        raise ConfigError(path, f"unsupported file type '{file.suffix}' (allowed: {', '.join(SUFFIXES)})")
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        raise ConfigError(path, "no such file") from None
    except OSError as error:
        raise ConfigError(path, f"cannot read: {error.strerror or error}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ConfigError(path, f"not UTF-8 text (byte {error.start})") from None
    data = _parse_toml(path, text) if suffix == ".toml" else _parse_json(path, text)
    if not isinstance(data, dict):
        raise ConfigError(path, f"the top level must be an object (got {_kind(data)})")
    return data


def validate_config(path: str | Path, data: Mapping[str, Any], schema: type[Schema]) -> Schema:
    """Validate already parsed ``data`` (from ``path``, for the message) against ``schema``."""
    try:
        return schema.model_validate(data)
    except ValidationError as error:
        raise _config_error(path, error, schema) from None


# --- parsing --------------------------------------------------------------------------------------

_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_TOML_END = re.compile(r"\s*\(at end of document\)$")


def _parse_toml(path: str | Path, text: str) -> Any:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        position = _TOML_POSITION.search(message)
        if position:
            where = f"line {position.group(1)}, column {position.group(2)}: "
            message = message[: position.start()]
        elif _TOML_END.search(message):
            where = f"line {text.count(chr(10)) + 1} (end of file): "
            message = _TOML_END.sub("", message)
        else:
            where = ""
        raise ConfigError(path, f"{where}syntax error: {message}") from None


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)  # JSON would silently keep the last one
        result[key] = value
    return result


def _parse_json(path: str | Path, text: str) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        raise ConfigError(path, f"{where}: syntax error: {error.msg}") from None
    except _DuplicateKey as duplicate:
        raise ConfigError(path, "duplicate key", duplicate.key) from None


# --- validation errors ------------------------------------------------------------------------------


def _config_error(path: str | Path, error: ValidationError, schema: type[BaseModel]) -> ConfigError:
    details = error.errors(include_url=False)
    first = details[0]
    location = tuple(first["loc"])
    problem = _problem(first, location, schema)
    if len(details) > 1:
        problem += f" (and {len(details) - 1} more problem{'s' if len(details) > 2 else ''})"
    return ConfigError(path, problem, key_path(location) or None)


def key_path(location: Sequence[str | int]) -> str:
    """``("schedule", 0, "power")`` -> ``schedule[0].power``."""
    text = ""
    for step in location:
        if isinstance(step, int):
            text += f"[{step}]"
        else:
            text += f".{step}" if text else step
    return text


_COMPARISONS = {
    "greater_than": (">", "gt"),
    "greater_than_equal": (">=", "ge"),
    "less_than": ("<", "lt"),
    "less_than_equal": ("<=", "le"),
}


def _problem(detail: Any, location: tuple[str | int, ...], schema: type[BaseModel]) -> str:
    kind: str = detail["type"]
    context: dict[str, Any] = detail.get("ctx") or {}
    got = f" (got {_shown(detail.get('input'))})"
    if kind == "extra_forbidden":
        allowed = _allowed_keys(schema, location[:-1])
        return "unknown key" + (f" (allowed: {', '.join(allowed)})" if allowed else "")
    if kind == "missing":
        return "missing required key"
    if kind in _COMPARISONS:
        symbol, bound = _COMPARISONS[kind]
        return f"must be {symbol} {_number(context.get(bound))}{got}"
    if kind in ("literal_error", "enum"):
        return f"must be one of {context.get('expected')}{got}"
    message: str = detail["msg"]
    if kind in ("value_error", "assertion_error"):
        # A validator's own words; a check over a whole table names no single value.
        message = str(context.get("error", message))
        return message + ("" if isinstance(detail.get("input"), dict | list) else got)
    message = message.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if message.startswith("Input should be "):
        message = "must be " + message.removeprefix("Input should be ")
    return message[0].lower() + message[1:] + got if message else kind


def _shown(value: Any) -> str:
    if isinstance(value, dict | list):
        return _kind(value)
    if isinstance(value, bool):
        text = str(value).lower()  # as JSON and TOML write it
    else:
        text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 3] + "..."


def _number(value: Any) -> str:
    """A bound as the user would write it: ``0`` rather than pydantic's ``0.0`` for a float field."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def _allowed_keys(schema: type[BaseModel], location: tuple[str | int, ...]) -> list[str]:
    model = _model_at(schema, location)
    if model is None:
        return []
    return [info.alias or name for name, info in model.model_fields.items()]


def _model_at(annotation: Any, location: tuple[str | int, ...]) -> type[BaseModel] | None:
    """The model class that validated the table at ``location`` (best effort through containers)."""
    if not location:
        return next((model for member in _unwrap(annotation) if (model := _as_model(member))), None)
    step, rest = location[0], location[1:]
    for candidate in _unwrap(annotation):
        model = _as_model(candidate)
        if model is not None and isinstance(step, str):
            fields = {info.alias or name: info for name, info in model.model_fields.items()}
            if step in fields:
                found = _model_at(fields[step].annotation, rest)
                if found is not None:
                    return found
            continue
        origin = typing.get_origin(candidate)
        arguments = typing.get_args(candidate)
        if origin in (list, tuple, set, frozenset, Sequence) and arguments and isinstance(step, int):
            found = _model_at(arguments[0], rest)
        elif origin in (dict, Mapping) and len(arguments) == 2:
            found = _model_at(arguments[1], rest)
        else:
            found = None
        if found is not None:
            return found
    # Unions add the member's name to the location: skip a step that named no field.
    return _model_at(annotation, rest) if isinstance(step, str) and rest else None


def _unwrap(annotation: Any) -> list[Any]:
    origin = typing.get_origin(annotation)
    if origin is typing.Union or origin is types.UnionType:
        return [member for argument in typing.get_args(annotation) for member in _unwrap(argument)]
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    return [annotation]


def _as_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None
