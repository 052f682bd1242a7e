"""The inverses of the regularized incomplete gamma and beta functions
(``pt.gammaincinv``, ``pt.gammainccinv``, ``pt.betaincinv``) against
``scipy.special``: shapes from 0.01 to 10^4, probabilities from 10^-250 to
1 - 10^-16, in float64 and float32, jitted, eager and under ``jax.vmap``; and
the dtype of ``pg.icdf``."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import scipy.special as sp

import ppgraph as pg
import ppgraph.tensor as pt
from ppgraph.backend.jax.dispatch.special import betaincinv, gammainccinv, gammaincinv

N = 1200
_rng = np.random.default_rng(20241124)
A = np.exp(_rng.uniform(np.log(1e-2), np.log(1e4), N))
B = np.exp(_rng.uniform(np.log(1e-2), np.log(1e4), N))
# the body, the lower tail far out, the upper tail up to 1 - 1e-16
P = np.concatenate(
    [
        _rng.uniform(size=N // 3),
        10 ** _rng.uniform(-250, -1, N // 3),
        1 - 10 ** _rng.uniform(-16, -1, N - 2 * (N // 3)),
    ]
)


def _compare(got: np.ndarray, want: np.ndarray, rtol: float, what: str) -> None:
    # Compared where scipy's answer is finite and not subnormal; where it is a
    # subnormal or 0 (tiny shapes far in the lower tail), ours is as small.
    ok = np.isfinite(want) & (np.abs(want) > 1e-290)
    assert ok.mean() > 0.85, what
    np.testing.assert_allclose(got[ok], want[ok], rtol=rtol, err_msg=what)
    tiny = np.isfinite(want) & ~ok
    assert (np.abs(got[tiny]) <= 1e-280).all(), what


@pytest.mark.parametrize(
    ("name", "fn", "oracle", "args"),
    [
        ("gammaincinv", gammaincinv, sp.gammaincinv, (A, P)),
        ("gammainccinv", gammainccinv, sp.gammainccinv, (A, P)),
        ("betaincinv", betaincinv, sp.betaincinv, (A, B, P)),
    ],
)
def test_matches_scipy_in_float64(name: str, fn: Any, oracle: Any, args: tuple) -> None:
    with jax.enable_x64(True):
        got = np.asarray(jax.jit(fn)(*args))
    with np.errstate(all="ignore"):
        want = oracle(*args)
    rtol = 1e-10 if name.startswith("gamma") else 1e-8
    _compare(got, want, rtol, name)


def test_the_graph_ops_eager_vmap_and_float32() -> None:
    a, b, p = A[:200], B[:200], np.r_[P[:100], P[N // 3 : N // 3 + 50], P[-50:]]
    # through the graph: pg.function (jitted) and its pure function run eagerly
    av, bv, pv = pt.vector("a"), pt.vector("b"), pt.vector("p")
    f = pg.function([av, bv, pv], [pt.gammaincinv(av, pv), pt.betaincinv(av, bv, pv)])
    with np.errstate(all="ignore"):
        wants = [sp.gammaincinv(a, p), sp.betaincinv(a, b, p)]
    with jax.enable_x64(True), jax.disable_jit():
        eager = f.jax_fn(*(jnp.asarray(x[:5]) for x in (a, b, p)))
    for got, want, what in zip(f(a, b, p), wants, ("gamma", "beta"), strict=True):
        _compare(np.asarray(got), want, 1e-8, what)
    for got, want, what in zip(eager, wants, ("gamma", "beta"), strict=True):
        _compare(np.asarray(got), want[:5], 1e-8, f"eager {what}")
    # under vmap, one element at a time
    with jax.enable_x64(True):
        one = np.asarray(jax.vmap(gammaincinv)(jnp.asarray(a), jnp.asarray(p)))
    _compare(one, wants[0], 1e-10, "vmap")
    # float32: shapes and probabilities a float32 user meets
    a32, b32 = A[:200].clip(0.1, 1e3).astype("float32"), B[:200].clip(0.1, 1e3).astype("float32")
    p32 = _rng.uniform(1e-6, 1 - 1e-6, 200).astype("float32")
    g32 = np.asarray(jax.jit(gammaincinv)(a32, p32))
    b32_got = np.asarray(jax.jit(betaincinv)(a32, b32, p32))
    assert g32.dtype == np.float32 and b32_got.dtype == np.float32
    wide = [x.astype("float64") for x in (a32, b32, p32)]
    _compare(g32, sp.gammaincinv(wide[0], wide[2]), 2e-4, "float32 gamma")
    # JAX's float32 betainc is good to about 1e-4 only for shapes in the
    # hundreds: where the quantile misses scipy's, its probability must not
    # (the backward error; a quantile within 1e-7 of 1 rounds to 1 in float32)
    fwd = np.isclose(b32_got, sp.betaincinv(*wide), rtol=2e-4, atol=0.0)
    back = np.isclose(sp.betainc(wide[0], wide[1], b32_got.astype("float64")), wide[2], rtol=2e-3)
    assert (fwd | back | (b32_got == 1.0)).all(), "float32 beta"


def test_ends_and_invalid_arguments() -> None:
    with jax.enable_x64(True):
        p = jnp.asarray([0.0, 1.0, -0.1, 1.1, np.nan, 0.5])
        a, b = jnp.asarray([2.0] * 5 + [-1.0]), jnp.asarray([3.0] * 5 + [0.0])
        got = jax.jit(lambda a, b, p: [gammaincinv(a, p), gammainccinv(a, p), betaincinv(a, b, p)])(
            a, b, p
        )
    nan = [np.nan] * 4
    np.testing.assert_array_equal(got[0], [0.0, np.inf, *nan])
    np.testing.assert_array_equal(got[1], [np.inf, 0.0, *nan])
    np.testing.assert_array_equal(got[2], [0.0, 1.0, *nan])


def test_icdf_dtype_follows_the_distribution() -> None:
    q32 = np.float32(0.3)
    out = pg.icdf(pg.Gamma.dist(alpha=2.0, beta=1.0), q32)
    assert out.dtype == "float64"
    np.testing.assert_allclose(out.eval(), sp.gammaincinv(2.0, np.float64(q32)), rtol=1e-12)
    k = pg.icdf(pg.Poisson.dist(3.0), q32)
    assert k.dtype == "float64" and k.eval() == 2  # floatX, as scipy.stats.poisson(3).ppf(0.3)
    assert pg.icdf(pg.Gamma.dist(alpha=2.0, beta=1.0, dtype="float32"), 0.3).dtype == "float32"
