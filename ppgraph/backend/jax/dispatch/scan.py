"""Scan: the held step graph is rewritten, lowered once, and run by one
``jax.lax.scan`` (by ``jax.vmap`` when no output is fed back: the steps are
then independent, and one vectorized pass is faster than a loop).

The carry of an output fed back with taps down to ``-K`` is a buffer of its
last ``K`` values; the step reads tap ``k`` at ``buffer[K + k]``. A random key
the step reads is folded with the step index, so each step draws anew.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp

from ppgraph.backend.jax.dispatch.basic import as_dtype, jax_funcify, tensor_type
from ppgraph.backend.jax.dispatch.shape import static_ints
from ppgraph.graph.basic import Apply, Constant
from ppgraph.random.op import RandomKeyType
from ppgraph.tensor.scan_op import Scan


@functools.lru_cache(maxsize=128)
def _step_function(op: Scan) -> Callable[..., list[Any]]:
    """The step graph as a JAX function of its stand-ins: rewritten, lowered once."""
    from ppgraph.backend.jax.linker import lower
    from ppgraph.rewrite.pipeline import rewrite_graph

    outs = rewrite_graph(list(op.inner_outputs), op.inner_inputs)
    return lower(list(op.inner_inputs), outs, [], "off")


def _fold(key_data: Any, t: Any) -> Any:
    return jax.random.key_data(jax.random.fold_in(jax.random.wrap_key_data(key_data), t))


@jax_funcify.register(Scan)
def _scan(op: Scan, node: Apply) -> Callable[..., Any]:
    step = _step_function(op)
    n_ns = op.n_nonseqs
    ns_start = op.n_seqs + op.n_taps
    is_key = [isinstance(v.type, RandomKeyType) for v in op.inner_inputs[ns_start:]]
    recurrent = op.recurrent
    out_dtypes = [tensor_type(o).dtype for o in node.outputs]
    n_const = node.inputs[0] if op.has_n_steps and isinstance(node.inputs[0], Constant) else None

    def scan(*args: Any) -> Any:
        if op.has_n_steps:
            n_steps = args[0] if n_const is None else n_const.data
            n = static_ints(n_steps, f"{op}: n_steps")[0]
            args = args[1:]
        else:
            n = min(jnp.shape(s)[0] for s in args[: op.n_seqs])
        seqs = list(args[: op.n_seqs])
        for s in seqs:
            if jnp.shape(s)[0] < n:
                raise ValueError(f"{op}: a sequence has {jnp.shape(s)[0]} steps, fewer than {n}")
        seqs = [s[:n] for s in seqs]
        inits = list(args[op.n_seqs : op.n_seqs + len(recurrent)])
        nonseqs = args[len(args) - n_ns :] if n_ns else ()

        def body(bufs: list[Any], x: tuple[Any, list[Any]]) -> tuple[list[Any], list[Any]]:
            t, xs = x
            taps = [
                buf[len(buf) + k]
                for i, buf in zip(recurrent, bufs, strict=True)
                for k in op.taps[i]
            ]
            ns = [_fold(v, t) if key else v for v, key in zip(nonseqs, is_key, strict=True)]
            outs = [as_dtype(o, d) for o, d in zip(step(*xs, *taps, *ns), out_dtypes, strict=True)]
            new = []
            for i, buf in zip(recurrent, bufs, strict=True):
                value = jnp.broadcast_to(outs[i], buf.shape[1:]).astype(buf.dtype)
                new.append(jnp.concatenate([buf[1:], value[None]]) if len(buf) > 1 else value[None])
            return new, outs

        index = jnp.arange(n)
        if not recurrent:
            return tuple(jax.vmap(lambda t, xs: body([], (t, xs))[1])(index, seqs))
        _, ys = jax.lax.scan(body, inits, (index, seqs), length=n)
        return tuple(ys)

    if len(node.outputs) == 1:
        return lambda *args: scan(*args)[0]
    return scan
