"""Graph -> a pure Python function of JAX arrays: a short interpreter over the
toposorted graph, traced once by ``jax.jit``.

Variables get slots in a list; each step calls one op's JAX callable on its
input slots and stores its outputs. Constants are baked in; shared variables
are extra arguments, so new values of the same shape need no recompile.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import jax.numpy as jnp
import numpy as np

from ppgraph.backend.jax.dispatch import jax_funcify
from ppgraph.backend.jax.dispatch.basic import jax_dtype
from ppgraph.backend.jax.dispatch.check import lowering_check_mode
from ppgraph.config import CheckMode
from ppgraph.graph.basic import Constant, SharedVariable, Variable
from ppgraph.graph.traversal import toposort


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector in the block (then restore it).

    Building or rebuilding a big graph allocates many objects and frees few; a
    collection in the middle walks every live object (the graph, and all of
    JAX) to find little, and made lowering a 10,000-node graph 4x slower.

    Example:
        >>> import gc
        >>> from ppgraph.backend.jax.linker import gc_paused
        >>> with gc_paused():
        ...     gc.isenabled()
        False
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def shared_inputs(inputs: Sequence[Variable], outputs: Sequence[Variable]) -> list[SharedVariable]:
    """The shared variables the outputs need, in a fixed order."""
    given = set(inputs)
    seen: dict[SharedVariable, None] = {}
    for out in outputs:
        if isinstance(out, SharedVariable) and out not in given:
            seen[out] = None
    for node in toposort(outputs, blockers=inputs):
        for v in node.inputs:
            if isinstance(v, SharedVariable) and v not in given:
                seen[v] = None
    return list(seen)


def lower(
    inputs: Sequence[Variable],
    outputs: Sequence[Variable],
    shared: Sequence[SharedVariable],
    check_mode: CheckMode = "-inf",
) -> Callable[..., list[Any]]:
    """A pure function ``f(*inputs, *shared) -> [outputs]`` of JAX arrays.

    Example:
        >>> import ppgraph.tensor as pt
        >>> from ppgraph.backend.jax.linker import lower
        >>> x = pt.scalar("x")
        >>> f = lower([x], [pt.exp(x)], [])
        >>> float(f(0.0)[0])
        1.0
    """
    slot: dict[Variable, int] = {}
    for v in (*inputs, *shared):
        slot.setdefault(v, len(slot))
    n_args = len(inputs) + len(shared)
    arg_slots = [slot[v] for v in (*inputs, *shared)]
    consts: list[tuple[int, Any]] = []
    steps: list[tuple[Callable[..., Any], list[int], list[int]]] = []
    with gc_paused(), lowering_check_mode(check_mode):
        for node in toposort(outputs, blockers=inputs):
            for v in node.inputs:
                if v not in slot and isinstance(v, Constant):
                    slot[v] = len(slot)
                    consts.append((slot[v], np.asarray(v.data)))
            in_slots = [slot[v] for v in node.inputs]
            for o in node.outputs:
                slot[o] = len(slot)
            steps.append((jax_funcify(node.op, node), in_slots, [slot[o] for o in node.outputs]))
    for v in outputs:
        if v not in slot and isinstance(v, Constant):
            slot[v] = len(slot)
            consts.append((slot[v], np.asarray(v.data)))
    out_slots = [slot[v] for v in outputs]
    size = len(slot)

    def graph_fn(*args: Any) -> list[Any]:
        if len(args) != n_args:
            raise TypeError(f"expected {n_args} arguments, got {len(args)}")
        env: list[Any] = [None] * size
        for s, a in zip(arg_slots, args, strict=True):
            env[s] = a
        for s, c in consts:
            # Converted per trace with an explicit dtype: JAX caches a NumPy constant
            # by identity and would reuse its float64 form in a later non-x64 trace.
            env[s] = jnp.asarray(c, dtype=jax_dtype(c.dtype))
        for fn, ins, outs in steps:
            res = fn(*[env[i] for i in ins])
            if len(outs) == 1:
                env[outs[0]] = res
            else:
                for o, r in zip(outs, res, strict=True):
                    env[o] = r
        return [env[s] for s in out_slots]

    return graph_fn
