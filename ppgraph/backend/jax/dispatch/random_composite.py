"""Samplers of the composite random variables (``ppgraph/random/composite.py``).

``sample_op(op, key, shape, *params)`` draws any RandomVariable op: a plain
family through the sampler table of ``random.py``, a composite through its
function here, which calls ``sample_op`` on its components (so composites nest).

A truncation is drawn by the inverse cdf where the base family has an icdf
(its logcdf and icdf graphs, lowered here, give ``F^{-1}(F(l) + u (F(u) - F(l)))``
computed in log space), by rejection otherwise; the normal has its own
sampler, exact far into either tail.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import jax.scipy.special as jss

from ppgraph.backend.jax.dispatch.basic import as_dtype, jax_dtype, jax_funcify
from ppgraph.backend.jax.dispatch.random import SAMPLERS
from ppgraph.backend.jax.dispatch.shape import static_ints
from ppgraph.graph.basic import Apply
from ppgraph.random.basic import NormalRV
from ppgraph.random.composite import BoundedRV, CensoredRV, MixtureRV, TruncatedRV
from ppgraph.random.op import RandomVariable

MAX_REJECTION_ROUNDS = 1000


@functools.singledispatch
def sample_op(op: RandomVariable, key: Any, shape: tuple[int, ...], *params: Any) -> Any:
    """A draw of ``op`` of the given full ``shape``, from a typed JAX ``key``."""
    try:
        fn = SAMPLERS[type(op)]
    except KeyError:
        raise NotImplementedError(f"no JAX sampler registered for {op.name}") from None
    return as_dtype(fn(key, shape, jax_dtype(op.dtype), *params), op.dtype)


@jax_funcify.register(MixtureRV)
@jax_funcify.register(BoundedRV)
def _composite(op: RandomVariable, node: Apply) -> Callable[..., Any]:
    static_shape = node.outputs[0].type.shape  # type: ignore[attr-defined]

    def draw(key_data: Any, size: Any, *params: Any) -> Any:
        shape = static_shape
        if None in shape:
            batches = (
                jnp.shape(p)[: jnp.ndim(p) - n]
                for p, n in zip(params, op.ndims_params, strict=True)
            )
            shape = static_ints(size, op.name) or jnp.broadcast_shapes(*batches)
        return sample_op(op, jax.random.wrap_key_data(key_data), tuple(shape), *params)

    return draw


@sample_op.register(MixtureRV)
def _mixture(op: MixtureRV, key: Any, shape: tuple[int, ...], *params: Any) -> Any:
    w, comps = op.split(params)
    k_pick, *k_comps = jax.random.split(key, 1 + len(op.components))
    if op.batched:
        draws = sample_op(op.components[0], k_comps[0], (*shape, jnp.shape(w)[-1]), *comps[0])
    else:
        parts = [
            sample_op(c, kc, shape, *ps)
            for c, kc, ps in zip(op.components, k_comps, comps, strict=True)
        ]
        draws = jnp.stack(parts, axis=-1)
    pick = jax.random.categorical(k_pick, jnp.log(w), axis=-1, shape=shape)
    return jnp.take_along_axis(draws, pick[..., None], axis=-1)[..., 0]


@sample_op.register(CensoredRV)
def _censored(op: CensoredRV, key: Any, shape: tuple[int, ...], *params: Any) -> Any:
    lower, upper, base_params = op.split(params)
    x = sample_op(op.base_op, key, shape, *base_params)
    if lower is not None:
        x = jnp.maximum(x, lower)
    if upper is not None:
        x = jnp.minimum(x, upper)
    return as_dtype(x, op.dtype)


def _log1mexp(x: Any) -> Any:
    """log(1 - exp(x)) for x <= 0, accurate at both ends."""
    return jnp.where(x > -0.6931472, jnp.log(-jnp.expm1(x)), jnp.log1p(-jnp.exp(x)))


def _uniform_log_q(key: Any, shape: tuple[int, ...], dtype: Any, log_lo: Any, log_hi: Any) -> Any:
    """log q for q uniform on (exp(log_lo), exp(log_hi)], computed in log space."""
    u = jax.random.uniform(key, shape, dtype, minval=jnp.finfo(dtype).tiny, maxval=1.0)
    log_mass = log_hi + _log1mexp(jnp.minimum(log_lo - log_hi, 0.0))
    return jnp.logaddexp(log_lo, jnp.log(u) + log_mass)


def _ndtri_log(log_q: Any) -> Any:
    """The standard normal quantile at ``exp(log_q)``, also where ``exp(log_q)``
    underflows: from the tail asymptote ``log q ~ -z^2/2 - log(-z sqrt(2 pi))``,
    refined by Newton steps on ``log_ndtr(z) = log q``."""
    t = -2.0 * jnp.minimum(log_q, -1.0)
    z = jnp.where(log_q > -700.0, jss.ndtri(jnp.exp(log_q)), -jnp.sqrt(t - jnp.log(2 * jnp.pi * t)))
    for _ in range(3):
        log_pdf = -0.5 * z * z - 0.9189385332046727
        step = (jss.log_ndtr(z) - log_q) * jnp.exp(jss.log_ndtr(z) - log_pdf)
        z = jnp.where(log_q > -700.0, z, z - step)
    return z


def _truncated_normal(
    key: Any, shape: tuple[int, ...], dtype: Any, lower: Any, upper: Any, mu: Any, sigma: Any
) -> Any:
    # On the standard scale [a, b]; an interval in the upper tail is drawn as its
    # mirror image in the lower tail, where the cdf is small and exact.
    a = -jnp.inf if lower is None else (lower - mu) / sigma
    b = jnp.inf if upper is None else (upper - mu) / sigma
    flip = a + b > 0
    lo, hi = jnp.where(flip, -b, a), jnp.where(flip, -a, b)
    log_q = _uniform_log_q(key, shape, dtype, jss.log_ndtr(lo), jss.log_ndtr(hi))
    z = jnp.clip(_ndtri_log(log_q), lo, hi)
    return mu + sigma * jnp.where(flip, -z, z)


# Families with a dedicated truncated sampler: (key, shape, dtype, lower, upper, *params).
TRUNCATED_SAMPLERS: dict[type, Callable[..., Any]] = {NormalRV: _truncated_normal}


@functools.lru_cache(maxsize=256)
def _lowered(kind: str, op: RandomVariable, types: tuple[tuple[str, tuple[int, ...]], ...]) -> Any:
    """The family's logcdf or icdf graph, lowered (Checks off) for arguments of ``types``."""
    from ppgraph.backend.jax.linker import lower
    from ppgraph.logprob.basic import _icdf, _logcdf
    from ppgraph.tensor.type import tensor

    args = [tensor(dtype, shape) for dtype, shape in types]
    out = (_logcdf if kind == "logcdf" else _icdf)(op, *args)
    fn = lower(args, [out], [], "off")
    return lambda *xs: fn(*xs)[0]


def _call(kind: str, op: RandomVariable, *args: Any) -> Any:
    arrays = [jnp.asarray(a) for a in args]
    types = tuple((str(a.dtype), tuple(a.shape)) for a in arrays)
    return _lowered(kind, op, types)(*arrays)


def has_icdf(op: RandomVariable) -> bool:
    """Whether ``op``'s family registered a quantile function."""
    from ppgraph.logprob.basic import _icdf

    return _icdf.dispatch(type(op)) is not _icdf.dispatch(object)


@sample_op.register(TruncatedRV)
def _truncated(op: TruncatedRV, key: Any, shape: tuple[int, ...], *params: Any) -> Any:
    lower, upper, base_params = op.split(params)
    base = op.base_op
    special = TRUNCATED_SAMPLERS.get(type(base))
    if special is not None:
        x = special(key, shape, jax_dtype(op.dtype), lower, upper, *base_params)
    elif has_icdf(base):
        x = _inverse_cdf(op, key, shape, lower, upper, base_params)
    else:
        x = _rejection(op, key, shape, lower, upper, base_params)
    if lower is not None:
        x = jnp.maximum(x, lower)
    if upper is not None:
        x = jnp.minimum(x, upper)
    return as_dtype(x, op.dtype)


def _inverse_cdf(
    op: TruncatedRV, key: Any, shape: tuple[int, ...], lower: Any, upper: Any, params: list[Any]
) -> Any:
    base = op.base_op
    discrete = not op.dtype.startswith("float")
    fdtype = jnp.result_type(*params, float) if discrete else jax_dtype(op.dtype)
    log_lo = jnp.asarray(-jnp.inf, fdtype)
    if lower is not None:  # P(X < lower): F(lower - 1) for integers
        log_lo = _call("logcdf", base, lower - 1 if discrete else lower, *params)
    log_hi = jnp.zeros((), fdtype) if upper is None else _call("logcdf", base, upper, *params)
    log_q = _uniform_log_q(key, shape, fdtype, log_lo, log_hi)
    return _call("icdf", base, jnp.exp(log_q), *params)


def _rejection(
    op: TruncatedRV, key: Any, shape: tuple[int, ...], lower: Any, upper: Any, params: list[Any]
) -> Any:
    """Redraw until every element is in bounds (NaN, or the last draw for
    integers, where ``MAX_REJECTION_ROUNDS`` rounds were not enough)."""

    def inside(x: Any) -> Any:
        ok = jnp.ones(jnp.shape(x), bool)
        if lower is not None:
            ok = ok & (x >= lower)
        if upper is not None:
            ok = ok & (x <= upper)
        return ok

    def body(state: tuple[Any, ...]) -> tuple[Any, ...]:
        i, key, x, done = state
        key, sub = jax.random.split(key)
        new = sample_op(op.base_op, sub, shape, *params)
        x = jnp.where(done, x, new)
        return i + 1, key, x, done | inside(new)

    def cond(state: tuple[Any, ...]) -> Any:
        i, _, _, done = state
        return (i < MAX_REJECTION_ROUNDS) & ~jnp.all(done)

    key, sub = jax.random.split(key)
    x = sample_op(op.base_op, sub, shape, *params)
    _, _, x, done = jax.lax.while_loop(cond, body, (0, key, x, inside(x)))
    return jnp.where(done, x, jnp.nan) if op.dtype.startswith("float") else x


__all__ = ["TRUNCATED_SAMPLERS", "has_icdf", "sample_op"]
