"""Where scenarios and sweeps given by name are found: the user's folders, then the shipped ones.

Search order for a name (``sesame``, ``surveillance-ties``):

1. the folder in the ``SCS_SIM_SCENARIOS`` environment variable;
2. ``./scenarios`` (of the working directory);
3. the scenarios shipped inside the package (``scs_sim/scenarios``), read with
   :mod:`importlib.resources`, so an installed wheel finds them from any directory.

Sweep files are looked up the same way in each folder's ``sweeps/`` subfolder. An
explicit path (anything with a ``/`` or ending in ``.toml``) is used as given.
"""

from __future__ import annotations

import atexit
import contextlib
import difflib
import os
from importlib import resources
from pathlib import Path
from typing import Literal

from scs_sim.input_errors import ScenarioError

SCENARIO_DIR_ENV = "SCS_SIM_SCENARIOS"
"""Environment variable naming a folder of the user's scenarios, searched first."""

Kind = Literal["scenario", "sweep"]

_FILES = contextlib.ExitStack()
atexit.register(_FILES.close)


def shipped_dir() -> Path:
    """The folder of the scenarios shipped with the package (a real folder on disk)."""
    folder = resources.files("scs_sim").joinpath("scenarios")
    if isinstance(folder, Path):
        return folder
    # A zipped install: extract once for the life of the process.
    return Path(_FILES.enter_context(resources.as_file(folder)))


def scenario_dirs() -> list[Path]:
    """Folders searched for scenarios given by name, in order (see the module docstring)."""
    dirs = []
    if os.environ.get(SCENARIO_DIR_ENV):
        dirs.append(Path(os.environ[SCENARIO_DIR_ENV]))
    dirs.append(Path.cwd() / "scenarios")
    dirs.append(shipped_dir())
    unique: list[Path] = []
    seen: set[Path] = set()
    for folder in dirs:
        try:
            real = folder.resolve()
        except (OSError, RuntimeError):
            continue
        if real not in seen:
            seen.add(real)
            unique.append(folder)
    return unique


def _folders(kind: Kind) -> list[Path]:
    dirs = scenario_dirs()
    return dirs if kind == "scenario" else [d / "sweeps" for d in dirs]


def _is_dir(folder: Path) -> bool:
    try:
        return folder.is_dir()
    except OSError:
        return False


def list_files(kind: Kind = "scenario") -> dict[str, Path]:
    """Every ``*.toml`` scenario (or sweep) file by name; an earlier folder wins a name clash."""
    found: dict[str, Path] = {}
    for folder in _folders(kind):
        if _is_dir(folder):
            for path in sorted(folder.glob("*.toml")):
                found.setdefault(path.stem, path)
    return dict(sorted(found.items()))


def is_name(text: str | Path) -> bool:
    """Whether ``text`` is a bare name (``sesame``), not a path (``./sesame.toml``)."""
    path = Path(text)
    return path.suffix != ".toml" and len(path.parts) == 1 and not path.is_absolute()


def find(name_or_path: str | Path, kind: Kind = "scenario") -> Path:
    """A scenario (or sweep) file by path, or by name along the search path.

    A bare name that is also an entry of the working directory is that entry.

    Raises:
        ScenarioError: one line naming the close matches, or the known names.
    """
    path = Path(name_or_path)
    if not is_name(path):
        return path
    with contextlib.suppress(OSError, ValueError):
        if os.path.lexists(path):  # a file here, even a FIFO or a broken link: read_toml says
            return path
    for folder in _folders(kind):
        candidate = folder / f"{path.name}.toml"
        with contextlib.suppress(OSError):
            if candidate.is_file():
                return candidate
    known = list(list_files(kind))
    close = difflib.get_close_matches(path.name, known, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else f"; known: {', '.join(known)}"
    shown = str(name_or_path) if len(str(name_or_path)) <= 80 else str(name_or_path)[:77] + "..."
    raise ScenarioError(f"{shown}: no such {kind}{hint}")
