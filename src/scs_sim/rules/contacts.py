"""Sums over each citizen's active contacts, in numpy (kernel: SocialNetwork.contact_pass).

Scores are float32 on [350, 950], so their sums over a contact list (and sums of
squared distances from CENTRE) are exact in float64 in any order: the kernels' near/far
layout and this CSR walk give the same bits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from scs_sim.kernels.contact_layout import CENTRE
from scs_sim.kernels.parallel import BLOCK
from scs_sim.rules import F

if TYPE_CHECKING:
    from scs_sim.network import SocialNetwork


def contact_sum(net: SocialNetwork, values: np.ndarray) -> np.ndarray:
    """Sum of ``values`` (float64) over each citizen's active contacts, in list order.

    ``values`` may be one array a citizen or several as columns (``(n, k)``): one pass
    over the ties sums them all.
    """
    adj = net.adjacency
    matrix = sp.csr_matrix((adj.data.astype(np.float64), adj.indices, adj.indptr), shape=adj.shape)
    return matrix @ np.asarray(values, dtype=np.float64)


def contact_mean(net: SocialNetwork, values: np.ndarray, default: float) -> np.ndarray:
    """``float32(sum over active contacts / active degree)``; ``default`` for isolates.

    Like :func:`contact_sum`, for one array or several as columns.
    """
    degree = net.degree if np.ndim(values) == 1 else net.degree[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = (contact_sum(net, values) / degree.astype(np.float64)).astype(F)
    return np.where(degree > 0, mean, F(default))


def contact_pass(
    net: SocialNetwork, score: np.ndarray, restricted: np.ndarray, default: float
) -> np.ndarray:
    """Share of each citizen's active contacts under restriction, priming the network.

    ``share = restricted contacts / active degree`` (0 for isolates). Like the kernel,
    it leaves on the network each citizen's mean contact score (for next step's ties
    rule) and the score moments across ties (for the assortativity metric): per block
    of BLOCK citizens, in order, ``(ties, sum ci, sum cj, sum ci^2, sum cj^2, sum ci cj)``
    with scores centred on CENTRE.
    """
    degree = net.degree.astype(np.float64)
    centred = score.astype(np.float64) - np.float64(CENTRE)
    columns = (np.ones(net.n), restricted != 0, score, centred * centred)
    # ties: active contacts, exactly; count: those restricted; then score sums
    ties, count, total, squares = contact_sum(net, np.column_stack(columns).astype(np.float64)).T
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(degree > 0, (count / degree).astype(F), F(0))
        mean = np.where(degree > 0, (total / degree).astype(F), F(default))
    ci = (score - CENTRE).astype(np.float64)
    centred_total = total - ties * np.float64(CENTRE)
    terms = np.stack(
        [ties, ties * ci, centred_total, ties * ci * ci, squares, ci * centred_total], axis=1
    )
    blocks = [np.cumsum(terms[s : s + BLOCK], axis=0)[-1] for s in range(0, net.n, BLOCK)]
    moments = np.array(blocks).reshape(-1, 6)
    net.prime(score, default, mean, moments.sum(axis=0))
    return share
