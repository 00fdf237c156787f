"""Names for the two runs of a comparison, by what differs between them.

A scenario changed on the page and compared with the same scenario as shipped used to
get one legend name for both lines (issue 19). Here each run is named by its scenario
and, when that is not enough to tell them apart, by the parameters in which they differ.
"""

from __future__ import annotations

from typing import Any

from scs_sim.scenario import Scenario

SHOWN = 3
"""Differences named in a label at most; the rest are counted."""

IGNORED = frozenset({"name", "description", "events"})


def differences(a: Scenario, b: Scenario) -> list[str]:
    """Fields (other than name, description and story) whose values differ, in schema order."""
    left, right = a.model_dump(exclude=set(IGNORED)), b.model_dump(exclude=set(IGNORED))
    return [key for key in left if left[key] != right.get(key)]


def _describe(params: Scenario, keys: list[str]) -> str:
    parts = [f"{k.replace('_', ' ')} {shown_value(getattr(params, k))}" for k in keys[:SHOWN]]
    if len(keys) > SHOWN:
        parts.append(f"+{len(keys) - SHOWN} more")
    return ", ".join(parts)


def shown_value(value: Any) -> str:
    """A parameter's value as the page shows it: floats without trailing zeros (``0.1``).

    Args:
        value: A scenario field's value.
    """
    return f"{value:g}" if isinstance(value, float) else str(value)


def run_labels(
    a: Scenario, a_name: str, b: Scenario, b_name: str, changed: list[str] | None = None
) -> tuple[str, str]:
    """Distinct legend names for run ``a`` (the page's) and run ``b`` (its counterfactual).

    Same scenario on both sides: each is named by its values of the parameters that
    differ ("full-scs: surveillance 0.1" against "full-scs: surveillance 0.6"). Different
    scenarios: by their names, followed by both runs' values of the parameters the page
    changed in ``a`` (where they differ).

    Args:
        a: The page's scenario as run.
        a_name: Its name (the scenario file's).
        b: The counterfactual as run.
        b_name: Its name (a scenario's, or the baseline's label).
        changed: Parameters the page changed in ``a``.
    """
    if a_name != b_name:
        keys = [k for k in differences(a, b) if k in (changed or [])]
        if not keys:
            return a_name, b_name
    else:
        keys = differences(a, b)
    if not keys:
        return f"{a_name} (this page)", f"{b_name} (same settings)"
    return f"{a_name}: {_describe(a, keys)}", f"{b_name}: {_describe(b, keys)}"
