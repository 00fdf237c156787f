"""The golden baseline: canonical runs' per-step metrics, kept in the repository.

A change that moves any metric of a canonical run at any step, by even one bit, makes
``tests/test_baseline.py`` fail and name the first metric and step that moved. When the
change is meant (a new rule, a renamed column, a new random stream), refresh the files on
purpose and commit them with the change that explains them::

    make baseline                     # = python -m scs_sim.baseline --update
    python -m scs_sim.baseline        # check only: exit 1 and the first difference

Files are CSV, one row per step and one column per metric, by name; every value is
written as Python's ``repr`` (the shortest text that reads back as the same float), so
comparing the text compares the bits. Column order does not matter: a renamed column is
reported as missing from one side and new in the other.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

BASELINE_DIR = Path("tests") / "baseline"
"""Where the files live, relative to the repository root."""


@dataclass(frozen=True)
class CanonicalRun:
    """A run whose every per-step metric is pinned.

    Attributes:
        scenario: A shipped scenario's name.
        overrides: Fields changed from the shipped file (population and horizon).
        seed: The model's seed.
    """

    scenario: str
    overrides: Mapping[str, Any] = field(default_factory=dict)
    seed: int = 42

    @property
    def file_name(self) -> str:
        """``<scenario>-<citizens>x<steps>.csv``."""
        return f"{self.scenario}-{self.overrides['n_citizens']}x{self.overrides['steps']}.csv"


CANONICAL: tuple[CanonicalRun, ...] = (
    CanonicalRun("full-scs", {"n_citizens": 2000, "steps": 52}),
    CanonicalRun("minority", {"n_citizens": 2000, "steps": 52}),
)
"""The pinned runs: every mechanism at once (full-scs), and the group metrics (minority)."""


@dataclass(frozen=True)
class Difference:
    """Where a run first departs from its baseline.

    Attributes:
        metric: The column, or ``None`` when the columns or the steps differ.
        step: The step, or ``None`` likewise.
        message: One line for the test's failure.
    """

    metric: str | None
    step: int | None
    message: str


def run_series(run: CanonicalRun) -> pd.DataFrame:
    """Run ``run`` and return its per-step metrics (one row per step, from step 0)."""
    from scs_sim.model import SocialCreditModel

    model = SocialCreditModel(run.scenario, rng=run.seed, agent_views=False, **run.overrides)
    for _ in range(model.params.steps):
        model.step()
    return model.series()


def _text(value: Any) -> str:
    """The exact text of a value: ``repr`` of a float, so equal text means equal bits."""
    if isinstance(value, float | np.floating):
        return repr(float(value))
    if isinstance(value, int | np.integer):
        return str(int(value))
    return str(value)


def to_rows(series: pd.DataFrame) -> list[dict[str, str]]:
    """The series as rows of exact text, keyed by column name."""
    columns = list(series.columns)
    return [
        {name: _text(value) for name, value in zip(columns, row, strict=True)}
        for row in series.itertuples(index=False, name=None)
    ]


def to_csv(series: pd.DataFrame) -> str:
    """The baseline file's text: ``step`` first, the metrics in the series' order."""
    columns = ["step", *(c for c in series.columns if c != "step")]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(to_rows(series[columns]))
    return buffer.getvalue()


def read_rows(path: Path) -> list[dict[str, str]]:
    """A baseline file's rows, as text keyed by column name."""
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def first_difference(
    expected: list[dict[str, str]], actual: list[dict[str, str]]
) -> Difference | None:
    """The first metric and step (steps in order, then columns) where ``actual`` moved.

    Returns:
        ``None`` when both are identical, text for text.
    """
    want = list(expected[0]) if expected else []
    have = list(actual[0]) if actual else []
    missing = [c for c in want if c not in have]
    new = [c for c in have if c not in want]
    if missing or new:
        return Difference(
            None,
            None,
            f"columns differ: missing from the run: {missing or 'none'}; "
            f"new in the run: {new or 'none'}",
        )
    if len(expected) != len(actual):
        return Difference(
            None, None, f"steps differ: baseline has {len(expected)} rows, run has {len(actual)}"
        )
    for old, now in zip(expected, actual, strict=True):
        for name in want:
            if old[name] != now[name]:
                step = int(now.get("step", -1))
                return Difference(
                    name,
                    step,
                    f"{name} moved first at step {step}: baseline {old[name]}, run {now[name]}",
                )
    return None


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def check(folder: Path) -> list[str]:
    """Run every canonical run and compare it with its file in ``folder``.

    Returns:
        One line per run that differs or has no file (empty when all match).
    """
    problems = []
    for run in CANONICAL:
        path = folder / run.file_name
        if not path.is_file():
            problems.append(f"{path}: missing (make baseline writes it)")
            continue
        diff = first_difference(read_rows(path), to_rows(run_series(run)))
        if diff is not None:
            problems.append(f"{path.name}: {diff.message}")
    return problems


def update(folder: Path) -> list[Path]:
    """Run every canonical run and (re)write its file in ``folder``; return the files."""
    written = []
    for run in CANONICAL:
        path = folder / run.file_name
        write_atomic(path, to_csv(run_series(run)))
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    """``python -m scs_sim.baseline [--update] [--dir DIR]``."""
    parser = argparse.ArgumentParser(
        prog="python -m scs_sim.baseline",
        description="Check the golden baseline (every per-step metric of the canonical runs, "
        "bit for bit), or rewrite it on purpose with --update. Run from the repository root.",
    )
    parser.add_argument(
        "--update", action="store_true", help="rewrite the files from the current code"
    )
    parser.add_argument(
        "--dir", type=Path, default=BASELINE_DIR, help=f"folder of the files ({BASELINE_DIR})"
    )
    args = parser.parse_args(argv)
    if args.update:
        for path in update(args.dir):
            print(f"wrote {path}")
        print("review with `git diff --stat`, and commit with the change that moved it")
        return 0
    problems = check(args.dir)
    for line in problems:
        print(line, file=sys.stderr)
    if not problems:
        print(f"golden baseline: {len(CANONICAL)} runs identical to {args.dir}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
