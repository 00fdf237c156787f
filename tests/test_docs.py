"""Documents generated from code must not go stale."""

from __future__ import annotations

from pathlib import Path

from scs_sim.reference import main

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_parameter_tables_match_the_schema():
    for name in ("scenarios.md", "model.md"):
        assert main(["--check", str(DOCS / name)]) == 0, name


def test_model_description_mentions_every_parameter():
    from scs_sim.scenario import parameter_fields

    text = (DOCS / "model.md").read_text()
    missing = [name for name in parameter_fields() if f"`{name}`" not in text]
    assert not missing, missing
