"""Plug-ins: a mechanism in one Python file or module, loaded by name or path.

A plug-in module defines ``PLUGIN``, a :class:`Plugin` declaring its parameters
(scenario fields, validated like built-in ones), its per-citizen states, its metrics,
and where in the step it runs (after or before a named mechanism of
:data:`scs_sim.mechanisms.STEP_ORDER`). It may change the per-citizen multipliers
of built-in probabilities (``population.rel``, e.g. ``rel.violation``), which the
built-in rules and kernels multiply in. Its random numbers come from its own named
stream (:meth:`Plugin.draws`), so adding one never moves another mechanism's draws.

Scenario files name plug-ins (``plugins = ["examples/plugins/informants.py"]``), and
their parameters are flat scenario keys (``informant_share = 0.02``); the CLI takes
``--plugin FILE_OR_MODULE``. See docs/extending.md.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import Field, create_model

from scs_sim.errors import PluginError
from scs_sim.scenario import Scenario
from scs_sim.streams import counter_uniforms

if TYPE_CHECKING:
    from scs_sim.context import Context

PLUGINS_ENV = "SCS_SIM_PLUGINS"
"""Environment variable listing active plug-ins (os.pathsep-separated), for child processes."""

ACTIVE: list[str] = [spec for spec in os.environ.get(PLUGINS_ENV, "").split(os.pathsep) if spec]
"""Plug-ins given on the command line (``--plugin``): added to every scenario built."""


def activate(specs: Iterable[str]) -> list[Plugin]:
    """Load plug-ins (given on the command line) and add them to every scenario built here.

    Also exported in ``SCS_SIM_PLUGINS``, so that worker processes and the dashboard's
    server see them.

    Raises:
        PluginError: A plug-in cannot be loaded.
    """
    specs = [absolute_spec(spec) for spec in specs]
    plugins = load_plugins([*ACTIVE, *specs])
    ACTIVE[:] = list(dict.fromkeys([*ACTIVE, *specs]))
    os.environ[PLUGINS_ENV] = os.pathsep.join(ACTIVE)
    return plugins


def param(
    default: Any,
    description: str,
    *,
    ge: float | None = None,
    le: float | None = None,
    section: str = "plug-ins",
) -> Any:
    """A plug-in parameter: a default, a one-line help text and its allowed range."""
    return Field(
        default,
        description=description,
        ge=ge,
        le=le,
        json_schema_extra={"section": section, "source": "plug-in"},
    )


@dataclass(frozen=True)
class Plugin:
    """A mechanism added to the step, with its parameters, states and metrics.

    Attributes:
        name: Its name (also its random stream's: ``plugin.<name>``).
        step: ``step(ctx, step)``, run once a step at its place in the step order.
        after: The mechanism it runs after (e.g. ``"expression"``), or
        before: the mechanism it runs before (give one of the two).
        params: Scenario fields it adds, built with :func:`param` (``{name: param(...)}``).
        states: Per-citizen arrays it keeps, ``{name: dtype}``, zero at the start
            (``ctx.plugin_states[name]``).
        metrics: Metric columns it adds, ``{name: metric(ctx) -> float}``.
        init: ``init(ctx)``, run once when the model is built (after the population).
    """

    name: str
    step: Callable[[Context, int], None]
    after: str | None = None
    before: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    states: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, Callable[[Context], float]] = field(default_factory=dict)
    init: Callable[[Context], None] | None = None

    def draws(self, ctx: Context, step: int, index: np.ndarray, lane: int = 0) -> np.ndarray:
        """Float32 uniforms for ``index`` (citizens or tie slots) from this plug-in's stream."""
        key = ctx.streams.key(f"plugin.{self.name}", step, lane)
        return counter_uniforms(key, np.asarray(index))


def _module_from_file(path: Path) -> Any:
    name = "scs_sim_plugin_" + hashlib.sha1(str(path).encode()).hexdigest()[:12]
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise PluginError(f"plugin {str(path)!r}: not a Python file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        del sys.modules[name]
        raise PluginError(f"plugin {str(path)!r}: failed to load: {exc}") from None
    return module


@cache
def load_plugin(spec: str) -> Plugin:
    """The plug-in in a Python file (``path/to/file.py``) or an importable module.

    Raises:
        PluginError: No such file or module, or it defines no ``PLUGIN``.
    """
    if not spec.strip() or spec.startswith("."):
        raise PluginError(f"plugin {spec!r}: allowed: a .py file or an importable module name")
    if spec.endswith(".py") or "/" in spec or "\\" in spec:
        path = Path(spec).expanduser().resolve()
        if not path.is_file():
            raise PluginError(f"plugin {spec!r}: no such file; allowed: a .py file or a module")
        module = _module_from_file(path)
    else:
        try:
            module = importlib.import_module(spec)
        except (ImportError, ValueError, TypeError) as exc:
            raise PluginError(f"plugin {spec!r}: cannot import it ({exc})") from None
    plugin = getattr(module, "PLUGIN", None)
    if not isinstance(plugin, Plugin):
        raise PluginError(f"plugin {spec!r}: defines no PLUGIN = scs_sim.plugins.Plugin(...)")
    return plugin


def load_plugins(specs: Iterable[str]) -> list[Plugin]:
    """Load each plug-in once, checking that names, parameters and places do not clash."""
    from scs_sim.mechanisms import STEP_ORDER

    plugins: list[Plugin] = []
    known = {m.name for m in STEP_ORDER}
    taken = set(Scenario.model_fields)
    for spec in dict.fromkeys(specs):
        plugin = load_plugin(spec)
        where = [w for w in (plugin.after, plugin.before) if w is not None]
        if len(where) != 1 or where[0] not in known:
            raise PluginError(
                f"plugin {spec!r}: after/before = {where}; allowed: exactly one of "
                f"{', '.join(sorted(known))}"
            )
        clash = taken & set(plugin.params)
        if clash or plugin.name in known:
            raise PluginError(f"plugin {spec!r}: {sorted(clash) or plugin.name} already taken")
        taken |= set(plugin.params)
        known.add(plugin.name)
        plugins.append(plugin)
    return plugins


@cache
def _scenario_class(specs: tuple[str, ...]) -> type[Scenario]:
    fields: dict[str, Any] = {}
    for plugin in load_plugins(specs):
        for name, info in plugin.params.items():
            fields[name] = (type(info.default), info)
    return create_model("Scenario", __base__=Scenario, __module__=Scenario.__module__, **fields)


def scenario_class(specs: Iterable[str]) -> type[Scenario]:
    """The scenario schema extended by these plug-ins' parameters (Scenario itself if none)."""
    specs = tuple(dict.fromkeys(specs))
    return _scenario_class(specs) if specs else Scenario


def plugin_specs(data: dict[str, Any], overrides: dict[str, Any] | None = None) -> list[str]:
    """The plug-ins a scenario names, plus those given by overrides and on the command line."""
    specs: list[str] = []
    for source in (data, overrides or {}):
        value = source.get("plugins", [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise PluginError(
                f"plugins = {value!r} is not valid; allowed: a list of plug-in files (.py) or "
                "module names"
            )
        specs += list(value)
    return list(dict.fromkeys(absolute_spec(spec) for spec in [*specs, *ACTIVE]))


def absolute_spec(spec: str, folder: Path | None = None) -> str:
    """A plug-in file by its absolute path (a module name as it is).

    Kept absolute so that sweep workers (and saved scenarios) find it from any folder.
    With ``folder`` (a scenario file's), a file there is taken first.
    """
    if not spec.endswith(".py"):
        return spec
    for candidate in ([folder / spec] if folder is not None else []) + [Path(spec)]:
        if candidate.expanduser().is_file():
            return str(candidate.expanduser().resolve())
    return spec
