"""Inverses JAX lacks: of the regularized incomplete gamma and beta functions
(the rows ``gammaincinv``, ``gammainccinv`` and ``betaincinv`` of the
elementwise table, whose JAX half lives here), and the search behind the
quantile of a discrete distribution (``DiscreteQuantile``).

The incomplete-function inverses are root searches of a fixed number of Halley
steps (jit, vmap and float32 friendly: no data-dependent loop) in a variable
where the function is smooth and unbounded: ``log x`` for the gamma, ``logit
x`` for the beta, so an iterate never leaves the support. The residual is the
log of the tail with the smaller probability minus the log of its target
(``log P - log p`` below the median, ``log Q - log q`` above it): a quantile
far in either tail keeps its relative accuracy, and far out, where a tail is
exponential in x, its log is nearly linear and Newton does not crawl. The
start is the best of a few classic approximations (the power law of the lower
tail, the exponential of the upper tail, Wilson-Hilferty for the gamma's body,
a logit-normal for the beta's); the candidates also bracket the root, and a
step that leaves the bracket is replaced by bisection.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import jax.scipy.special as jss

from ppgraph.backend.jax.dispatch.basic import jax_funcify
from ppgraph.backend.jax.dispatch.elemwise import JAX_ELEMWISE
from ppgraph.backend.jax.dispatch.gradient import held_function
from ppgraph.graph.basic import Apply
from ppgraph.logprob.quantile import DiscreteQuantile

HALLEY_STEPS = 16
FIXED_POINT_SWEEPS = 4  # refining the tails' starting points


def _tail_step(tail: Any, log_target: Any, log_slope: Any, sign: Any, h: Any) -> Any:
    """The Newton step and Halley factor of ``g(y) = log tail(y) - log target``,
    where ``d tail / dy = sign * exp(log_slope)`` and ``h`` is ``f''/f'`` of the
    cdf: in log space a tail probability is nearly linear far out, where the
    probability itself is exponential and Newton would crawl."""
    log_tail = jnp.log(tail)
    ratio = sign * jnp.exp(log_slope - log_tail)  # g'(y)
    u = (log_tail - log_target) / ratio
    # a tail that underflowed to 0: an infinite step towards the target, which
    # the search turns into a bisection
    u = jnp.where(tail > 0, u, -sign * jnp.inf)
    return u, h - ratio


def _halley(candidates: list[Any], residual: Any, step: Any, span: float) -> Any:
    """A safeguarded Halley search from the best of ``candidates``.

    ``residual(y)`` increases with ``y``; ``step(y)`` gives ``(u, h)``: the
    Newton step ``g / g'`` and ``g'' / g'``. The root stays bracketed (first by
    the candidates, else by ``[-span, span]``): a step that leaves the bracket,
    as from a flat stretch of the residual, is replaced by bisection.
    """
    # the residuals of all candidates in one call (one copy of the special
    # function in the compiled program, not one per candidate)
    rs = residual(jnp.stack(candidates))
    y, best = candidates[0], jnp.full_like(candidates[0], jnp.inf)
    lo, hi = jnp.full_like(y, -span), jnp.full_like(y, span)
    for c, r in zip(candidates, rs, strict=True):
        # NaN (an invalid candidate) fails every comparison
        y, best = jnp.where(jnp.abs(r) < best, c, y), jnp.where(jnp.abs(r) < best, jnp.abs(r), best)
        lo = jnp.where(r < 0, jnp.maximum(lo, c), lo)
        hi = jnp.where(r > 0, jnp.minimum(hi, c), hi)

    def body(_: int, state: Any) -> Any:
        y, lo, hi = state
        u, h = step(y)
        denom = 1.0 - 0.5 * u * h
        # Halley's step where it is a modest correction of Newton's, else Newton's
        new = y - jnp.where((denom > 0.5) & (denom < 2.0), u / denom, u)
        # the sign of the Newton step tells on which side of the root y is
        lo, hi = jnp.where(u < 0, y, lo), jnp.where(u > 0, y, hi)
        inside = (new >= lo) & (new <= hi)  # False for NaN
        return jnp.where(u == 0, y, jnp.where(inside, new, 0.5 * (lo + hi))), lo, hi

    return jax.lax.fori_loop(0, HALLEY_STEPS, body, (y, lo, hi))[0]


def _gamma_solve(a: Any, p: Any, q: Any) -> Any:
    """``x`` with ``P(a, x) = p`` (``q = 1 - p``, each given at full precision)."""
    a, p, q = jnp.broadcast_arrays(a, p, q)
    lower = p <= 0.5  # solve in the tail with the smaller probability
    a_ok = jnp.where(a > 0, a, 1.0)
    gln = jss.gammaln(a_ok)
    log_t = jnp.log(jnp.where(lower, p, q))
    sign = jnp.where(lower, 1.0, -1.0)

    def tail(y: Any) -> Any:
        x = jnp.exp(y)
        return jnp.where(lower, jss.gammainc(a_ok, x), jss.gammaincc(a_ok, x))

    def residual(y: Any) -> Any:
        return sign * (jnp.log(tail(y)) - log_t)

    def step(y: Any) -> Any:
        x = jnp.exp(y)
        # dP/dy = x * density(x) = exp(a y - x - log Gamma(a)); f''/f' = a - x
        return _tail_step(tail(y), log_t, a_ok * y - x - gln, sign, a_ok - x)

    # lower tail: P ~ x^a e^-x / Gamma(a + 1); upper: Q ~ x^(a-1) e^-x / Gamma(a),
    # each solved for x by a few fixed-point sweeps
    c_low = jnp.log(jnp.where(lower, p, 0.5)) + jss.gammaln(a_ok + 1.0)
    c_up = -jnp.log(jnp.where(lower, 0.5, q)) - gln
    y_low, x_up = c_low / a_ok, jnp.maximum(c_up, a_ok)
    for _ in range(FIXED_POINT_SWEEPS):
        y_low = (c_low + jnp.exp(jnp.minimum(y_low, 700.0))) / a_ok
        x_up = jnp.maximum(c_up + (a_ok - 1.0) * jnp.log(x_up), 1e-3)
    # the body (Wilson-Hilferty): x = a (1 - 1/(9a) + z / (3 sqrt a))^3
    z = jnp.where(lower, jss.ndtri(jnp.where(lower, p, 0.5)), -jss.ndtri(jnp.where(lower, 0.5, q)))
    c = 1.0 - 1.0 / (9.0 * a_ok) + z / (3.0 * jnp.sqrt(a_ok))
    y_wh = jnp.log(a_ok) + 3.0 * jnp.log(jnp.maximum(c, 1e-3))
    y = _halley([y_low, jnp.log(x_up), y_wh], residual, step, 750.0)
    x = jnp.exp(y)
    x = jnp.where(p == 0, 0.0, jnp.where(q == 0, jnp.inf, x))
    valid = (a > 0) & (p >= 0) & (q >= 0) & ~jnp.isnan(p + q)
    return jnp.where(valid, x, jnp.nan)


def gammaincinv(a: Any, p: Any) -> Any:
    """``x`` with ``gammainc(a, x) = p``."""
    p = jnp.asarray(p)
    return _gamma_solve(a, p, jnp.where((p >= 0) & (p <= 1), 1.0 - p, jnp.nan))


def gammainccinv(a: Any, q: Any) -> Any:
    """``x`` with ``gammaincc(a, x) = q``."""
    q = jnp.asarray(q)
    return _gamma_solve(a, jnp.where((q >= 0) & (q <= 1), 1.0 - q, jnp.nan), q)


def betaincinv(a: Any, b: Any, p: Any) -> Any:
    """``x`` with ``betainc(a, b, x) = p``."""
    a, b, p = jnp.broadcast_arrays(a, b, p)
    q = 1.0 - p
    a_ok, b_ok = jnp.where(a > 0, a, 1.0), jnp.where(b > 0, b, 1.0)
    lbeta = jss.gammaln(a_ok) + jss.gammaln(b_ok) - jss.gammaln(a_ok + b_ok)
    log_p, log_q = jnp.log(p), jnp.log(q)
    tiny = 1e-4 if jnp.result_type(p) == jnp.float64 else 1e-2

    def parts(z: Any) -> Any:
        # The tail with the smaller target, unless its end of [0, 1] cannot hold
        # x: 1 - x rounds to 1 for a tiny x (and x to 1 when 1 - x is tiny).
        x, x1 = jax.nn.sigmoid(z), jax.nn.sigmoid(-z)
        lower = (x < tiny) | ((p <= 0.5) & (x1 >= tiny))
        # one incomplete beta per element: I_x(a, b) below, I_{1-x}(b, a) above
        tail = jss.betainc(
            jnp.where(lower, a_ok, b_ok), jnp.where(lower, b_ok, a_ok), jnp.where(lower, x, x1)
        )
        return x, lower, tail, jnp.where(lower, log_p, log_q)

    def residual(z: Any) -> Any:
        _, lower, tail, log_t = parts(z)
        return jnp.where(lower, 1.0, -1.0) * (jnp.log(tail) - log_t)

    def step(z: Any) -> Any:
        x, lower, tail, log_t = parts(z)
        # dI/dz = x^a (1 - x)^b / B(a, b); f''/f' = a (1 - x) - b x
        log_slope = a_ok * jax.nn.log_sigmoid(z) + b_ok * jax.nn.log_sigmoid(-z) - lbeta
        sign = jnp.where(lower, 1.0, -1.0)
        return _tail_step(tail, log_t, log_slope, sign, a_ok * (1.0 - x) - b_ok * x)

    lower = p <= 0.5
    # lower tail: I_x(a, b) ~ x^a (1 - x)^b / (a B(a, b)); the upper tail likewise
    # in 1 - x; each solved by a few fixed-point sweeps
    c_low = jnp.log(a_ok * jnp.where(lower, p, 0.5)) + lbeta
    c_up = jnp.log(b_ok * jnp.where(lower, 0.5, q)) + lbeta
    log_x, log_x1 = jnp.minimum(c_low / a_ok, -1e-3), jnp.minimum(c_up / b_ok, -1e-3)
    for _ in range(FIXED_POINT_SWEEPS):
        log_x = jnp.minimum((c_low - b_ok * jnp.log(-jnp.expm1(log_x))) / a_ok, -1e-3)
        log_x1 = jnp.minimum((c_up - a_ok * jnp.log(-jnp.expm1(log_x1))) / b_ok, -1e-3)
    z_low = log_x - jnp.log(-jnp.expm1(log_x))
    z_up = jnp.log(-jnp.expm1(log_x1)) - log_x1
    # the body: logit X is about normal, mean log(a / b), variance 1/a + 1/b
    zq = jnp.where(lower, jss.ndtri(jnp.where(lower, p, 0.5)), -jss.ndtri(jnp.where(lower, 0.5, q)))
    z_mid = jnp.log(a_ok / b_ok) + zq * jnp.sqrt(1.0 / a_ok + 1.0 / b_ok)
    z = _halley([z_low, z_up, z_mid], residual, step, 750.0)
    x = jnp.where(p == 0, 0.0, jnp.where(q == 0, 1.0, jax.nn.sigmoid(z)))
    valid = (a > 0) & (b > 0) & (p >= 0) & (p <= 1)
    return jnp.where(valid, x, jnp.nan)


JAX_ELEMWISE.update(
    {"gammaincinv": gammaincinv, "gammainccinv": gammainccinv, "betaincinv": betaincinv}
)


SEARCH_ROUNDS = 64  # doubling from the support's lower end reaches 2^63


def _held_logcdf(op: DiscreteQuantile) -> Callable[..., Any]:
    """The held logcdf as a function of ``(k, *params)``."""
    return held_function(op.logcdf, tuple(op.inputs))


@jax_funcify.register(DiscreteQuantile)
def _discrete_quantile(op: DiscreteQuantile, node: Apply) -> Callable[..., Any]:
    logcdf = _held_logcdf(op)

    def quantile(q: Any, lower: Any, upper: Any, *params: Any) -> Any:
        q = jnp.asarray(q)
        shape = jax.eval_shape(logcdf, q, *params).shape
        q = jnp.broadcast_to(q, shape)
        lo = jnp.broadcast_to(jnp.asarray(lower, q.dtype), shape)
        hi = jnp.broadcast_to(jnp.asarray(upper, q.dtype), shape)
        # q within a few rounding errors of F(k) counts as reached: at a tie
        # (q = F(k) exactly, as 0.5 for a fair coin) the answer is k
        log_q = jnp.log(q) - 64.0 * jnp.finfo(q.dtype).eps

        def reaches(k: Any) -> Any:
            return logcdf(k, *params) >= log_q

        # Bracket (a, b]: F(a) < q <= F(b), with a below the support at first;
        # an unbounded support is searched by doubling b - lo.
        b0 = jnp.where(jnp.isfinite(hi), hi, lo)

        def widen(state: Any) -> Any:
            i, a, b, done = state
            a = jnp.where(done, a, b)
            b = jnp.where(done, b, lo + 2.0 * (b - lo) + 1.0)
            return i + 1, a, b, done | reaches(b)

        def unbracketed(state: Any) -> Any:
            i, _, _, done = state
            return (i < SEARCH_ROUNDS) & ~jnp.all(done)

        init = (0, lo - 1.0, b0, reaches(b0) | ~(q > 0) | ~(q < 1))
        _, a, b, _ = jax.lax.while_loop(unbracketed, widen, init)

        def halve(state: Any) -> Any:
            i, a, b = state
            mid = jnp.floor(0.5 * (a + b))
            busy = b - a > 1.0
            ok = reaches(mid)
            return i + 1, jnp.where(busy & ~ok, mid, a), jnp.where(busy & ok, mid, b)

        def wide(state: Any) -> Any:
            i, a, b = state
            return (i < SEARCH_ROUNDS) & jnp.any(b - a > 1.0)

        _, _, k = jax.lax.while_loop(wide, halve, (0, a, b))
        k = jnp.where(q == 0, lo - 1.0, jnp.where(q == 1, hi, k))
        return jnp.where((q >= 0) & (q <= 1), k, jnp.nan)

    return quantile
