"""Appeals against wrong records: a delay, then success with ``appeal_success``.

A citizen who has a wrong bad record (and no true debt) files an appeal; after
``appeal_delay`` steps it is decided. A won appeal clears the record (and with
it any listing resting on it); a lost one cannot be filed again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scs_sim.model import SocialCreditModel

NONE, LOST = -1, -2


def hear_appeals(model: SocialCreditModel, step: int) -> None:
    """File new appeals, advance pending ones, and decide those that are due."""
    params, state = model.params, model.population.state
    wronged = state.false_record & ~state.debt
    state.appeal_left[~state.false_record & (state.appeal_left != NONE)] = NONE
    if not params.appeals:
        return
    state.appeal_left[wronged & (state.appeal_left == NONE)] = params.appeal_delay
    pending = state.appeal_left >= 0
    due = pending & (state.appeal_left == 0)
    state.appeal_left[pending & ~due] -= 1
    won = due & (model.streams.uniform("appeals", step, model.population.n) < params.appeal_success)
    state.false_record[won] = False
    state.appeal_left[won] = NONE
    state.appeal_left[due & ~won] = LOST
    model.counters["appeals_won"] += int(won.sum())
    model.counters["appeals_lost"] += int((due & ~won).sum())
