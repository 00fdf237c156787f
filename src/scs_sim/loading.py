"""Reading scenario files and overrides, with one-line errors a new user can act on."""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from scs_sim.errors import NetworkFileError, ScenarioError  # noqa: F401 (re-exported)
from scs_sim.scenario import PolicyEvent, Scenario, field_bounds, field_choices

SCENARIO_DIR_ENV = "SCS_SIM_SCENARIOS"


def _allowed(model: type, key: str) -> str:
    info = model.model_fields.get(key)
    if info is None:
        return ""
    lo, hi = field_bounds(info)
    if lo is not None and hi is not None:
        return f"allowed: {lo} <= {key} <= {hi}"
    annotation = info.annotation
    if choices := field_choices(info):
        return "allowed: " + ", ".join(repr(a) for a in choices)
    if annotation is bool:
        return "allowed: true or false"
    if annotation is int:
        return "allowed: an integer"
    if annotation is float:
        return "allowed: a number"
    if annotation is str:
        return "allowed: a string"
    return ""


def _describe(error: Mapping[str, Any], source: str) -> str:
    loc = [str(p) for p in error["loc"]]
    model: type = Scenario
    if len(loc) >= 2 and loc[0] == "events" and loc[1].isdigit():
        model = PolicyEvent
        dotted = f"events[{loc[1]}]" + "".join(f".{p}" for p in loc[2:])
        key = loc[2] if len(loc) > 2 else ""
    else:
        dotted = ".".join(loc)
        key = loc[-1] if loc else ""
    kind = error["type"]
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(key, list(model.model_fields), n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else "; see docs/scenarios.md for the keys"
        return f"{source}: unknown key '{dotted}'{hint}"
    if kind == "value_error":
        msg = str(error.get("msg", "")).removeprefix("Value error, ")
        return f"{source}: {dotted}: {msg}" if dotted else f"{source}: {msg}"
    allowed = _allowed(model, key)
    got = error.get("input")
    text = f"{source}: {dotted} = {got!r} is not valid"
    return f"{text}; {allowed}" if allowed else f"{text}: {error.get('msg', '')}"


def scenario_error(exc: ValidationError, source: str) -> ScenarioError:
    """Turn a pydantic error into a one-line :class:`ScenarioError` naming the source."""
    return ScenarioError(_describe(exc.errors()[0], source))


def read_toml(path: Path) -> dict[str, Any]:
    """Read a TOML file, turning syntax errors into a one-line :class:`ScenarioError`."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ScenarioError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ScenarioError(f"{path}: is a directory, expected a .toml file") from None
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: not valid TOML: {exc}") from None
    except UnicodeDecodeError:
        raise ScenarioError(f"{path}: not a text file") from None


def parse_override(item: str) -> tuple[str, Any]:
    """Parse a ``key=value`` override, reading the value as TOML (``0.3``, ``true``, ``"x"``).

    A bare word that is not valid TOML is taken as a string, so ``network=scale_free`` works.
    """
    key, sep, raw = item.partition("=")
    key = key.strip()
    if not sep or not key:
        raise ScenarioError(f"--set {item!r}: expected key=value")
    try:
        value = tomllib.loads(f"v = {raw.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw.strip()
    return key, value


def build_scenario(
    data: Mapping[str, Any], source: str, overrides: Mapping[str, Any] | None = None
) -> Scenario:
    """Validate a mapping of scenario fields, plus overrides, into a :class:`Scenario`.

    Plug-ins the scenario names (or the command line gives) add their parameters to
    the schema first (:func:`scs_sim.plugins.scenario_class`).
    """
    from scs_sim.plugins import plugin_specs, scenario_class

    merged = dict(data)
    specs = plugin_specs(merged, dict(overrides or {}))
    schema = scenario_class(specs)
    if specs:
        merged["plugins"] = specs
    if overrides:
        try:
            schema.model_validate(merged)
        except ValidationError as exc:
            raise scenario_error(exc, source) from None
        merged.update({k: v for k, v in overrides.items() if k != "plugins"})
        source = f"{source} with overrides"
    try:
        scenario = schema.model_validate(merged)
    except ValidationError as exc:
        raise scenario_error(exc, source) from None
    _check_rules(scenario, source)
    return scenario


def _check_rules(scenario: Scenario, source: str) -> None:
    # A weight for a score rule nobody registered would only fail once the model runs.
    from scs_sim.scoring import RULES

    for name, weight in scenario.custom_weights.items():
        if weight > 0 and name not in RULES:
            raise ScenarioError(
                f"{source}: custom_weights.{name}: no rule named {name!r}; registered: "
                f"{', '.join(sorted(RULES))} (a plug-in's rules need the plug-in loaded)"
            )


def scenario_dirs() -> list[Path]:
    """Folders searched for scenarios given by name: ./scenarios, then the repository's."""
    import os

    dirs = [Path.cwd() / "scenarios"]
    if os.environ.get(SCENARIO_DIR_ENV):
        dirs.insert(0, Path(os.environ[SCENARIO_DIR_ENV]))
    repo = Path(__file__).resolve().parents[2] / "scenarios"
    if repo not in dirs:
        dirs.append(repo)
    return dirs


def resolve_scenario_path(name_or_path: str | Path) -> Path:
    """Find a scenario by path, or by name (``sesame`` -> ``scenarios/sesame.toml``)."""
    path = Path(name_or_path)
    if path.suffix == ".toml" or path.exists() or len(path.parts) > 1:
        return path
    for folder in scenario_dirs():
        candidate = folder / f"{path.name}.toml"
        if candidate.exists():
            return candidate
    known = sorted({p.stem for d in scenario_dirs() if d.is_dir() for p in d.glob("*.toml")})
    close = difflib.get_close_matches(path.name, known, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else f"; known: {', '.join(known)}"
    raise ScenarioError(f"{name_or_path}: no such scenario{hint}")


def load_scenario(
    name_or_path: str | Path, overrides: Mapping[str, Any] | Iterable[str] | None = None
) -> Scenario:
    """Load and validate a scenario file.

    Args:
        name_or_path: A path to a TOML file, or the name of a shipped scenario.
        overrides: Field values that replace the file's, as a mapping or as
            ``key=value`` strings (as given to ``--set``).

    Returns:
        The validated scenario. Relative ``edge_list`` paths are made absolute
        against the file's folder; so are plug-in files found there (else they are
        looked up from the current folder).

    Raises:
        ScenarioError: with a one-line message naming the file and the key.
    """
    path = resolve_scenario_path(name_or_path)
    data = read_toml(path)
    if isinstance(data.get("plugins"), list):  # plug-in files next to the scenario first
        data["plugins"] = [
            str((path.parent / s).resolve())
            if isinstance(s, str) and s.endswith(".py") and (path.parent / s).is_file()
            else s
            for s in data["plugins"]
        ]
    if overrides is not None and not isinstance(overrides, Mapping):
        overrides = dict(parse_override(item) for item in overrides)
    scenario = build_scenario(data, str(path), overrides)
    if scenario.edge_list and not Path(scenario.edge_list).is_absolute():
        scenario.edge_list = str((path.parent / scenario.edge_list).resolve())
    return scenario


def scenario_to_toml(scenario: Scenario) -> str:
    """Write a scenario as TOML text (the resolved scenario kept with every result)."""
    lines = []
    data = scenario.model_dump()
    events = data.pop("events")
    custom = data.pop("custom_weights")
    for key, value in data.items():
        lines.append(f"{key} = {toml_value(value)}")
    if custom:
        inner = ", ".join(f"{k} = {toml_value(v)}" for k, v in custom.items())
        lines.append(f"custom_weights = {{ {inner} }}")
    for event in events:
        lines.append("\n[[events]]")
        lines.append(f"step = {event['step']}")
        if event["caption"]:
            lines.append(f"caption = {toml_value(event['caption'])}")
        inner = ", ".join(f"{k} = {toml_value(v)}" for k, v in event["set"].items())
        lines.append(f"set = {{ {inner} }}")
    return "\n".join(lines) + "\n"


def toml_value(value: Any) -> str:
    """A value as written in a TOML file (bools, numbers, strings, lists of them)."""
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    import json

    return json.dumps(str(value), ensure_ascii=False)
