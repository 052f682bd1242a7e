"""Shape ops and indexing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax.numpy as jnp
import numpy as np

from ppgraph.backend.jax.dispatch.basic import (
    as_dtype,
    jax_funcify,
    static_when_concrete,
    tensor_type,
)
from ppgraph.graph.basic import Apply
from ppgraph.tensor.shape import BroadcastTo, Concatenate, Reshape, ShapeOp, Stack
from ppgraph.tensor.subtensor import IncSubtensor, IndexItem, Subtensor


def static_ints(value: Any, what: str) -> tuple[int, ...]:
    """Concrete ints from a shape value; XLA needs them at trace time."""
    try:
        return tuple(int(v) for v in np.asarray(value).reshape(-1))
    except Exception as exc:  # a tracer: the shape depends on runtime values
        raise ValueError(
            f"{what}: the shape must be known when the function is compiled, but it "
            "depends on input values; XLA compiles for static shapes"
        ) from exc


@jax_funcify.register(ShapeOp)
def _shape(op: ShapeOp, node: Apply) -> Callable[..., Any]:
    # Shapes are static under jit: a NumPy array keeps them concrete for reshape.
    return lambda x: np.asarray(jnp.shape(x), dtype="int64")


@jax_funcify.register(Reshape)
@static_when_concrete
def _reshape(op: Reshape, node: Apply) -> Callable[..., Any]:
    return lambda x, shp: jnp.reshape(x, static_ints(shp, "reshape"))


@jax_funcify.register(BroadcastTo)
@static_when_concrete
def _broadcast_to(op: BroadcastTo, node: Apply) -> Callable[..., Any]:
    def broadcast_to(x: Any, *shp: Any) -> Any:
        return jnp.broadcast_to(x, tuple(static_ints(s, "broadcast_to")[0] for s in shp))

    return broadcast_to


@jax_funcify.register(Stack)
@static_when_concrete
def _stack(op: Stack, node: Apply) -> Callable[..., Any]:
    dtype = tensor_type(node.outputs[0]).dtype

    def stack(*xs: Any) -> Any:
        return as_dtype(jnp.stack(xs, axis=op.axis), dtype)

    return stack


@jax_funcify.register(Concatenate)
@static_when_concrete
def _concatenate(op: Concatenate, node: Apply) -> Callable[..., Any]:
    return lambda *xs: jnp.concatenate(xs, axis=op.axis)


def build_index(structure: tuple[IndexItem, ...], idx: tuple[Any, ...]) -> tuple[Any, ...]:
    """The Python index from the op's structure and the index tensors' values."""
    it = iter(idx)
    out: list[Any] = []
    for item in structure:
        kind = item[0]
        if kind == "n":
            out.append(None)
        elif kind == "i":
            out.append(item[1])
        elif kind == "t":
            out.append(next(it))
        else:
            parts = (_bound(next(it)) if p == "t" else p for p in item[1:])
            out.append(slice(*parts))
    return tuple(out)


def _bound(value: Any) -> int:
    # A slice's bounds set the result's size, which XLA must know when compiling.
    return static_ints(value, "a slice bound")[0]


@jax_funcify.register(Subtensor)
@static_when_concrete
def _subtensor(op: Subtensor, node: Apply) -> Callable[..., Any]:
    return lambda x, *idx: jnp.asarray(x)[build_index(op.index, idx)]


@jax_funcify.register(IncSubtensor)
def _inc_subtensor(op: IncSubtensor, node: Apply) -> Callable[..., Any]:
    def inc_subtensor(x: Any, y: Any, *idx: Any) -> Any:
        ref = jnp.asarray(x).at[build_index(op.index, idx)]
        return ref.set(y) if op.set_instead_of_inc else ref.add(y)

    return inc_subtensor
