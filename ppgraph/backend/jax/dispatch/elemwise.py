"""Elementwise ops: the JAX half of the table in ``ppgraph/tensor/math.py``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import jax.scipy.special as jss

from ppgraph.backend.jax.dispatch.basic import (
    as_dtype,
    jax_funcify,
    static_when_concrete,
    tensor_type,
)
from ppgraph.graph.basic import Apply
from ppgraph.tensor.elemwise import Cast, DimShuffle, Elemwise, out_dtype


def _log1mexp(x: Any) -> Any:
    # log(1 - exp(x)), x <= 0: log(-expm1(x)) near 0, log1p(-exp(x)) far from it
    # (Maechler 2012, "Accurately computing log(1 - exp(-|a|))").
    return jnp.where(x > -0.6931471805599453, jnp.log(-jnp.expm1(x)), jnp.log1p(-jnp.exp(x)))


def _softplus_value(x: Any, e: Any) -> Any:
    # log(1 + exp(x)) = max(x, 0) + log1p(exp(-|x|)), written as a select: XLA:CPU
    # turns ``sum(maximum(x, 0) + ...)`` under vmap into a reduce fusion that
    # writes a zeros array the size of x (a logistic regression over 256 chains:
    # 1.8x the time of the select form)
    tail = jnp.log1p(e)
    return jnp.where(x > 0, x + tail, tail)


@jax.custom_jvp
def _softplus(x: Any) -> Any:
    # log(1 + exp(x)) from one exp, stable at both ends. jax.nn.softplus (logaddexp
    # and its JVP's inf handling) costs twice as much: most of a logistic
    # regression's gradient.
    return _softplus_value(x, jnp.exp(-jnp.abs(x)))


@_softplus.defjvp
def _softplus_jvp(primals: Any, tangents: Any) -> Any:
    (x,), (t,) = primals, tangents
    e = jnp.exp(-jnp.abs(x))
    sigmoid = jnp.where(x >= 0, jnp.ones_like(e), e) / (1 + e)  # the same exp
    return _softplus_value(x, e), sigmoid * t


def _log_sigmoid(x: Any) -> Any:
    return -_softplus(-x)


@jax.custom_jvp
def _xlogy(x: Any, y: Any) -> Any:
    # 0 where x == 0 and y is not NaN (0 * log 0 = 0 by convention, as in SciPy). y is
    # replaced only where log(y) is not finite, so d/dx at x = 0 is still log(y).
    safe_y = jnp.where((x == 0) & ((y <= 0) | (y == jnp.inf)), jnp.ones_like(y), y)
    return x * jnp.log(safe_y)


@_xlogy.defjvp
def _xlogy_jvp(primals: Any, tangents: Any) -> Any:
    # written out: differentiating through the select costs twice the forward pass
    x, y = primals
    dx, dy = tangents
    safe_y = jnp.where((x == 0) & ((y <= 0) | (y == jnp.inf)), jnp.ones_like(y), y)
    log_y = jnp.log(safe_y)
    # x / safe_y is 0 where x == 0 (safe_y is 1 where y would give 0 / 0). Where the
    # value is -inf (x != 0, y == 0) the slope in y is taken as 0, not inf: a term
    # that is -inf has no gradient to give, and inf there turns the zero weight of
    # an impossible branch (Poisson(z * lam) at z = 0 in a marginal sum) into NaN
    at_pole = safe_y == 0
    slope = jnp.where(at_pole, 0.0, x / jnp.where(at_pole, 1.0, safe_y))
    return x * log_y, dx * log_y + slope * dy


@jax.custom_jvp
def _xlog1py(x: Any, y: Any) -> Any:
    safe_y = jnp.where((x == 0) & ((y <= -1) | (y == jnp.inf)), jnp.zeros_like(y), y)
    return x * jnp.log1p(safe_y)


@_xlog1py.defjvp
def _xlog1py_jvp(primals: Any, tangents: Any) -> Any:
    x, y = primals
    dx, dy = tangents
    safe_y = jnp.where((x == 0) & ((y <= -1) | (y == jnp.inf)), jnp.zeros_like(y), y)
    log1p_y = jnp.log1p(safe_y)
    at_pole = safe_y == -1  # the value is -inf: slope 0, as in xlogy
    slope = jnp.where(at_pole, 0.0, x / jnp.where(at_pole, 1.0, 1 + safe_y))
    return x * log1p_y, dx * log1p_y + slope * dy


def _erfcx(x: Any) -> Any:
    # exp(x^2) erfc(x) is inf * 0 once exp(x^2) overflows (x > 26.6 in float64, 9.4
    # in float32); above a cut just below that, the asymptotic series
    # 1/(x sqrt(pi)) * sum_n (-1)^n (2n-1)!! / (2x^2)^n to 7 terms is exact to the
    # dtype's precision (last term < 3e-17 at x = 25, < 1e-10 at x = 9).
    cut = 25.0 if jnp.result_type(x) == jnp.float64 else 9.0
    big = x > cut
    xs = jnp.where(big, 1.0, x)
    small = jnp.exp(xs * xs) * jss.erfc(xs)
    xb = jnp.where(big, x, 2.0 * cut)
    t = 1.0 / (2.0 * xb * xb)
    series = 1.0 + t * (-1.0 + t * (3.0 + t * (-15.0 + t * (105.0 + t * (-945.0 + t * 10395.0)))))
    return jnp.where(big, series / (xb * 1.7724538509055160), small)


def _log_ndtr(x: Any) -> Any:
    # jax's log_ndtr is log(ndtr(x)) up to x = 8, which keeps no relative accuracy
    # once ndtr(x) rounds near 1 (x > ~3), and a 3-term series below -20 (off by
    # 4e-9 there). log1p(-ndtr(-x)) for x > 0 and log(erfcx(-x/sqrt2) / 2) - x^2/2
    # for x < -1 are accurate to rounding.
    # Each branch sees a safe stand-in outside its range (not a clip: at a clip's
    # bound the gradient is split between the tied arguments).
    pos = jnp.where(x > 0, x, 1.0)
    neg = jnp.where(x < -1, x, -2.0)
    tail = jnp.log(0.5 * _erfcx(-neg * 0.7071067811865476)) - 0.5 * neg * neg
    mid = jss.log_ndtr(jnp.where((x <= 0) & (x >= -1), x, -0.5))
    return jnp.where(x > 0, jnp.log1p(-jss.ndtr(-pos)), jnp.where(x < -1, tail, mid))


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
    "xlogx": lambda x: _xlogy(x, x),
    "sigmoid": jax.nn.sigmoid,
    "logit": jss.logit,
    "softplus": _softplus,
    "log_sigmoid": _log_sigmoid,
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
    "erfcinv": lambda x: -jss.ndtri(0.5 * x) * 0.7071067811865476,  # erfc(y) = 2 ndtr(-y sqrt2)
    "erfcx": _erfcx,
    "ndtr": jss.ndtr,
    "ndtri": jss.ndtri,
    "log_ndtr": _log_ndtr,
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
@static_when_concrete
def _elemwise(op: Elemwise, node: Apply) -> Callable[..., Any]:
    fn = JAX_ELEMWISE[op.scalar_op]
    dtype = tensor_type(node.outputs[0]).dtype
    in_dtypes = [tensor_type(v).dtype for v in node.inputs]
    # Compute in the dtype NumPy's promotion gives (the node's type), not JAX's:
    # jnp.add(int32, float32) is float32 where the type says float64.
    if op.info.rule == "bool":
        compute = [out_dtype("same", in_dtypes)] * len(in_dtypes)
    elif op.info.rule == "where":
        compute = ["bool", dtype, dtype]
    else:
        compute = [dtype] * len(in_dtypes)
    casts = [c if c != d else None for c, d in zip(compute, in_dtypes, strict=True)]

    def elemwise(*args: Any) -> Any:
        args = tuple(a if c is None else as_dtype(a, c) for a, c in zip(args, casts, strict=True))
        return as_dtype(fn(*args), dtype)

    return elemwise


@jax_funcify.register(Cast)
@static_when_concrete
def _cast(op: Cast, node: Apply) -> Callable[..., Any]:
    return lambda x: as_dtype(x, op.dtype)


@jax_funcify.register(DimShuffle)
@static_when_concrete
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
