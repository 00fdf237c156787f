"""numpy's SeedSequence hash, compiled, for the random stream keys of every step.

Each mechanism's counter-based stream at each step is keyed by
``SeedSequence(root, spawn_key=(mechanism, step + 1, lane + 1, 0xC0DE))``
(:meth:`scs_sim.streams.RandomStreams.key`). numpy builds such a key slowly for 17
keys a step at any population size (docs/scale.md). This module computes the same 64
bits: the hash of the root's words is worked out once per model, and the spawn key's
four 32-bit words are mixed in by compiled code. It follows
numpy's SeedSequence (O'Neill's seed_seq_fe with a pool of four 32-bit words), and
tests check it against numpy's on thousands of roots and keys.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["root_state", "spawned_key"]

_POOL = 4
_M32 = np.uint64(0xFFFFFFFF)
_SHIFT16 = np.uint64(16)
_INIT_A, _MULT_A = np.uint64(0x43B0D7E5), np.uint64(0x931E8875)
_INIT_B, _MULT_B = np.uint64(0x8B51F9DD), np.uint64(0x58F38DED)
_MIX_L, _MIX_R = np.uint64(0xCA01F9DD), np.uint64(0x4973F715)


def root_state(root: int) -> np.ndarray | None:
    """The hash state after the root's words: the pool, then the hash constant.

    ``None`` for roots that do not fit in the pool (negative, or of more than 128 bits):
    their keys take numpy's own path.
    """
    if not 0 <= root < 2 ** (32 * _POOL):
        return None
    # A root shorter than the pool is padded with zero words, as it is before a spawn key.
    words = np.array([(root >> (32 * d)) & 0xFFFFFFFF for d in range(_POOL)], dtype=np.uint64)
    return _mix_root(words)


def spawned_key(root: int, state: np.ndarray | None, spawn_key: tuple[int, ...]) -> np.uint64:
    """``SeedSequence(root, spawn_key=spawn_key).generate_state(1, np.uint64)[0]``.

    Compiled for spawn keys of four words below 2**32 and a root that has a
    :func:`root_state`; numpy computes any other key.

    Args:
        root: The root entropy.
        state: :func:`root_state` of ``root``.
        spawn_key: The spawn key's integers.
    """
    if state is None or len(spawn_key) != 4 or not all(0 <= w < 2**32 for w in spawn_key):
        seq = np.random.SeedSequence(root, spawn_key=spawn_key)
        return np.uint64(seq.generate_state(1, np.uint64)[0])
    return np.uint64(_spawned(state, *spawn_key))


@njit(cache=True, inline="always")
def _hashmix(value: np.uint64, hash_const: np.uint64) -> tuple[np.uint64, np.uint64]:
    value ^= hash_const
    hash_const = (hash_const * _MULT_A) & _M32
    value = (value * hash_const) & _M32
    return value ^ (value >> _SHIFT16), hash_const


@njit(cache=True, inline="always")
def _mix(x: np.uint64, y: np.uint64) -> np.uint64:
    result = (_MIX_L * x - _MIX_R * y) & _M32
    return result ^ (result >> _SHIFT16)


@njit(cache=True)
def _mix_root(words: np.ndarray) -> np.ndarray:
    state = np.empty(_POOL + 1, dtype=np.uint64)
    hash_const = _INIT_A
    for d in range(_POOL):
        state[d], hash_const = _hashmix(words[d], hash_const)
    for src in range(_POOL):
        for d in range(_POOL):
            if src != d:
                value, hash_const = _hashmix(state[src], hash_const)
                state[d] = _mix(state[d], value)
    state[_POOL] = hash_const
    return state


@njit(cache=True)
def _spawned(state, w0, w1, w2, w3) -> np.uint64:
    # The spawn key's words mixed into the pool; then two 32-bit words of output,
    # joined little-endian into one uint64.
    pool = state[:_POOL].copy()
    hash_const = state[_POOL]
    for word in (np.uint64(w0), np.uint64(w1), np.uint64(w2), np.uint64(w3)):
        for d in range(_POOL):
            value, hash_const = _hashmix(word, hash_const)
            pool[d] = _mix(pool[d], value)
    out = np.uint64(0)
    hash_b = _INIT_B
    for d in range(2):
        value = pool[d] ^ hash_b
        hash_b = (hash_b * _MULT_B) & _M32
        value = (value * hash_b) & _M32
        out |= (value ^ (value >> _SHIFT16)) << np.uint64(32 * d)
    return out
