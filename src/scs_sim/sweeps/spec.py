"""The sweep file: schema, ``--set`` overrides, and resolution into runs.

A sweep names a base scenario, the parameters to vary (lists or ranges), a
design, replicates, steps, and the metrics and steps to keep. Mistakes are
reported as one line naming the file, the key and the allowed values, exactly
like scenario files (:class:`scs_sim.loading.ScenarioError`, exit code 2).
"""

from __future__ import annotations

import copy
import difflib
import functools
import hashlib
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from scs_sim.loading import (
    ScenarioError,
    _allowed,
    parse_override,
    read_toml,
    resolve_scenario_path,
    scenario_error,
)
from scs_sim.loading import _describe as describe_scenario_error
from scs_sim.metrics import metric_names
from scs_sim.plugins import load_plugins, plugin_specs, scenario_class
from scs_sim.scenario import Scenario, parameter_fields
from scs_sim.sweeps import design as designs

NOT_SWEPT: tuple[str, ...] = ("steps",)
"""Scenario fields a sweep cannot vary: every run of a sweep has the same length."""

MAX_RUNS = 10_000_000
"""More runs than this is surely a typo (e.g. a Sobol sample size meant as a total)."""


class ParameterSpec(BaseModel):
    """One swept parameter: a list of ``values``, or a range ``low``..``high``.

    A factorial design takes ``values``, or a range with ``levels`` evenly spaced
    values. Sampled designs (latin, sobol, morris) take a range.
    """

    model_config = ConfigDict(extra="forbid")

    values: list[Any] | None = Field(None, min_length=1, description="The values to run.")
    low: float | None = Field(None, description="Lower bound of the range.")
    high: float | None = Field(None, description="Upper bound of the range.")
    levels: int | None = Field(
        None, ge=2, le=10_000, description="Factorial: evenly spaced values from low to high."
    )


class DesignSpec(BaseModel):
    """How points are chosen."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["factorial", "latin", "sobol", "morris"] = Field(
        "factorial", description="Design: full factorial, Latin hypercube, Sobol or Morris."
    )
    samples: int | None = Field(
        None,
        ge=1,
        le=1_000_000,
        description="latin: points; sobol: base sample N (a power of 2); morris: trajectories.",
    )
    levels: int = Field(4, ge=2, le=100, description="Morris: grid levels.")
    second_order: bool = Field(False, description="Sobol: also sample second-order indices.")


class AnalysisSpec(BaseModel):
    """What the report analyses."""

    model_config = ConfigDict(extra="forbid")

    metrics: list[str] = Field(
        default_factory=list, description="Outcome metrics for bands and sensitivity indices."
    )
    quantiles: list[float] = Field(
        default_factory=lambda: [0.05, 0.5, 0.95],
        min_length=1,
        description="Replicate quantiles of the bands.",
    )
    step: int | None = Field(
        None, ge=0, description="Step whose values are the outcome (default: last kept step)."
    )

    @field_validator("quantiles")
    @classmethod
    def _in_unit_interval(cls, value: list[float]) -> list[float]:
        for q in value:
            if not 0.0 <= q <= 1.0:
                raise ValueError(f"quantile {q} is not valid; allowed: 0 <= q <= 1")
        return sorted(value)


class SweepSpec(BaseModel):
    """The sweep file's schema (before resolution against the base scenario)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field("", description="Short name (default: the file name).")
    description: str = Field("", description="What the sweep asks.")
    base: dict[str, Any] = Field(
        default_factory=dict,
        description="Base scenario: 'scenario' (a name or path) plus scenario fields to change.",
    )
    seed: int = Field(42, ge=0, le=2**63 - 1, description="Sweep seed; run seeds derive from it.")
    replicates: int = Field(1, ge=1, le=100_000, description="Runs per point, with other seeds.")
    steps: int | None = Field(
        None, ge=1, le=100_000, description="Steps per run (default: the base scenario's)."
    )
    metrics: list[str] = Field(default_factory=list, description="Metrics to keep (default: all).")
    keep_steps: Any = Field(
        "all", description="'all', 'last', N (every N-th step and the last) or a list of steps."
    )
    common_random_numbers: bool = Field(
        False,
        description="Replicate r of every point uses the same seed, so points differ only by "
        "their parameters.",
    )
    design: DesignSpec = Field(default_factory=DesignSpec, description="The design.")
    parameters: dict[str, ParameterSpec] = Field(
        ..., min_length=1, description="Swept parameters, by scenario field name."
    )
    analysis: AnalysisSpec = Field(default_factory=AnalysisSpec, description="Report settings.")

    @field_validator("keep_steps")
    @classmethod
    def _keep_steps_form(cls, value: Any) -> Any:
        if value in ("all", "last"):
            return value
        if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
            return value
        if (
            isinstance(value, list)
            and value
            and all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value)
        ):
            return sorted(set(value))
        raise ValueError(
            f"{value!r} is not valid; allowed: 'all', 'last', an integer N >= 1 "
            "(every N-th step) or a list of step numbers"
        )


_SECTIONS: dict[str, type[BaseModel]] = {"design": DesignSpec, "analysis": AnalysisSpec}


def _describe(error: Mapping[str, Any], source: str) -> str:
    loc = [str(p) for p in error["loc"]]
    model: type[BaseModel] = SweepSpec
    if loc and loc[0] in _SECTIONS:
        model = _SECTIONS[loc[0]]
    elif loc and loc[0] == "parameters" and len(loc) >= 3:
        model = ParameterSpec
    names = [p for p in loc if not p.isdigit()]
    key = names[-1] if names else ""
    dotted = ".".join(loc)
    kind = error["type"]
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(key, list(model.model_fields), n=1, cutoff=0.6)
        allowed = ", ".join(model.model_fields)
        hint = f"; did you mean '{close[0]}'?" if close else f"; allowed: {allowed}"
        return f"{source}: unknown key '{dotted}'{hint}"
    if kind == "missing":
        return f"{source}: missing key '{dotted}' ({model.model_fields[key].description})"
    if kind == "value_error":
        msg = str(error.get("msg", "")).removeprefix("Value error, ")
        return f"{source}: {dotted}: {msg}"
    if kind == "model_type" and loc[:1] == ["parameters"]:
        return (
            f"{source}: {dotted} = {error.get('input')!r} is not valid; allowed: a table "
            "with values = [...] or low = ... and high = ..."
        )
    allowed = _allowed(model, key)
    text = f"{source}: {dotted} = {error.get('input')!r} is not valid"
    return f"{text}; {allowed}" if allowed else f"{text}: {error.get('msg', '')}"


def _validate(data: Mapping[str, Any], source: str) -> SweepSpec:
    try:
        return SweepSpec.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(_describe(exc.errors()[0], source)) from None


def apply_overrides(
    data: Mapping[str, Any], overrides: Mapping[str, Any] | Iterable[str], source: str = "<dict>"
) -> dict[str, Any]:
    """Apply ``--set`` overrides to a sweep file's data.

    A key is a dotted path into the sweep file: ``steps=10``, ``replicates=1``,
    ``design.samples=16``, ``base.surveillance=0.3``, ``parameters.weight_ties.values=[0, 0.4]``.
    A scenario field alone (``n_citizens=200``) is short for ``base.n_citizens``.
    Values are read as TOML, as for ``scs-sim run --set``.

    Returns:
        A new mapping; ``data`` is left unchanged.
    """
    if not isinstance(overrides, Mapping):
        overrides = dict(parse_override(item) for item in overrides)
    out = copy.deepcopy(dict(data))
    for key, value in overrides.items():
        parts = key.split(".")
        if len(parts) == 1 and key not in SweepSpec.model_fields and key in Scenario.model_fields:
            parts = ["base", key]
        node = out
        for i, part in enumerate(parts[:-1]):
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                prefix = ".".join(parts[: i + 1])
                raise ScenarioError(f"{source}: --set {key}: '{prefix}' is not a table")
            node = child
        node[parts[-1]] = value
    return out


def run_seed(sweep_seed: int, index: int) -> int:
    """The seed of a run: a function of the sweep seed and the run's index only.

    ``SeedSequence`` spawn keys give statistically independent streams for
    neighbouring indices, and the result does not depend on which executor runs
    the run, or when.

    Returns:
        A non-negative integer below 2**63 (it fits a Parquet int64 column).
    """
    state = np.random.SeedSequence(sweep_seed, spawn_key=(index,)).generate_state(1, np.uint64)
    return int(state[0] >> np.uint64(1))


@dataclass(frozen=True)
class Run:
    """One run of a sweep: a point, a replicate and its seed."""

    run_id: int
    point: int
    replicate: int
    seed: int


@dataclass(frozen=True)
class Sweep:
    """A validated sweep, resolved against its base scenario.

    Attributes:
        spec: The validated sweep file (after ``--set`` overrides).
        source: Where it came from (a path, or ``"<dict>"``).
        base: The base scenario with ``[base]`` changes and the sweep's steps.
        base_source: Where the base scenario came from.
        design: The points.
        metrics: The metrics kept in results.
        analysis_metrics: The metrics the report analyses.
    """

    spec: SweepSpec
    source: str
    base: Scenario
    base_source: str
    design: designs.Design
    metrics: tuple[str, ...]
    analysis_metrics: tuple[str, ...]

    @property
    def name(self) -> str:
        """The sweep's name."""
        return self.spec.name

    @property
    def steps(self) -> int:
        """Steps per run."""
        return self.base.steps

    @property
    def parameters(self) -> list[str]:
        """Swept parameter names, in file order."""
        return list(self.spec.parameters)

    @property
    def n_runs(self) -> int:
        """Points times replicates."""
        return self.design.n_points * self.spec.replicates

    def kept_steps(self) -> list[int]:
        """The steps whose rows are kept (step 0 is the initial state)."""
        keep = self.spec.keep_steps
        if keep == "all":
            return list(range(self.steps + 1))
        if keep == "last":
            return [self.steps]
        if isinstance(keep, int):
            return sorted(set(range(0, self.steps + 1, keep)) | {self.steps})
        return list(keep)

    def outcome_step(self) -> int:
        """The step whose values the sensitivity analysis uses."""
        step = self.spec.analysis.step
        return self.kept_steps()[-1] if step is None else step

    def runs(self) -> list[Run]:
        """Every run, in run-id order: point-major, then replicate."""
        reps = self.spec.replicates
        out = []
        for run_id in range(self.n_runs):
            point, replicate = divmod(run_id, reps)
            index = replicate if self.spec.common_random_numbers else run_id
            out.append(Run(run_id, point, replicate, run_seed(self.spec.seed, index)))
        return out

    @functools.cached_property
    def _point_values(self) -> list[dict[str, Any]]:
        # Records keep each column's type (a row Series would turn integers into floats).
        return self.design.points.to_dict("records")

    def point_scenario(self, point: int) -> dict[str, Any]:
        """The full scenario (as a plain dict) of one point."""
        values = self._point_values[point]
        return self.base.model_dump(mode="json") | {k: _plain(v) for k, v in values.items()}

    def resolved(self) -> dict[str, Any]:
        """The sweep as resolved: everything needed to rerun it without any file."""
        return {
            "name": self.spec.name,
            "description": self.spec.description,
            "source": self.source,
            "base_source": self.base_source,
            # Swept fields are left out of the base: their base values never reach a run.
            "base": self.base.model_dump(mode="json", exclude=set(self.parameters)),
            "seed": self.spec.seed,
            "replicates": self.spec.replicates,
            "steps": self.steps,
            "common_random_numbers": self.spec.common_random_numbers,
            "metrics": list(self.metrics),
            "keep_steps": self.kept_steps(),
            "design": self.spec.design.model_dump(mode="json"),
            "parameters": {
                k: v.model_dump(mode="json", exclude_none=True)
                for k, v in self.spec.parameters.items()
            },
            "analysis": self.spec.analysis.model_dump(mode="json")
            | {"metrics": list(self.analysis_metrics)},
            "n_points": self.design.n_points,
            "n_runs": self.n_runs,
        }

    def digest(self) -> str:
        """A hash of what determines the results.

        Not where the files live, the name, the description or the analysis settings:
        changing those must not stop a sweep from resuming into its folder.
        """
        ignored = ("source", "base_source", "name", "description", "analysis")
        content = {k: v for k, v in self.resolved().items() if k not in ignored}
        text = json.dumps(content, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def _plain(value: Any) -> Any:
    """numpy scalars -> Python scalars (for pydantic, JSON and pickling)."""
    return value.item() if isinstance(value, np.generic) else value


def _field_kind(name: str, schema: type[Scenario] = Scenario) -> str:
    annotation = schema.model_fields[name].annotation
    if annotation is bool:
        return "bool"
    if annotation is int:
        return "int"
    if annotation is float:
        return "float"
    return "choice"


def _check_parameter(
    name: str, par: ParameterSpec, kind: str, src: str, schema: type[Scenario] = Scenario
) -> None:
    fields = parameter_fields(schema)
    if name not in fields or name in NOT_SWEPT:
        if name in NOT_SWEPT:
            raise ScenarioError(
                f"{src}: parameters.{name}: '{name}' cannot be swept; set the sweep's {name}"
            )
        close = difflib.get_close_matches(name, [f for f in fields if f not in NOT_SWEPT], n=1)
        hint = f"; did you mean '{close[0]}'?" if close else "; see docs/scenarios.md for the keys"
        raise ScenarioError(f"{src}: parameters.{name}: not a scenario parameter{hint}")
    field_kind = _field_kind(name, schema)
    has_range = par.low is not None or par.high is not None
    if par.values is not None and has_range:
        raise ScenarioError(
            f"{src}: parameters.{name}: give either values = [...] or low/high, not both"
        )
    if par.values is None and not has_range:
        raise ScenarioError(
            f"{src}: parameters.{name}: missing values = [...] or low = ... and high = ..."
        )
    if has_range:
        if field_kind in ("bool", "choice"):
            raise ScenarioError(
                f"{src}: parameters.{name}: a {_allowed(schema, name).removeprefix('allowed: ')}"
                " parameter takes values = [...], not low/high"
            )
        if par.low is None or par.high is None:
            missing = "low" if par.low is None else "high"
            raise ScenarioError(f"{src}: parameters.{name}: missing key '{missing}'")
        if not par.low < par.high:
            raise ScenarioError(
                f"{src}: parameters.{name}: low = {par.low} must be below high = {par.high}"
            )
        for bound in ("low", "high"):
            _check_value(name, getattr(par, bound), f"{src}: parameters.{name}.{bound}", schema)
        if kind == "factorial" and par.levels is None:
            raise ScenarioError(
                f"{src}: parameters.{name}: a factorial range needs levels = N "
                "(evenly spaced values), or give values = [...]"
            )
    if par.levels is not None and kind != "factorial":
        raise ScenarioError(
            f"{src}: parameters.{name}.levels: only a factorial design takes levels; "
            f"design '{kind}' samples the range (set design.samples)"
        )
    if par.values is not None:
        if kind != "factorial":
            raise ScenarioError(
                f"{src}: parameters.{name}: design '{kind}' samples a range; "
                "give low = ... and high = ... instead of values"
            )
        for i, value in enumerate(par.values):
            _check_value(name, value, f"{src}: parameters.{name}.values[{i}]", schema)


def _check_value(name: str, value: Any, where: str, schema: type[Scenario] = Scenario) -> None:
    try:
        schema.model_validate({name: value})
    except ValidationError:
        allowed = _allowed(schema, name)
        raise ScenarioError(
            f"{where} = {value!r} is not valid" + (f"; {allowed}" if allowed else "")
        ) from None
    if _field_kind(name, schema) == "int" and isinstance(value, float) and not value.is_integer():
        raise ScenarioError(f"{where} = {value!r} is not valid; allowed: an integer")


def _levels(name: str, par: ParameterSpec) -> list[Any]:
    if par.values is not None:
        return list(par.values)
    grid = np.linspace(par.low, par.high, par.levels)
    if _field_kind(name) == "int":
        return sorted({int(v) for v in np.rint(grid)})
    return [float(v) for v in grid]


def _design(spec: SweepSpec, src: str) -> designs.Design:
    kind = spec.design.kind
    if kind == "factorial":
        if spec.design.samples is not None:
            raise ScenarioError(
                f"{src}: design.samples: a factorial design runs every combination; "
                "remove samples or choose kind = 'latin', 'sobol' or 'morris'"
            )
        total = math.prod(len(_levels(n, p)) for n, p in spec.parameters.items())
        if total * spec.replicates > MAX_RUNS:
            raise ScenarioError(f"{src}: {total} points x {spec.replicates} replicates is too many")
        return designs.factorial({n: _levels(n, p) for n, p in spec.parameters.items()})
    samples = spec.design.samples
    if samples is None:
        raise ScenarioError(f"{src}: missing key 'design.samples' (design '{kind}' needs it)")
    if kind == "sobol" and samples & (samples - 1):
        raise ScenarioError(
            f"{src}: design.samples = {samples} is not valid; allowed: a power of 2 for a "
            "Sobol design (e.g. 64, 128, 256)"
        )
    total = designs.n_points(
        kind, len(spec.parameters), samples, second_order=spec.design.second_order
    )
    if total * spec.replicates > MAX_RUNS:
        raise ScenarioError(f"{src}: {total} points x {spec.replicates} replicates is too many")
    return designs.sample(
        kind,
        {n: (p.low, p.high) for n, p in spec.parameters.items()},
        samples,
        seed=spec.seed,
        levels=spec.design.levels,
        second_order=spec.design.second_order,
        integers=[n for n in spec.parameters if _field_kind(n) == "int"],
    )


def _base(spec: SweepSpec, path: Path | None, src: str) -> tuple[Scenario, str]:
    changes = dict(spec.base)
    ref = changes.pop("scenario", None)
    for name in changes:
        if name in spec.parameters:
            raise ScenarioError(
                f"{src}: base.{name}: '{name}' is swept (parameters.{name}); "
                f"change parameters.{name} instead"
            )
    if ref is None:
        data: dict[str, Any] = {}
        base_source = "embedded baseline defaults"
    else:
        if not isinstance(ref, str):
            raise ScenarioError(
                f"{src}: base.scenario = {ref!r} is not valid; allowed: a scenario name or path"
            )
        candidate = Path(ref)
        if path is not None and not candidate.is_absolute() and (path.parent / ref).is_file():
            candidate = path.parent / ref
        try:
            scenario_path = resolve_scenario_path(candidate)
        except ScenarioError as exc:
            raise ScenarioError(f"{src}: base.scenario = {exc}") from None
        data = read_toml(scenario_path)
        base_source = str(scenario_path)
        try:
            scenario_class(plugin_specs(data)).model_validate(data)
        except ValidationError as exc:
            raise scenario_error(exc, str(scenario_path)) from None
    merged = data | changes
    if spec.steps is not None:
        merged["steps"] = spec.steps
    plugins = plugin_specs(merged)
    if plugins:
        merged["plugins"] = plugins
    try:
        scenario = scenario_class(plugins).model_validate(merged)
    except ValidationError as exc:
        error = dict(exc.errors()[0])
        error["loc"] = ("base", *error["loc"])
        raise ScenarioError(describe_scenario_error(error, src)) from None
    if scenario.edge_list and not Path(scenario.edge_list).is_absolute() and ref is not None:
        scenario.edge_list = str((Path(base_source).parent / scenario.edge_list).resolve())
    return scenario, base_source


def _metrics(
    spec: SweepSpec, src: str, has_groups: bool, extra: list[str] | None = None
) -> tuple[tuple, tuple]:
    extra = extra or []  # plug-ins' metrics
    known = metric_names(True) + extra
    for where, names in (("metrics", spec.metrics), ("analysis.metrics", spec.analysis.metrics)):
        for i, name in enumerate(names):
            if name not in known:
                close = difflib.get_close_matches(name, known, n=1)
                hint = f"; did you mean '{close[0]}'?" if close else "; see docs/sweeps.md"
                raise ScenarioError(f"{src}: {where}[{i}] = {name!r} is not a metric{hint}")
    metrics = tuple(spec.metrics) or tuple(metric_names(has_groups) + extra)
    for i, name in enumerate(spec.analysis.metrics):
        if name not in metrics:
            raise ScenarioError(
                f"{src}: analysis.metrics[{i}] = {name!r} is not kept; add it to metrics"
            )
    from scs_sim.runner import KEY_METRICS

    analysed = tuple(spec.analysis.metrics) or (
        tuple(m for m in KEY_METRICS if m in metrics)[:4] or metrics[:3]
    )
    return metrics, analysed


def resolve_sweep(
    data: Mapping[str, Any],
    *,
    source: str = "<dict>",
    path: Path | None = None,
    overrides: Mapping[str, Any] | Iterable[str] | None = None,
) -> Sweep:
    """Validate sweep data (as read from TOML) and resolve it into runs.

    Args:
        data: The sweep file's contents.
        source: Named in error messages.
        path: The file, against which a relative base scenario path is resolved.
        overrides: ``--set`` style overrides (see :func:`apply_overrides`).

    Raises:
        ScenarioError: one line naming the file, the key and the allowed values.
    """
    spec = _validate(data, source)
    src = source
    if overrides:
        items = overrides if isinstance(overrides, Mapping) else list(overrides)
        shown = items if not isinstance(items, Mapping) else [f"{k}={v}" for k, v in items.items()]
        src = f"{source} with --set {' '.join(shown)}"
        spec = _validate(apply_overrides(data, items, source), src)
    if not spec.name:
        spec.name = Path(source).stem if path is not None else "sweep"
    schema = scenario_class(plugin_specs(dict(spec.base)))  # plug-ins' fields can be swept
    for name, par in spec.parameters.items():
        _check_parameter(name, par, spec.design.kind, src, schema)
    base, base_source = _base(spec, path, src)
    design = _design(spec, src)
    # Points are checked as whole scenarios, so cross-field rules (events) hold at every point.
    base_dict = base.model_dump(mode="json")
    for point, row in enumerate(design.points.to_dict("records")):
        try:
            type(base).model_validate(base_dict | {k: _plain(v) for k, v in row.items()})
        except ValidationError as exc:
            raise ScenarioError(f"{src}: point {point} ({row}): {exc.errors()[0]['msg']}") from None
    has_groups = base.minority_share > 0 or bool(
        "minority_share" in design.points and (design.points["minority_share"] > 0).any()
    )
    extra = [name for plugin in load_plugins(base.plugins) for name in plugin.metrics]
    metrics, analysed = _metrics(spec, src, has_groups, extra)
    sweep = Sweep(spec, source, base, base_source, design, metrics, analysed)
    kept = sweep.kept_steps()
    if kept[-1] > sweep.steps or kept[0] < 0:
        raise ScenarioError(
            f"{src}: keep_steps = {spec.keep_steps!r} is not valid; allowed: steps 0..{sweep.steps}"
        )
    if sweep.outcome_step() not in kept:
        raise ScenarioError(
            f"{src}: analysis.step = {spec.analysis.step} is not valid; allowed: a kept step "
            f"({kept[0]}..{kept[-1]})"
        )
    return sweep


def load_sweep(
    path_or_data: str | Path | Mapping[str, Any] | Sweep,
    overrides: Mapping[str, Any] | Iterable[str] | None = None,
) -> Sweep:
    """Load and resolve a sweep from a TOML file, a mapping, or pass a resolved sweep through.

    Args:
        path_or_data: A sweep TOML file, its contents as a mapping, or a :class:`Sweep`.
        overrides: ``--set`` style overrides, as ``key=value`` strings or a mapping.

    Raises:
        ScenarioError: one line naming the file, the key and the allowed values.
    """
    if isinstance(path_or_data, Sweep):
        if overrides:
            raise ScenarioError("overrides apply to a sweep file or mapping, not a resolved Sweep")
        return path_or_data
    if isinstance(path_or_data, Mapping):
        return resolve_sweep(path_or_data, overrides=overrides)
    path = Path(path_or_data)
    return resolve_sweep(read_toml(path), source=str(path), path=path, overrides=overrides)


def from_resolved(resolved: Mapping[str, Any]) -> Sweep:
    """Rebuild a sweep from its resolved form (as kept in a manifest), without any file.

    The design is drawn again from the same seed; the digest must match, which
    checks that the points are those that were run.

    Raises:
        ScenarioError: if the manifest's sweep cannot be rebuilt identically.
    """
    data = {
        k: v
        for k, v in resolved.items()
        if k not in ("source", "base_source", "n_points", "n_runs")
    }
    sweep = resolve_sweep(data, source=str(resolved.get("source", "<manifest>")))
    sweep = Sweep(
        sweep.spec,
        str(resolved.get("source", "<manifest>")),
        sweep.base,
        str(resolved.get("base_source", "")),
        sweep.design,
        sweep.metrics,
        sweep.analysis_metrics,
    )
    return sweep
