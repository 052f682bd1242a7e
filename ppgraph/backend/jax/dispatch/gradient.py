"""Grad and Hessian: the held graph is rewritten, lowered once, and handed to
``jax.grad`` / ``jax.hessian``.

The held graph is lowered with its Checks switched off: ``grad``/``hessian``
put copies of those Checks around their outputs, in the outer graph, where the
function's check mode applies to them as to any other Check.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp

from ppgraph.backend.jax.dispatch.basic import jax_dtype, jax_funcify, tensor_type
from ppgraph.graph.basic import Apply, Variable
from ppgraph.tensor.gradient import Grad, Hessian, _Derivative


@functools.lru_cache(maxsize=128)
def held_function(out: Variable, inputs: tuple[Variable, ...]) -> Callable[..., Any]:
    """A graph an op holds (a cost, a logcdf) as a JAX function of its stand-in
    ``inputs``: rewritten, lowered with checks off, one output."""
    from ppgraph.backend.jax.linker import lower
    from ppgraph.rewrite.pipeline import rewrite_graph

    [held] = rewrite_graph([out], inputs)
    f = lower(list(inputs), [held], [], "off")
    return lambda *args: f(*args)[0]


def _held(op: _Derivative) -> Callable[..., Any]:
    """The held cost as a function of the op's inputs."""
    return held_function(op.cost, tuple(op.inputs))


@jax_funcify.register(Grad)
def _grad(op: Grad, node: Apply) -> Callable[..., Any]:
    k = op.n_wrt
    grad_fn = jax.grad(_held(op), argnums=tuple(range(k)))
    dtype = tensor_type(node.outputs[0]).dtype

    def gradient(*args: Any) -> Any:
        grads = grad_fn(*(jnp.asarray(a) for a in args))
        if op.flat:
            # the dtype is resolved while tracing: 64-bit JAX may be on only then
            return jnp.concatenate([jnp.ravel(g).astype(jax_dtype(dtype)) for g in grads])
        return grads[0] if k == 1 else tuple(grads)

    return gradient


@jax_funcify.register(Hessian)
def _hessian(op: Hessian, node: Apply) -> Callable[..., Any]:
    fn, k = _held(op), op.n_wrt

    def hessian(*args: Any) -> Any:
        arrays = [jnp.asarray(a) for a in args]
        wrt, rest = arrays[:k], arrays[k:]
        dtype = jnp.result_type(*wrt)

        def flat_fn(theta: Any) -> Any:
            parts, start = [], 0
            for a in wrt:
                parts.append(theta[start : start + a.size].reshape(a.shape).astype(a.dtype))
                start += a.size
            return fn(*parts, *rest)

        theta = jnp.concatenate([jnp.ravel(a).astype(dtype) for a in wrt])
        return jax.hessian(flat_fn)(theta)

    return hessian
