"""The parameter panel's controls, derived from the scenario schema.

There is no second list of parameters: every control comes from
:func:`scs_sim.scenario.parameter_fields`, with its label from the field name, its
range from the field's ``ge``/``le``, its help text from the ``description`` that also
documents scenario files, and its section and source from ``json_schema_extra``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic.fields import FieldInfo

from scs_sim.scenario import field_bounds, field_choices, field_kind, parameter_fields
from scs_sim.viz.limits import DASHBOARD_MAX_CITIZENS

PAGE_CAPS: dict[str, int] = {"n_citizens": DASHBOARD_MAX_CITIZENS}
"""Fields the page caps below the schema's range (:data:`DASHBOARD_MAX_CITIZENS`: the
page offers no population the session would refuse)."""


@dataclass(frozen=True)
class FieldSpec:
    """One control of the parameter panel.

    Attributes:
        name: The scenario field.
        label: A readable label ("weight online").
        kind: 'bool', 'choice', 'int', 'float' or 'text'.
        help: The field's description, with its range and source.
        section: The schema's section ("scoring", "blacklist", ...).
        choices: Allowed values of a 'choice'.
        ge: Lower bound, if any.
        le: Upper bound, if any.
    """

    name: str
    label: str
    kind: Literal["bool", "choice", "int", "float", "text"]
    help: str
    section: str
    choices: tuple[str, ...] = ()
    ge: float | None = None
    le: float | None = None


def _kind(info: FieldInfo) -> tuple[str, tuple[str, ...]]:
    kind = field_kind(info)
    if kind == "choice":
        return kind, field_choices(info)
    return (kind if kind in ("bool", "int", "float") else "text"), ()


def field_specs() -> list[FieldSpec]:
    """Every tunable scenario field as a control, in schema order."""
    specs = []
    from scs_sim.plugins import ACTIVE, scenario_class

    for name, info in parameter_fields(scenario_class(ACTIVE)).items():  # with --plugin fields
        kind, choices = _kind(info)
        lo, hi = field_bounds(info)
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        section = str(extra.get("section", "other"))
        source = str(extra.get("source", ""))
        help_text = info.description or ""
        if name in PAGE_CAPS and hi is not None:
            cap = PAGE_CAPS[name]
            help_text += (
                f" Range {lo:g} to {cap:,} on this page (up to {hi:,.0f} with scs-sim run)."
            )
            hi = float(cap)
        elif lo is not None and hi is not None:
            help_text += f" Range {lo:g} to {hi:g}."
        if source and source != "assumption":
            help_text += f" Source: {source}."
        specs.append(
            FieldSpec(
                name=name,
                label=name.replace("_", " "),
                kind=kind,  # type: ignore[arg-type]
                help=help_text,
                section=section,
                choices=choices,
                ge=lo,
                le=hi,
            )
        )
    return specs


def sections() -> dict[str, list[FieldSpec]]:
    """Controls grouped by section, sections in the order they first appear."""
    out: dict[str, list[FieldSpec]] = {}
    for spec in field_specs():
        out.setdefault(spec.section, []).append(spec)
    return out
