"""Bad input, said in one line: the error types and the one formatter of pydantic errors.

Every entry point (the model, the runner, sweeps, validation, the dashboard and the
command line) turns a pydantic error into a message with :func:`describe_error`, so a
mistake reads the same wherever it is made: the file (or call), the key as written in
the file (``events[0].set.surveillance``), the value given and the values allowed.

Messages speak the caller's language: ``--set`` is a command-line word, ``overrides``
the Python one (see :func:`overrides_label`).
"""

from __future__ import annotations

import difflib
import typing
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from scs_sim.errors import NetworkFileError, ScenarioError, ScenarioWarning
from scs_sim.scenario import allowed_values

__all__ = [
    "Caller",
    "NetworkFileError",
    "ScenarioError",
    "ScenarioWarning",
    "describe_error",
    "overrides_label",
    "validation_error",
]

Caller = Literal["cli", "python", "dashboard"]
"""Who gave the input: the command line, Python code, or the dashboard's page."""

MAX_LISTED_KEYS = 12
"""A model with at most this many keys lists them all when a key is unknown."""


def overrides_label(caller: Caller) -> str:
    """How the caller names field overrides: ``--set`` on the command line, else in words."""
    return {"cli": "--set", "python": "overrides", "dashboard": "page overrides"}[caller]


def _inner_model(annotation: Any) -> tuple[type[BaseModel] | None, bool]:
    """The model a field holds (directly, in a list, or as a mapping's values).

    Returns:
        The model (or None) and whether the next part of a location is a mapping key.
    """
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, False
    origin = typing.get_origin(annotation)
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if origin in (list, tuple) or (origin is None and args):
        for arg in args:
            inner, _ = _inner_model(arg)
            if inner is not None:
                return inner, False
    if origin in (dict, Mapping) and len(args) == 2:
        inner, _ = _inner_model(args[1])
        return inner, inner is not None
    if origin is typing.Union or str(origin) == "<class 'types.UnionType'>":
        for arg in args:
            inner, is_map = _inner_model(arg)
            if inner is not None:
                return inner, is_map
    return None, False


def _walk(model: type[BaseModel], loc: list[Any], prefix: str) -> tuple[type | None, str, str]:
    """Follow a pydantic location through nested models.

    Returns:
        The model that owns the last key (None below a plain mapping), the key, and the
        location as written in a file (``events[0].set``).
    """
    owner: type[BaseModel] | None = model
    current: type[BaseModel] | None = model
    key, dotted, mapping_key = "", prefix, False
    for part in loc:
        if isinstance(part, int) or (isinstance(part, str) and part.isdigit()):
            dotted += f"[{part}]"
            continue
        part = str(part)
        if "[" in part and part.endswith("]"):  # pydantic's validator tags, e.g. function-after[]
            continue
        dotted = f"{dotted}.{part}" if dotted else part
        if mapping_key:  # a mapping's key (parameters.surveillance): the model stays
            mapping_key = False
            continue
        key, owner = part, current
        info = current.model_fields.get(part) if current is not None else None
        current, mapping_key = _inner_model(info.annotation) if info is not None else (None, False)
    return owner, key, dotted


def describe_error(
    error: Mapping[str, Any], source: str, model: type[BaseModel], *, prefix: str = ""
) -> str:
    """One line for one pydantic error.

    Args:
        error: An item of ``ValidationError.errors()``.
        source: What was read: a file, ``"overrides"``, a call.
        model: The model the error's location starts at.
        prefix: Written before the location (``"base"`` for a sweep's base scenario).
    """
    owner, key, dotted = _walk(model, list(error.get("loc", ())), prefix)
    kind = error.get("type", "")
    head = f"{source}: " if source else ""
    if kind == "extra_forbidden":
        names = list(owner.model_fields) if owner is not None else []
        close = difflib.get_close_matches(key, names, n=1, cutoff=0.6)
        if close:
            hint = f"; did you mean '{close[0]}'?"
        elif 0 < len(names) <= MAX_LISTED_KEYS:
            hint = "; allowed: " + ", ".join(names)
        else:
            hint = "; see docs/scenarios.md for the keys"
        return f"{head}unknown key '{dotted}'{hint}"
    if kind == "missing":
        info = owner.model_fields.get(key) if owner is not None else None
        about = f" ({info.description})" if info is not None and info.description else ""
        return f"{head}missing key '{dotted}'{about}"
    if kind in ("value_error", "assertion_error"):
        msg = str(error.get("msg", "")).removeprefix("Value error, ").removeprefix("Assertion ")
        if not dotted or msg.startswith(dotted):
            return f"{head}{msg}"
        return f"{head}{dotted}: {msg}"
    got = error.get("input")
    shown = repr(got) if len(repr(got)) <= 80 else repr(got)[:77] + "..."
    text = f"{head}{dotted} = {shown} is not valid"
    info = owner.model_fields.get(key) if owner is not None else None
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        inner, _ = _inner_model(info.annotation) if info is not None else (None, False)
        table = getattr(inner, "table_hint", "a table") if inner is not None else "a table"
        return f"{text}; allowed: {table}"
    allowed = allowed_values(info, key) if info is not None else ""
    if not allowed:
        ctx = error.get("ctx") or {}
        if "ge" in ctx and "le" in ctx:
            allowed = f"{ctx['ge']} <= {dotted} <= {ctx['le']}"
    return f"{text}; allowed: {allowed}" if allowed else f"{text}: {error.get('msg', '')}"


def validation_error(
    exc: ValidationError, source: str, model: type[BaseModel], *, prefix: str = ""
) -> ScenarioError:
    """A :class:`ScenarioError` with one line for the first of a pydantic error's problems."""
    return ScenarioError(describe_error(exc.errors()[0], source, model, prefix=prefix))
