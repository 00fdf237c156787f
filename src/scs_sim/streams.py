"""Random streams: one per mechanism and step, all derived from the model's generator.

Two scenarios run with the same seed must meet the same network, the same
citizens and the same shocks, so that their results differ only through their
policies (common random numbers). A single shared generator would break this:
as soon as one policy draws one more number, every later draw shifts. So each
mechanism gets its own stream, and each step of it is keyed by the step number,
so a mechanism that draws more in one step does not shift the next.

The step's own draws are counter-based (:func:`uniform`): draw ``i`` of a stream is
a hash of its key and ``i``. A citizen's draw then does not depend on who else
drew, which keeps common random numbers citizen by citizen, lets fused kernels
draw only where a rule needs a number, and costs no memory.
"""

from __future__ import annotations

import math
import zlib

import numpy as np
from numba import njit

from scs_sim.kernels import seed_sequence

MECHANISMS: tuple[str, ...] = (
    "network",
    "traits",
    "beliefs",
    "posting",
    "surveillance",
    "donations",
    "violations",
    "records",
    "repayment",
    "ties",
    "blacklist",
    "appeals",
    "travel",
    "support",
    "deterrence",
    "targeting",
    "attribution",
)


class RandomStreams:
    """Independent generators keyed by mechanism name and step.

    Args:
        root: Entropy drawn once from the model's generator (``model.rng``).
        compiled: Hash keys with the compiled SeedSequence copy (same keys, faster).
    """

    def __init__(self, root: int, compiled: bool = True) -> None:
        self.root = int(root)
        # Without the compiled hash, numpy's SeedSequence makes the same keys (slower).
        self._root_state = seed_sequence.root_state(self.root) if compiled else None

    @staticmethod
    def _key(mechanism: str) -> int:
        # crc32 is stable across processes, unlike hash() of a str.
        return zlib.crc32(mechanism.encode())

    def generator(self, mechanism: str, step: int = -1) -> np.random.Generator:
        """A fresh generator for ``mechanism`` at ``step`` (``-1`` for set-up draws)."""
        seq = np.random.SeedSequence(self.root, spawn_key=(self._key(mechanism), step + 1))
        return np.random.Generator(np.random.PCG64(seq))

    def uniform(self, mechanism: str, step: int, n: int) -> np.ndarray:
        """``n`` float32 uniforms on [0, 1) for ``mechanism`` at ``step``."""
        return self.generator(mechanism, step).random(n, dtype=np.float32)

    def key(self, mechanism: str, step: int, lane: int = 0) -> np.uint64:
        """The 64-bit key of the counter-based stream of ``mechanism`` at ``step``.

        ``lane`` separates several draws a mechanism makes per citizen in one step
        (a poster's wish to be critical and its self-censorship are different lanes).
        """
        # numpy's SeedSequence gives the same key, slower (docs/scale.md, measurements).
        spawn_key = (self._key(mechanism), step + 1, lane + 1, 0xC0DE)
        return seed_sequence.spawned_key(self.root, self._root_state, spawn_key)

    def uniform_at(self, mechanism: str, step: int, index: np.ndarray, lane: int = 0) -> np.ndarray:
        """Counter-based float32 uniforms for the citizens (or tie slots) in ``index``.

        Draw ``i`` depends only on (seed, mechanism, step, lane, i), never on how
        many other draws were made: a kernel may draw lazily, for the few citizens
        that need it, and still get exactly what an eager draw for everyone gives.
        """
        return counter_uniforms(self.key(mechanism, step, lane), np.asarray(index))


# SplitMix64 (Steele, Lea & Flood 2014): output i of the stream seeded with ``key``.
# It passes BigCrush, costs a few integer operations, and needs no state, so the
# step's kernels draw exactly the numbers they need, where they need them.
_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_TO_UNIT = np.float32(2.0**-24)
_GAP_CAP = float(2**62)


def _mix_array(key: np.uint64, index: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        z = np.uint64(key) + (index.astype(np.uint64) + np.uint64(1)) * _GAMMA
        z = (z ^ (z >> np.uint64(30))) * _MIX1
        z = (z ^ (z >> np.uint64(27))) * _MIX2
        z ^= z >> np.uint64(31)
    return z


def counter_uniforms(key: np.uint64, index: np.ndarray) -> np.ndarray:
    """Vectorised :func:`uniform`: float32 uniforms on [0, 1) for each ``index``."""
    return (_mix_array(key, index) >> np.uint64(40)).astype(np.float32) * _TO_UNIT


NEXT_DRAW = _GAMMA
"""What a stream's :func:`position` moves by from one draw to the next."""


@njit(cache=True, inline="always")
def position(key: np.uint64, index: int) -> np.uint64:
    """Where stream ``key`` stands at draw ``index``: :func:`uniform_from` turns it into the draw.

    A loop over consecutive draws can start here and add NEXT_DRAW at each draw instead
    of calling :func:`uniform` with each index: the same draws, one 64-bit multiply
    fewer a draw (a multiply AVX2 has to emulate).
    """
    return key + (np.uint64(index) + np.uint64(1)) * _GAMMA


@njit(cache=True, inline="always")
def _finish(z: np.uint64) -> np.uint64:
    z = (z ^ (z >> np.uint64(30))) * _MIX1
    z = (z ^ (z >> np.uint64(27))) * _MIX2
    return z ^ (z >> np.uint64(31))


@njit(cache=True, inline="always")
def _mix(key: np.uint64, index: int) -> np.uint64:
    return _finish(position(key, index))


@njit(cache=True, inline="always")
def uniform_from(at: np.uint64) -> np.float32:
    """The float32 uniform on [0, 1) drawn at stream position ``at`` (see :func:`position`)."""
    return np.float32(_finish(at) >> np.uint64(40)) * _TO_UNIT


@njit(cache=True, inline="always")
def uniform(key: np.uint64, index: int) -> np.float32:
    """Draw ``index`` of the counter-based stream ``key``: a float32 uniform on [0, 1)."""
    return uniform_from(position(key, index))


@njit(cache=True, inline="always")
def choice(key: np.uint64, index: int, size: int) -> int:
    """Draw ``index`` of stream ``key`` as an integer in [0, size) (Lemire's multiply-shift)."""
    return int(((_mix(key, index) >> np.uint64(32)) * np.uint64(size)) >> np.uint64(32))


def counter_choices(key: np.uint64, index: np.ndarray, size: int) -> np.ndarray:
    """Vectorised :func:`choice`."""
    z = _mix_array(key, index)
    return (((z >> np.uint64(32)) * np.uint64(size)) >> np.uint64(32)).astype(np.int64)


@njit(cache=True, inline="always")
def gap(key: np.uint64, index: int, log_q: float) -> int:
    """Draw ``index`` as a geometric gap: failures before the next success of rate ``p``.

    ``log_q`` is ``log(1 - p)``. Citizens chosen independently with probability
    ``p`` are found by adding gaps, so a mechanism that touches one citizen in ten
    draws one number per chosen citizen instead of one per citizen.
    """
    u = (np.float64(_mix(key, index) >> np.uint64(11)) + 1.0) * 2.0**-53  # in (0, 1]
    # Capped: with a tiny rate the quotient can exceed int64 (a "never" in any population).
    return int(min(math.log(u) / log_q, _GAP_CAP))


def counter_gaps(key: np.uint64, index: np.ndarray, log_q: float) -> np.ndarray:
    """Vectorised :func:`gap`."""
    u = ((_mix_array(key, index) >> np.uint64(11)).astype(np.float64) + 1.0) * 2.0**-53
    with np.errstate(over="ignore"):  # a tiny rate: gaps beyond the cap are capped
        return np.minimum(np.log(u) / log_q, _GAP_CAP).astype(np.int64)
