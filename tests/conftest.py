"""Shared fixtures. Keep this small: most fixtures belong to one test module."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SCENARIO_DIR = REPO / "scenarios"


@pytest.fixture
def repo() -> Path:
    """The repository root."""
    return REPO


@pytest.fixture
def scenario_dir() -> Path:
    """The shipped scenarios."""
    return SCENARIO_DIR
