"""Appeals against wrong records: a delay, then success with ``appeal_success``.

A citizen who has a wrong bad record (and no true debt) files an appeal; after
``appeal_delay`` steps it is decided. A won appeal clears the record (and with
it any listing resting on it); a lost one cannot be filed again. The rule is
:func:`scs_sim.rules.sanctions.hear_appeals`, the kernel
:func:`scs_sim.kernels.sanctions.hear_appeals`.
"""

from __future__ import annotations

NONE, LOST = -1, -2
"""``appeal_left`` when no appeal is pending, and when one was lost (it cannot be filed again)."""
