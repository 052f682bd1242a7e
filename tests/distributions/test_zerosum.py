"""ZeroSumNormal and its zerosum transform: the density against scipy's singular
multivariate normal (covariance sigma^2 times the projector onto the zero-sum
subspace), draws, the transform's isometry and PyMC's value variable names."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy import stats

import ppgraph as pg
import ppgraph.tensor as pt
from ppgraph.logprob.transforms_zerosum import ZeroSumTransform


def _projector(n: int) -> np.ndarray:
    return np.eye(n) - 1.0 / n


def _oracle(x: np.ndarray, sigma: float, sizes: tuple[int, ...]) -> float:
    # N(0, sigma^2 P) with P the Kronecker product of the per-axis projectors;
    # scipy's allow_singular density lives on P's range (pseudo-determinant).
    proj = np.ones((1, 1))
    for n in sizes:
        proj = np.kron(proj, _projector(n))
    mvn = stats.multivariate_normal(np.zeros(proj.shape[0]), sigma**2 * proj, allow_singular=True)
    return float(mvn.logpdf(np.ravel(x)))


def _zero_sum(rng: np.random.Generator, shape: tuple[int, ...], axes: int) -> np.ndarray:
    x = rng.normal(size=shape)
    for ax in range(-axes, 0):
        x = x - x.mean(axis=ax, keepdims=True)
    return x


@pytest.mark.parametrize(
    ("shape", "axes", "sigma"), [((4,), 1, 1.7), ((3, 5), 2, 0.6), ((2, 3), 1, 2.5)]
)
def test_logp_matches_singular_normal(shape: tuple[int, ...], axes: int, sigma: float) -> None:
    rng = np.random.default_rng(0)
    x = _zero_sum(rng, shape, axes)
    rv = pg.ZeroSumNormal.dist(sigma=sigma, shape=shape, n_zerosum_axes=axes)
    got = np.asarray(pg.logp(rv, x).eval())
    sizes = shape[len(shape) - axes :]
    if axes == len(shape):
        want = _oracle(x, sigma, sizes)
    else:  # a batch of independent rows
        want = np.array([_oracle(row, sigma, sizes) for row in x])
    np.testing.assert_allclose(got, want, rtol=1e-10)


def test_batched_sigma_and_float32() -> None:
    rng = np.random.default_rng(1)
    x = _zero_sum(rng, (2, 4), 1)
    sigma = np.array([[0.5], [2.0]])  # length 1 along the zero-sum axis, as PyMC asks
    rv = pg.ZeroSumNormal.dist(sigma=sigma, shape=(2, 4))
    want = [_oracle(x[i], float(sigma[i, 0]), (4,)) for i in range(2)]
    np.testing.assert_allclose(pg.logp(rv, x).eval(), want, rtol=1e-10)
    with pg.config.change_flags(floatX="float32"):
        rv32 = pg.ZeroSumNormal.dist(sigma=sigma.astype("float32"), shape=(2, 4))
        got = pg.logp(rv32, x.astype("float32")).eval()
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, want, rtol=1e-5)


def test_off_the_subspace_and_bad_sigma() -> None:
    v = pt.vector("v")
    s = pt.scalar("s")
    lp = pg.logp(pg.ZeroSumNormal.dist(sigma=s, shape=3), v)
    assert pg.function([v, s], lp)([1.0, 0.0, 0.0], 1.0) == -np.inf
    with pytest.raises(pg.ParameterValueError, match="sigma > 0"):
        pg.function([v, s], lp)([1.0, -1.0, 0.0], -1.0)
    assert pg.function([v, s], lp, check_mode="-inf")([1.0, -1.0, 0.0], -1.0) == -np.inf


def test_bad_construction() -> None:
    with pytest.raises(ValueError, match="shape=, dims= or support_shape="):
        pg.ZeroSumNormal.dist(sigma=1.0)
    with pytest.raises(ValueError, match="length 1 along the 1 zero-sum axes"):
        pg.ZeroSumNormal.dist(sigma=np.ones(3), shape=3)
    with pytest.raises(ValueError, match="at least 2 entries"):
        pg.ZeroSumNormal.dist(shape=(3, 1), n_zerosum_axes=2)
    with pytest.raises(ValueError, match="n_zerosum_axes must be a positive int"):
        pg.ZeroSumNormal.dist(shape=3, n_zerosum_axes=0)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_draws_sum_to_zero_and_have_the_projected_variance(dtype: str) -> None:
    with pg.config.change_flags(floatX=dtype):
        rv = pg.ZeroSumNormal.dist(sigma=2.0, shape=(3, 4), n_zerosum_axes=2)
        x = pg.draw(rv, draws=3000, random_seed=5)
    assert x.shape == (3000, 3, 4) and x.dtype == dtype
    tol = 1e-12 if dtype == "float64" else 1e-5
    assert np.abs(x.sum(axis=-1)).max() < tol * 100 and np.abs(x.sum(axis=-2)).max() < tol * 100
    # each entry is N(0, sigma^2 (1 - 1/3)(1 - 1/4)): the diagonal of sigma^2 P
    scale = 2.0 * np.sqrt((2 / 3) * (3 / 4))
    assert stats.kstest(x[:, 1, 2].astype(float), stats.norm(0, scale).cdf).pvalue > 1e-3


@pytest.mark.parametrize("n", [2, 5])
def test_transform_round_trip_and_isometry(n: int) -> None:
    tr = ZeroSumTransform((-1,))
    y = pt.tensor("float64", shape=(n - 1,), name="y")
    back = pg.function([y], tr.backward(y))
    y0 = np.random.default_rng(2).normal(size=n - 1)
    x0 = back(y0)
    assert abs(x0.sum()) < 1e-12
    np.testing.assert_allclose(tr.forward(x0).eval(), y0, rtol=1e-12, atol=1e-14)
    # backward is an isometry onto the hyperplane: J^T J = I, so log|J| = 0
    with jax.enable_x64(True):
        jac = np.asarray(jax.jacobian(back.jax_fn)(jnp.asarray(y0)))
    np.testing.assert_allclose(jac.T @ jac, np.eye(n - 1), atol=1e-12)
    assert float(tr.log_jac_det(y).eval({y: y0})) == 0.0


def test_model_value_variable_dims_and_logp() -> None:
    coords = {"group": list("abcd"), "item": list("xyz")}
    with pg.Model(coords=coords) as model:
        z = pg.ZeroSumNormal("z", sigma=1.5, dims="group")
        w = pg.ZeroSumNormal("w", sigma=0.7, dims=("group", "item"), n_zerosum_axes=2)
    assert [v.name for v in model.value_vars] == ["z_zerosum__", "w_zerosum__"]
    assert z.type.shape == (4,) and w.type.shape == (4, 3)
    assert model.value_vars[0].type.shape == (3,) and model.value_vars[1].type.shape == (3, 2)
    start = model.initial_point()
    np.testing.assert_array_equal(start["z_zerosum__"], np.zeros(3))
    rng = np.random.default_rng(3)
    point = {"z_zerosum__": rng.normal(size=3), "w_zerosum__": rng.normal(size=(3, 2))}
    tr1, tr2 = ZeroSumTransform((-1,)), ZeroSumTransform((-2, -1))
    z_val = tr1.backward(point["z_zerosum__"]).eval()
    w_val = tr2.backward(point["w_zerosum__"]).eval()
    want = _oracle(z_val, 1.5, (4,)) + _oracle(w_val, 0.7, (4, 3))
    got = model.compile_logp()(point)
    np.testing.assert_allclose(got, want, rtol=1e-10)


def test_observed_and_prior_predictive() -> None:
    data = np.array([0.5, -1.0, 0.5])
    with pg.Model() as model:
        s = pg.HalfNormal("s", sigma=1.0)
        pg.ZeroSumNormal("y", sigma=s, observed=data)
    point = {"s_log__": np.log(0.8)}
    want = _oracle(data, 0.8, (3,)) + stats.halfnorm.logpdf(0.8) + np.log(0.8)
    np.testing.assert_allclose(model.compile_logp()(point), want, rtol=1e-10)
    with model:
        prior = pg.sample_prior_predictive(draws=50, random_seed=1)
    y = np.asarray(prior.prior_predictive["y"])
    assert y.shape[-1] == 3 and np.abs(y.sum(axis=-1)).max() < 1e-12


@pytest.mark.slow
def test_nuts_posterior_in_closed_form() -> None:
    """NUTS through the zerosum value variable: with z ~ ZeroSumNormal(1) and
    y ~ N(z, 0.5^2 I), the posterior on the zero-sum hyperplane has mean
    0.8 (y - mean(y)) and covariance 0.2 P (precisions 1 + 4 there)."""
    y = np.array([1.0, -0.5, 0.2, -0.3])
    with pg.Model(coords={"g": list("abcd")}):
        z = pg.ZeroSumNormal("z", sigma=1.0, dims="g")
        pg.Normal("y", mu=z, sigma=0.5, observed=y)
        idata = pg.sample(draws=400, tune=400, chains=2, random_seed=1, progressbar=False)
    draws = idata.posterior["z"].values.reshape(-1, 4)
    assert np.abs(draws.sum(-1)).max() < 1e-12
    sd = np.sqrt(0.2 * 0.75)
    se = sd / np.sqrt(draws.shape[0] / 4)  # a generous effective sample size
    np.testing.assert_array_less(np.abs(draws.mean(0) - 0.8 * (y - y.mean())), 5 * se)
    np.testing.assert_allclose(draws.std(0), sd, rtol=0.2)


def test_jit_vmap_and_sigma_gradient() -> None:
    """The pure logp under jax.jit and jax.vmap over sigma (a bad sigma is -inf),
    and d logp / d sigma against central differences of scipy's density."""
    sigma = pt.scalar("sigma")
    v = pt.tensor("float64", shape=(4,), name="v")
    fn = pg.function(
        [sigma, v], pg.logp(pg.ZeroSumNormal.dist(sigma=sigma, shape=4), v), check_mode="-inf"
    ).jax_fn
    x = _zero_sum(np.random.default_rng(4), (4,), 1)
    with jax.enable_x64(True):
        rows = np.asarray(
            jax.jit(jax.vmap(fn, in_axes=(0, None)))(jnp.array([0.8, -1.0]), jnp.asarray(x))
        )
        grad = float(jax.grad(fn)(0.8, jnp.asarray(x)))
    np.testing.assert_allclose(rows[0], _oracle(x, 0.8, (4,)), rtol=1e-12)
    assert rows[1] == -np.inf
    h = 1e-6
    want = (_oracle(x, 0.8 + h, (4,)) - _oracle(x, 0.8 - h, (4,))) / (2 * h)
    np.testing.assert_allclose(grad, want, rtol=1e-6)
