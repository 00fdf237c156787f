"""Network positions for the dashboard: computed once per network, then reused.

Mesa's network drawers run ``nx.spring_layout`` at every renderer build and reset
(seconds at 1,000 nodes). Here the layout is a function of the *initial* network
only: it is keyed by a hash of the initial contact lists, cached, and shared by
every step and reset of every session that builds the same network (same seed and
network settings), so positions never jump and a reset costs nothing.

Above :data:`DISPLAY_LIMIT` citizens a connected snowball sample is drawn instead
of everyone, and the page says so.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from scs_sim.network import SocialNetwork

SUMMARY_LIMIT = 20_000
"""Largest population with a community summary view: Louvain over everyone took 0.6 s at
5,000 citizens and 3.9 s at 20,000 on this machine (networkx), computed on first request."""

DISPLAY_LIMIT = 1000
"""Most citizens drawn in the network view; larger populations show a sample."""

LAYOUT_ITERATIONS = 80
"""Force-directed iterations; about 0.4 s at 1,000 nodes on one core."""

_CACHE_SIZE = 16
_cache: OrderedDict[str, NetworkView] = OrderedDict()
_cache_lock = threading.Lock()


@dataclass(frozen=True)
class NetworkView:
    """Which citizens are drawn, where, and which ties they had at the start.

    Attributes:
        nodes: Citizen ids drawn, sorted.
        positions: (len(nodes), 2) positions in the unit square, row k for ``nodes[k]``.
        row_of: For every citizen, its row in ``positions``, or -1 if not drawn.
        initial_pairs: Sorted keys ``low * n + high`` of the initial ties among drawn citizens.
        n: Population size.
        community: Each drawn citizen's community, by row.
    """

    nodes: np.ndarray
    positions: np.ndarray
    row_of: np.ndarray
    initial_pairs: np.ndarray
    n: int
    community: np.ndarray | None = None
    """Community (Louvain, on the initial ties) of each drawn citizen, by row."""
    all_pairs: np.ndarray | None = None
    """Initial tie keys of everyone, kept for the summary view (sampled views up to
    :data:`SUMMARY_LIMIT` citizens)."""

    @property
    def sampled(self) -> bool:
        """Whether only part of the population is drawn."""
        return len(self.nodes) < self.n


def network_signature(network: SocialNetwork) -> str:
    """A hash of the contact lists; call it before the first step to key the initial network."""
    adjacency = network.adjacency
    digest = hashlib.blake2b(digest_size=16)
    digest.update(np.int64(network.n).tobytes())
    for array in (adjacency.indptr, adjacency.indices, adjacency.data):
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()


def pair_keys(rows: np.ndarray, cols: np.ndarray, n: int) -> np.ndarray:
    """Sorted unique undirected keys ``min * n + max`` of the ties (rows[i], cols[i])."""
    low = np.minimum(rows, cols).astype(np.int64)
    high = np.maximum(rows, cols).astype(np.int64)
    return np.unique(low * n + high)


def snowball_sample(network: SocialNetwork, limit: int, gen: np.random.Generator) -> np.ndarray:
    """Up to ``limit`` citizens reached breadth-first from random starts, so ties stay visible.

    A uniform sample of 1,000 out of 5,000 citizens keeps a fifth of each citizen's ties;
    a snowball keeps whole neighbourhoods.
    """
    n = network.n
    if n <= limit:
        return np.arange(n)
    indices = network.adjacency.indices
    seen = np.zeros(n, dtype=bool)
    taken = 0
    while taken < limit:
        start = int(gen.choice(np.flatnonzero(~seen)))
        seen[start] = True
        taken += 1
        frontier = np.array([start])
        while len(frontier) and taken < limit:
            neighbours = indices[network.slots_of(frontier)]
            fresh = np.unique(neighbours[~seen[neighbours]])
            if taken + len(fresh) > limit:
                fresh = gen.choice(fresh, limit - taken, replace=False)
            seen[fresh] = True
            taken += len(fresh)
            frontier = fresh
    return np.flatnonzero(seen)


def ring_start(k: int, gen: np.random.Generator) -> np.ndarray:
    """Starting positions on a circle in citizen-id order, plus a little noise.

    Generators give ids structure: the small world is a ring lattice over ids and
    communities hold contiguous ids, so this start already shows the ring and the
    groups, and the force iterations only have to relax it. (A spectral start shows
    the same but its dense eigen-decomposition took seconds on a busy machine.)
    """
    angle = 2.0 * np.pi * np.arange(k) / max(k, 1)
    pos = 0.5 + 0.45 * np.column_stack([np.cos(angle), np.sin(angle)])
    return (pos + 0.02 * gen.standard_normal((k, 2))).astype(np.float32)


def force_layout(
    k: int,
    src: np.ndarray,
    dst: np.ndarray,
    gen: np.random.Generator,
    iterations: int = LAYOUT_ITERATIONS,
    ring: bool = True,
) -> np.ndarray:
    """Fruchterman-Reingold positions of ``k`` nodes with ties (src, dst), in the unit square.

    Dense numpy repulsion: O(k^2) memory and time per iteration, fine up to
    :data:`DISPLAY_LIMIT` nodes, and deterministic for a given generator. ``ring``: start
    from :func:`ring_start`; else from uniform positions (a community's piece of a ring
    lattice would otherwise stay a thin arc).
    """
    pos = ring_start(k, gen) if ring else gen.random((k, 2)).astype(np.float32)
    if k < 3:
        return pos
    optimal = np.float32(1.0 / np.sqrt(k))
    temperature = np.float32(0.1)
    cooling = temperature / (iterations + 1)
    x, y = pos[:, 0].copy(), pos[:, 1].copy()
    c = optimal * optimal
    for _ in range(iterations):
        # Coordinates kept separate: two (k, k) float32 arrays instead of one (k, k, 2)
        # einsum make an iteration several times faster.
        dx = x[:, None] - x[None, :]
        dy = y[:, None] - y[None, :]
        weight = dx * dx
        weight += dy * dy
        np.maximum(weight, np.float32(1e-6), out=weight)
        np.divide(c, weight, out=weight)
        disp_x = (dx * weight).sum(1)
        disp_y = (dy * weight).sum(1)
        if len(src):
            ex, ey = x[src] - x[dst], y[src] - y[dst]
            pull = np.sqrt(ex * ex + ey * ey) / optimal
            ex, ey = ex * pull, ey * pull
            disp_x += np.bincount(dst, ex, minlength=k) - np.bincount(src, ex, minlength=k)
            disp_y += np.bincount(dst, ey, minlength=k) - np.bincount(src, ey, minlength=k)
        length = np.sqrt(disp_x * disp_x + disp_y * disp_y)
        np.maximum(length, 1e-9, out=length)
        scale = np.minimum(length, temperature) / length
        x += (disp_x * scale).astype(np.float32)
        y += (disp_y * scale).astype(np.float32)
        temperature -= cooling
    pos = np.column_stack([x, y])
    pos -= pos.min(0)
    pos /= max(float(pos.max()), 1e-9)
    return pos


def communities(k: int, src: np.ndarray, dst: np.ndarray, seed: int) -> np.ndarray:
    """Community of each of ``k`` nodes (0, 1, ... largest first): networkx's Louvain."""
    import networkx as nx  # imported here: only when a layout is computed (once per network)

    graph = nx.Graph()
    graph.add_nodes_from(range(k))
    graph.add_edges_from(zip(src.tolist(), dst.tolist(), strict=True))
    found = nx.community.louvain_communities(graph, seed=seed)
    label = np.zeros(k, dtype=np.int64)
    for i, members in enumerate(sorted(found, key=lambda c: (-len(c), min(c)))):
        label[list(members)] = i
    return label


def community_layout(
    k: int, src: np.ndarray, dst: np.ndarray, gen: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Positions that keep communities together: Louvain communities, each laid out on
    its own (force-directed) in a disc sized by its membership, the discs placed by a
    force layout of the community graph (ties between communities pull them together)
    and then pushed apart until they do not overlap.

    Returns:
        (k, 2) positions in the unit square, and each node's community.
    """
    label = communities(k, src, dst, int(gen.integers(2**31)))
    groups = int(label.max()) + 1 if k else 0
    if groups <= 1:
        return force_layout(k, src, dst, gen), label
    sizes = np.bincount(label, minlength=groups)
    between = label[src] != label[dst]
    centres = force_layout(groups, label[src][between], label[dst][between], gen)
    radius = 0.5 * np.sqrt(sizes / k) * 1.3
    centres = _separate(centres.astype(np.float64), radius)
    pos = np.zeros((k, 2), dtype=np.float64)
    for c in range(groups):
        members = np.flatnonzero(label == c)
        local = np.full(k, -1, dtype=np.int64)
        local[members] = np.arange(len(members))
        inside = (label[src] == c) & (label[dst] == c)
        inner = force_layout(len(members), local[src[inside]], local[dst[inside]], gen, ring=False)
        inner = _to_disc(inner)
        pos[members] = centres[c] + (inner - 0.5) * 2 * radius[c] * 0.92
    pos -= pos.min(0)
    pos /= max(float(pos.max()), 1e-9)
    return pos.astype(np.float32), label


def _to_disc(pos: np.ndarray) -> np.ndarray:
    """A community's positions (unit square) redrawn to fill the disc inscribed in it.

    Members are ordered along the layout's main axis and placed on a grid inside the
    disc, column by column in a snake, so citizens close in the layout stay close: a
    community that is a stretch of a ring lattice becomes a filled disc, not a thin arc.
    """
    m = len(pos)
    if m < 3:
        return np.full_like(pos, 0.5) if m < 2 else np.array([[0.3, 0.5], [0.7, 0.5]], np.float32)
    d = pos - pos.mean(0)
    _, _, axes = np.linalg.svd(d.astype(np.float64), full_matrices=False)
    order = np.argsort(d @ axes[0], kind="stable")
    h = np.sqrt(np.pi * 0.25 / m) * 0.93
    while True:
        ticks = np.arange(-0.5 + h / 2, 0.5, h)
        gx, gy = np.meshgrid(ticks, ticks, indexing="ij")
        inside = gx**2 + gy**2 <= 0.25
        if inside.sum() >= m:
            break
        h *= 0.95
    cells = []
    for col in range(len(ticks)):
        rows = np.flatnonzero(inside[col])
        rows = rows if col % 2 == 0 else rows[::-1]
        cells.extend((ticks[col], ticks[r]) for r in rows)
    out = np.empty((m, 2), dtype=np.float32)
    out[order] = 0.5 + np.array(cells[:m], dtype=np.float32)
    return out


def _separate(centres: np.ndarray, radius: np.ndarray, rounds: int = 200) -> np.ndarray:
    """Push discs apart until none overlap (a few hundred cheap rounds at most)."""
    pos = centres.copy()
    for _ in range(rounds):
        gap = pos[:, None, :] - pos[None, :, :]
        dist = np.sqrt((gap**2).sum(-1))
        np.fill_diagonal(dist, np.inf)
        overlap = (radius[:, None] + radius[None, :]) * 1.04 - dist
        if (overlap <= 0).all():
            break
        ratio = np.zeros_like(overlap)
        np.divide(overlap, np.maximum(dist, 1e-9), out=ratio, where=overlap > 0)
        push = ratio[:, :, None] * gap
        pos += 0.5 * push.sum(1)
    return pos


def _compute_view(network: SocialNetwork, signature: str) -> NetworkView:
    gen = np.random.default_rng(int(signature[:12], 16))
    nodes = snowball_sample(network, DISPLAY_LIMIT, gen)
    row_of = np.full(network.n, -1, dtype=np.int64)
    row_of[nodes] = np.arange(len(nodes))
    all_rows, all_cols = network.active_edges()
    inside = (row_of[all_rows] >= 0) & (row_of[all_cols] >= 0)
    rows, cols = all_rows[inside], all_cols[inside]
    keys = pair_keys(rows, cols, network.n)
    low, high = keys // network.n, keys % network.n
    positions, community = community_layout(len(nodes), row_of[low], row_of[high], gen)
    everyone = None
    if len(nodes) < network.n <= SUMMARY_LIMIT:
        everyone = pair_keys(all_rows, all_cols, network.n)
    return NetworkView(nodes, positions, row_of, keys, network.n, community, everyone)


@dataclass(frozen=True)
class CommunitySummary:
    """Everyone's communities (Louvain on the initial ties), for the summary view.

    Attributes:
        label: Community of every citizen (0 = largest).
        sizes: Members per community.
        centres: (communities, 2) positions in the unit square.
        links: (k, 3) rows of (community a, community b, initial ties between them).
        radius: Each community's disc radius in the unit square (area = its share).
    """

    label: np.ndarray
    sizes: np.ndarray
    centres: np.ndarray
    links: np.ndarray
    radius: np.ndarray


_summaries: OrderedDict[int, tuple[NetworkView, CommunitySummary]] = OrderedDict()


def community_summary(view: NetworkView) -> CommunitySummary | None:
    """The view's community summary, computed on first request and cached; ``None`` when
    the population is not sampled or above :data:`SUMMARY_LIMIT`."""
    if view.all_pairs is None:
        return None
    with _cache_lock:
        hit = _summaries.get(id(view))
        if hit is not None and hit[0] is view:
            return hit[1]
    n = view.n
    low, high = view.all_pairs // n, view.all_pairs % n
    label = communities(n, low, high, int(view.all_pairs.sum() % (2**31)))
    groups = int(label.max()) + 1
    sizes = np.bincount(label, minlength=groups)
    a, b = label[low], label[high]
    between = a != b
    keys, counts = np.unique(
        np.minimum(a, b)[between] * groups + np.maximum(a, b)[between], return_counts=True
    )
    links = np.column_stack([keys // groups, keys % groups, counts])
    gen = np.random.default_rng(groups)
    src = np.repeat(links[:, 0], np.minimum(links[:, 2], 20))
    dst = np.repeat(links[:, 1], np.minimum(links[:, 2], 20))
    centres = force_layout(groups, src, dst, gen)
    radius = 0.5 * np.sqrt(sizes / n)
    centres = _separate(centres.astype(np.float64), radius)
    centres = (centres - (centres - radius[:, None]).min(0)).astype(np.float64)
    span = float(((centres + radius[:, None]).max(0)).max())
    summary = CommunitySummary(
        label, sizes, (centres / span).astype(np.float32), links, (radius / span).astype(np.float32)
    )
    with _cache_lock:
        _summaries[id(view)] = (view, summary)
        while len(_summaries) > 4:
            _summaries.popitem(last=False)
    return summary


def network_view(network: SocialNetwork, signature: str) -> NetworkView:
    """The cached view of the network whose initial state hashed to ``signature``.

    Args:
        network: The network; only read on a cache miss, so pass it before it changes
            (the session computes the view right after building the model).
        signature: :func:`network_signature` of the initial network.
    """
    with _cache_lock:
        view = _cache.get(signature)
        if view is not None:
            _cache.move_to_end(signature)
            return view
    view = _compute_view(network, signature)
    with _cache_lock:
        _cache[signature] = view
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return view


def cached_views() -> int:
    """How many layouts are cached (for tests and benchmarks)."""
    return len(_cache)
