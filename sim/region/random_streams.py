"""Counter-based random numbers keyed by purpose, month and agent.

Common random numbers: a draw for worker 17's quit decision in month 5 depends only on the
run's seed, the purpose ("quit"), the month and the worker's id; never on how many other
draws happened before it. Switching a policy on therefore cannot reshuffle unrelated
randomness, and a package that does nothing reproduces the baseline to the bit.

Per-agent draws use the SplitMix64 finaliser (Steele, Lea and Flood 2014) as a hash; draws
of a variable count (e.g. how many young people enter the labour force) come from a numpy
Generator seeded by ``(seed, purpose, month)``.
"""

from __future__ import annotations

import zlib

import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_MASK64 = (1 << 64) - 1
_TO_UNIT = 1.0 / (1 << 53)
#: purpose -> its mixed key (the same for every run; computed once per purpose).
_PURPOSE_KEYS: dict[str, int] = {}


_SHIFT11, _SHIFT27, _SHIFT30, _SHIFT31 = np.uint64(11), np.uint64(27), np.uint64(30), np.uint64(31)


def _splitmix(values: np.ndarray) -> np.ndarray:
    z = values.copy()
    z ^= z >> _SHIFT30
    z *= _MIX1
    z ^= z >> _SHIFT27
    z *= _MIX2
    z ^= z >> _SHIFT31
    return z


def _splitmix_inplace(z: np.ndarray) -> np.ndarray:
    """The SplitMix64 finaliser applied to ``z`` in place (one scratch array instead of a temporary per step)."""
    scratch = z >> _SHIFT30
    z ^= scratch
    z *= _MIX1
    np.right_shift(z, _SHIFT27, out=scratch)
    z ^= scratch
    z *= _MIX2
    np.right_shift(z, _SHIFT31, out=scratch)
    z ^= scratch
    return z


def _mix_int(value: int) -> int:
    """SplitMix64 of one integer, in Python integers (the same bits as ``_splitmix``, without numpy's overhead)."""
    z = value & _MASK64
    z ^= z >> 30
    z = (z * 0xBF58476D1CE4E5B9) & _MASK64
    z ^= z >> 27
    z = (z * 0x94D049BB133111EB) & _MASK64
    return z ^ (z >> 31)


def agent_keys(origin: str, month: int, count: int) -> np.ndarray:
    """Stable random-number keys for agents created together: (origin, month, index).

    Draws are keyed by these rather than by array position, so agents created by a policy
    do not shift the keys, and hence the draws, of agents created later in the baseline.
    """
    origin_bits = np.uint64(zlib.crc32(origin.encode()) & 0xFFFFF) << np.uint64(44)
    month_bits = np.uint64(month & 0xFFFF) << np.uint64(28)
    return origin_bits | month_bits | np.arange(count, dtype=np.uint64)


class RandomStreams:
    """All of a run's randomness, derived from one integer seed."""

    def __init__(self, seed: int) -> None:
        self.seed = int(seed)
        self._root = _mix_int(self.seed)

    def _key(self, purpose: str, month: int) -> int:
        purpose_key = _PURPOSE_KEYS.get(purpose)
        if purpose_key is None:
            purpose_key = _PURPOSE_KEYS[purpose] = _mix_int(zlib.crc32(purpose.encode()) + 0x1234567)
        return _mix_int(self._root ^ purpose_key ^ _mix_int(month * 0x51ED27 + 7))

    def uniform(self, purpose: str, month: int, ids: np.ndarray) -> np.ndarray:
        """One uniform [0, 1) draw per id, fixed by (seed, purpose, month, id)."""
        key = np.uint64(self._key(purpose, month))
        counters = np.asarray(ids, dtype=np.uint64)
        if counters.ndim == 0:  # one id: numpy scalars cannot be changed in place
            return (_splitmix(counters * _GOLDEN + key) >> _SHIFT11).astype(np.float64) * _TO_UNIT
        counters = counters * _GOLDEN  # a new array, mixed in place below
        counters += key
        _splitmix_inplace(counters)
        counters >>= _SHIFT11
        # Below 2**53 after the shift, so the signed view holds the same integers and converts exactly (numpy
        # converts int64 to float64 with SIMD, uint64 one value at a time: about 3 times the cost).
        draws = counters.view(np.int64).astype(np.float64)
        draws *= _TO_UNIT
        return draws

    def normal(self, purpose: str, month: int, ids: np.ndarray) -> np.ndarray:
        """One standard-normal draw per id (Box-Muller on two keyed uniforms)."""
        u1 = self.uniform(purpose + "/1", month, ids)
        u2 = self.uniform(purpose + "/2", month, ids)
        if np.ndim(u1) == 0:
            return np.sqrt(-2.0 * np.log1p(-u1)) * np.cos(2.0 * np.pi * u2)
        # sqrt(-2 log(1 - u1)) cos(2 pi u2), in place in the two draws (the same operations in the same order).
        np.negative(u1, out=u1)
        np.log1p(u1, out=u1)
        u1 *= -2.0
        np.sqrt(u1, out=u1)
        u2 *= 2.0 * np.pi
        np.cos(u2, out=u2)
        u1 *= u2
        return u1

    def generator(self, purpose: str, month: int = 0) -> np.random.Generator:
        """A numpy Generator for draws of variable count, fixed by (seed, purpose, month)."""
        return np.random.default_rng([self.seed & _MASK64, zlib.crc32(purpose.encode()), month & 0xFFFFFFFF])


def geometric_months(u: np.ndarray, after_month: int, rate_per_month: float, never: int) -> np.ndarray:
    """``after_month`` plus a geometric waiting time of a monthly rate from uniforms ``u``, capped at ``never``; int32.

    The wait is ``floor(log(1 - u) / log(1 - rate)) + 1`` months (at least one), computed in
    place in ``u``, which is overwritten: no temporaries the size of ``u`` (a million draws at
    the start).
    """
    np.negative(u, out=u)
    np.log1p(u, out=u)
    u /= np.log1p(-rate_per_month)
    np.floor(u, out=u)
    wait = u.astype(np.int64)
    wait += after_month + 1
    np.minimum(wait, never, out=wait)
    return wait.astype(np.int32)


#: Draws at or above which ``weighted_choice`` counts along the cumulative weights itself.
_WEIGHTED_CHOICE_MIN_SIZE = 1024


def weighted_choice(generator: np.random.Generator, a: int | np.ndarray, size: int, p: np.ndarray) -> np.ndarray:
    """``generator.choice(a, size=size, p=p)`` (with replacement): the same draws and the same generator state after.

    numpy draws ``size`` uniforms and finds each in the cumulative weights ``cdf`` (``p.cumsum()``
    over its last entry) with a binary search, which for a million draws over a handful of
    weights costs about 25 ms in mispredicted branches. Here the uniforms are the same
    (``generator.random(size)``) and each one's index, the number of ``cdf`` entries at or
    below it, is counted one entry at a time (the last entry, 1, is above every uniform). Small
    draws and weights numpy would refuse go to ``generator.choice`` itself.
    """
    weights = np.asarray(p, dtype=np.float64)
    if (
        size < _WEIGHTED_CHOICE_MIN_SIZE
        or weights.ndim != 1
        or len(weights) > 16
        or not np.isfinite(weights).all()
        or (weights < 0).any()
        or abs(weights.sum() - 1.0) > 1e-8
    ):
        return generator.choice(a, size=size, p=p)
    cdf = weights.cumsum()
    cdf /= cdf[-1]
    uniforms = generator.random(size)
    index = np.zeros(size, dtype=np.uint8)  # at most 16 weights; one byte a draw while counting
    for entry in cdf[:-1]:
        index += uniforms >= entry
    index = index.astype(np.int64)
    return index if isinstance(a, int | np.integer) else np.asarray(a)[index]
