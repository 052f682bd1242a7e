"""Lowering of ``PositiveQuantile``: a bracket by doubling and halving, then a
fixed number of bisections on ``log x`` (each halves the bracket; 64 after a
bracket of at most 2^64 reach the dtype's resolution)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ppgraph.backend.jax.dispatch.basic import jax_funcify
from ppgraph.backend.jax.dispatch.gradient import held_function
from ppgraph.graph.basic import Apply
from ppgraph.logprob.quantile import PositiveQuantile

BRACKET_ROUNDS = 64  # doublings (or halvings) of the start: a factor 2^64 either way
BISECTIONS = 64


@jax_funcify.register(PositiveQuantile)
def _positive_quantile(op: PositiveQuantile, node: Apply) -> Callable[..., Any]:
    logcdf = held_function(op.logcdf, op.inputs)

    def quantile(q: Any, start: Any, *params: Any) -> Any:
        q = jnp.asarray(q)
        shape = jax.eval_shape(logcdf, q, *params).shape
        q = jnp.broadcast_to(q, shape)
        # compare in the tail that keeps digits: log F below the median, log(1 - F) above
        upper_half = q > 0.5
        target = jnp.where(upper_half, jnp.log1p(-q), jnp.log(q))

        def below(x: Any) -> Any:
            """F(x) < q."""
            lc = logcdf(x, *params)
            log_sf = jnp.where(lc > -np.log(2.0), jnp.log(-jnp.expm1(lc)), jnp.log1p(-jnp.exp(lc)))
            return jnp.where(upper_half, log_sf > target, lc < target)

        x0 = jnp.broadcast_to(jnp.asarray(start, q.dtype), shape)

        def widen(state: Any) -> Any:
            i, lo, hi = state
            lo = jnp.where(below(lo), lo, lo / 2)
            hi = jnp.where(below(hi), hi * 2, hi)
            return i + 1, lo, hi

        def open_(state: Any) -> Any:
            i, lo, hi = state
            return (i < BRACKET_ROUNDS) & jnp.any(~below(lo) | below(hi))

        _, lo, hi = jax.lax.while_loop(open_, widen, (0, x0, x0))

        def halve(_: Any, state: Any) -> Any:
            lo, hi = state
            mid = jnp.sqrt(lo) * jnp.sqrt(hi)  # the midpoint of log x
            go_up = below(mid)
            return jnp.where(go_up, mid, lo), jnp.where(go_up, hi, mid)

        lo, hi = jax.lax.fori_loop(0, BISECTIONS, halve, (lo, hi))
        return jnp.sqrt(lo) * jnp.sqrt(hi)

    return quantile
