"""The dispatch table: ``jax_funcify(op, node)`` returns a JAX callable of the
node's input values. Register an op family with ``@jax_funcify.register(OpClass)``.

A callable returns one array, or a tuple for an op with several outputs.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from ppgraph.graph.basic import Apply, Constant, Op, Variable
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


Funcify = Callable[[Any, Apply], Callable[..., Any]]


def static_when_concrete(funcify: Funcify) -> Funcify:
    """Decorate a ``jax_funcify`` rule so shape arithmetic stays concrete.

    The callable it returns takes each constant input's value from the graph
    (NumPy, in JAX's current precision) rather than a traced copy, and runs at
    trace time (``jax.ensure_compile_time_eval``) when no input is traced. So
    ``x.reshape((x.shape[0] * 2, -1))`` has concrete sizes under ``jax.jit``,
    which XLA needs: it compiles for static shapes.

    Example:
        >>> import numpy as np, jax, ppgraph.tensor as pt
        >>> from ppgraph.backend.jax.dispatch import jax_funcify
        >>> node = pt.reshape(pt.matrix("m"), (-1,)).owner  # the shape is a constant
        >>> reshape = jax_funcify(node.op, node)
        >>> jax.jit(lambda m: reshape(m, None))(np.ones((2, 2))).shape
        (4,)
    """
    import jax

    @functools.wraps(funcify)
    def rule(op: Any, node: Apply) -> Callable[..., Any]:
        fn = funcify(op, node)
        consts = {i: v.data for i, v in enumerate(node.inputs) if isinstance(v, Constant)}

        def call(*args: Any) -> Any:
            if consts:
                args = tuple(
                    np.asarray(consts[i], dtype=jax_dtype(consts[i].dtype)) if i in consts else a
                    for i, a in enumerate(args)
                )
            if any(isinstance(a, jax.core.Tracer) for a in args):
                return fn(*args)
            with jax.ensure_compile_time_eval():
                return fn(*args)

        return call

    return rule


def tensor_type(var: Variable) -> TensorType:
    """The TensorType of ``var`` (every lowered value but a key is a tensor)."""
    t = var.type
    assert isinstance(t, TensorType), f"{var!r} is not a tensor"
    return t


def as_dtype(x: Any, dtype: str | np.dtype[Any]) -> Any:
    """``x`` in ``dtype`` as JAX's current precision allows (float64 becomes
    float32 where 64-bit JAX is off, without a warning)."""
    import jax.numpy as jnp
    from jax import dtypes

    want = dtypes.canonicalize_dtype(dtype)
    x = jnp.asarray(x)
    return x if x.dtype == want else x.astype(want)


def jax_dtype(dtype: str | np.dtype[Any]) -> Any:
    """``dtype`` as JAX's current precision allows."""
    from jax import dtypes

    return dtypes.canonicalize_dtype(dtype)
