"""The maths the discrete families share: integer values, log-probabilities from
``p`` or its logit, log-cdfs accurate in both tails, and the raw log-masses of the
families the zero-inflated ones build on (without their support checks)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ppgraph.config import config
from ppgraph.distributions.distribution import resolve_alternative
from ppgraph.tensor import math as m
from ppgraph.tensor.elemwise import Elemwise, cast
from ppgraph.tensor.reduction import logsumexp
from ppgraph.tensor.shape import expand_dims
from ppgraph.tensor.type import TensorConstant, TensorVariable, as_tensor_variable

LOG_HALF = float(np.log(0.5))


def as_float(x: Any) -> TensorVariable:
    """``x`` as a float tensor (integers become floatX), for the maths."""
    x = as_tensor_variable(x)
    return x if x.dtype.startswith("float") else cast(x, config.floatX)


def integer_value(value: Any) -> tuple[TensorVariable, list[TensorVariable]]:
    """The value as a float, and the condition that it is an integer (none for ints)."""
    value = as_tensor_variable(value)
    x = as_float(value)
    return x, ([m.eq(m.floor(x), x)] if value.dtype.startswith("float") else [])


def log_p_and_q(p: Any) -> tuple[TensorVariable, TensorVariable]:
    """``(log p, log(1 - p))``, from the logit when ``p = sigmoid(logit_p)``."""
    node = as_tensor_variable(p).owner
    if node is not None and isinstance(node.op, Elemwise) and node.op.scalar_op == "sigmoid":
        logit: Any = node.inputs[0]
        return m.log_sigmoid(logit), m.log_sigmoid(-logit)
    return m.log(p), m.log1p(-p)


def log_p_or_q(is_one: Any, p: Any) -> TensorVariable:
    """``log p`` where ``is_one``, else ``log(1 - p)``; from the logit, one
    ``log_sigmoid(±logit)`` (half the work of computing both and selecting)."""
    node = as_tensor_variable(p).owner
    if node is not None and isinstance(node.op, Elemwise) and node.op.scalar_op == "sigmoid":
        logit: Any = node.inputs[0]
        return m.log_sigmoid(m.where(is_one, logit, -logit))
    return m.where(is_one, m.log(p), m.log1p(-p))


def xlog(k: Any, log_p: Any) -> TensorVariable:
    """``k * log_p``, 0 where ``k == 0`` (even where ``p == 0``)."""
    return m.where(m.eq(k, 0), 0.0, k * log_p)


def binomln(n: Any, k: Any) -> TensorVariable:
    """``log(n choose k)``."""
    return m.gammaln(n + 1.0) - m.gammaln(k + 1.0) - m.gammaln(n - k + 1.0)


def log_cdf_sf(cdf: Any, sf: Any) -> TensorVariable:
    """``log(cdf)``, through ``log1p(-sf)`` where the cdf is near 1 (accurate in both tails)."""
    return m.where(cdf < 0.5, m.log(cdf), m.log1p(-sf))


def cdf_bound(logcdf: Any, x: Any, lower: Any, upper: Any = None) -> TensorVariable:
    """-inf below ``lower``, 0 at or above ``upper`` (when given), ``logcdf`` between."""
    out = m.where(x < lower, -np.inf, logcdf)
    return out if upper is None else m.where(x >= upper, 0.0, out)


def p_from(dist: str, p: Any, logit_p: Any) -> Any:
    """``p``, or ``sigmoid(logit_p)`` when the log-odds are given instead."""
    name, value = resolve_alternative(dist, [("p", p), ("logit_p", logit_p)])
    return value if name == "p" else m.sigmoid(value)


def static_max(x: Any, dist: str, what: str) -> int:
    """The largest value of a constant ``x`` (a sum over its range needs a static size)."""
    if not isinstance(x, TensorConstant):
        raise NotImplementedError(
            f"{dist}: {what} needs a constant n (the sum over 0..n has a static size in XLA)"
        )
    return int(np.max(x.data)) if x.data.size else 0


def lse_cdf(logpmf: Any, x: Any, k: Any) -> TensorVariable:
    """``log P(X <= x)`` from the log-mass at the support points ``k`` (last axis),
    through the upper tail where the cdf is near 1."""
    xe = expand_dims(x, -1)
    low = logsumexp(m.where(k <= xe, logpmf, -np.inf), axis=-1)
    high = logsumexp(m.where(k > xe, logpmf, -np.inf), axis=-1)
    return m.where(low < LOG_HALF, low, m.log1mexp(m.minimum(high, 0.0)))


def poisson_logpmf(x: Any, mu: Any) -> TensorVariable:
    """The Poisson log-mass at a non-negative integer ``x`` (no support check)."""
    return m.xlogy(x, mu) - mu - m.gammaln(x + 1.0)


def poisson_logcdf(x: Any, mu: Any) -> TensorVariable:
    """The Poisson logcdf at ``x >= 0``: ``Q(floor(x) + 1, mu)``."""
    k = m.maximum(m.floor(x), 0.0)
    return log_cdf_sf(m.gammaincc(k + 1.0, mu), m.gammainc(k + 1.0, mu))


def binom_logpmf(x: Any, n: Any, p: Any) -> TensorVariable:
    """The binomial log-mass at an integer ``0 <= x <= n`` (no support check)."""
    log_p, log_q = log_p_and_q(p)
    return binomln(n, x) + xlog(x, log_p) + xlog(n - x, log_q)


def binom_logcdf(x: Any, n: Any, p: Any) -> TensorVariable:
    """The binomial logcdf, -inf below 0 and 0 from ``n`` on: ``I_{1-p}(n - k, k + 1)``."""
    k = m.floor(x)
    ks = m.clip(k, 0.0, m.maximum(n - 1.0, 0.0))
    cdf, sf = m.betainc(n - ks, ks + 1.0, 1.0 - p), m.betainc(ks + 1.0, n - ks, p)
    return cdf_bound(log_cdf_sf(cdf, sf), k, 0, n)


def nbinom_logpmf(x: Any, n: Any, p: Any) -> TensorVariable:
    """The negative binomial log-mass at an integer ``x >= 0`` (no support check)."""
    res = m.gammaln(x + n) - m.gammaln(n) - m.gammaln(x + 1.0) + n * m.log(p)
    return res + m.xlog1py(x, -p)


def nbinom_logcdf(x: Any, n: Any, p: Any) -> TensorVariable:
    """The negative binomial logcdf at ``x >= 0``: ``I_p(n, floor(x) + 1)``."""
    k = m.maximum(m.floor(x), 0.0)
    return log_cdf_sf(m.betainc(n, k + 1.0, p), m.betainc(k + 1.0, n, 1.0 - p))


def searched_icdf(
    family: str, logcdf: Callable[..., Any], q: Any, lower: Any, upper: Any, *params: Any
) -> TensorVariable:
    """The quantile at ``q`` by a search over the support ``[lower, upper]``
    (``upper`` may be ``inf``) with the family's ``logcdf``, under its Checks."""
    from ppgraph.logprob.basic import split_checks, wrap_checks
    from ppgraph.logprob.quantile import discrete_quantile

    res = discrete_quantile(family, as_float(q), logcdf, as_float(lower), as_float(upper), *params)
    return wrap_checks(res, split_checks(logcdf(q, *params))[1])


def betaln(a: Any, b: Any) -> TensorVariable:
    """``log B(a, b)`` from gammaln (JAX's ``betaln`` is off by ~1e-8 relative at
    moderate arguments, e.g. (6, 9))."""
    return m.gammaln(a) + m.gammaln(b) - m.gammaln(a + b)
