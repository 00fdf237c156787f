"""A scenario's story (its ``[[events]]``) against the visitor's own changes on the page.

The rule: **the visitor's change is kept.** A parameter changed on the page is the
visitor's experiment, so a later event that would set the same parameter leaves it alone;
the event still fires (its caption shows, its other changes apply), and the page says,
next to the parameters and in the story list, which of its changes was skipped and why.
Nothing the visitor set is ever silently undone (issue 19: surveillance set to 0.1 was
reset to 0.8 by the week-60 event while the panel still showed 0.1).

:func:`event_changes` lists what each event changes (the value before and after), for the
story panel and the caption; :func:`keep_user_changes` applies the rule to a scenario.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scs_sim.scenario import PolicyEvent, Scenario
from scs_sim.viz.labels import shown_value


@dataclass(frozen=True)
class Change:
    """One parameter an event changes: at ``step``, ``key`` goes from ``before`` to ``after``."""

    step: int
    key: str
    before: Any
    after: Any

    def text(self) -> str:
        """'surveillance 0.6 → 0.8'."""
        return (
            f"{self.key.replace('_', ' ')} {shown_value(self.before)} → {shown_value(self.after)}"
        )


@dataclass(frozen=True)
class Skipped:
    """An event's change not applied because the visitor set the parameter on the page."""

    step: int
    key: str
    event_value: Any
    kept_value: Any

    def text(self) -> str:
        """The page's one-line note."""
        name = self.key.replace("_", " ")
        return (
            f"Your {name} = {shown_value(self.kept_value)} is kept: the week-{self.step} event "
            f"would set it to {shown_value(self.event_value)}, and skips that change."
        )


def event_changes(params: Scenario) -> list[Change]:
    """What each event changes, in the order they fire, from the values then in force.

    An event that sets a value already in force changes nothing and is not listed.
    """
    current = params.model_dump(exclude={"events"})
    out = []
    for event in sorted(params.events, key=lambda e: e.step):
        for key, after in event.set.items():
            if current.get(key) != after:
                out.append(Change(event.step, key, current.get(key), after))
                current[key] = after
    return out


def keep_user_changes(
    params: Scenario, overrides: dict[str, Any] | None
) -> tuple[Scenario, list[Skipped]]:
    """``params`` with every event's change of a parameter the visitor set removed.

    Args:
        params: The scenario with the page's overrides applied.
        overrides: The fields set on the page.

    Returns:
        The scenario to run, and the skipped changes (for the page's note).
    """
    if not overrides or not params.events:
        return params, []
    skipped: list[Skipped] = []
    events: list[PolicyEvent] = []
    for event in params.events:
        kept = {k: val for k, val in event.set.items() if k not in overrides}
        skipped.extend(
            Skipped(event.step, k, val, getattr(params, k))
            for k, val in event.set.items()
            if k in overrides
        )
        events.append(event.model_copy(update={"set": kept}))
    if not skipped:
        return params, []
    return params.model_copy(update={"events": events}), skipped
