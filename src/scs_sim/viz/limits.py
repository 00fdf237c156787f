"""What one dashboard server gives its visitors: steps per session and sessions at once.

On an open port (``--host 0.0.0.0`` in a lecture hall) nothing a visitor clicks may take
the server's memory. A session's memory grows with its steps: the inspector keeps every
citizen's state at every step (:data:`HISTORY_BYTES_PER_CITIZEN` bytes a citizen and
step: 1.8 MB a step at 200,000 citizens, so a 10,000-step jump would take 18 GB). So a
session runs at most :func:`step_cap` steps, and at most :data:`MAX_SESSIONS` sessions
(browser tabs) run at once (``scs-sim dashboard --max-sessions``), each of at most
:data:`DASHBOARD_MAX_CITIZENS` citizens.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Hashable

from scs_sim.loading import ScenarioError

DASHBOARD_MAX_CITIZENS = 200_000
"""Largest population the dashboard builds; bigger runs belong to ``scs-sim run``."""

MAX_SESSION_STEPS = 1_040
"""Most steps (weeks) any session runs: twenty years."""

HISTORY_MAX_BYTES = 256 * 1024 * 1024
"""Most memory one session's per-citizen history may take (256 MB)."""

HISTORY_BYTES_PER_CITIZEN = 9
"""History kept per citizen and step: score (4), restrictions (1), blacklisted (1),
self-censored (1), fear (2)."""

MAX_SESSIONS = 50
"""Default number of sessions (browser tabs) a server runs at once."""

MAX_SESSIONS_ENV = "SCS_SIM_MAX_SESSIONS"
"""Environment variable that sets the session limit (``scs-sim dashboard --max-sessions``)."""


def step_cap(n_citizens: int) -> int:
    """Most steps a session of ``n_citizens`` runs: :data:`MAX_SESSION_STEPS`, fewer when
    the history would pass :data:`HISTORY_MAX_BYTES` (149 steps at 200,000 citizens)."""
    per_step = max(1, n_citizens) * HISTORY_BYTES_PER_CITIZEN
    return max(1, min(MAX_SESSION_STEPS, HISTORY_MAX_BYTES // per_step))


def check_steps(done: int, more: int, n_citizens: int) -> None:
    """Refuse running ``more`` steps after ``done`` when that passes the session's cap.

    Raises:
        ScenarioError: One line with the cap and the steps still allowed.
    """
    cap = step_cap(n_citizens)
    if done + more <= cap:
        return
    left = cap - done
    reason = (
        f"this session stops at week {cap} (step cap for {n_citizens:,} citizens, "
        "see docs/dashboard.md)"
    )
    if left <= 0:
        raise ScenarioError(f"{reason}; Reset to start again")
    raise ScenarioError(f"jump = {more} is not valid: {reason}; allowed: 1 to {left}")


def session_limit() -> int:
    """The session limit: ``$SCS_SIM_MAX_SESSIONS``, else :data:`MAX_SESSIONS`."""
    try:
        return max(1, int(os.environ.get(MAX_SESSIONS_ENV, MAX_SESSIONS)))
    except ValueError:
        return MAX_SESSIONS


class SessionSlots:
    """Counts the sessions a server runs and refuses one more than ``limit``.

    A slot is released explicitly when its page goes away, and also when its ``alive``
    check says so (a browser that vanished without closing its page).

    Args:
        limit: Sessions at once; default :func:`session_limit`.
    """

    def __init__(self, limit: int | None = None) -> None:
        self.limit = session_limit() if limit is None else limit
        self._held: dict[Hashable, Callable[[], bool]] = {}
        self._lock = threading.Lock()

    def acquire(self, key: Hashable, alive: Callable[[], bool] = lambda: True) -> bool:
        """Take a slot for ``key`` (again: True); False when all slots are taken."""
        with self._lock:
            for held in [k for k, check in self._held.items() if not check()]:
                del self._held[held]
            if key in self._held:
                return True
            if len(self._held) >= self.limit:
                return False
            self._held[key] = alive
            return True

    def release(self, key: Hashable) -> None:
        """Give ``key``'s slot back (nothing if it holds none)."""
        with self._lock:
            self._held.pop(key, None)

    def __len__(self) -> int:
        with self._lock:
            return sum(1 for check in self._held.values() if check())


SLOTS = SessionSlots()
"""The server's session slots (one per process: Solara runs one server per process)."""


def full_message(limit: int) -> str:
    """What a visitor sees when every slot is taken."""
    return (
        f"The dashboard is full: {limit} sessions are open, its limit "
        "(scs-sim dashboard --max-sessions). Try again when someone closes their tab."
    )
