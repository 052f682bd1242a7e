"""Run a pure function over many draws: ``jax.vmap`` inside one ``jax.jit``, in
chunks of equal size so that a large posterior neither runs out of memory nor
compiles more than once (the last chunk is padded).
"""

from __future__ import annotations

import collections
import contextlib
import threading
from collections.abc import Callable, Sequence
from typing import Any

import jax
import numpy as np

# Output bytes one chunk may hold.
CHUNK_BYTES = 1 << 27

_jitted: collections.OrderedDict[tuple[Any, ...], Callable[..., Any]] = collections.OrderedDict()
_lock = threading.Lock()


def x64_scope(x64: bool) -> contextlib.AbstractContextManager[Any]:
    """``jax.enable_x64(True)`` for a 64-bit graph, else nothing."""
    return jax.enable_x64(True) if x64 else contextlib.nullcontext()


def _vmapped(fn: Callable[..., Any], n_batched: int, n_rest: int) -> Callable[..., Any]:
    key = (fn, n_batched, n_rest)
    with _lock:
        hit = _jitted.get(key)
    if hit is None:
        axes = (0,) * n_batched + (None,) * n_rest
        hit = jax.jit(jax.vmap(fn, in_axes=axes))
        with _lock:
            _jitted[key] = hit
            while len(_jitted) > 64:
                _jitted.popitem(last=False)
    return hit


def chunk_size_for(fn: Callable[..., Any], batched: Sequence[Any], rest: Sequence[Any]) -> int:
    """How many draws fit in ``CHUNK_BYTES`` of ``fn``'s outputs."""
    one = [jax.ShapeDtypeStruct(np.shape(b)[1:], np.asarray(b).dtype) for b in batched]
    outs = jax.eval_shape(fn, *one, *rest)
    nbytes = sum(int(np.prod(o.shape)) * o.dtype.itemsize for o in jax.tree.leaves(outs))
    return max(1, CHUNK_BYTES // max(nbytes, 1))


def map_draws(
    fn: Callable[..., Any],
    batched: Sequence[Any],
    rest: Sequence[Any] = (),
    x64: bool = False,
    chunk_size: int | None = None,
) -> Any:
    """``fn(*b, *rest)`` for each ``b`` along the leading axis of ``batched`` (all
    the same length), as NumPy arrays with that leading axis (any pytree ``fn``
    returns keeps its structure).

    Example:
        >>> import numpy as np, jax.numpy as jnp
        >>> from ppgraph.sampling.batch import map_draws
        >>> map_draws(lambda x, a: jnp.sum(x) + a, [np.ones((5, 3))], [1.0], chunk_size=2)
        array([4., 4., 4., 4., 4.], dtype=float32)
    """
    n = int(np.shape(batched[0])[0])
    with x64_scope(x64):
        size = chunk_size or chunk_size_for(fn, batched, rest)
        size = max(1, min(size, n))
        f = _vmapped(fn, len(batched), len(rest))
        rest = jax.tree.map(jax.numpy.asarray, tuple(rest))  # on the device once
        pieces = []
        for start in range(0, n, size):
            part = [np.asarray(b[start : start + size]) for b in batched]
            short = size - part[0].shape[0]
            if short:
                part = [np.concatenate([p, np.repeat(p[:1], short, axis=0)]) for p in part]
            out = jax.tree.map(np.asarray, f(*part, *rest))
            pieces.append(jax.tree.map(lambda o, k=size - short: o[:k], out))
    if len(pieces) == 1:
        return pieces[0]
    return jax.tree.map(lambda *xs: np.concatenate(xs), *pieces)
