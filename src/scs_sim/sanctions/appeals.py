"""Appeals against wrong records: a delay, then success with ``appeal_success``.

A citizen who has a wrong bad record (and no true debt) files an appeal; after
``appeal_delay`` steps it is decided. A won appeal clears the record (and with
it any listing resting on it); a lost one cannot be filed again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import prange

from scs_sim.kernels.parallel import citizen_kernel
from scs_sim.streams import uniform

if TYPE_CHECKING:
    from scs_sim.context import Context

NONE, LOST = -1, -2


def hear_appeals(model: Context, step: int) -> None:
    """File new appeals, advance pending ones, and decide those that are due.

    Draws: appeals lane 0, only for citizens whose appeal is decided (counter-based).
    """
    params, state = model.params, model.population.state
    won, lost = _hear(
        appeals=bool(params.appeals),
        delay=params.appeal_delay,
        success=np.float32(params.appeal_success),
        key=model.streams.key("appeals", step),
        debt=state.debt,
        false_record=state.false_record,
        appeal_left=state.appeal_left,
    )
    if params.appeals:
        model.counters["appeals_won"] += won
        model.counters["appeals_lost"] += lost


@citizen_kernel("debt")
def _hear(appeals, delay, success, key, debt, false_record, appeal_left) -> tuple[int, int]:
    won = lost = 0
    for i in prange(len(debt)):
        if not false_record[i]:
            appeal_left[i] = NONE  # nothing (left) to appeal against
            continue
        if not appeals:
            continue
        if not debt[i] and appeal_left[i] == NONE:
            appeal_left[i] = delay
        if appeal_left[i] > 0:
            appeal_left[i] -= 1
        elif appeal_left[i] == 0:
            if uniform(key, i) < success:
                false_record[i] = False
                appeal_left[i] = NONE
                won += 1
            else:
                appeal_left[i] = LOST
                lost += 1
    return won, lost
