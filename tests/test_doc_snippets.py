"""Every ```python block a user would paste from README.md and docs/*.md runs as written.

Blocks run in order, one file at a time, in a temporary folder that holds a link to the
repository's ``scenarios/`` (as in the clone, where the README's commands are pasted),
each as a ``__main__`` script. Populations above :data:`MAX_CITIZENS` are shrunk to it
(the ten-million-citizen example of docs/scale.md), nothing else is changed. A block is
skipped only when ``<!-- no-test -->`` stands on the line before it (e.g. it needs a
cluster); keep that rare.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
MAX_CITIZENS = 5_000
SKIP = "<!-- no-test -->"

_BLOCK = re.compile(r"(?P<before>[^\n]*)\n```python\n(?P<code>.*?)\n```", re.S)
_CITIZENS = re.compile(r"(n_citizens\s*=\s*)([\d_]+)")


def python_blocks(document: Path) -> list[str]:
    """The document's ```python blocks, without those marked ``<!-- no-test -->``."""
    text = "\n" + document.read_text(encoding="utf-8")
    return [m.group("code") for m in _BLOCK.finditer(text) if m.group("before").strip() != SKIP]


def _shrunk(code: str) -> str:
    def cap(m: re.Match) -> str:
        return m.group(1) + str(min(int(m.group(2).replace("_", "")), MAX_CITIZENS))

    return _CITIZENS.sub(cap, code)


def test_the_readme_and_the_docs_have_python_examples():
    assert python_blocks(ROOT / "README.md")
    assert sum(len(python_blocks(d)) for d in DOCUMENTS) >= 4


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.name)
def test_python_blocks_run_as_written(document: Path, tmp_path: Path, monkeypatch, capsys):
    blocks = python_blocks(document)
    if not blocks:
        pytest.skip(f"{document.name} has no python block")
    (tmp_path / "scenarios").symlink_to(ROOT / "scenarios")
    monkeypatch.chdir(tmp_path)
    for number, code in enumerate(blocks, 1):
        name = f"{document.name}, python block {number}"
        exec(compile(_shrunk(code), name, "exec"), {"__name__": "__main__"})
    assert capsys.readouterr().out or document.name != "README.md"
