"""Lowering of ``DiscreteLogCdf``: a held log-mass summed over a support whose
ends are known at run time, in one ``while_loop``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ppgraph.backend.jax.dispatch.basic import jax_funcify
from ppgraph.backend.jax.dispatch.gradient import held_function
from ppgraph.graph.basic import Apply
from ppgraph.logprob.cumulative import MAX_TERMS, DiscreteLogCdf


def _log1mexp(x: Any) -> Any:
    """``log(1 - exp(x))`` for ``x <= 0``, accurate at both ends."""
    return jnp.where(x > -np.log(2.0), jnp.log(-jnp.expm1(x)), jnp.log1p(-jnp.exp(x)))


@jax_funcify.register(DiscreteLogCdf)
def _discrete_logcdf(op: DiscreteLogCdf, node: Apply) -> Callable[..., Any]:
    logpmf = held_function(op.logpmf, op.inputs)

    def logcdf(x: Any, lower: Any, upper: Any, *params: Any) -> Any:
        x = jnp.asarray(x)
        shape = jax.eval_shape(logpmf, x, *params).shape
        dtype = jax.eval_shape(logpmf, x, *params).dtype
        x = jnp.broadcast_to(x.astype(dtype), shape)
        lo = jnp.broadcast_to(jnp.ceil(jnp.asarray(lower, dtype)), shape)
        hi = jnp.broadcast_to(jnp.floor(jnp.asarray(upper, dtype)), shape)
        ok = jnp.isfinite(lo) & jnp.isfinite(hi)
        start = jnp.min(jnp.where(ok, lo, jnp.inf), initial=jnp.inf)
        stop = jnp.minimum(jnp.max(jnp.where(ok, hi, -jnp.inf), initial=-jnp.inf),
                           start + MAX_TERMS)  # fmt: skip
        none = jnp.full(shape, -jnp.inf, dtype)

        def more(state: Any) -> Any:
            return state[0] <= stop

        def add(state: Any) -> Any:
            k, below, above = state
            lp = logpmf(jnp.full(shape, k, dtype), *params)
            inside = ok & (k >= lo) & (k <= hi)
            below = jnp.where(inside & (k <= x), jnp.logaddexp(below, lp), below)
            above = jnp.where(inside & (k > x), jnp.logaddexp(above, lp), above)
            return k + 1, below, above

        _, below, above = jax.lax.while_loop(more, add, (start.astype(dtype), none, none))
        # near 1, the complement of the mass above x keeps the digits
        return jnp.where(below < np.log(0.5), below, _log1mexp(jnp.minimum(above, 0.0)))

    return logcdf
