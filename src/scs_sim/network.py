"""The social network: seeded generators and a mutable CSR contact list.

Each citizen's contacts are one row of a CSR matrix. Cutting a tie sets its
entry to 0; rewiring a tie points the same slot at a new contact. The structure
never grows, so no step reallocates the matrix. Ties are each citizen's own
contact list: when A drops B, B may still count A until B reviews its own list.

Generators work in numpy on edge arrays, never through networkx: at a million
citizens networkx takes tens of seconds where numpy takes about one.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from scs_sim.scenario import Scenario

GENERATORS: dict[str, Callable[[Scenario, np.random.Generator], tuple[np.ndarray, ...]]] = {}
"""Network generators by scenario name; each returns (sources, targets, group)."""


def register_generator(name: str) -> Callable:
    """Register a network generator under ``name`` (usable as ``network = name``)."""

    def wrap(func: Callable) -> Callable:
        GENERATORS[name] = func
        return func

    return wrap


def _groups_at_random(params: Scenario, gen: np.random.Generator) -> np.ndarray:
    n = params.n_citizens
    return (gen.random(n) < params.minority_share).astype(np.int8)


@register_generator("small_world")
def small_world(params: Scenario, gen: np.random.Generator) -> tuple[np.ndarray, ...]:
    """Watts-Strogatz: a ring lattice with ``mean_degree / 2`` neighbours a side, rewired."""
    n, half = params.n_citizens, max(1, params.mean_degree // 2)
    half = min(half, (n - 1) // 2)
    src = np.repeat(np.arange(n, dtype=np.int64), half)
    dst = (src + np.tile(np.arange(1, half + 1), n)) % n
    rewire = gen.random(len(src)) < params.rewiring
    dst[rewire] = gen.integers(0, n, int(rewire.sum()))
    return src, dst, _groups_at_random(params, gen)


@register_generator("scale_free")
def scale_free(params: Scenario, gen: np.random.Generator) -> tuple[np.ndarray, ...]:
    """Chung-Lu: endpoints drawn in proportion to power-law expected degrees (exponent 2.5)."""
    n = params.n_citizens
    m = n * params.mean_degree // 2
    weight = (1.0 - gen.random(n)) ** (-1.0 / 1.5)  # Pareto with tail exponent 2.5
    weight = np.minimum(weight, np.sqrt(weight.sum()))
    cdf = np.cumsum(weight)
    cdf /= cdf[-1]
    src = np.searchsorted(cdf, gen.random(m))
    dst = np.searchsorted(cdf, gen.random(m))
    return src, dst, _groups_at_random(params, gen)


@register_generator("communities")
def communities(params: Scenario, gen: np.random.Generator) -> tuple[np.ndarray, ...]:
    """Two-group stochastic block model: a share ``homophily`` of ties stays in-group.

    Group members get contiguous ids, which keeps most ties close in memory.
    """
    n = params.n_citizens
    n_minority = round(n * params.minority_share)
    n_major = n - n_minority
    group = np.zeros(n, dtype=np.int8)
    group[n_major:] = 1
    m = n * params.mean_degree // 2
    m_in = gen.binomial(m, params.homophily if n_minority else 1.0)
    in_major = round(m_in * n_major / n)
    m_minor = m_in - in_major if n_minority else 0
    m_out = m - in_major - m_minor
    src = np.concatenate(
        [
            gen.integers(0, n_major, in_major),
            gen.integers(n_major, n, m_minor) if n_minority else np.empty(0, np.int64),
            gen.integers(0, n_major, m_out),
        ]
    )
    dst = np.concatenate(
        [
            gen.integers(0, n_major, in_major),
            gen.integers(n_major, n, m_minor) if n_minority else np.empty(0, np.int64),
            gen.integers(n_major, n, m_out) if n_minority else np.empty(0, np.int64),
        ]
    )
    return src, dst, group


class NetworkFileError(ValueError):
    """An edge-list file that cannot be used; the message is one line."""


@register_generator("edge_list")
def edge_list(params: Scenario, gen: np.random.Generator) -> tuple[np.ndarray, ...]:
    """Read an edge list: two integer columns of citizen ids in [0, n_citizens)."""
    path = Path(params.edge_list)
    if not params.edge_list or not path.is_file():
        raise NetworkFileError(f"edge_list = {params.edge_list!r}: no such file")
    try:
        edges = np.loadtxt(path, dtype=np.int64, comments="#", ndmin=2)
    except ValueError as exc:
        raise NetworkFileError(f"{path}: not two integer columns ({exc})") from None
    if edges.shape[1] < 2 or (edges.size and (edges.min() < 0 or edges.max() >= params.n_citizens)):
        raise NetworkFileError(
            f"{path}: ids must be integers in [0, {params.n_citizens}) (n_citizens)"
        )
    return edges[:, 0], edges[:, 1], _groups_at_random(params, gen)


class SocialNetwork:
    """Citizens' contact lists as a CSR matrix whose entries are 1 (active) or 0 (cut).

    Args:
        src: Tie sources.
        dst: Tie targets; each tie is stored in both directions.
        n: Number of citizens.
    """

    def __init__(self, src: np.ndarray, dst: np.ndarray, n: int) -> None:
        keep = src != dst
        rows = np.concatenate([src[keep], dst[keep]])
        cols = np.concatenate([dst[keep], src[keep]])
        index_type = np.int32 if n < 2**31 else np.int64
        # Duplicates collapse to one tie, so data is reset to 1 after summing.
        adjacency = sp.csr_matrix(
            (
                np.ones(len(rows), dtype=np.float32),
                (rows.astype(index_type), cols.astype(index_type)),
            ),
            shape=(n, n),
        )
        adjacency.sum_duplicates()
        adjacency.data[:] = 1.0
        self.adjacency: sp.csr_matrix = adjacency
        self.n = n
        self.initial_ties = int(adjacency.nnz)
        self._edge_rows: np.ndarray | None = None
        self.degree = self._active_degree()

    @classmethod
    def generate(
        cls, params: Scenario, gen: np.random.Generator
    ) -> tuple[SocialNetwork, np.ndarray]:
        """Build the network named by ``params.network``; returns it and each citizen's group."""
        src, dst, group = GENERATORS[params.network](params, gen)
        return cls(src, dst, params.n_citizens), group

    @property
    def edge_rows(self) -> np.ndarray:
        """The owner (row) of each tie slot, computed once."""
        if self._edge_rows is None:
            counts = np.diff(self.adjacency.indptr)
            self._edge_rows = np.repeat(
                np.arange(self.n, dtype=self.adjacency.indices.dtype), counts
            )
        return self._edge_rows

    def _active_degree(self) -> np.ndarray:
        counts = np.add.reduceat(self.adjacency.data, self.adjacency.indptr[:-1]) if self.n else []
        counts = np.asarray(counts, dtype=np.float32)
        counts[np.diff(self.adjacency.indptr) == 0] = 0.0
        return counts

    def neighbour_mean(self, values: np.ndarray, default: np.ndarray | float) -> np.ndarray:
        """Mean of ``values`` over each citizen's active contacts (``default`` for isolates)."""
        total = self.adjacency @ values
        with np.errstate(divide="ignore", invalid="ignore"):
            mean = total / self.degree
        return np.where(self.degree > 0, mean, default).astype(np.float32)

    def slots_of(self, rows: np.ndarray) -> np.ndarray:
        """Indices of all tie slots owned by ``rows``, in row order."""
        indptr = self.adjacency.indptr
        starts, ends = indptr[rows], indptr[rows + 1]
        lengths = ends - starts
        total = int(lengths.sum())
        if total == 0:
            return np.empty(0, dtype=np.int64)
        offsets = np.repeat(starts - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
        return offsets + np.arange(total)

    def cut(self, slots: np.ndarray) -> None:
        """Cut the ties in ``slots``."""
        self.adjacency.data[slots] = 0.0
        self.degree = self._active_degree()

    def rewire(self, slots: np.ndarray, targets: np.ndarray) -> None:
        """Point ``slots`` at ``targets`` and make them active (self-ties are dropped)."""
        owners = self.edge_rows[slots]
        ok = owners != targets
        self.adjacency.indices[slots[ok]] = targets[ok]
        self.adjacency.data[slots[ok]] = 1.0
        self.adjacency.has_sorted_indices = False
        self.degree = self._active_degree()

    def active_edges(self) -> tuple[np.ndarray, np.ndarray]:
        """(owner, contact) of every active tie."""
        active = self.adjacency.data > 0
        return self.edge_rows[active], self.adjacency.indices[active]

    def to_networkx(self, limit: int = 50_000):  # -> networkx.Graph
        """The active ties as an undirected networkx graph (small populations only)."""
        import networkx as nx

        if self.n > limit:
            raise ValueError(f"to_networkx is for up to {limit} citizens, not {self.n}")
        graph = nx.Graph()
        graph.add_nodes_from(range(self.n))
        rows, cols = self.active_edges()
        graph.add_edges_from(zip(rows.tolist(), cols.tolist(), strict=True))
        return graph
