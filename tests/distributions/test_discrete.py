"""The discrete distributions against their oracles in ``discrete_table``: logp,
logcdf and icdf at many points in one compiled function per distribution (jitted
and not), gradients against central differences, draws against the oracle's
mass function (chi-square and moments), and the Check modes."""

from __future__ import annotations

import re
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy import stats

import ppgraph as pg
import ppgraph.tensor as pt
from tests.distributions.discrete_table import BY_NAME, CASES, Case

RTOL, ATOL = 1e-8, 1e-13
NAMES = [c.name for c in CASES]


def _points(case: Case) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Values for every parameter row: the whole support near its lower end, the
    edges, one outside each edge, far points and non-integers; with the
    parameters repeated to match (one row per point)."""
    xs, rows = [], []
    n_rows = len(next(iter(case.rows.values())))
    for r in range(n_rows):
        params = {k: v[r] for k, v in case.rows.items()}
        lo, hi = float(case.lower(**params)), float(case.upper(**params))
        top = hi if np.isfinite(hi) else lo + 400.0
        grid = np.unique(np.r_[lo + np.arange(12.0), np.geomspace(1, top - lo + 1, 8) + lo - 1])
        grid = grid[grid <= top].round()
        pts = np.r_[grid, lo - 1.0, hi + 1.0 if np.isfinite(hi) else 1e6, grid[:4] + 0.5, -0.5]
        xs.append(pts)
        rows.extend([r] * len(pts))
    idx = np.array(rows)
    return np.concatenate(xs), {k: v[idx] for k, v in case.rows.items()}


def _symbolic(case: Case, params: dict[str, np.ndarray]) -> tuple[list[Any], dict[str, Any]]:
    """Inputs for the float parameters (constants for those a logcdf needs static)."""
    inputs, kwargs = [], {}
    for name, value in params.items():
        if name in case.extra.get("constant", ()):
            kwargs[name] = pt.constant(value)
            continue
        var = pt.tensor("float64", shape=(None, *value.shape[1:]), name=name)
        inputs.append(var)
        kwargs[name] = var
    return inputs, kwargs


def _values(case: Case, params: dict[str, np.ndarray]) -> list[np.ndarray]:
    return [v for k, v in params.items() if k not in case.extra.get("constant", ())]


def _run_both(f: pg.Function, args: list[np.ndarray]) -> list[np.ndarray]:
    """``f`` (jitted) and its pure function run eagerly."""
    with jax.enable_x64(True):
        eager = np.asarray(f.jax_fn(*[jnp.asarray(a) for a in args]))
    return [np.asarray(f(*args)), eager]


@pytest.mark.parametrize("name", NAMES)
def test_logp_and_logcdf_match_the_oracle(name: str) -> None:
    case = BY_NAME[name]
    x, params = _points(case)
    v = pt.vector("v")
    inputs, kwargs = _symbolic(case, params)
    rv = case.dist.dist(**kwargs, **case.extra.get("kwargs", {}))
    outs = [pg.logp(rv, v)] + ([pg.logcdf(rv, v)] if case.logcdf else [])
    args = [x, *_values(case, params)]
    with np.errstate(all="ignore"):
        wants = [case.logpmf(x, **params)] + ([case.logcdf(x, **params)] if case.logcdf else [])
    got_all = pg.function([v, *inputs], outs)(*args)
    for what, got, want in zip(("logp", "logcdf"), got_all, wants, strict=False):
        assert got.dtype == np.float64
        np.testing.assert_allclose(got, want, rtol=RTOL, atol=ATOL, err_msg=f"{name} {what}")
        # outside the support the log-mass is exactly -inf, never NaN
        assert not np.isnan(got).any()
    # without jit (op by op, which compiles each primitive: logp only, to stay fast)
    with jax.enable_x64(True):
        eager = pg.function([v, *inputs], outs[0]).jax_fn(*[jnp.asarray(a) for a in args])
    np.testing.assert_allclose(eager, wants[0], rtol=RTOL, atol=ATOL, err_msg=f"{name} eager")


@pytest.mark.parametrize("name", NAMES)
def test_nan_and_inf_values_have_zero_mass(name: str) -> None:
    case = BY_NAME[name]
    v = pt.vector("v")
    rv = case.dist.dist(**case.sample)
    got = pg.logp(rv, v).eval({v: np.array([np.nan, np.inf, -np.inf])})
    np.testing.assert_array_equal(got, -np.inf)


@pytest.mark.parametrize("name", [c.name for c in CASES if c.ppf is not None])
def test_icdf_matches_the_oracle(name: str) -> None:
    case = BY_NAME[name]
    n_rows = len(next(iter(case.rows.values())))
    # (scipy's ppf(1) is the support's upper end even where the mass stops before it)
    # (0.5 is a tie, F(k) = q exactly, for symmetric rows: test_icdf_at_a_tie)
    q = np.r_[np.random.default_rng(1).uniform(size=20), 0.0, 0.5 + 1e-9]
    idx = np.repeat(np.arange(n_rows), len(q))
    params = {k: v[idx] for k, v in case.rows.items()}
    qs = np.tile(q, n_rows)
    qv = pt.vector("q")
    inputs, kwargs = _symbolic(case, params)
    f = pg.function([qv, *inputs], pg.icdf(case.dist.dist(**kwargs), qv))
    want = case.ppf(qs, **params)
    for got in _run_both(f, [qs, *_values(case, params)]):
        np.testing.assert_allclose(got, want, rtol=RTOL, err_msg=name)


@pytest.mark.parametrize("name", [c.name for c in CASES if c.grad])
def test_gradients_match_finite_differences(name: str) -> None:
    case = BY_NAME[name]
    params = {k: np.atleast_1d(v)[None] for k, v in case.sample.items()}
    lo = float(case.lower(**case.sample))
    x = lo + np.arange(8.0)
    x = x[np.isfinite(case.logpmf(x, **case.sample))]
    params = {
        k: np.repeat(v, len(x), axis=0).reshape(len(x), *np.shape(case.sample[k]))
        for k, v in params.items()
    }
    v = pt.vector("v")
    inputs, kwargs = _symbolic(case, params)
    f = pg.function([v, *inputs], pg.logp(case.dist.dist(**kwargs), v))
    names = [i.name for i in inputs]
    wrt = tuple(1 + names.index(g) for g in case.grad)
    args = [jnp.asarray(a) for a in [x, *_values(case, params)]]
    with jax.enable_x64(True):
        grads = jax.jit(jax.grad(lambda *a: jnp.sum(f.jax_fn(*a)), argnums=wrt))(*args)
    eps = 1e-6
    for g, got in zip(case.grad, grads, strict=True):
        base = params[g]
        for i in np.ndindex(base.shape[1:]):
            step = np.zeros_like(base)
            step[(slice(None), *i)] = eps
            up = case.logpmf(x, **{**params, g: base + step})
            down = case.logpmf(x, **{**params, g: base - step})
            want = (up - down) / (2 * eps)
            np.testing.assert_allclose(
                np.asarray(got)[(slice(None), *i)],
                want,
                rtol=1e-5,
                atol=1e-6,
                err_msg=f"{name} d/d{g}{list(i)}",
            )


def _pmf_table(case: Case, draws: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The support points from the lower end past the largest draw, and their mass
    (the last point carries the whole upper tail)."""
    lo = float(case.lower(**case.sample))
    hi = min(float(case.upper(**case.sample)), draws.max() + 30.0)
    k = np.arange(lo, hi + 1.0)
    pmf = np.exp(case.logpmf(k, **case.sample))
    pmf[-1] += max(0.0, 1.0 - pmf.sum())
    return k, pmf


@pytest.mark.parametrize("name", NAMES)
def test_draws_match_the_mass_function(name: str) -> None:
    case = BY_NAME[name]
    n = 20_000
    rv = case.dist.dist(**case.sample, size=(2,))
    draws = pg.draw(rv, draws=n // 2, random_seed=42)
    assert draws.dtype == np.int64 and draws.shape == (n // 2, 2)
    draws = draws.reshape(-1)
    k, pmf = _pmf_table(case, draws)
    assert np.isin(draws, k).all(), f"{name}: a draw outside the support"
    observed = np.array([(draws == ki).sum() for ki in k], dtype=float)
    expected = n * pmf
    # merge sparse bins into their neighbours so every expected count is >= 5
    obs_m, exp_m, o, e = [], [], 0.0, 0.0
    for oi, ei in zip(observed, expected, strict=True):
        o, e = o + oi, e + ei
        if e >= 5:
            obs_m.append(o)
            exp_m.append(e)
            o, e = 0.0, 0.0
    obs_m[-1] += o
    exp_m[-1] += e
    exp_arr = np.array(exp_m) * n / np.sum(exp_m)
    assert stats.chisquare(obs_m, exp_arr).pvalue > 1e-3, name
    mean = np.sum(k * pmf)
    sd = np.sqrt(np.sum((k - mean) ** 2 * pmf))
    assert abs(draws.mean() - mean) < 4 * sd / np.sqrt(n) + 1e-12, name
    assert abs(draws.std() - sd) < 0.05 * sd + 1e-12, name


@pytest.mark.parametrize("name", NAMES)
def test_check_modes(name: str) -> None:
    case = BY_NAME[name]
    v = pt.vector("v")
    rv = case.dist.dist(**{k: pt.constant(x) for k, x in case.invalid.items()})
    lp = pg.logp(rv, v)
    value = np.array([0.0, 1.0])
    with pytest.raises(pg.ParameterValueError, match=re.escape(case.message)):
        pg.function([v], lp)(value)
    f = pg.function([v], lp, check_mode="-inf")
    np.testing.assert_array_equal(f(value), -np.inf)
    with jax.enable_x64(True):
        jitted = jax.jit(f.jax_fn)(jnp.asarray(value))
        mapped = jax.vmap(f.jax_fn)(jnp.asarray(value)[:, None])
    np.testing.assert_array_equal(jitted, -np.inf)
    np.testing.assert_array_equal(mapped, -np.inf)
    pg.function([v], lp, check_mode="off")(value)  # no error


def test_alternative_parametrizations() -> None:
    v = pt.vector("v")
    x = np.array([0.0, 1.0, 3.0, 7.0])
    logit = 0.4
    p = 1 / (1 + np.exp(-logit))
    for a, b in [
        (pg.Bernoulli.dist(logit_p=logit), pg.Bernoulli.dist(p=p)),
        (pg.Binomial.dist(10, logit_p=logit), pg.Binomial.dist(10, p=p)),
        (pg.NegativeBinomial.dist(n=2.0, p=0.4), pg.NegativeBinomial.dist(mu=3.0, alpha=2.0)),
        (pg.NegativeBinomial.dist(n=2.0, mu=3.0), pg.NegativeBinomial.dist(alpha=2.0, p=0.4)),
    ]:
        np.testing.assert_allclose(pg.logp(a, v).eval({v: x}), pg.logp(b, v).eval({v: x}))
    with pytest.raises(TypeError, match="give only one of p, logit_p"):
        pg.Bernoulli.dist(p=0.3, logit_p=0.1)
    with pytest.raises(TypeError, match="one of p, logit_p is required"):
        pg.Binomial.dist(n=3)
    with pytest.raises(TypeError, match="give only one of alpha, n"):
        pg.NegativeBinomial.dist(mu=1.0, alpha=2.0, n=2.0)
    with pytest.raises(TypeError, match="one of mu, p is required"):
        pg.NegativeBinomial.dist(alpha=2.0)
    with pytest.raises(TypeError, match="unknown parameter 'lam'"):
        pg.Poisson.dist(lam=2.0)


def test_categorical_logit_p_and_static_categories() -> None:
    logits = np.array([0.3, -1.0, 2.0])
    p = np.exp(logits) / np.exp(logits).sum()
    v = pt.vector("v")
    got = pg.logp(pg.Categorical.dist(logit_p=logits), v).eval({v: [0.0, 1.0, 2.0]})
    np.testing.assert_allclose(got, np.log(p), rtol=1e-12)
    with pytest.raises(ValueError, match="number of categories"):
        pg.Categorical.dist(p=pt.vector("p"))


def test_integer_values_and_batched_size() -> None:
    x = pg.Poisson.dist(mu=np.array([1.0, 4.0]), size=(3, 2))
    assert x.type.shape == (3, 2) and x.dtype == "int64"
    k = pt.tensor("int64", shape=(None,), name="k")
    got = pg.logp(pg.Poisson.dist(3.0), k).eval({k: np.array([-1, 0, 2])})
    np.testing.assert_allclose(got, stats.poisson.logpmf([-1, 0, 2], 3.0), rtol=RTOL)
    # a float value that is not an integer has no mass (PyMC's Poisson gives a number)
    v = pt.scalar("v")
    assert pg.logp(pg.Poisson.dist(3.0), v).eval({v: 2.5}) == -np.inf


def test_sums_over_the_support_take_a_symbolic_n() -> None:
    # a loop over the run-time support (tests/distributions/test_accuracy.py checks values)
    n = pt.scalar("n")
    out = pg.logcdf(pg.BetaBinomial.dist(alpha=1.0, beta=2.0, n=n), 2.0).eval({n: 4.0})
    np.testing.assert_allclose(out, stats.betabinom(4, 1.0, 2.0).logcdf(2.0), rtol=1e-12)


def test_icdf_is_integral_in_floatx_and_nan_outside_the_unit_interval() -> None:
    q = pt.vector("q")
    for rv in (pg.Geometric.dist(0.3), pg.Poisson.dist(2.0)):
        out = pg.icdf(rv, q)
        assert out.dtype == "float64"  # floatX, as PyMC and scipy's ppf
        got = out.eval({q: [-0.1, 1.1, np.nan, 1.0, 0.5]})
        # no quantile: NaN; q = 1 on an unbounded support: inf (issue 10, item 7)
        want = [np.nan] * 3 + [np.inf, 2.0]  # stats.geom(0.3), stats.poisson(2): ppf(0.5) = 2
        np.testing.assert_array_equal(got, want)


def test_icdf_at_a_tie() -> None:
    # F(0) = 1/2 exactly (a fair coin; a symmetric beta-binomial with n = 1), so
    # the smallest k with F(k) >= 1/2 is 0, whatever the rounding of F
    for rv in (pg.Binomial.dist(n=1, p=0.5), pg.BetaBinomial.dist(alpha=4.0, beta=4.0, n=1)):
        assert pg.icdf(rv, 0.5).eval() == 0


@pytest.mark.parametrize("mode", ["raise", "-inf", "off"])
def test_icdf_check_modes_keep_the_dtype(mode: str) -> None:
    mu = pt.scalar("mu")
    f = pg.function([mu], pg.icdf(pg.Poisson.dist(mu), 0.5), check_mode=mode)
    assert f(3.0) == 3  # scipy.stats.poisson(3).ppf(0.5)
    with jax.enable_x64(True):
        batched = jax.jit(jax.vmap(f.jax_fn))(jnp.asarray([3.0, 0.5]))
    np.testing.assert_array_equal(batched, [3, 0])
    assert batched.dtype == jnp.float64
    if mode == "raise":
        with pytest.raises(pg.ParameterValueError, match="mu >= 0"):
            f(-1.0)
    elif mode == "-inf":  # a failed Check: -inf, as for any float result
        got = f(-1.0)
        assert got.dtype == np.float64 and got == -np.inf
