"""Draws of ``pg.CustomDist`` variables (``ppgraph/random/custom.py``).

``random=``: called as ``random(*params, rng=key, size=batch_shape)`` with JAX
arrays and a typed JAX key, inside the jitted draw. A function that cannot run
on JAX values (PyMC-style code calling ``rng.normal(...)`` on a NumPy
Generator, or NumPy functions that need concrete arrays) is run instead through
``jax.pure_callback`` with NumPy arrays and a NumPy Generator seeded from the
key: still one jitted (and vmapped) call, but run on the host, one draw at a
time under ``vmap``.

``dist=``: the graph the function builds is lowered with its own random
variables' keys split from the variable's key.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ppgraph.backend.jax.dispatch.basic import as_dtype, jax_dtype, jax_funcify
from ppgraph.backend.jax.dispatch.random import _core_shape
from ppgraph.backend.jax.dispatch.shape import static_ints
from ppgraph.graph.basic import Apply
from ppgraph.random.custom import CustomRV, SymbolicCustomRV
from ppgraph.random.op import RandomKeySharedVariable

# What a NumPy-only random= raises when handed JAX values or a JAX key.
_NOT_JAX = (
    jax.errors.TracerArrayConversionError,
    jax.errors.ConcretizationTypeError,
    jax.errors.TracerIntegerConversionError,
    jax.errors.TracerBoolConversionError,
    AttributeError,
    TypeError,
)


def _shape(op: Any, node: Apply, size: Any, params: Any) -> tuple[int, ...]:
    static = node.outputs[0].type.shape  # type: ignore[attr-defined]
    if None not in static:
        return tuple(static)
    batch = static_ints(size, op.name) or jnp.broadcast_shapes(
        *(jnp.shape(p)[: jnp.ndim(p) - n] for p, n in zip(params, op.ndims_params, strict=True))
    )
    return (*batch, *_core_shape(op, static, params))


@jax_funcify.register(CustomRV)
def _custom(op: CustomRV, node: Apply) -> Callable[..., Any]:
    if op.random_fn is None:
        raise NotImplementedError(
            f"{node.outputs[0].name or op.dist_name}: this CustomDist has no random= "
            "function, so it cannot be drawn from; give random=(*params, rng, size) -> draws, "
            "or build it with dist="
        )
    fn = op.random_fn

    def draw(key_data: Any, size: Any, *params: Any) -> Any:
        dtype = jax_dtype(op.dtype)
        shape = _shape(op, node, size, params)
        batch = shape[: len(shape) - op.ndim_supp]
        try:
            out = fn(*params, rng=jax.random.wrap_key_data(key_data), size=batch)
            out = jnp.asarray(out)
        except _NOT_JAX:
            out = _host_draw(fn, key_data, params, batch, shape, dtype)
        return _fit(op, node, out, shape, dtype)

    return draw


def _host_draw(fn: Any, key_data: Any, params: Any, batch: Any, shape: Any, dtype: Any) -> Any:
    # The draws cross as their bytes (uint32 words): JAX would narrow a float64
    # result to float32 when the call runs outside 64-bit mode.
    words = np.dtype(dtype).itemsize // 4
    wshape = (*shape, words) if words > 1 else tuple(shape)

    def host(kd: Any, *ps: Any) -> np.ndarray:
        rng = np.random.default_rng(np.asarray(kd, dtype=np.uint32))
        out = np.asarray(fn(*(np.asarray(p) for p in ps), rng=rng, size=batch))
        out = np.ascontiguousarray(np.broadcast_to(out, shape).astype(dtype))
        return out.view(np.uint32).reshape(wshape)

    spec = jax.ShapeDtypeStruct(wshape, np.uint32)
    raw = jax.pure_callback(host, spec, key_data, *params, vmap_method="sequential")
    return jax.lax.bitcast_convert_type(raw, dtype)


def _fit(op: Any, node: Apply, out: Any, shape: tuple[int, ...], dtype: Any) -> Any:
    try:
        return as_dtype(jnp.broadcast_to(out, shape), dtype)
    except ValueError:
        raise ValueError(
            f"{node.outputs[0].name or op.dist_name}: random= returned draws of shape "
            f"{jnp.shape(out)}, expected {shape}"
        ) from None


@jax_funcify.register(SymbolicCustomRV)
def _symbolic(op: SymbolicCustomRV, node: Apply) -> Callable[..., Any]:
    from ppgraph.backend.jax.linker import lower, shared_inputs

    holders = [p.type.make_variable(name=f"param_{i}") for i, p in enumerate(node.inputs[2:])]
    inner = op.build(holders)
    shared = shared_inputs(holders, [inner])
    keys = [v for v in shared if isinstance(v, RandomKeySharedVariable)]
    others = [v for v in shared if not isinstance(v, RandomKeySharedVariable)]
    fn = lower([*holders, *keys], [inner], others, "off")
    values = [jnp.asarray(v.get_value()) for v in others]

    def draw(key_data: Any, size: Any, *params: Any) -> Any:
        sub = jax.random.split(jax.random.wrap_key_data(key_data), max(len(keys), 1))
        datas = [jax.random.key_data(k) for k in sub[: len(keys)]]
        return as_dtype(fn(*params, *datas, *values)[0], op.dtype)

    return draw
