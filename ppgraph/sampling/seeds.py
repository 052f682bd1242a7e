"""``random_seed`` as every sampling function takes it (an int, a NumPy
Generator, a JAX key or None) turned into JAX key material."""

from __future__ import annotations

from typing import Any

import jax
import numpy as np

__all__ = ["seed_data", "seed_key"]


def seed_data(random_seed: Any) -> Any:
    """A typed JAX key, or raw ``uint32[2]`` key data (to be wrapped inside a
    jitted call, so an int seed costs no eager JAX op), from an int, a NumPy
    Generator, a JAX key (typed or raw data) or None (fresh entropy).

    Example:
        >>> from ppgraph.sampling.seeds import seed_data
        >>> seed_data(1).dtype, seed_data(1).shape, bool((seed_data(1) == seed_data(1)).all())
        (dtype('uint32'), (2,), True)
    """
    if isinstance(random_seed, jax.Array):
        if jax.dtypes.issubdtype(random_seed.dtype, jax.dtypes.prng_key):
            if random_seed.shape != ():
                raise ValueError(f"random_seed: one key, got keys of shape {random_seed.shape}")
            return random_seed
        if random_seed.dtype == np.uint32 and random_seed.shape == (2,):
            return random_seed
    if random_seed is None:
        return np.random.SeedSequence().generate_state(2, dtype=np.uint32)
    if isinstance(random_seed, int | np.integer) and not isinstance(random_seed, bool):
        if random_seed < 0:
            raise ValueError(f"random_seed must be a non-negative int, got {random_seed}")
        return np.random.SeedSequence(int(random_seed)).generate_state(2, dtype=np.uint32)
    if isinstance(random_seed, np.random.Generator):
        return random_seed.integers(0, 2**32, size=2, dtype=np.uint32)
    raise TypeError(
        "random_seed must be an int, a NumPy Generator, a JAX key or None; "
        f"got {type(random_seed).__name__} {random_seed!r}"
    )


def seed_key(random_seed: Any) -> Any:
    """A typed JAX key from any ``random_seed`` ``seed_data`` accepts.

    Example:
        >>> import jax
        >>> from ppgraph.sampling.seeds import seed_data, seed_key
        >>> bool((jax.random.key_data(seed_key(3)) == seed_data(3)).all())
        True
    """
    seed = seed_data(random_seed)
    if isinstance(seed, jax.Array) and jax.dtypes.issubdtype(seed.dtype, jax.dtypes.prng_key):
        return seed
    return jax.random.wrap_key_data(jax.numpy.asarray(seed))
