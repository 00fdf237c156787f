"""Checks of command-line values shared by subcommands, with the bounds of scenario files."""

from __future__ import annotations

import os
from pathlib import Path

from scs_sim.scenario import Scenario, field_bounds

MAX_SEED = 2**63 - 1
"""Largest seed: seeds are stored in int64 columns (manifests, sweep tables)."""


def check_seed(seed: int | None, flag: str = "--seed") -> None:
    """Refuse a seed outside 0..2**63-1 (one line)."""
    from scs_sim.cli import InputError

    if seed is not None and not 0 <= seed <= MAX_SEED:
        raise InputError(f"{flag} {seed}: allowed: an integer 0 <= seed <= {MAX_SEED}")


def check_steps(steps: int | None) -> None:
    """Refuse ``--steps`` outside the bounds of a scenario file's ``steps``."""
    from scs_sim.cli import InputError

    lo, hi = field_bounds(Scenario.model_fields["steps"])
    if steps is not None and not lo <= steps <= hi:
        raise InputError(f"--steps {steps}: allowed: {lo} <= steps <= {hi}")


def allow_large(enabled: bool) -> None:
    """``--allow-large``: let this command run scenarios beyond the memory estimate.

    Set in the environment, so a sweep's worker processes inherit it; :func:`scs_sim.cli.main`
    restores the environment when the command ends (it may run in process, e.g. in tests).
    """
    from scs_sim.memory import ALLOW_LARGE_ENV

    if enabled:
        os.environ[ALLOW_LARGE_ENV] = "1"


def check_folder_arg(path: Path, flag: str) -> None:
    """Refuse a path that exists but is not a folder (e.g. ``sweep-report FILE``)."""
    from scs_sim.cli import InputError
    from scs_sim.input_files import os_error_text

    try:
        exists, is_dir = path.exists(), path.is_dir()
    except OSError as exc:
        raise InputError(f"{flag}: {os_error_text(path, exc)}") from None
    if exists and not is_dir:
        raise InputError(f"{flag} {path}: not a folder")
