"""Lua literals for the generated dissector: strings, numbers, tables (Lua 5.2, Wireshark 4.x)."""

from __future__ import annotations

from collections.abc import Iterable

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\0": "\\0"}


def string(text: str) -> str:
    """A double-quoted Lua string; UTF-8 text (units such as ‰) is kept as is."""
    return '"' + "".join(_ESCAPES.get(char, char) for char in text) + '"'


def number(value: int | float | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


def integer_map(pairs: Iterable[tuple[int, str]], indent: str = "  ") -> str:
    """``{ [0] = "NAME", ... }`` one entry per line: value_string tables and case maps."""
    items = [f"{indent}  [{key}] = {string(value)}," for key, value in pairs]
    if not items:
        return "{}"
    return "{\n" + "\n".join(items) + f"\n{indent}}}"


def call(function: str, *arguments: str) -> str:
    return f"{function}({', '.join(arguments)})"
