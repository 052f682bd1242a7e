"""Elementwise ops: the JAX half of the table in ``ppgraph/tensor/math.py``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import jax.scipy.special as jss

from ppgraph.backend.jax.dispatch.basic import as_dtype, jax_funcify, tensor_type
from ppgraph.graph.basic import Apply
from ppgraph.tensor.elemwise import Cast, DimShuffle, Elemwise


def _log1mexp(x: Any) -> Any:
    # log(1 - exp(x)), x <= 0: log(-expm1(x)) near 0, log1p(-exp(x)) far from it
    # (Maechler 2012, "Accurately computing log(1 - exp(-|a|))").
    return jnp.where(x > -0.6931471805599453, jnp.log(-jnp.expm1(x)), jnp.log1p(-jnp.exp(x)))


def _xlogy(x: Any, y: Any) -> Any:
    # 0 where x == 0, even when y is 0 (0 * log 0 = 0 by convention).
    safe_y = jnp.where(x == 0, jnp.ones_like(y), y)
    return jnp.where(x == 0, jnp.zeros_like(x * safe_y), x * jnp.log(safe_y))


def _xlog1py(x: Any, y: Any) -> Any:
    safe_y = jnp.where(x == 0, jnp.zeros_like(y), y)
    return jnp.where(x == 0, jnp.zeros_like(x * safe_y), x * jnp.log1p(safe_y))


def _erfcx(x: Any) -> Any:
    # exp(x^2) erfc(x); for large x the asymptotic series avoids inf * 0.
    big = x > 25.0
    xs = jnp.where(big, 1.0, x)
    small = jnp.exp(xs * xs) * jss.erfc(xs)
    xb = jnp.where(big, x, 30.0)
    inv2 = 1.0 / (2.0 * xb * xb)
    asym = (1.0 - inv2 + 3.0 * inv2 * inv2) / (xb * 1.7724538509055160)
    return jnp.where(big, asym, small)


JAX_ELEMWISE: dict[str, Callable[..., Any]] = {
    "add": jnp.add,
    "sub": jnp.subtract,
    "mul": jnp.multiply,
    "true_div": jnp.true_divide,
    "floor_div": jnp.floor_divide,
    "mod": jnp.mod,
    "pow": jnp.power,
    "neg": jnp.negative,
    "abs": jnp.abs,
    "sign": jnp.sign,
    "reciprocal": jnp.reciprocal,
    "square": jnp.square,
    "sqrt": jnp.sqrt,
    "maximum": jnp.maximum,
    "minimum": jnp.minimum,
    "clip": lambda x, lo, hi: jnp.minimum(jnp.maximum(x, lo), hi),
    "floor": jnp.floor,
    "ceil": jnp.ceil,
    "round": jnp.round,
    "exp": jnp.exp,
    "exp2": jnp.exp2,
    "expm1": jnp.expm1,
    "log": jnp.log,
    "log2": jnp.log2,
    "log10": jnp.log10,
    "log1p": jnp.log1p,
    "logaddexp": jnp.logaddexp,
    "log1mexp": _log1mexp,
    "xlogy": _xlogy,
    "xlog1py": _xlog1py,
    "sigmoid": jax.nn.sigmoid,
    "logit": jss.logit,
    "softplus": jax.nn.softplus,
    "log_sigmoid": jax.nn.log_sigmoid,
    "sin": jnp.sin,
    "cos": jnp.cos,
    "tan": jnp.tan,
    "arcsin": jnp.arcsin,
    "arccos": jnp.arccos,
    "arctan": jnp.arctan,
    "arctan2": jnp.arctan2,
    "sinh": jnp.sinh,
    "cosh": jnp.cosh,
    "tanh": jnp.tanh,
    "arcsinh": jnp.arcsinh,
    "arccosh": jnp.arccosh,
    "arctanh": jnp.arctanh,
    "gammaln": jss.gammaln,
    "digamma": jss.digamma,
    "betaln": jss.betaln,
    "gammainc": jss.gammainc,
    "gammaincc": jss.gammaincc,
    "betainc": jss.betainc,
    "erf": jss.erf,
    "erfc": jss.erfc,
    "erfinv": jss.erfinv,
    "erfcx": _erfcx,
    "ndtr": jss.ndtr,
    "ndtri": jss.ndtri,
    "log_ndtr": jss.log_ndtr,
    "i0": jss.i0,
    "i1": jss.i1,
    "i0e": jss.i0e,
    "i1e": jss.i1e,
    "eq": jnp.equal,
    "neq": jnp.not_equal,
    "lt": jnp.less,
    "le": jnp.less_equal,
    "gt": jnp.greater,
    "ge": jnp.greater_equal,
    "and": jnp.bitwise_and,
    "or": jnp.bitwise_or,
    "xor": jnp.bitwise_xor,
    "invert": jnp.invert,
    "isnan": jnp.isnan,
    "isinf": jnp.isinf,
    "isfinite": jnp.isfinite,
    "where": jnp.where,
    "identity": lambda x: x,
}


@jax_funcify.register(Elemwise)
def _elemwise(op: Elemwise, node: Apply) -> Callable[..., Any]:
    fn = JAX_ELEMWISE[op.scalar_op]
    dtype = tensor_type(node.outputs[0]).dtype

    def elemwise(*args: Any) -> Any:
        return as_dtype(fn(*args), dtype)

    return elemwise


@jax_funcify.register(Cast)
def _cast(op: Cast, node: Apply) -> Callable[..., Any]:
    return lambda x: as_dtype(x, op.dtype)


@jax_funcify.register(DimShuffle)
def _dimshuffle(op: DimShuffle, node: Apply) -> Callable[..., Any]:
    kept = tuple(d for d in op.new_order if d != "x")
    ndim_in = tensor_type(node.inputs[0]).ndim
    dropped = tuple(d for d in range(ndim_in) if d not in kept)
    rank = {d: i for i, d in enumerate(sorted(kept))}
    perm = tuple(rank[d] for d in kept)
    new_axes = tuple(i for i, d in enumerate(op.new_order) if d == "x")

    def dimshuffle(x: Any) -> Any:
        if dropped:
            x = jnp.squeeze(x, dropped)
        if perm != tuple(range(len(perm))):
            x = jnp.transpose(x, perm)
        if new_axes:
            x = jnp.expand_dims(x, new_axes)
        return x

    return dimshuffle
