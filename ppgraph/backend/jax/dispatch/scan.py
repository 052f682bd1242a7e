"""Scan: the held step graph is rewritten, lowered once, and run by one
``jax.lax.scan`` (by ``jax.vmap`` when no output is fed back: the steps are
then independent, and one vectorized pass is faster than a loop).

The carry of an output fed back with taps down to ``-K`` is a buffer of its
last ``K`` values; the step reads tap ``k`` at ``buffer[K + k]``. A random key
the step reads is folded with the step index, so each step draws anew. A loop with ``until`` is a
``lax.scan`` whose steps after the stop are skipped.
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


def _static_steps(op: Scan, n_steps: Any) -> int:
    try:
        return static_ints(n_steps, f"{op}: n_steps")[0]
    except ValueError:
        raise ValueError(
            f"{op}: n_steps depends on input values, but XLA compiles for static shapes, "
            "so the number of steps must be known when the function is compiled: an int, "
            "or computed from shapes (x.shape[0], a pg.Data's length: a new length "
            "compiles anew). For a length known only when run, give an upper bound as "
            "n_steps and stop early: return outputs, pt.until(t + 1 >= n) from the step, "
            "with t from sequences=pt.arange(bound)"
        ) from None


def _run_until(body: Callable[..., Any], inits: list[Any], index: Any, seqs: list[Any]) -> Any:
    """The loop of ``body`` stopped after the first step whose last output (the
    ``until`` condition) holds: later steps are skipped by ``lax.cond`` (so they
    cost nothing and put no NaN into gradients), and their rows repeat the last
    step run."""
    shapes = jax.eval_shape(
        body, inits, (index[0], [jax.ShapeDtypeStruct(s.shape[1:], s.dtype) for s in seqs])
    )[1]
    blank = [jnp.zeros(o.shape, o.dtype) for o in shapes]

    def step(carry: Any, x: Any) -> Any:
        bufs, done, n_run = carry

        def run(_: Any) -> Any:
            new, outs = body(bufs, x)
            return (new, jnp.asarray(outs[-1], bool), n_run + 1), outs

        return jax.lax.cond(done, lambda _: ((bufs, done, n_run), blank), run, None)

    start = (inits, jnp.asarray(False), jnp.asarray(0, index.dtype))
    (_, _, n_run), ys = jax.lax.scan(step, start, (index, seqs))
    rows = jnp.minimum(index, n_run - 1)
    return [y[rows] for y in ys]


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
            n = _static_steps(op, n_steps)
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
        if op.until and n:
            return tuple(_run_until(body, inits, index, seqs))
        if not recurrent:
            return tuple(jax.vmap(lambda t, xs: body([], (t, xs))[1])(index, seqs))
        _, ys = jax.lax.scan(body, inits, (index, seqs), length=n)
        return tuple(ys)

    if len(node.outputs) == 1:
        return lambda *args: scan(*args)[0]
    return scan
