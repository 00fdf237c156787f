"""Random streams: one per mechanism and step, all derived from the model's generator.

Two scenarios run with the same seed must meet the same network, the same
citizens and the same shocks, so that their results differ only through their
policies (common random numbers). A single shared generator would break this:
as soon as one policy draws one more number, every later draw shifts. So each
mechanism gets its own stream, and each step of it is keyed by the step number,
so a mechanism that draws more in one step does not shift the next.

The step's own draws are counter-based (:func:`counter_uniforms`; compiled, one at a
time, in :mod:`scs_sim.kernels.draws`): draw ``i`` of a stream is
a hash of its key and ``i``. A citizen's draw then does not depend on who else
drew, which keeps common random numbers citizen by citizen, lets fused kernels
draw only where a rule needs a number, and costs no memory.
"""

from __future__ import annotations

import zlib

import numpy as np

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


_M64 = (1 << 64) - 1
GAMMA, MIX1, MIX2 = 0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9, 0x94D049BB133111EB
"""SplitMix64's increment and its two multipliers (Steele, Lea & Flood 2014)."""
KEY_DOMAIN = 0x5C5_5EED
"""Mixed into the root first, so stream keys differ from any other use of the same root."""


def splitmix64(z: int) -> int:
    """One SplitMix64 output for state ``z`` (Steele, Lea & Flood 2014), on Python ints.

    ``z += gamma; z = (z ^ z >> 30) * m1; z = (z ^ z >> 27) * m2; return z ^ z >> 31``,
    all modulo 2**64: a bijection of 64-bit words whose outputs pass BigCrush.
    """
    z = (z + GAMMA) & _M64
    z = ((z ^ (z >> 30)) * MIX1) & _M64
    z = ((z ^ (z >> 27)) * MIX2) & _M64
    return z ^ (z >> 31)


def stream_key(root: int, mechanism_id: int, step: int, lane: int) -> np.uint64:
    """The 64-bit key of one counter-based stream: a SplitMix64 chain over its coordinates.

    ``k = f(f(f(f(root ^ KEY_DOMAIN) ^ mechanism_id) ^ (step + 1)) ^ (lane + 1))`` with
    ``f = splitmix64`` and every word taken modulo 2**64. Each coordinate enters through
    a full avalanche, so keys of neighbouring steps, lanes or mechanisms share no
    structure, and the same coordinates give the same key on every machine.
    """
    return _stream_key_from(_mechanism_prefix(root, mechanism_id), step, lane)


def _mechanism_prefix(root: int, mechanism_id: int) -> int:
    # The chain's first two links: fixed for a model's root and a mechanism.
    return splitmix64(splitmix64((int(root) ^ KEY_DOMAIN) & _M64) ^ (int(mechanism_id) & _M64))


def _stream_key_from(prefix: int, step: int, lane: int) -> np.uint64:
    z = splitmix64(prefix ^ ((step + 1) & _M64))
    return np.uint64(splitmix64(z ^ ((lane + 1) & _M64)))


class RandomStreams:
    """Independent generators keyed by mechanism name and step.

    Args:
        root: Entropy drawn once from the model's generator (``model.rng``).
    """

    def __init__(self, root: int) -> None:
        self.root = int(root)
        self._prefixes: dict[str, int] = {}

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
        prefix = self._prefixes.get(mechanism)
        if prefix is None:
            prefix = self._prefixes[mechanism] = _mechanism_prefix(self.root, self._key(mechanism))
        return _stream_key_from(prefix, step, lane)

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
_GAMMA = np.uint64(GAMMA)
_MIX1 = np.uint64(MIX1)
_MIX2 = np.uint64(MIX2)
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
    """Float32 uniforms on [0, 1) for each ``index`` (``kernels.draws.uniform`` for one)."""
    return (_mix_array(key, index) >> np.uint64(40)).astype(np.float32) * _TO_UNIT


NEXT_DRAW = _GAMMA
"""What a stream's position moves by from one draw to the next (``kernels.draws.position``)."""


def counter_choices(key: np.uint64, index: np.ndarray, size: int) -> np.ndarray:
    """Draws as integers in [0, size) (Lemire's multiply-shift; ``kernels.draws.choice``)."""
    z = _mix_array(key, index)
    return (((z >> np.uint64(32)) * np.uint64(size)) >> np.uint64(32)).astype(np.int64)


def counter_gaps(key: np.uint64, index: np.ndarray, log_q: float) -> np.ndarray:
    """Draws as geometric gaps, ``log_q = log(1 - p)`` (``kernels.draws.gap`` for one)."""
    u = ((_mix_array(key, index) >> np.uint64(11)).astype(np.float64) + 1.0) * 2.0**-53
    with np.errstate(over="ignore"):  # a tiny rate: gaps beyond the cap are capped
        return np.minimum(np.log(u) / log_q, _GAP_CAP).astype(np.int64)
