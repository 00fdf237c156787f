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
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from scs_sim import scenario_library
from scs_sim.input_errors import (
    Caller,
    NetworkFileError,
    ScenarioError,
    overrides_label,
    validation_error,
)
from scs_sim.input_files import file_digest, read_edge_list, read_toml
from scs_sim.loading import _allowed, check_runnable, parse_override, resolve_scenario_path
from scs_sim.metrics import metric_names
from scs_sim.plugins import load_plugins, plugin_specs, scenario_class
from scs_sim.scenario import Scenario, field_kind, parameter_fields
from scs_sim.sweeps import design as designs

NOT_SWEPT: tuple[str, ...] = ("steps",)
"""Scenario fields a sweep cannot vary: every run of a sweep has the same length."""

DIGEST_IF_SET: tuple[str, ...] = (
    "plugins",
    "deterrence",
    "initial_support",
    "support_benefit",
    "support_order",
    "support_injustice",
    "repression_known",
    "repression_penalty",
    "climate_sensitivity",
    "real_name_registration",
    "targeting",
)
"""Scenario fields added after sweep digests existed (issues 16 and 18): left out of a digest
while at their defaults, which leave every earlier result as it was, so old folders resume."""

_DIGEST_DEFAULTS = {
    k: Scenario.model_fields[k].get_default(call_default_factory=True) for k in DIGEST_IF_SET
}

MAX_POINTS = 100_000
"""Largest design: drawing it (SALib's Morris sampler is the slowest, about 4 s for 100,000
points) and checking it stays quick, even for a dry run."""

MAX_RUNS = 1_000_000
"""More runs than this is surely a typo (e.g. a Sobol sample size meant as a total).

A million runs of the smallest population take days on a cluster; the bound also keeps
a dry run of the largest design to a few seconds (docs/sweeps.md)."""


class ParameterSpec(BaseModel):
    """One swept parameter: a list of ``values``, or a range ``low``..``high``.

    A factorial design takes ``values``, or a range with ``levels`` evenly spaced
    values. Sampled designs (latin, sobol, morris) take a range.
    """

    model_config = ConfigDict(extra="forbid")
    table_hint: ClassVar[str] = "a table with values = [...] or low = ... and high = ..."

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


def _validate(data: Mapping[str, Any], source: str) -> SweepSpec:
    try:
        return SweepSpec.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc, source, SweepSpec) from None
    except RecursionError:
        raise ScenarioError(f"{source}: nested too deeply") from None


def apply_overrides(
    data: Mapping[str, Any],
    overrides: Mapping[str, Any] | Iterable[str],
    source: str = "<dict>",
    caller: Caller = "cli",
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
        overrides = dict(parse_override(item, caller) for item in overrides)
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
                label = overrides_label(caller)
                raise ScenarioError(f"{source}: {label} {key}: '{prefix}' is not a table")
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
        The contents of every input file (edge lists named by the base scenario or by
        swept values) are part of it: a changed file starts a different sweep.
        """
        ignored = ("source", "base_source", "name", "description", "analysis")
        content = {k: v for k, v in self.resolved().items() if k not in ignored}
        content["base"] = {
            k: v
            for k, v in content["base"].items()
            if k not in _DIGEST_DEFAULTS or v != _DIGEST_DEFAULTS[k]
        }
        inputs = self.input_files()
        if inputs:  # absent otherwise, so digests of sweeps without files are unchanged
            content["input_files"] = {path: file_digest(path) for path in inputs}
        text = json.dumps(content, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def input_files(self) -> list[str]:
        """Edge-list files the runs read (the base's and any swept ones), sorted."""
        files = set()
        networks = {self.base.network}
        if "network" in self.design.points:
            networks |= set(self.design.points["network"])
        if "edge_list" in networks:
            if "edge_list" in self.design.points:
                files |= {str(v) for v in self.design.points["edge_list"] if v}
            elif self.base.edge_list:
                files.add(self.base.edge_list)
        return sorted(files)


def _plain(value: Any) -> Any:
    """numpy scalars -> Python scalars (for pydantic, JSON and pickling)."""
    return value.item() if isinstance(value, np.generic) else value


def _field_kind(name: str, schema: type[Scenario] = Scenario) -> str:
    return field_kind(schema.model_fields[name])


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
    value_kind = _field_kind(name, schema)
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
        if value_kind in ("bool", "choice", "text"):
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


def _levels(name: str, par: ParameterSpec, schema: type[Scenario] = Scenario) -> list[Any]:
    if par.values is not None:
        return list(par.values)
    grid = np.linspace(par.low, par.high, par.levels)
    if _field_kind(name, schema) == "int":
        return sorted({int(v) for v in np.rint(grid)})
    return [float(v) for v in grid]


def _check_size(points: int, replicates: int, src: str) -> None:
    """Refuse a design too large to draw quickly or to run, before drawing it."""
    if points > MAX_POINTS:
        raise ScenarioError(
            f"{src}: {points} points is too many; allowed: at most {MAX_POINTS} points "
            "(lower design.samples, levels or values)"
        )
    if points * replicates > MAX_RUNS:
        raise ScenarioError(
            f"{src}: {points} points x {replicates} replicates is too many; allowed: at most "
            f"{MAX_RUNS} runs"
        )


def _design(spec: SweepSpec, src: str, schema: type[Scenario] = Scenario) -> designs.Design:
    kind = spec.design.kind
    if kind == "factorial":
        if spec.design.samples is not None:
            raise ScenarioError(
                f"{src}: design.samples: a factorial design runs every combination; "
                "remove samples or choose kind = 'latin', 'sobol' or 'morris'"
            )
        total = math.prod(len(_levels(n, p, schema)) for n, p in spec.parameters.items())
        _check_size(total, spec.replicates, src)
        return designs.factorial({n: _levels(n, p, schema) for n, p in spec.parameters.items()})
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
    _check_size(total, spec.replicates, src)
    return designs.sample(
        kind,
        {n: (p.low, p.high) for n, p in spec.parameters.items()},
        samples,
        seed=spec.seed,
        levels=spec.design.levels,
        second_order=spec.design.second_order,
        integers=[n for n in spec.parameters if _field_kind(n, schema) == "int"],
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
            raise validation_error(exc, base_source, Scenario) from None
    merged = data | changes
    if spec.steps is not None:
        merged["steps"] = spec.steps
    plugins = plugin_specs(merged)
    if plugins:
        merged["plugins"] = plugins
    try:
        scenario = scenario_class(plugins).model_validate(merged)
    except ValidationError as exc:
        raise validation_error(exc, src, Scenario, prefix="base") from None
    if scenario.edge_list and not Path(scenario.edge_list).is_absolute():
        # Relative to the base scenario's file, or (for [base] alone) to the sweep file's.
        folder = Path(base_source).parent if ref is not None else (path or Path("x")).parent
        scenario.edge_list = str((folder / scenario.edge_list).resolve())
    return scenario, base_source


def _check_points(base: Scenario, design: designs.Design, path: Path | None, src: str) -> None:
    """Check the points as runs, without validating millions of rows one by one.

    Every swept value was checked against its field (a factorial's values, a sampled
    design's low and high), and events are checked field by field, so a point can only
    fail through what depends on the whole run: its edge-list file and its memory. Those
    are checked at the extremes: the largest population and degree, and every distinct
    edge-list file with the smallest population.
    """
    points = design.points
    if points.empty:
        return
    edge_lists = [str(v) for v in points["edge_list"].unique()] if "edge_list" in points else []
    folder = path.parent if path is not None else Path.cwd()
    if edge_lists:
        resolved = [
            v if not v or os.path.isabs(v) else str((folder / v).resolve()) for v in edge_lists
        ]
        mapping = dict(zip(edge_lists, resolved, strict=True))
        design.points["edge_list"] = points["edge_list"].map(mapping)
        edge_lists = resolved
    largest = {
        name: _plain(points[name].max()) for name in ("n_citizens", "mean_degree") if name in points
    }
    if base.network == "edge_list" and edge_lists:
        largest["edge_list"] = edge_lists[0]
    try:
        scenario = type(base).model_validate(base.model_dump(mode="json") | largest)
    except ValidationError as exc:
        raise validation_error(exc, src, type(base), prefix="parameters") from None
    check_runnable(scenario, src)  # score rules, memory of the largest run, its edge list
    networks = set(points["network"]) if "network" in points else {base.network}
    if "edge_list" in networks:
        smallest = int(points["n_citizens"].min()) if "n_citizens" in points else base.n_citizens
        for edge_list in edge_lists or [base.edge_list]:
            try:
                read_edge_list(edge_list, smallest)
            except NetworkFileError as exc:
                raise NetworkFileError(f"{src}: {exc}") from None


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
    caller: Caller = "python",
) -> Sweep:
    """Validate sweep data (as read from TOML) and resolve it into runs.

    Args:
        data: The sweep file's contents.
        source: Named in error messages.
        path: The file, against which a relative base scenario path is resolved.
        overrides: ``--set`` style overrides (see :func:`apply_overrides`).
        caller: Who asks ('cli', 'python' or 'dashboard'); errors use its words.

    Raises:
        ScenarioError: one line naming the file, the key and the allowed values.
    """
    spec = _validate(data, source)
    src = source
    if overrides:
        items = overrides if isinstance(overrides, Mapping) else list(overrides)
        shown = items if not isinstance(items, Mapping) else [f"{k}={v}" for k, v in items.items()]
        src = f"{source} with {overrides_label(caller)} {' '.join(shown)}"
        spec = _validate(apply_overrides(data, items, source, caller), src)
    if not spec.name:
        spec.name = Path(source).stem if path is not None else "sweep"
    schema = scenario_class(plugin_specs(dict(spec.base)))  # plug-ins' fields can be swept
    for name, par in spec.parameters.items():
        _check_parameter(name, par, spec.design.kind, src, schema)
    base, base_source = _base(spec, path, src)
    design = _design(spec, src, schema)
    _check_points(base, design, path, src)
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
    *,
    caller: Caller = "python",
) -> Sweep:
    """Load and resolve a sweep from a TOML file, a mapping, or pass a resolved sweep through.

    Args:
        path_or_data: A sweep TOML file, a shipped or user sweep's name
            (``surveillance-ties``, searched like scenarios, in their ``sweeps/`` folders),
            its contents as a mapping, or a :class:`Sweep`.
        overrides: ``--set`` style overrides, as ``key=value`` strings or a mapping.
        caller: Who asks ('cli', 'python' or 'dashboard'); errors use its words.

    Raises:
        ScenarioError: one line naming the file, the key and the allowed values.
    """
    if isinstance(path_or_data, Sweep):
        if overrides:
            raise ScenarioError("overrides apply to a sweep file or mapping, not a resolved Sweep")
        return path_or_data
    if isinstance(path_or_data, Mapping):
        return resolve_sweep(path_or_data, overrides=overrides, caller=caller)
    path = scenario_library.find(path_or_data, "sweep")
    data = read_toml(path)
    return resolve_sweep(data, source=str(path), path=path, overrides=overrides, caller=caller)


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
        if k not in ("source", "base_source", "n_points", "n_runs", "input_files")
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
