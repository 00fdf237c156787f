"""numba's cache is keyed by a hash of every compiled source, so stale kernels cannot run."""

from __future__ import annotations

from pathlib import Path

from scs_sim import kernels
from scs_sim.kernels import SourceHashLocator, compiled_sources, expression, source_hash


def test_the_hash_changes_with_any_compiled_source(tmp_path: Path):
    package = tmp_path / "pkg"
    (package / "kernels").mkdir(parents=True)
    helper = package / "kernels" / "helper.py"
    helper.write_text("X = 1\n")
    (package / "rule.py").write_text("from numba import njit\n\n@njit\ndef f(): return 1\n")
    (package / "cli.py").write_text("print('not compiled')\n")
    files = compiled_sources(package)
    assert [p.name for p in files] == ["helper.py", "rule.py"]
    before = source_hash(files, package)
    helper.write_text("X = 2\n")  # a helper inlined elsewhere changes
    assert source_hash(files, package) != before


def test_every_kernel_of_scs_sim_caches_under_the_source_hash():
    assert kernels.SOURCE_HASH in kernels.CACHE_DIR.name
    assert {p.name for p in compiled_sources()} >= {"parallel.py", "expression.py", "ties.py"}
    dispatcher = expression._express.serial
    locator = dispatcher._cache._impl.locator
    assert isinstance(locator, SourceHashLocator)
    assert Path(locator.get_cache_path()).is_relative_to(kernels.CACHE_DIR)
