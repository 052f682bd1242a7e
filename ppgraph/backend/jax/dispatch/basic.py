"""The dispatch table: ``jax_funcify(op, node)`` returns a JAX callable of the
node's input values. Register an op family with ``@jax_funcify.register(OpClass)``.

A callable returns one array, or a tuple for an op with several outputs.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from ppgraph.graph.basic import Apply, Op


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
