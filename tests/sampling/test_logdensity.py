"""pg.logdensity and its pieces against hand-written JAX and scipy.stats densities,
under jit / vmap / grad / lax.scan; data as arguments; the flat variant's order."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import scipy.stats as st

import ppgraph as pg
import ppgraph.tensor as pt
from tests.sampling.models import Y, eight_schools, eight_schools_logp, random_points


@pytest.fixture(scope="module")
def schools() -> pg.Model:
    return eight_schools()


def test_matches_hand_written_density_value_and_grad(schools: pg.Model) -> None:
    fn, position = pg.logdensity(schools)
    assert list(position) == ["mu", "tau_log__", "theta_t"]
    points = random_points(schools, 20, seed=0)
    with jax.enable_x64(True):
        got, got_grad = jax.jit(jax.vmap(jax.value_and_grad(fn)))(points)
        want, want_grad = jax.vmap(jax.value_and_grad(eight_schools_logp))(points)
    np.testing.assert_allclose(got, want, rtol=1e-10)
    for name in position:
        np.testing.assert_allclose(got_grad[name], want_grad[name], rtol=1e-9, atol=1e-12)


def _bounded_model() -> pg.Model:
    with pg.Model() as m:
        pg.Beta("p", 2.0, 3.0)
        pg.Uniform("u", -1.0, 2.0)
        lam = pg.Exponential("lam", 2.0)
        pg.Poisson("k", lam, observed=[1, 3])
    return m


def _bounded_oracle(p_lo: float, u_iv: float, lam_log: float) -> float:
    """scipy.stats at the constrained values plus each transform's log-Jacobian."""
    p, s = 1 / (1 + np.exp(-p_lo)), 1 / (1 + np.exp(-u_iv))
    u, lam = -1.0 + 3.0 * s, np.exp(lam_log)
    return float(
        st.beta.logpdf(p, 2.0, 3.0) + np.log(p * (1 - p))
        + st.uniform.logpdf(u, -1.0, 3.0) + np.log(3.0 * s * (1 - s))
        + st.expon.logpdf(lam, scale=0.5) + lam_log
        + st.poisson.logpmf([1, 3], lam).sum()
    )  # fmt: skip


def test_transforms_and_jacobians_against_scipy() -> None:
    m = _bounded_model()
    fn, position = pg.logdensity(m)
    assert list(position) == ["p_logodds__", "u_interval__", "lam_log__"]
    rng = np.random.default_rng(1)
    with jax.enable_x64(True):
        jitted, grad = jax.jit(fn), jax.jit(jax.grad(fn))
        for _ in range(5):
            x = rng.normal(0.0, 1.5, size=3)
            point = dict(zip(position, x, strict=True))
            assert float(jitted(point)) == pytest.approx(_bounded_oracle(*x), rel=1e-10)
            g = grad(point)
            for i, name in enumerate(position):  # central differences of the oracle
                h = np.zeros(3)
                h[i] = 1e-6
                fd = (_bounded_oracle(*(x + h)) - _bounded_oracle(*(x - h))) / 2e-6
                assert float(g[name]) == pytest.approx(fd, rel=1e-5, abs=1e-7)
    # jacobian=False leaves the log-determinants out
    fn_nj, _ = pg.logdensity(m, jacobian=False)
    with jax.enable_x64(True):
        x = np.array([0.3, -0.2, 0.1])
        pt_ = dict(zip(position, x, strict=True))
        s = 1 / (1 + np.exp(0.2))
        p = 1 / (1 + np.exp(-0.3))
        ljd = np.log(p * (1 - p)) + np.log(3 * s * (1 - s)) + 0.1
        assert float(fn_nj(pt_)) == pytest.approx(_bounded_oracle(*x) - ljd, rel=1e-10)


def test_composes_with_scan_grad_and_vmap(schools: pg.Model) -> None:
    fn, position = pg.logdensity(schools)

    def ascent(logp: Any) -> Any:
        def step(p: dict, _: None) -> tuple[dict, jax.Array]:
            g = jax.grad(logp)(p)
            return jax.tree.map(lambda a, b: a + 1e-3 * b, p, g), logp(p)

        return jax.jit(lambda p: jax.lax.scan(step, p, None, length=50))

    with jax.enable_x64(True):
        p0 = jax.tree.map(jnp.asarray, position)
        final, values = ascent(fn)(p0)
        want_final, want = ascent(eight_schools_logp)(p0)
        batch = jax.vmap(ascent(fn))(random_points(schools, 3, seed=5))[1]
        batch_want = jax.vmap(ascent(eight_schools_logp))(random_points(schools, 3, seed=5))[1]
    np.testing.assert_allclose(values, want, rtol=1e-10)
    np.testing.assert_allclose(batch, batch_want, rtol=1e-10)
    assert values[-1] > values[0]
    for name in position:
        np.testing.assert_allclose(final[name], want_final[name], rtol=1e-9, atol=1e-12)


def test_failing_check_is_minus_inf_and_grad_finite_where_logp_is() -> None:
    with pg.Model() as m:
        s = pg.Normal("s", 1.0, 1.0)
        pg.Normal("y", 0.0, s, observed=[0.5, -0.5])
    fn, _ = pg.logdensity(m)
    values = np.linspace(-2.0, 3.0, 11)
    with jax.enable_x64(True):
        lp, grad = jax.vmap(jax.value_and_grad(fn))({"s": values})
    lp, grad = np.asarray(lp), np.asarray(grad["s"])
    assert np.all(np.isneginf(lp[values <= 0]))
    pos = values[values > 0]
    want = st.norm.logpdf(pos, 1, 1) + st.norm.logpdf(0.5, 0, pos) * 2
    np.testing.assert_allclose(lp[values > 0], want, rtol=1e-10)
    assert np.all(np.isfinite(grad[values > 0]))
    with pytest.raises(ValueError, match="check mode"):
        pg.logdensity(m, checks="nan")


def test_flat_order_is_value_vars_order_and_dlogp_order(schools: pg.Model) -> None:
    fn, x0 = pg.logdensity(schools, flat=True)
    point = {k: v[3] for k, v in random_points(schools, 5, seed=2).items()}
    flat = fn.ravel(point)
    assert flat.shape == (10,) and fn.names == [str(v.name) for v in schools.value_vars]
    np.testing.assert_array_equal(flat[0], point["mu"])
    np.testing.assert_array_equal(flat[2:], point["theta_t"])
    back = fn.unravel(flat)
    assert list(back) == fn.names and all(np.array_equal(back[k], point[k]) for k in back)
    with jax.enable_x64(True):
        grad = jax.jit(jax.grad(fn))(jnp.asarray(flat))
        value = float(fn(x0))
    np.testing.assert_allclose(grad, schools.compile_dlogp()(point), rtol=1e-9)
    assert value == pytest.approx(float(schools.compile_logp()(schools.initial_point())))


def test_prior_likelihood_potential_and_pointwise_add_up() -> None:
    with pg.Model() as m:
        mu = pg.Normal("mu", 0.0, 2.0)
        sd = pg.HalfNormal("sd", 1.0)
        pg.Normal("y", mu, sd, observed=Y / 10)
        pg.Normal("z", mu, 1.0, observed=[[0.1, 0.2], [0.3, 0.4]])
        pg.Potential("pull", -0.5 * mu**2)
    joint, _ = pg.logdensity(m)
    point = {"mu": 0.3, "sd_log__": -0.2}
    sd = np.exp(-0.2)
    with jax.enable_x64(True):
        total = float(joint(point))
        prior, like = float(pg.logprior(m)(point)), float(pg.loglikelihood(m)(point))
        potential = float(pg.potential_fn(m)(point))
        pointwise = {k: np.asarray(v) for k, v in pg.pointwise_loglikelihood(m)(point).items()}
    want_prior = st.norm.logpdf(0.3, 0, 2) + st.halfnorm.logpdf(sd) - 0.2
    assert prior == pytest.approx(want_prior, rel=1e-12)
    np.testing.assert_allclose(pointwise["y"], st.norm.logpdf(Y / 10, 0.3, sd), rtol=1e-12)
    assert pointwise["z"].shape == (2, 2)
    obs = float(np.sum(pointwise["y"]) + np.sum(pointwise["z"]))
    assert like == pytest.approx(obs - 0.5 * 0.09, rel=1e-12)  # potentials count as likelihood
    assert total == pytest.approx(prior + like, rel=1e-12)
    assert potential == -total


def test_data_are_arguments_not_constants() -> None:
    rng = np.random.default_rng(3)
    x_data, y_data = rng.normal(size=1000), rng.normal(size=1000)
    with pg.Model() as m:
        x = pg.Data("x", x_data)
        b = pg.Normal("b", 0.0, 1.0)
        pg.Normal("y", b * x, 1.0, observed=y_data)
    fn, position = pg.logdensity(m)
    with jax.enable_x64(True):
        jaxpr = jax.make_jaxpr(fn.apply)(position, fn.data)
        traces = []

        @jax.jit
        def f(p: dict, data: tuple) -> jax.Array:
            traces.append(1)
            return fn.apply(p, data)

        first = float(f(position, fn.data))
        new = tuple(np.asarray(d)[::-1].copy() for d in fn.data)  # same shapes, new values
        second = float(f({"b": np.asarray(0.5)}, new))
    big = [c for c in jaxpr.consts if np.size(c) > 16]
    assert not big, "data were baked into the traced function"
    assert len(traces) == 1
    assert first == pytest.approx(st.norm.logpdf(0) + st.norm.logpdf(y_data).sum(), rel=1e-12)
    assert {d.shape for d in fn.data} == {(1000,)}
    want = st.norm.logpdf(0.5) + st.norm.logpdf(y_data[::-1], 0.5 * x_data[::-1]).sum()
    assert second == pytest.approx(want, rel=1e-12)
    pg.set_data({"x": np.zeros(1000)}, model=m)  # fn(position) reads the data at call time
    with jax.enable_x64(True):
        assert float(fn({"b": 2.0})) == pytest.approx(
            st.norm.logpdf(2.0) + st.norm.logpdf(y_data).sum(), rel=1e-12
        )


def test_bad_positions() -> None:
    with pg.Model() as m:
        pg.Normal("x", 0.0, 1.0)
    fn, _ = pg.logdensity(m)
    with pytest.raises(KeyError, match="no value for \\['x'\\]"):
        fn({"y": 1.0})
    with pytest.raises(TypeError, match="a position is a dict"):
        fn([1.0])


def test_works_with_a_potential_only_model() -> None:
    with pg.Model() as m:
        x = pg.Flat("x")
        pg.Potential("p", -0.5 * pt.square(x - 3.0))
    fn, _ = pg.logdensity(m)
    with jax.enable_x64(True):
        assert float(jax.grad(fn)({"x": 3.0})["x"]) == pytest.approx(0.0, abs=1e-9)
