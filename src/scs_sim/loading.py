"""The one way in for scenario input: a source plus overrides becomes a checked Scenario.

:func:`resolve_scenario` is what the model, the runner, sweeps, validation, the
dashboard and ``scs-sim validate`` use. It reads the source (a file path, a shipped
scenario's name, a :class:`~scs_sim.scenario.Scenario`, a mapping or ``None`` for the
baseline defaults), applies overrides, validates with pydantic (one formatter for every
error: :mod:`scs_sim.input_errors`), and checks what validation alone cannot: that
custom score rules are registered, that an edge-list file is readable and well formed,
and that the run fits in memory. So ``validate`` refuses exactly what ``run`` refuses.
"""

from __future__ import annotations

import tomllib
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import tomli_w
from pydantic import ValidationError

from scs_sim import scenario_library
from scs_sim.errors import PluginError
from scs_sim.input_errors import (
    Caller,
    NetworkFileError,
    ScenarioError,
    ScenarioWarning,
    overrides_label,
    validation_error,
)
from scs_sim.input_files import read_edge_list, read_toml
from scs_sim.scenario import Scenario, allowed_values
from scs_sim.scenario_library import SCENARIO_DIR_ENV, scenario_dirs

__all__ = [
    "SCENARIO_DIR_ENV",
    "NetworkFileError",
    "ScenarioError",
    "build_scenario",
    "check_runnable",
    "load_scenario",
    "parse_override",
    "read_toml",
    "resolve_scenario",
    "resolve_scenario_path",
    "scenario_dirs",
    "scenario_error",
    "scenario_to_toml",
]

Source = str | Path | Scenario | Mapping[str, Any] | None
"""What names a scenario: a path, a shipped name, a Scenario, a mapping or None (defaults)."""


def _allowed(model: type, key: str) -> str:
    """'allowed: ...' for a field of ``model`` ('' if the field is unknown)."""
    info = model.model_fields.get(key)
    text = allowed_values(info, key) if info is not None else ""
    return f"allowed: {text}" if text else ""


def scenario_error(exc: ValidationError, source: str) -> ScenarioError:
    """Turn a pydantic error on a scenario into a one-line :class:`ScenarioError`."""
    return validation_error(exc, source, Scenario)


def parse_override(item: str, caller: Caller = "cli") -> tuple[str, Any]:
    """Parse a ``key=value`` override, reading the value as TOML (``0.3``, ``true``, ``"x"``).

    A bare word that is not valid TOML is taken as a string, so ``network=scale_free`` works.
    """
    key, sep, raw = str(item).partition("=")
    key = key.strip()
    if not sep or not key:
        raise ScenarioError(f"{overrides_label(caller)} {item!r}: expected key=value")
    try:
        value = tomllib.loads(f"v = {raw.strip()}")["v"]
    except (tomllib.TOMLDecodeError, RecursionError):
        value = raw.strip()
    return key, value


def _as_mapping(
    overrides: Mapping[str, Any] | Iterable[str] | None, caller: Caller
) -> dict[str, Any]:
    if overrides is None:
        return {}
    if isinstance(overrides, Mapping):
        return dict(overrides)
    if isinstance(overrides, str):
        overrides = [overrides]
    return dict(parse_override(item, caller) for item in overrides)


def build_scenario(
    data: Mapping[str, Any],
    source: str,
    overrides: Mapping[str, Any] | None = None,
    *,
    caller: Caller = "python",
) -> Scenario:
    """Validate a mapping of scenario fields, plus overrides, into a :class:`Scenario`.

    The source is validated alone first, so a mistake in a file is blamed on the file
    and a mistake in an override on the override. Plug-ins the scenario names (or the
    command line gives) add their parameters to the schema first
    (:func:`scs_sim.plugins.scenario_class`).
    """
    from scs_sim.plugins import plugin_specs, scenario_class

    merged = dict(data)
    try:
        specs = plugin_specs(merged, dict(overrides or {}))
    except PluginError as exc:
        raise PluginError(f"{source}: {exc}") from None
    schema = scenario_class(specs)
    if specs:
        merged["plugins"] = specs
    if overrides:
        try:
            schema.model_validate(merged)
        except ValidationError as exc:
            raise scenario_error(exc, source) from None
        merged.update({k: v for k, v in overrides.items() if k != "plugins"})
        source = f"{source} with {overrides_label(caller)}"
    try:
        scenario = schema.model_validate(merged)
    except ValidationError as exc:
        raise scenario_error(exc, source) from None
    except RecursionError:
        raise ScenarioError(f"{source}: nested too deeply") from None
    return scenario


def check_runnable(params: Scenario, source: str) -> None:
    """Check what validation alone cannot: score rules, the edge-list file, memory.

    Raises:
        ScenarioError: one line naming the source and the key.
    """
    from scs_sim.memory import check_fits
    from scs_sim.scoring import RULES

    tables = [("custom_weights", params.custom_weights)]
    tables += [
        (f"events[{i}].set.custom_weights", e.set["custom_weights"])
        for i, e in enumerate(params.events)
        if "custom_weights" in e.set
    ]
    for where, weights in tables:  # the weights' values are checked by the schema
        for name in weights:
            if name not in RULES:
                known = ", ".join(sorted(RULES))
                raise ScenarioError(
                    f"{source}: {where}.{name}: no rule named {name!r}; registered: {known} "
                    "(register it with scs_sim.register_rule)"
                )
    if params.network == "edge_list":
        try:
            read_edge_list(params.edge_list, params.n_citizens)
        except NetworkFileError as exc:
            raise NetworkFileError(f"{source}: {exc}") from None
    check_fits(params, source)
    beyond = params.events_beyond_horizon()
    if beyond:
        i = beyond[0]
        warnings.warn(
            f"{source}: events[{i}].step = {params.events[i].step} is after the last step "
            f"({params.steps}); the run never reaches it",
            ScenarioWarning,
            stacklevel=3,
        )


def known_scenarios() -> list[str]:
    """Names of the scenarios that can be given by name (see :mod:`scs_sim.scenario_library`)."""
    return list(scenario_library.list_files("scenario"))


def resolve_scenario_path(name_or_path: str | Path) -> Path:
    """Find a scenario by path, or by name (``sesame`` -> ``scenarios/sesame.toml``)."""
    return scenario_library.find(name_or_path, "scenario")


def resolve_scenario(
    source: Source,
    overrides: Mapping[str, Any] | Iterable[str] | None = None,
    *,
    caller: Caller = "python",
    label: str | None = None,
) -> Scenario:
    """The one way in: a scenario source plus overrides, validated and checked.

    Args:
        source: A TOML file path, a shipped or user scenario's name (searched as in
            :mod:`scs_sim.scenario_library`), a :class:`Scenario`, a mapping of fields,
            or ``None`` for the baseline defaults.
        overrides: Field values that replace the source's, as a mapping or as
            ``key=value`` strings (values read as TOML).
        caller: Who asks ('cli', 'python' or 'dashboard'); errors use its words.
        label: How to name the source in errors (default: the path, or a description).

    Returns:
        The validated scenario. A relative ``edge_list`` in a file is made absolute
        against the file's folder.

    Raises:
        ScenarioError: one line naming the source, the key and the allowed values.
    """
    changes = _as_mapping(overrides, caller)
    folder: Path | None = None
    if source is None:
        data: dict[str, Any] = {}
        name = label or "defaults"
    elif isinstance(source, Scenario):
        data = source.model_dump()
        name = label or f"scenario {source.name!r}"
    elif isinstance(source, Mapping):
        data = dict(source)
        name = label or "scenario {...}"
    else:
        path = resolve_scenario_path(source)
        data = read_toml(path)
        from scs_sim.plugins import absolute_spec

        named = data.get("plugins")
        named = [named] if isinstance(named, str) else named
        if isinstance(named, list):  # plug-in files next to the scenario first
            data["plugins"] = [
                absolute_spec(s, path.parent) if isinstance(s, str) else s for s in named
            ]
        name = label or str(path)
        folder = path.parent
    params = build_scenario(data, name, changes or None, caller=caller)
    if folder is not None and params.edge_list and not Path(params.edge_list).is_absolute():
        params.edge_list = str((folder / params.edge_list).resolve())
    check_runnable(params, name)
    return params


def load_scenario(
    name_or_path: str | Path,
    overrides: Mapping[str, Any] | Iterable[str] | None = None,
    *,
    caller: Caller = "python",
) -> Scenario:
    """Load and check a scenario file (see :func:`resolve_scenario`).

    Args:
        name_or_path: A path to a TOML file, or the name of a shipped scenario.
        overrides: Field values that replace the file's, as a mapping or as
            ``key=value`` strings (as given to ``--set``).
        caller: Who asks ('cli', 'python' or 'dashboard'); errors use its words.

    Returns:
        The validated scenario. Relative ``edge_list`` paths are made absolute
        against the file's folder; so are plug-in files found there (else they are
        looked up from the current folder).

    Raises:
        ScenarioError: with a one-line message naming the file and the key.
    """
    return resolve_scenario(Path(name_or_path), overrides, caller=caller)


def scenario_to_toml(scenario: Scenario) -> str:
    """Write a scenario as TOML text (the resolved scenario kept with every result).

    Loading the text again gives an equal :class:`Scenario`, events and tables included.
    """
    return tomli_w.dumps(scenario.model_dump(mode="json"))


def toml_value(value: Any) -> str:
    """A value as written in a TOML file (bools, numbers, strings, lists, tables)."""
    return tomli_w.dumps({"v": value}).removeprefix("v = ").rstrip("\n")
