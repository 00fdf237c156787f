"""docs/validation.md is generated, and must match what the current code produces."""

from __future__ import annotations

import argparse
import re

import pytest

from scs_sim.validation import report

pytestmark = pytest.mark.slow  # the validation runs: ten seeds of 1,000 citizens, 104 steps


def test_validation_doc_is_not_stale(repo):
    page = repo / "docs" / "validation.md"
    diff = report.stale_diff(report.render(report.shared_results(2)), page)
    assert not diff, (
        "docs/validation.md is stale; regenerate it with `scs-sim validation-report`:\n"
        + "\n".join(diff[:40])
    )


def test_validation_doc_figures_exist(repo):
    page = (repo / "docs" / "validation.md").read_text(encoding="utf-8")
    figures = re.findall(r"\]\((figures/[^)]+\.png)\)", page)
    assert len(figures) >= 9
    for figure in figures:
        assert (repo / "docs" / figure).is_file(), figure


def test_check_mode_fails_on_a_stale_page_and_writes_nothing(tmp_path, capsys):
    page = tmp_path / "validation.md"
    page.write_text("# Validation\n\nhand-edited\n", encoding="utf-8")
    args = argparse.Namespace(check=True, out=page, workers=2)
    assert report.run(args) == 1
    assert "stale" in capsys.readouterr().out
    assert page.read_text(encoding="utf-8") == "# Validation\n\nhand-edited\n"
    assert not (tmp_path / "figures").exists()
