"""The value guard tested on the sum (``guards.py``): the kind analysis on
known forms, the rule's before/after values against scipy.stats, -inf (never
NaN) for NaN or infinite values exactly as before, and no per-element select
left in the model's log-density or its gradient."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import scipy.stats as st

import ppgraph as pg
import ppgraph.tensor as pt
from ppgraph.graph.basic import Variable
from ppgraph.rewrite.guards import kind, nan_exact_sign
from ppgraph.tensor.type import TensorConstant
from tests.rewrite.util import eager, ops, rewritten

X = np.random.default_rng(2).normal(size=9)


@pytest.mark.parametrize(
    ("build", "want"),
    [
        (lambda x, m, s: -0.5 * pt.square((x - m) / s) - pt.log(s), "-inf"),  # Normal
        (lambda x, m, s: (lambda z: -0.5 * z * z - 0.9)((x - m) / s), "-inf"),
        (lambda x, m, s: -pt.log1p(pt.square((x - m) / s)) - pt.log(s), "-inf"),  # Cauchy
        (lambda x, m, s: -pt.abs(x - m) - s, "-inf"),
        (lambda x, m, s: pt.square(x) + s, "+inf"),
        (lambda x, m, s: (x - m) * s, "inf"),  # the sign of s is unknown
        (lambda x, m, s: -pt.abs(x - m) / s, "inf"),
        (lambda x, m, s: pt.exp(-pt.square(x)), None),  # 0 at infinity: finite
        (lambda x, m, s: m / (x - m), None),  # 0 at infinity
        (lambda x, m, s: pt.sin(x), None),
    ],
)
def test_kind_of_known_forms(build: object, want: str | None) -> None:
    x, m, s = pt.vector("x"), pt.scalar("m"), pt.scalar("s")
    assert kind(build(x, m, s), x) == want  # type: ignore[operator]


def _prior(values: np.ndarray) -> tuple[pg.Model, pt.TensorVariable]:
    with pg.Model() as model:
        s = pg.HalfNormal("s", 1.0)
        x = pg.Normal("x", 0.3, s, shape=values.shape)
    return model, x


def test_normal_prior_sum_value_and_rule() -> None:
    model, _ = _prior(X)
    out = model.logp(vars=[model.free_RVs[1]])
    new, trace = rewritten(out, list(model.value_vars))
    assert "guard_by_sum" in trace
    assert "Elemwise{isfinite}" not in ops(new)  # no per-element test left
    s_log = np.log(1.3)
    want = st.norm.logpdf(X, 0.3, 1.3).sum()
    got = pg.function(list(model.value_vars), out)(s_log, X)
    np.testing.assert_allclose(got, want, rtol=1e-12)
    before = eager(list(model.value_vars), out, s_log, X)  # op by op, no rewrites
    np.testing.assert_allclose(before, want, rtol=1e-12)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_or_infinite_values_give_minus_inf_as_before(bad: float) -> None:
    model, _ = _prior(X)
    fn, _ = pg.logdensity(model)
    for i in (0, 4):
        v = X.copy()
        v[i] = bad
        with jax.enable_x64(True):
            got = float(jax.jit(fn)({"s_log__": 0.2, "x": v}))
        assert got == -np.inf


def test_no_elementwise_select_in_the_batched_gradient_and_float32() -> None:
    model, _ = _prior(X)
    fn, _ = pg.logdensity(model)
    with jax.enable_x64(True):
        batch = {"s_log__": jnp.zeros(4), "x": jnp.tile(jnp.asarray(X), (4, 1))}
        jaxpr = jax.make_jaxpr(jax.vmap(jax.value_and_grad(fn)))(batch)
        selects = _all_eqns(jaxpr.jaxpr, "select_n")
        assert selects and all(e.outvars[0].aval.shape in ((4,), ()) for e in selects)
        lp, grad = jax.vmap(jax.value_and_grad(fn))(batch)
    want = st.norm.logpdf(X, 0.3, 1.0).sum() + st.halfnorm.logpdf(1.0) + 0.0
    np.testing.assert_allclose(lp, want, rtol=1e-12)
    np.testing.assert_allclose(grad["x"][0], -(X - 0.3), rtol=1e-12)
    with pg.config.change_flags(floatX="float32"):
        m32, _ = _prior(X.astype(np.float32))
        fn32, _ = pg.logdensity(m32)
        got = jax.jit(fn32)({"s_log__": np.float32(0.0), "x": X.astype(np.float32)})
    assert got.dtype == np.float32
    np.testing.assert_allclose(float(got), want, rtol=1e-5)


def _all_eqns(jaxpr: jax.extend.core.Jaxpr, name: str) -> list[jax.extend.core.JaxprEqn]:
    found = []
    for e in jaxpr.eqns:
        if e.primitive.name == name:
            found.append(e)
        for p in e.params.values():
            inner = getattr(p, "jaxpr", None)
            if inner is not None:
                found += _all_eqns(getattr(inner, "jaxpr", inner), name)
    return found


def test_declines_when_the_body_is_finite_at_infinity() -> None:
    x = pt.vector("x")
    out = pt.sum(pt.where(pt.isfinite(x), pt.exp(-pt.square(x)), -np.inf))
    _, trace = rewritten(out, [x])
    assert "guard_by_sum" not in trace
    v = np.array([0.0, np.inf])
    assert float(pg.function([x], out)(v)) == -np.inf


def test_nan_flag_over_rows_tested_on_the_sum_with_known_per_row_scales() -> None:
    """Eight-schools form: ``sum(square(y - mu) / s ** 2)`` with the scales ``s``
    fixed data; the NaN flag of ``mu`` is tested on the sum, with the same error."""
    y8 = np.array([28.0, 8.0, -3.0, 7.0, -1.0, 1.0, 18.0, 12.0])
    s8 = np.array([15.0, 10.0, 16.0, 11.0, 9.0, 11.0, 10.0, 18.0])
    with pg.Model() as m:
        mu = pg.Normal("mu", 0.0, 5.0)
        theta = pg.Normal("theta", 0.0, 1.0, shape=8)
        obs = pg.Normal("y", mu + theta, s8, observed=y8)
    out = m.logp(vars=[obs])
    inputs = list(m.value_vars)
    new, trace = rewritten(out, inputs)
    assert "check_nan_by_sum" in trace and "All" not in ops(new)
    th = np.linspace(-1.0, 1.0, 8)
    want = st.norm.logpdf(y8, 0.4 + th, s8).sum()
    np.testing.assert_allclose(pg.function(inputs, out)(0.4, th), want, rtol=1e-12)
    bad = th.copy()
    bad[3] = np.nan
    errors = []
    for rewrite in (False, True):
        with pytest.raises(pg.ParameterValueError) as info:
            pg.function(inputs, out, rewrite=rewrite)(0.4, bad)
        errors.append(str(info.value))
    assert errors[0] == errors[1] and "NaN" in errors[1], errors


def _logistic_model(y: np.ndarray, x: np.ndarray) -> tuple[pg.Model, Variable]:
    with pg.Model() as m:
        a = pg.Normal("a", 0.0, 2.0)
        b = pg.Normal("b", 0.0, 1.0, shape=x.shape[1])
        obs = pg.Bernoulli("y", logit_p=a + pg.Data("x", x) @ b, observed=y)
    return m, obs


def test_logistic_nan_flag_tested_on_the_sum_of_log_sigmoids() -> None:
    """A logistic regression's ``sum(log_sigmoid(where(y == 1, eta, -eta)))`` is
    NaN exactly where some ``eta`` is: the per-row NaN flag of ``p`` becomes one
    test of the sum, with the same value (scipy) and the same error."""
    rng = np.random.default_rng(4)
    x = rng.normal(size=(40, 3))
    y = (rng.uniform(size=40) < 0.4).astype(np.int64)
    m, obs = _logistic_model(y, x)
    out = m.logp(vars=[obs])
    inputs = list(m.value_vars)
    new, trace = rewritten(out, inputs)
    assert "check_nan_by_sum" in trace and "All" not in ops(new)
    b = np.array([0.5, -1.0, 0.25])
    p = 1.0 / (1.0 + np.exp(-(0.3 + x @ b)))
    want = st.bernoulli.logpmf(y, p).sum()
    for rewrite in (False, True):
        got = pg.function(inputs, out, rewrite=rewrite)(0.3, b)
        np.testing.assert_allclose(got, want, rtol=1e-12)
    errors = []
    for rewrite in (False, True):
        with pytest.raises(pg.ParameterValueError) as info:
            pg.function(inputs, out, rewrite=rewrite)(np.nan, b)
        errors.append(str(info.value))
    assert errors[0] == errors[1] and "NaN" in errors[1], errors
    # the sampler's form: -inf, not NaN, at a NaN coefficient; finite elsewhere
    fn, _ = pg.logdensity(m)
    assert float(fn({"a": 0.3, "b": np.array([np.nan, 0.0, 0.0])})) == -np.inf
    assert np.isfinite(float(fn({"a": 0.3, "b": b})))


def test_nan_exact_sign_declines_what_could_hide_or_fake_a_nan() -> None:
    eta, mu = pt.vector("eta"), pt.scalar("mu")
    y = pt.constant(np.array([1.0, 0.0, 1.0]))
    one = pt.constant(np.array([True, False, True]))  # y == 1

    def known(v: Variable) -> np.ndarray | None:
        return np.asarray(v.data) if isinstance(v, TensorConstant) else None

    assert nan_exact_sign(pt.log_sigmoid(pt.where(one, eta, -eta)), eta, known) == -1
    assert nan_exact_sign(pt.square((y - eta) / 2.0), eta, known) == 1
    assert nan_exact_sign(-pt.softplus(y - eta), eta, known) == -1
    # mixed signs could add up to inf - inf = NaN with no NaN in eta
    assert nan_exact_sign(pt.log_sigmoid(eta) + eta, eta, known) is None
    assert nan_exact_sign(pt.where(one, pt.exp(eta), -pt.exp(eta)), eta, known) == 0
    # a select on eta itself picks a finite branch at NaN
    assert nan_exact_sign(pt.where(eta > 0, pt.exp(eta), 0.0 * y), eta, known) is None
    # another parameter could be the NaN
    assert nan_exact_sign(pt.square(eta - mu), eta, known) is None
    # 0 * inf is NaN; 1 / inf is 0
    assert nan_exact_sign(pt.exp(eta) * pt.constant(np.array([0.0, 1.0, 1.0])), eta, known) is None
    assert nan_exact_sign(1.0 / pt.exp(eta), eta, known) is None
    assert nan_exact_sign(pt.tanh(eta), eta, known) is None
