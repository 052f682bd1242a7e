"""Lifting scalar work out of sums: each form before/after against NumPy, and
the log-densities with scalar parameters lose their per-row scalar work while
keeping their value (scipy.stats, and the unrewritten graph to 1e-12)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import numpy as np
import pytest
import scipy.stats as st

import ppgraph as pg
import ppgraph.tensor as pt
from ppgraph.graph.basic import Variable
from ppgraph.graph.traversal import ancestors
from ppgraph.tensor.reduction import Reduce
from tests.rewrite.util import eager, ops, rewritten

N = 40
RNG = np.random.default_rng(1)
X = RNG.uniform(0.5, 3.0, size=N)
A, S = 1.7, 0.6


def _row_ops(out: Variable, n: int) -> list[str]:
    """The ops computed once per row (an output of length ``n`` or unknown), sorted."""
    return sorted(
        str(v.owner.op)
        for v in ancestors([out])
        if v.owner is not None and getattr(v.type, "shape", ())[:1] in ((n,), (None,))
    )


def _sum_inputs_depend_on(out: Variable, var: Variable) -> bool:
    """True when some sum in ``out`` reads ``var`` below it."""
    return any(
        v.owner is not None
        and isinstance(v.owner.op, Reduce)
        and var in ancestors([v.owner.inputs[0]])
        for v in ancestors([out])
    )


FORMS: list[tuple[str, Callable[..., Any], Callable[..., Any]]] = [
    ("sum(a * x)", lambda a, s, x: pt.sum(a * x), lambda a, s, x: np.sum(a * x)),
    ("sum(x * a / s)", lambda a, s, x: pt.sum(x * a / s), lambda a, s, x: np.sum(x * a / s)),
    ("sum(c - log s)", lambda a, s, x: pt.sum(x - x + 2.5 - pt.log(s)),
     lambda a, s, x: N * (2.5 - np.log(s))),
    ("sum(((x - a) / s) ** 2)", lambda a, s, x: pt.sum(((x - a) / s) ** 2),
     lambda a, s, x: np.sum(((x - a) / s) ** 2)),
    ("sum(-0.5 * z * z - log s)", lambda a, s, x: pt.sum(-0.5 * ((x - a) / s) * ((x - a) / s)
                                                        - pt.log(s)),
     lambda a, s, x: np.sum(-0.5 * ((x - a) / s) ** 2 - np.log(s))),
    ("sum(a - x) with a minus", lambda a, s, x: pt.sum(a - x * s),
     lambda a, s, x: N * a - s * np.sum(x)),
]  # fmt: skip


@pytest.mark.parametrize("form", FORMS, ids=[f[0] for f in FORMS])
@pytest.mark.parametrize("static", [True, False], ids=["static-length", "unknown-length"])
def test_lifted_sum_keeps_the_numpy_value(form: Any, static: bool) -> None:
    _, build, oracle = form
    a, s = pt.scalar("a"), pt.scalar("s")
    x = pt.tensor("float64", shape=(N,) if static else (None,), name="x")
    out = build(a, s, x)
    new, trace = rewritten(out, [a, s, x])
    assert "lift_out_of_sum" in trace
    # the scalars are no longer read row by row (x - a is the only per-row use of a)
    assert not _sum_inputs_depend_on(new, s)
    want = oracle(A, S, X)
    for how, got in {
        "unrewritten, op by op": eager([a, s, x], out, A, S, X),
        "rewritten, jitted": pg.function([a, s, x], out)(A, S, X),
    }.items():
        np.testing.assert_allclose(got, want, rtol=1e-12, err_msg=how)


def test_partial_axis_sum_and_a_term_broadcast_along_a_summed_axis() -> None:
    # sum over axis 0 of (3, 4): the scalar leaves; a (1, 4) term is summed 3 times;
    # a (3, 1) term summed over all axes counts 4 times per element (not lifted wrongly)
    m, a = pt.matrix("m"), pt.scalar("a")
    col, row = pt.tensor("float64", (3, 1), name="c"), pt.tensor("float64", (1, 4), name="r")
    mv = RNG.normal(size=(3, 4))
    cv, rv = RNG.normal(size=(3, 1)), RNG.normal(size=(1, 4))
    cases = [
        (pt.sum(a * m + rv, axis=0), (1.3 * mv + rv).sum(axis=0), [a, m], [1.3, mv]),
        (pt.sum(a * (m * 0.0 + col)), np.sum(1.3 * (mv * 0.0 + cv)), [a, m, col], [1.3, mv, cv]),
        (pt.sum(col * a - row), np.sum(cv * 1.3 - rv * np.ones((3, 1))), [a, col, row],
         [1.3, cv, rv]),
    ]  # fmt: skip
    for out, want, ins, vals in cases:
        got = pg.function(ins, out)(*vals)
        np.testing.assert_allclose(got, want, rtol=1e-12)


def test_float32_and_jit_vmap() -> None:
    a, x = pt.scalar("a", dtype="float32"), pt.vector("x", dtype="float32")
    out = pt.sum(((x - a) / 2.0) ** 2 - pt.log(a))
    new, trace = rewritten(out, [a, x])
    assert "lift_out_of_sum" in trace and new.dtype == "float32"
    fn = pg.function([a, x], out).jax_fn
    xs = X.astype(np.float32)
    got = jax.vmap(lambda a_: fn(a_, xs))(np.array([1.0, 2.0], np.float32))
    got = got[0] if isinstance(got, list | tuple) else got
    want = [np.sum(((xs - v) / 2.0) ** 2 - np.log(v)) for v in (1.0, 2.0)]
    np.testing.assert_allclose(np.asarray(got).ravel(), want, rtol=1e-5)


# name, model-building function, observed data, scipy logpdf at (mu, s), most per-row ops
DISTS: list[tuple[str, Callable[..., Any], np.ndarray, Callable[..., Any], int]] = [
    ("Normal", lambda mu, s, y: pg.Normal("y", mu, s, observed=y), RNG.normal(size=N),
     lambda mu, s, y: st.norm.logpdf(y, mu, s).sum(), 2),  # y - mu, square
    ("StudentT", lambda mu, s, y: pg.StudentT("y", 4.0, mu, s, observed=y), RNG.normal(size=N),
     lambda mu, s, y: st.t.logpdf(y, 4.0, mu, s).sum(), 5),
    ("Laplace", lambda mu, s, y: pg.Laplace("y", mu, s, observed=y), RNG.normal(size=N),
     lambda mu, s, y: st.laplace.logpdf(y, mu, s).sum(), 2),  # y - mu, abs
    ("Cauchy", lambda mu, s, y: pg.Cauchy("y", mu, s, observed=y), RNG.normal(size=N),
     lambda mu, s, y: st.cauchy.logpdf(y, mu, s).sum(), 4),
    ("Gamma", lambda mu, s, y: pg.Gamma("y", pt.exp(mu), s, observed=y), X,
     lambda mu, s, y: st.gamma.logpdf(y, np.exp(mu), scale=1 / s).sum(), 0),  # sum(y), sum(log y)
    ("Poisson", lambda mu, s, y: pg.Poisson("y", s, observed=y), RNG.poisson(3.0, size=N),
     lambda mu, s, y: st.poisson.logpmf(y, s).sum(), 2),  # cast, xlogy
]  # fmt: skip


@pytest.mark.parametrize("dist", DISTS, ids=[d[0] for d in DISTS])
def test_log_densities_with_scalar_parameters(dist: Any) -> None:
    _, make, y, oracle, most = dist
    with pg.Model() as m:
        mu = pg.Normal("mu", 0.0, 1.0)
        s = pg.HalfNormal("s", 1.0)
        make(mu, s, y)
    obs = m.observed_RVs[0]
    out = m.logp(vars=[obs])
    inputs = list(m.value_vars)
    new, trace = rewritten(out, inputs)
    assert "lift_out_of_sum" in trace
    before, after = _row_ops(out, N), _row_ops(new, N)
    assert len(after) <= most < len(before), (before, after)
    point = (0.3, np.log(0.8))  # mu, log(s)
    ref = pg.function(inputs, out, rewrite=False)(*point)
    got = pg.function(inputs, out)(*point)
    np.testing.assert_allclose(got, ref, rtol=1e-12)
    np.testing.assert_allclose(got, oracle(0.3, 0.8, y), rtol=1e-10)


def test_fixed_terms_of_a_sum_are_summed_once_but_not_for_data_containers() -> None:
    y = RNG.poisson(3.0, size=N)
    for container in (False, True):
        with pg.Model() as m:
            lam = pg.HalfNormal("lam", 1.0)
            obs = pg.Data("y_data", y) if container else y
            pg.Poisson("y", lam, observed=obs)
        out = m.logp(vars=[m.observed_RVs[0]])
        new, trace = rewritten(out, list(m.value_vars))
        assert ("sum_fixed_terms" in trace) != container
        assert ("Elemwise{gammaln}" in _row_ops(new, N)) == container
        got = pg.function(list(m.value_vars), out)(np.log(2.5))
        np.testing.assert_allclose(got, st.poisson.logpmf(y, 2.5).sum(), rtol=1e-12)


@pytest.fixture(scope="module")
def mvnormal() -> tuple[pg.Model, np.ndarray, np.ndarray]:
    n = 200
    a = RNG.normal(size=(n, n))
    cov = a @ a.T / n + np.eye(n)
    y = RNG.normal(size=n)
    with pg.Model() as m:
        mu = pg.Normal("mu", 0.0, 1.0, shape=n)
        pg.MvNormal("y", mu, cov=cov, observed=y)
    return m, cov, y


def test_cholesky_of_a_constant_covariance_and_its_logdet_are_folded(mvnormal: Any) -> None:
    m, cov, y = mvnormal
    out = m.logp(vars=[m.observed_RVs[0]])
    new, _ = rewritten(out, list(m.value_vars))
    names = ops(new)
    assert not any("Cholesky" in n for n in names)
    assert not any(n.startswith("Elemwise{log}") for n in names)  # the log-determinant
    mu = np.linspace(-1.0, 1.0, 200)
    got = pg.function(list(m.value_vars), out)(mu)
    np.testing.assert_allclose(got, st.multivariate_normal.logpdf(y, mu, cov), rtol=1e-10)
    with pg.config.change_flags(fold_max_size=1000):  # 200 x 200 is over the limit
        small, _ = rewritten(out, list(m.value_vars))
    assert any("Cholesky" in n for n in ops(small))


def test_fold_max_size_is_validated() -> None:
    with pytest.raises(ValueError, match="fold_max_size"):
        pg.config.fold_max_size = -1  # type: ignore[assignment]
    with pytest.raises(TypeError, match="fold_max_sise"):
        with pg.config.change_flags(fold_max_sise=1):
            pass


def test_nan_guard_over_rows_becomes_one_scalar_test_with_the_same_error() -> None:
    idx = np.arange(N) % 5
    xs, y = RNG.normal(size=N), RNG.normal(size=N)
    with pg.Model() as m:
        a = pg.Normal("a", 0.0, 1.0, shape=5)
        b = pg.Normal("b", 0.0, 1.0)
        sigma = pg.HalfNormal("sigma", 1.0)
        obs = pg.Normal("y", a[idx] + b * xs, sigma, observed=y)
    out = m.logp(vars=[obs])
    inputs = list(m.value_vars)
    new, trace = rewritten(out, inputs)
    assert "check_nan_by_sum" in trace
    assert "All" not in ops(new)  # no pass over the rows for the NaN flag
    good = (np.linspace(-1, 1, 5), 0.3, np.log(0.7))
    want = st.norm.logpdf(y, good[0][idx] + 0.3 * xs, 0.7).sum()
    np.testing.assert_allclose(pg.function(inputs, out)(*good), want, rtol=1e-12)
    bad = (np.array([0.0, np.nan, 0.0, 0.0, 0.0]), 0.3, np.log(0.7))
    errors = []
    for rewrite in (False, True):
        with pytest.raises(pg.ParameterValueError) as info:
            pg.function(inputs, out, rewrite=rewrite)(*bad)
        errors.append(str(info.value))
    assert errors[0] == errors[1] and "NaN" in errors[1], errors
    with pg.config.change_flags(check_mode="-inf"):
        assert pg.function(inputs, out)(*bad) == -np.inf
