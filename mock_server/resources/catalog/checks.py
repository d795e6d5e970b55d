"""Checks of a datastore's ``config`` against the configuration parameters of its type.

Messages follow the jsonschema wording the API uses (DECISIONS 8): ``'abc' is not of type 'integer'``,
``5 is less than the minimum of 64``, ``'x' is not one of ['a', 'b']``; each problem is keyed
``config.<name>`` in a ``Validation failure: {...}`` dict.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .records import ConfigurationParameter

__all__ = ["config_problems", "render_template", "value_problem"]

_JSON_TYPES: Mapping[str, str] = {"int": "integer", "float": "number", "str": "string", "bool": "boolean"}


def config_problems(
    params: Mapping[str, ConfigurationParameter], type_label: str, config: Mapping[str, Any]
) -> dict[str, str]:
    """Every problem of ``config`` for a datastore type with ``params``, keyed ``config.<name>``.

    ``type_label`` names the type in the message of an unknown key (``postgresql 16``). A ``None``
    value resets a known changeable parameter and is always accepted.
    """
    problems: dict[str, str] = {}
    for name, value in config.items():
        param = params.get(name)
        if param is None:
            message: str | None = f"{name!r} is not a configuration parameter of datastore type {type_label}"
        elif not param.is_changeable:
            message = f"{name!r} is not changeable"
        elif value is None:
            message = None
        else:
            message = value_problem(param, value)
        if message is not None:
            problems[f"config.{name}"] = message
    return problems


def value_problem(param: ConfigurationParameter, value: Any) -> str | None:
    """What is wrong with ``value`` for ``param`` (``None`` when it is acceptable)."""
    kind = param.type
    if kind == "int":
        integral = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
        if isinstance(value, bool) or not integral:
            return _wrong_type(value, kind)
    elif kind == "float":
        if isinstance(value, bool) or not isinstance(value, int | float):
            return _wrong_type(value, kind)
    elif kind == "bool":
        if not isinstance(value, bool):
            return _wrong_type(value, kind)
    elif kind == "str":
        if not isinstance(value, str | int | float):
            return _wrong_type(value, kind)
        return _string_problem(param, value)
    numeric = isinstance(value, int | float) and not isinstance(value, bool)
    if numeric and param.min is not None and value < param.min:
        return f"{value!r} is less than the minimum of {param.min!r}"
    if numeric and param.max is not None and value > param.max:
        return f"{value!r} is greater than the maximum of {param.max!r}"
    return _listed_problem(param, value, value)


def _string_problem(param: ConfigurationParameter, value: str | int | float) -> str | None:
    """A string parameter; numbers and booleans are accepted in their text form.

    The SDK converts ``"2"`` to ``2`` and ``"true"`` to ``true`` before sending a config, so a string
    parameter may receive a number or a boolean (``concurrent_insert = "2"`` arrives as ``2``).
    """
    text = _text(value)
    if text == "":
        return _listed_problem(param, value, None) if param.can_be_empty else f"{value!r} is too short"
    if param.is_multiple_choice_available and param.choices is not None:
        for part in (p.strip() for p in text.split(",")):
            if part not in _texts(param.choices):
                return f"{part!r} is not one of {param.choices!r}"
        return _listed_problem(param, value, None)
    return _listed_problem(param, value, text)


def _listed_problem(param: ConfigurationParameter, value: Any, text: str | None) -> str | None:
    """``choices`` (skipped when ``text`` is ``None``) then ``invalid_values``."""
    if text is not None and param.choices is not None and not _among(value, param.choices):
        return f"{value!r} is not one of {param.choices!r}"
    if param.invalid_values is not None and _among(value, param.invalid_values):
        return f"{value!r} is not allowed for {param.name!r}"
    return None


def _among(value: Any, options: list[Any]) -> bool:
    """Whether ``value`` is one of ``options``, comparing a number or boolean also by its text."""
    if any(_same(value, option) for option in options):
        return True
    return not isinstance(value, str) and _text(value) in _texts(options)


def _same(value: Any, option: Any) -> bool:
    return value == option and isinstance(value, bool) == isinstance(option, bool)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _texts(options: list[Any]) -> list[str]:
    return [o if isinstance(o, str) else _text(o) for o in options]


def _wrong_type(value: Any, kind: str) -> str:
    return f"{value!r} is not of type {_JSON_TYPES[kind]!r}"


def render_template(template: str | None, kind: str) -> int | float | str | bool | None:
    """The value answered for a ``*_template`` column: a plain literal of the parameter's type, else ``None``.

    Numeric types take plain numbers (``"64"``, ``"0.5"``); ``bool`` takes ``true``/``false``; ``str``
    (and any other type) takes the text unless it holds template markup (``{{``, ``{%``). Templates
    that depend on the flavor (``{{ ram * 1024 }}``...) are not rendered: their value is ``null``.
    """
    if template is None:
        return None
    text = template.strip()
    if kind == "bool":
        return {"true": True, "false": False}.get(text.lower())
    if kind in ("int", "float"):
        number = _number(text)
        if number is None or (kind == "int" and not float(number).is_integer()):
            return None
        return int(number) if kind == "int" else number
    return None if "{{" in template or "{%" in template else template


def _number(text: str) -> int | float | None:
    try:
        return int(text)
    except ValueError:
        pass
    try:
        number = float(text)
    except ValueError:
        return None
    if number != number or number in (float("inf"), float("-inf")):
        return None
    return number
