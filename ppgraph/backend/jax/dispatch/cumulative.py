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
        # which parameters carry a gradient (the integer ones, if any, do not)
        diff = [i for i, p in enumerate(params) if jnp.issubdtype(jnp.result_type(p), jnp.inexact)]

        def support(lo: Any, hi: Any) -> tuple[Any, Any, Any]:
            ok = jnp.isfinite(lo) & jnp.isfinite(hi)
            start = jnp.min(jnp.where(ok, lo, jnp.inf), initial=jnp.inf).astype(dtype)
            stop = jnp.minimum(jnp.max(jnp.where(ok, hi, -jnp.inf), initial=-jnp.inf),
                               start + MAX_TERMS)  # fmt: skip
            return ok, start, stop

        def at(k: Any, ok: Any, lo: Any, hi: Any) -> tuple[Any, Any]:
            """``k`` for every element, and where it is inside that element's support
            (outside, the log-mass is evaluated at ``lo`` and masked)."""
            inside = ok & (k >= lo) & (k <= hi)
            return jnp.where(inside, k, jnp.where(ok, lo, 0.0)), inside

        def sums(x: Any, lo: Any, hi: Any, ps: tuple[Any, ...]) -> Any:
            ok, start, stop = support(lo, hi)

            def add(state: Any) -> Any:
                k, below, above = state
                kk, inside = at(k, ok, lo, hi)
                lp = logpmf(kk, *ps)
                below = jnp.where(inside & (k <= x), jnp.logaddexp(below, lp), below)
                above = jnp.where(inside & (k > x), jnp.logaddexp(above, lp), above)
                return k + 1, below, above

            none = jnp.full(shape, -jnp.inf, dtype)
            _, below, above = jax.lax.while_loop(lambda s: s[0] <= stop, add, (start, none, none))
            # near 1, the complement of the mass above x keeps the digits
            use_below = below < np.log(0.5)
            return jnp.where(use_below, below, _log1mexp(jnp.minimum(above, 0.0))), use_below

        # a while_loop has no reverse mode: the gradient is a second loop (bwd)
        @jax.custom_vjp
        def value(x: Any, lo: Any, hi: Any, *ps: Any) -> Any:
            return sums(x, lo, hi, ps)[0]

        def fwd(x: Any, lo: Any, hi: Any, *ps: Any) -> Any:
            out, use_below = sums(x, lo, hi, ps)
            return out, (x, lo, hi, ps, out, use_below)

        def bwd(res: Any, g: Any) -> Any:
            # d log F = sum_{k <= x} e^{lp_k - log F} d lp_k, or, where F came from
            # 1 - (mass above x), -sum_{k > x} e^{lp_k - log F} d lp_k; x and the
            # support's ends are integers: no gradient
            x, lo, hi, ps, out, use_below = res
            ok, start, stop = support(lo, hi)
            sign = jnp.where(use_below, 1.0, -1.0)

            def add(state: Any) -> Any:
                k, acc = state
                kk, inside = at(k, ok, lo, hi)
                lp, pull = jax.vjp(
                    lambda *d: logpmf(kk, *_put(ps, diff, d)), *(ps[i] for i in diff)
                )
                take = inside & ((k <= x) == use_below)
                w = jnp.where(take, sign * jnp.exp(jnp.minimum(lp - out, 0.0)), 0.0)
                return k + 1, tuple(a + c for a, c in zip(acc, pull(g * w), strict=True))

            acc0 = tuple(jnp.zeros_like(ps[i]) for i in diff)
            acc = jax.lax.while_loop(lambda s: s[0] <= stop, add, (start, acc0))[1]
            grads = [_zero_cotangent(p) for p in ps]
            for i, a in zip(diff, acc, strict=True):
                grads[i] = a
            return (jnp.zeros_like(x), jnp.zeros_like(lo), jnp.zeros_like(hi), *grads)

        value.defvjp(fwd, bwd)
        return value(x, lo, hi, *params)

    return logcdf


def _put(ps: tuple[Any, ...], idx: list[int], vals: tuple[Any, ...]) -> list[Any]:
    out = list(ps)
    for i, v in zip(idx, vals, strict=True):
        out[i] = v
    return out


def _zero_cotangent(p: Any) -> Any:
    p = jnp.asarray(p)
    if jnp.issubdtype(p.dtype, jnp.inexact):
        return jnp.zeros_like(p)
    return np.zeros(p.shape, dtype=jax.dtypes.float0)
