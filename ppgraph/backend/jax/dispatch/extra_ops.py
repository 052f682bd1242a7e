"""``ppgraph.tensor.extra_ops``: cumulative sums and products, and friends."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax.numpy as jnp

from ppgraph.backend.jax.dispatch.basic import as_dtype, jax_funcify, tensor_type
from ppgraph.graph.basic import Apply
from ppgraph.tensor.extra_ops import CumOp, Repeat, SearchSorted, Sort, Tile


@jax_funcify.register(CumOp)
def _cumop(op: CumOp, node: Apply) -> Callable[..., Any]:
    fn = jnp.cumsum if op.mode == "add" else jnp.cumprod
    dtype = tensor_type(node.outputs[0]).dtype
    axis = op.axis

    def cumop(x: Any) -> Any:
        x = as_dtype(x, dtype)
        return fn(jnp.ravel(x) if axis is None else x, axis=0 if axis is None else axis)

    return cumop


@jax_funcify.register(Repeat)
def _repeat(op: Repeat, node: Apply) -> Callable[..., Any]:
    length = tensor_type(node.outputs[0]).shape[op.axis or 0]
    reps = op.repeats if isinstance(op.repeats, int) else jnp.asarray(op.repeats)
    return lambda x: jnp.repeat(x, reps, axis=op.axis, total_repeat_length=length)


@jax_funcify.register(Tile)
def _tile(op: Tile, node: Apply) -> Callable[..., Any]:
    return lambda x: jnp.tile(x, op.reps)


@jax_funcify.register(Sort)
def _sort(op: Sort, node: Apply) -> Callable[..., Any]:
    dtype = tensor_type(node.outputs[0]).dtype
    if op.arg:
        return lambda x: as_dtype(jnp.argsort(x, axis=op.axis, stable=True), dtype)
    return lambda x: jnp.sort(x, axis=op.axis)


@jax_funcify.register(SearchSorted)
def _searchsorted(op: SearchSorted, node: Apply) -> Callable[..., Any]:
    return lambda x, v: as_dtype(jnp.searchsorted(x, v, side=op.side), "int64")
