"""The dispatch table: ``jax_funcify(op, node)`` returns a JAX callable of the
node's input values. Register an op family with ``@jax_funcify.register(OpClass)``.

A callable returns one array, or a tuple for an op with several outputs.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from ppgraph.graph.basic import Apply, Op, Variable
from ppgraph.tensor.type import TensorType


@functools.singledispatch
def jax_funcify(op: Op, node: Apply) -> Callable[..., Any]:
    """The JAX implementation of ``op`` at ``node``.

    Example:
        >>> import ppgraph.tensor as pt
        >>> from ppgraph.backend.jax.dispatch import jax_funcify
        >>> node = pt.exp(pt.scalar("x")).owner
        >>> float(jax_funcify(node.op, node)(0.0))
        1.0
    """
    raise NotImplementedError(
        f"no JAX implementation registered for {type(op).__name__} ({op}); "
        "register one with @jax_funcify.register"
    )


def tensor_type(var: Variable) -> TensorType:
    """The TensorType of ``var`` (every lowered value but a key is a tensor)."""
    t = var.type
    assert isinstance(t, TensorType), f"{var!r} is not a tensor"
    return t


def as_dtype(x: Any, dtype: str) -> Any:
    """``x`` in ``dtype`` as JAX's current precision allows (float64 becomes
    float32 where 64-bit JAX is off, without a warning)."""
    import jax.numpy as jnp
    from jax import dtypes

    want = dtypes.canonicalize_dtype(dtype)
    x = jnp.asarray(x)
    return x if x.dtype == want else x.astype(want)


def jax_dtype(dtype: str) -> Any:
    """``dtype`` as JAX's current precision allows."""
    from jax import dtypes

    return dtypes.canonicalize_dtype(dtype)
