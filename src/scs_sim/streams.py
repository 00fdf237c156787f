"""Random streams: one per mechanism and step, all derived from the model's generator.

Two scenarios run with the same seed must meet the same network, the same
citizens and the same shocks, so that their results differ only through their
policies (common random numbers). A single shared generator would break this:
as soon as one policy draws one more number, every later draw shifts. So each
mechanism gets its own stream, and each step of it is keyed by the step number,
so a mechanism that draws more in one step does not shift the next.
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
)


class RandomStreams:
    """Independent generators keyed by mechanism name and step.

    Args:
        root: Entropy drawn once from the model's generator (``model.rng``).
    """

    def __init__(self, root: int) -> None:
        self.root = int(root)

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
