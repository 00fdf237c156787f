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

import numpy as np
import scipy.sparse as sp

from scs_sim.errors import NetworkFileError
from scs_sim.input_files import read_edge_list
from scs_sim.kernels import network as kernels
from scs_sim.kernels.contact_layout import ContactLayout
from scs_sim.kernels.parallel import block_count
from scs_sim.scenario import Scenario

__all__ = ["GENERATORS", "NetworkFileError", "SocialNetwork", "register_generator"]

GENERATORS: dict[str, Callable[[Scenario, np.random.Generator], tuple[np.ndarray, ...]]] = {}
"""Network generators by scenario name; each returns (sources, targets, group)."""


def register_generator(name: str) -> Callable:
    """Register a network generator under ``name`` (usable as ``network = name``)."""

    def wrap(func: Callable) -> Callable:
        GENERATORS[name] = func
        return func

    return wrap


def _index_dtype(n: int) -> type:
    return np.int32 if n < 2**31 - 1 else np.int64


def _groups_at_random(params: Scenario, gen: np.random.Generator) -> np.ndarray:
    n = params.n_citizens
    return (gen.random(n) < params.minority_share).astype(np.int8)


@register_generator("small_world")
def small_world(params: Scenario, gen: np.random.Generator) -> tuple[np.ndarray, ...]:
    """Watts-Strogatz: a ring lattice with ``mean_degree / 2`` neighbours a side, rewired.

    Citizens next to each other on the ring get neighbouring ids, so most contact
    lists point at nearby memory (ids must keep that locality: docs/scale.md).
    """
    n, half = params.n_citizens, max(1, params.mean_degree // 2)
    half = min(half, (n - 1) // 2)
    ids = _index_dtype(n)
    # int32 and float32 throughout: at ten million citizens each tie array is 200 MB.
    src = np.repeat(np.arange(n, dtype=ids), half)
    dst = src + np.tile(np.arange(1, half + 1, dtype=ids), n)
    dst[dst >= n] -= n
    rewire = np.flatnonzero(gen.random(len(src), dtype=np.float32) < np.float32(params.rewiring))
    dst[rewire] = gen.integers(0, n, len(rewire), dtype=ids)
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


@register_generator("edge_list")
def edge_list(params: Scenario, gen: np.random.Generator) -> tuple[np.ndarray, ...]:
    """Read an edge list: two integer columns of citizen ids in [0, n_citizens)."""
    edges = read_edge_list(params.edge_list, params.n_citizens)
    src, dst = np.array(edges[:, 0]), np.array(edges[:, 1])  # the cached array is read-only
    return src, dst, _groups_at_random(params, gen)


class SocialNetwork:
    """Citizens' contact lists as a CSR matrix whose entries are 1 (active) or 0 (cut).

    Args:
        src: Tie sources.
        dst: Tie targets; each tie is stored in both directions.
        n: Number of citizens.
    """

    def __init__(self, src: np.ndarray, dst: np.ndarray, n: int) -> None:
        ids = _index_dtype(max(n, 2 * len(src)))
        build = kernels.build_rows if n >= NUMPY_COMPARE_MAX else _build_rows_numpy
        indptr, indices = build(
            np.asarray(src).astype(ids, copy=False), np.asarray(dst).astype(ids, copy=False), n
        )
        # Built directly as sorted, duplicate-free rows: scipy's COO route sorts
        # 2m pairs and holds several int64 copies (minutes and gigabytes at 10M).
        # Active flags are bytes: float32 ones would take 4 bytes a tie slot (400 MB
        # at ten million citizens) to say yes or no.
        self.adjacency: sp.csr_matrix = sp.csr_matrix(
            (np.ones(len(indices), dtype=np.uint8), indices, indptr), shape=(n, n), copy=False
        )
        self.adjacency.has_sorted_indices = True
        self.n = n
        self.initial_ties = int(self.adjacency.nnz)
        self._edge_rows: np.ndarray | None = None
        self.degree = np.diff(indptr).astype(np.float32)
        """Active contacts per citizen (float32), kept up to date as ties are cut and rewired."""
        self.version = 0
        """Incremented at every change of ties, so that cached contact means expire."""
        self._primed: tuple | None = None
        self._buffers: dict[str, np.ndarray] = {}
        self.use_layout = True
        """Whether the contact pass may use a :class:`ContactLayout` (small worlds)."""
        self._layout: ContactLayout | None = None
        self._layout_stale = True

    @classmethod
    def generate(
        cls, params: Scenario, gen: np.random.Generator
    ) -> tuple[SocialNetwork, np.ndarray]:
        """Build the network named by ``params.network``; returns it and each citizen's group."""
        src, dst, group = GENERATORS[params.network](params, gen)
        return cls(src, dst, params.n_citizens), group

    @property
    def edge_rows(self) -> np.ndarray:
        """The owner (row) of each tie slot, computed once (lazily: it costs 4 bytes a tie)."""
        if self._edge_rows is None:
            counts = np.diff(self.adjacency.indptr)
            self._edge_rows = np.repeat(
                np.arange(self.n, dtype=self.adjacency.indices.dtype), counts
            )
        return self._edge_rows

    def changed(self, rewired: bool = False) -> None:
        """Record that ties were changed in place (``rewired``: some now point elsewhere).

        Prefer :meth:`retied`, which says which ties changed: after this call the
        contact pass rebuilds its layout from all ties.
        """
        self.version += 1
        self._primed = None
        # Dropped now (hundreds of MB at ten million citizens), rebuilt by the next pass.
        self._layout = None
        self._layout_stale = True
        if rewired:
            self.adjacency.has_sorted_indices = False

    def retied(self, slots: np.ndarray, owners: np.ndarray, old_contacts: np.ndarray) -> None:
        """Record that the ties in ``slots`` were cut or pointed at new contacts.

        Args:
            slots: The changed tie slots.
            owners: The citizen owning each slot.
            old_contacts: Each slot's contact before the change.
        """
        self.version += 1
        self._primed = None
        adj = self.adjacency
        if (adj.indices[slots] != old_contacts).any():
            adj.has_sorted_indices = False
        if self._layout is not None:
            if len(slots) > 1 and not (slots[1:] > slots[:-1]).all():
                order = np.argsort(slots, kind="stable")
                slots, owners, old_contacts = slots[order], owners[order], old_contacts[order]
            self._layout.update(slots, owners, old_contacts, adj.indices, adj.data)

    def contact_pass(
        self, score: np.ndarray, restricted: np.ndarray, default_score: float
    ) -> np.ndarray:
        """One pass over every active tie: the share of each citizen's contacts under restriction.

        The same pass (the dearest part of a step: it reads every tie and gathers
        from random places) also yields, for free, each citizen's mean contact
        score and the score moments across ties. Both are kept until ties or
        scores change: the ties rule needs that mean next step, and the
        assortativity metric needs those moments this step.

        Args:
            score: Every citizen's score.
            restricted: Restriction bits; any bit set counts as restricted.
            default_score: Mean contact score of citizens without active ties.
        """
        adj = self.adjacency
        # 1 bit a citizen: stays in cache however large the population.
        sanctioned = self.scratch("sanctioned_bits", (self.n + 7) // 8, np.uint8)
        kernels.nonzero_bits(restricted, sanctioned)
        share = self._buffer("share")
        mean = self._buffer("mean")
        moments = self._buffers.get("moments")
        if moments is None:
            moments = self._buffers["moments"] = np.empty((block_count(self.n), 6))
        score = np.ascontiguousarray(score, dtype=np.float32)
        layout = self.layout()
        if layout is not None:
            layout.contact_pass(
                score, restricted, sanctioned, self.degree, np.float32(default_score), share,
                mean, moments,
            )  # fmt: skip
        else:
            kernels.contact_pass(
                indptr=adj.indptr,
                indices=adj.indices,
                data=adj.data,
                degree=self.degree,
                sanctioned=sanctioned,
                score=score,
                default=np.float32(default_score),
                share=share,
                mean=mean,
                moments=moments,
            )
        seen = self._buffer("seen_score")
        np.copyto(seen, score)
        # Block totals summed in block order: the moments do not depend on the threads used.
        self._primed = (self.version, seen, float(default_score), mean, moments.sum(axis=0))
        return share

    def prime(
        self, score: np.ndarray, default_score: float, mean: np.ndarray, moments: np.ndarray
    ) -> None:
        """Keep a contact pass's results made elsewhere (the numpy rules' contact pass).

        Args:
            score: The scores the pass saw (copied).
            default_score: Mean contact score given to isolates.
            mean: Each citizen's mean contact score.
            moments: Score moments across ties, summed over blocks in order.
        """
        seen = self._buffer("seen_score")
        np.copyto(seen, score)
        self._primed = (self.version, seen, float(default_score), mean, moments)

    def layout(self) -> ContactLayout | None:
        """The near/far layout the contact pass uses, or ``None`` if it walks the CSR lists.

        Built on first use and after :meth:`changed`;
        ``None`` when most ties are not between ring neighbours, or ``use_layout`` is off.
        """
        if not self.use_layout:
            return None
        if self._layout_stale:
            adj = self.adjacency
            self._layout = ContactLayout.build(adj.indptr, adj.indices, adj.data)
            self._layout_stale = False
        return self._layout

    def _buffer(self, name: str) -> np.ndarray:
        return self.scratch(name, self.n, np.float32)

    def scratch(self, name: str, length: int, dtype: type) -> np.ndarray:
        """A work array of ``length`` items kept from call to call under ``name``.

        Fresh arrays of tens of megabytes cost a page fault every 4 kB each time
        (40 MB at ten million citizens: several milliseconds). Its contents are
        whatever the last user left; it is the caller's until the next call.
        """
        buffer = self._buffers.get(name)
        if buffer is None or len(buffer) < length or buffer.dtype != dtype:
            buffer = self._buffers[name] = np.empty(max(length, 1), dtype=dtype)
        return buffer[:length]

    def primed_mean(self, values: np.ndarray, default: float) -> np.ndarray | None:
        """The contact means of ``values`` kept by the last contact pass, if still valid.

        The array is the network's buffer: read it before the next contact pass.
        """
        primed = self._primed
        if (
            primed is not None
            and primed[0] == self.version
            and np.isscalar(default)
            and float(default) == primed[2]
            and _same_values(primed[1], values)
        ):
            return primed[3]
        return None

    def score_assortativity(self, score: np.ndarray) -> float | None:
        """Pearson correlation of scores across all active ties, if the last contact pass saw them.

        ``None`` when ties or scores changed since (then sample, see scs_sim.metrics).
        """
        primed = self._primed
        if primed is None or primed[0] != self.version or not _same_values(primed[1], score):
            return None
        m, sx, sy, sxx, syy, sxy = primed[4]
        if m < 3:
            return 0.0
        cov = sxy / m - (sx / m) * (sy / m)
        var = (sxx / m - (sx / m) ** 2) * (syy / m - (sy / m) ** 2)
        return float(cov / np.sqrt(var)) if var > 0 else 0.0

    def neighbour_mean(self, values: np.ndarray, default: np.ndarray | float) -> np.ndarray:
        """Mean of ``values`` over each citizen's active contacts (``default`` for isolates).

        Sums run in float64 over each contact list in order, then are divided by
        the active degree and rounded to float32.
        """
        primed = self.primed_mean(values, default)
        if primed is not None:
            return primed.copy()
        adj = self.adjacency
        out = np.empty(self.n, dtype=np.float32)
        defaults = np.broadcast_to(np.asarray(default, dtype=np.float32), (self.n,))
        kernels.neighbour_mean(
            adj.indptr,
            adj.indices,
            adj.data,
            np.ascontiguousarray(values, dtype=np.float32),
            self.degree,
            defaults,
            out,
        )
        return out

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
        slots = np.unique(slots)
        active = slots[self.adjacency.data[slots] > 0]
        self.adjacency.data[active] = 0
        self.retied(active, self.edge_rows[active], self.adjacency.indices[active])
        # Incremental: recounting every degree after each cut costs a pass over all ties.
        self.degree -= np.bincount(self.edge_rows[active], minlength=self.n).astype(np.float32)

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


def _build_rows_numpy(src: np.ndarray, dst: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    # The same sorted, duplicate-free rows as kernels.build_rows, by a sort (small networks).
    keep = src != dst
    rows = np.concatenate((src[keep], dst[keep]))
    cols = np.concatenate((dst[keep], src[keep]))
    order = np.lexsort((cols, rows))
    rows, cols = rows[order], cols[order]
    first = np.ones(len(rows), dtype=bool)
    first[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
    rows, cols = rows[first], cols[first]
    indptr = np.zeros(n + 1, dtype=src.dtype)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    return indptr, cols


NUMPY_COMPARE_MAX = 100_000
"""Arrays shorter than this are compared by numpy (no compiled code for small models)."""


def _same_values(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two float32 arrays hold the same values (checked twice a step at any size)."""
    if a.shape != b.shape:
        return False
    if len(a) < NUMPY_COMPARE_MAX:
        return bool(np.array_equal(a, b))
    differ = np.empty(block_count(len(a)), dtype=np.uint8)
    kernels.blocks_differ(a, b, differ)
    return not differ.any()
