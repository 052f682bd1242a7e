"""Samplers of the random variable families, from ``jax.random``.

Each sampler takes ``(key, shape, *params)``: the key already wrapped, the
output's full shape (batch + core), and the parameters' values.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp

from ppgraph.backend.jax.dispatch.basic import as_dtype, jax_dtype, jax_funcify
from ppgraph.backend.jax.dispatch.shape import static_ints
from ppgraph.graph.basic import Apply
from ppgraph.random.basic import HalfNormalRV, NormalRV
from ppgraph.random.op import RandomVariable, parse_signature

Sampler = Callable[..., Any]
SAMPLERS: dict[type, Sampler] = {}


WITH_OP: set[type] = set()


def sampler(rv_type: type, with_op: bool = False) -> Callable[[Sampler], Sampler]:
    """Register the sampler of a RandomVariable family; ``with_op`` samplers get
    the op first (for families whose op carries fields, e.g. another family's op)."""

    def register(fn: Sampler) -> Sampler:
        SAMPLERS[rv_type] = fn
        if with_op:
            WITH_OP.add(rv_type)
        return fn

    return register


@sampler(NormalRV)
def _normal(key: Any, shape: tuple[int, ...], dtype: Any, loc: Any, scale: Any) -> Any:
    return loc + scale * jax.random.normal(key, shape, dtype)


@sampler(HalfNormalRV)
def _halfnormal(key: Any, shape: tuple[int, ...], dtype: Any, loc: Any, scale: Any) -> Any:
    return loc + scale * jnp.abs(jax.random.normal(key, shape, dtype))


@jax_funcify.register(RandomVariable)
def _random_variable(op: RandomVariable, node: Apply) -> Callable[..., Any]:
    try:
        fn = SAMPLERS[type(op)]
    except KeyError:
        raise NotImplementedError(f"no JAX sampler registered for {op.name}") from None
    if type(op) in WITH_OP:
        fn = functools.partial(fn, op)
    out_type = node.outputs[0].type
    static_shape = out_type.shape  # type: ignore[attr-defined]
    dtype = op.dtype

    def draw(key_data: Any, size: Any, *params: Any) -> Any:
        key = jax.random.wrap_key_data(key_data)
        if None in static_shape:
            sz = static_ints(size, op.name)
            batch = sz or jnp.broadcast_shapes(
                *(
                    jnp.shape(p)[: jnp.ndim(p) - n]
                    for p, n in zip(params, op.ndims_params, strict=True)
                )
            )
            shape = (*batch, *_core_shape(op, static_shape, params))
        else:
            shape = static_shape
        return as_dtype(fn(key, tuple(shape), jax_dtype(dtype), *params), dtype)

    return draw


def _core_shape(op: RandomVariable, static_shape: Any, params: Any) -> tuple[int, ...]:
    """The output's core sizes: static where the type knows them, else from the
    parameter that carries the same signature dim (``p`` in ``(),(p)->(p)``)."""
    ins, out_dims = parse_signature(op.signature)
    known = static_shape[len(static_shape) - len(out_dims) :] if out_dims else ()
    core = []
    for d, s in zip(out_dims, known, strict=True):
        if s is None:
            s = next(
                jnp.shape(p)[jnp.ndim(p) - len(dims) + dims.index(d)]
                for p, dims in zip(params, ins, strict=True)
                if d in dims
            )
        core.append(int(s))
    return tuple(core)
