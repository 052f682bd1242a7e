"""Grad / Hessian ops and the model's dlogp / d2logp, against jax.grad /
jax.hessian of hand-written JAX log-densities and central finite differences."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax.scipy import stats as jstats

import ppgraph as pg
import ppgraph.tensor as pt
from ppgraph.tensor.gradient import Grad, grad, hessian

RNG = np.random.default_rng(7)


def central_diff(f, x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    out = np.zeros_like(x)
    for i in range(x.size):
        step = np.zeros_like(x)
        step.flat[i] = eps
        out.flat[i] = (f(x + step) - f(x - step)) / (2 * eps)
    return out


def test_grad_of_an_expression_against_finite_differences() -> None:
    x, a = pt.vector("x"), pt.scalar("a")
    cost = pt.sum(pt.log1p(pt.exp(a * x)) + x**2 / a)
    gx, ga = grad(cost, [x, a])
    f = pg.function([x, a], [cost, gx, ga])
    xv, av = RNG.normal(size=3), 1.7
    _, got_x, got_a = f(xv, av)
    np.testing.assert_allclose(got_x, central_diff(lambda v: f(v, av)[0], xv), rtol=1e-7)
    np.testing.assert_allclose(got_a, central_diff(lambda v: f(xv, v)[0], np.array(av)), rtol=1e-7)


def test_hessian_against_jax_of_a_hand_written_function() -> None:
    x, a = pt.vector("x"), pt.scalar("a")
    cost = pt.sum(pt.sin(x) * a**2) + a * pt.sum(x**3)
    h = hessian(cost, [x, a])
    xv, av = RNG.normal(size=2), 0.8

    def ref(theta: jnp.ndarray) -> jnp.ndarray:
        xs, aa = theta[:2], theta[2]
        return jnp.sum(jnp.sin(xs) * aa**2) + aa * jnp.sum(xs**3)

    with jax.enable_x64(True):
        want = np.asarray(jax.hessian(ref)(jnp.asarray(np.append(xv, av))))
    got = pg.function([x, a], h)(xv, av)
    assert got.shape == (3, 3)
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_grad_with_respect_to_an_intermediate_variable() -> None:
    x = pt.scalar("x")
    z = pt.exp(x)
    gz = grad(pt.log(z) * z, z)  # d/dz (z log z) = log z + 1
    np.testing.assert_allclose(gz.eval({x: 2.0}), 3.0)


def test_grad_reads_shared_data_as_an_argument() -> None:
    data = pt.shared(np.array([1.0, 2.0]), name="data")
    w = pt.scalar("w")
    g = grad(pt.sum((data - w) ** 2), w)
    f = pg.function([w], g)
    np.testing.assert_allclose(f(0.0), -6.0)
    data.set_value(np.array([3.0, 4.0]))
    np.testing.assert_allclose(f(0.0), -14.0)
    assert f.n_traces == 1


def test_grad_carries_the_checks() -> None:
    s = pt.scalar("s")
    cost = pt.check(s**2, s > 0, msg="s > 0", var="s")
    g = grad(cost, s)
    with pytest.raises(pg.ParameterValueError, match="s > 0"):
        pg.function([s], g)(-1.0)
    assert float(pg.function([s], g, check_mode="-inf")(-1.0)) == -np.inf
    np.testing.assert_allclose(pg.function([s], g)(3.0), 6.0)


def test_grad_bad_input() -> None:
    x = pt.vector("x")
    with pytest.raises(ValueError, match="must be a scalar"):
        grad(x * 2.0, x)
    with pytest.raises(TypeError, match="int64"):
        grad(pt.sum(x), pt.scalar("n", dtype="int64"))
    with pytest.raises(TypeError, match="constants"):
        grad(pt.sum(x), pt.constant(1.0))
    with pytest.raises(ValueError, match="twice"):
        grad(pt.sum(x), [x, x])
    op = grad(pt.sum(x), x).owner.op
    assert isinstance(op, Grad)
    with pytest.raises(TypeError, match="expected 1 inputs"):
        op.make_node(x, x)


def _model_2() -> pg.Model:
    with pg.Model() as m:
        mu = pg.Normal("mu", mu=0, sigma=2)
        sigma = pg.HalfNormal("sigma", sigma=3)
        pg.Normal("x", mu=mu, sigma=sigma)
    return m


def _model_2_ref(theta: jnp.ndarray) -> jnp.ndarray:
    mu, s_log, x = theta
    sigma = jnp.exp(s_log)
    half = jnp.log(2.0) + jstats.norm.logpdf(sigma, 0.0, 3.0)
    return jstats.norm.logpdf(mu, 0.0, 2.0) + half + s_log + jstats.norm.logpdf(x, mu, sigma)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_model_dlogp_d2logp_against_hand_written_jax(seed: int) -> None:
    m = _model_2()
    theta = np.random.default_rng(seed).normal(size=3)
    point = dict(zip(["mu", "sigma_log__", "x"], theta, strict=True))
    with jax.enable_x64(True):
        t = jnp.asarray(theta)
        want_v, want_g = _model_2_ref(t), jax.grad(_model_2_ref)(t)
        want_h = jax.hessian(_model_2_ref)(t)
    np.testing.assert_allclose(m.compile_logp()(point), want_v, rtol=1e-12)
    np.testing.assert_allclose(m.compile_dlogp()(point), want_g, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(m.compile_d2logp()(point), want_h, rtol=1e-10, atol=1e-12)
    logp = m.compile_logp()
    fd = central_diff(lambda v: logp(dict(zip(point, v, strict=True))), theta)
    np.testing.assert_allclose(m.compile_dlogp()(point), fd, rtol=1e-6, atol=1e-8)


def test_d2logp_is_not_negated() -> None:
    with pg.Model() as m:
        pg.Normal("x", mu=0.0, sigma=0.5, shape=2)
    np.testing.assert_allclose(m.compile_d2logp()({"x": np.zeros(2)}), -4.0 * np.eye(2))


def test_dlogp_vars_and_jacobian() -> None:
    m = _model_2()
    point = {"mu": 0.1, "sigma_log__": 0.2, "x": -0.3}
    full = m.compile_dlogp()(point)
    only_sigma = m.compile_dlogp(vars=[m["sigma"]])(point)
    np.testing.assert_allclose(only_sigma, full[1:2])
    no_jac = m.compile_dlogp(jacobian=False)(point)
    np.testing.assert_allclose(full - no_jac, [0.0, 1.0, 0.0], atol=1e-12)
    h = m.compile_d2logp(vars=["mu", "x"])(point)
    np.testing.assert_allclose(h, m.compile_d2logp()(point)[np.ix_([0, 2], [0, 2])])


def test_dlogp_in_value_vars_order_with_shapes() -> None:
    with pg.Model() as m:
        a = pg.Normal("a", 0.0, 1.0, shape=(2, 2))
        pg.Normal("b", a.sum(), 1.0, shape=3)
    point = {"a": RNG.normal(size=(2, 2)), "b": RNG.normal(size=3)}
    g = m.compile_dlogp()(point)
    assert g.shape == (7,)
    ga = -point["a"].ravel() + np.sum(point["b"] - point["a"].sum())
    np.testing.assert_allclose(g[:4], ga)
    np.testing.assert_allclose(g[4:], -(point["b"] - point["a"].sum()))
    assert m.compile_d2logp()(point).shape == (7, 7)


def test_dlogp_raises_on_invalid_parameters() -> None:
    with pg.Model() as m:
        s = pg.Normal("s", 1.0, 1.0)
        pg.Normal("x", 0.0, s)
    with pytest.raises(pg.ParameterValueError, match="x: sigma > 0"):
        m.compile_dlogp()({"s": -1.0, "x": 0.0})
    with pytest.raises(pg.ParameterValueError, match="x: sigma > 0"):
        m.compile_d2logp()({"s": -1.0, "x": 0.0})
    got = m.compile_dlogp(check_mode="-inf")({"s": -1.0, "x": 0.0})
    assert np.all(got == -np.inf)


def test_dlogp_without_continuous_variables_is_an_error() -> None:
    with pg.Model() as m:
        pg.Normal("y", 0.0, 1.0, observed=[0.1])
    with pytest.raises(ValueError, match="no continuous free variables"):
        m.dlogp()
