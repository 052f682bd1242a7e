"""Transforms: backward inverts forward, backward matches a NumPy formula, and
log|det J| equals the slogdet of ``jax.jacobian`` of the compiled backward."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy.special import expit, softmax

import ppgraph as pg
import ppgraph.tensor as pt
from ppgraph.logprob import transforms as tr

RNG = np.random.default_rng(20240611)


def _compile(build: Callable[[Any], Any], shape: tuple[int, ...]) -> pg.Function:
    y = pt.tensor("float64", shape=shape, name="y")
    return pg.function([y], build(y))


def _log_abs_det_jacobian(backward: pg.Function, y: np.ndarray, k: int | None = None) -> float:
    """slogdet of d backward / dy (the first ``k`` outputs when backward adds one)."""
    fn = backward.jax_fn
    with jax.enable_x64(True):
        jac = np.asarray(jax.jacobian(lambda v: jnp.ravel(fn(v))[:k])(jnp.asarray(y)))
    jac = jac.reshape(jac.shape[0], -1)
    sign, logdet = np.linalg.slogdet(jac)
    assert sign != 0
    return float(logdet)


# name -> (transform, unconstrained value shape, numpy backward oracle, constrained sampler)
ELEMENTWISE: dict[str, tuple[tr.Transform, Callable[[np.ndarray], np.ndarray]]] = {
    "log": (tr.log, np.exp),
    "logodds": (tr.logodds, expit),
    "interval(-1, 3)": (tr.Interval(-1.0, 3.0), lambda y: -1.0 + 4.0 * expit(y)),
    "lower 2": (tr.Interval(2.0, None), lambda y: 2.0 + np.exp(y)),
    "upper 5": (tr.Interval(None, 5.0), lambda y: 5.0 - np.exp(y)),
    "circular": (tr.circular, lambda y: np.arctan2(np.sin(y), np.cos(y))),
}


@pytest.mark.parametrize("name", list(ELEMENTWISE))
def test_elementwise_transform(name: str) -> None:
    t, oracle = ELEMENTWISE[name]
    y = RNG.normal(size=4) * 1.5
    if name == "circular":
        y = np.clip(y, -3.0, 3.0)
    backward = _compile(t.backward, (4,))
    x = backward(y)
    np.testing.assert_allclose(x, oracle(y), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(_compile(t.forward, (4,))(x), y, rtol=1e-10, atol=1e-12)
    ljd = _compile(t.log_jac_det, (4,))(y)
    assert ljd.shape == (4,)
    # atol: the circular transform's log-Jacobian is 0, the slogdet's about 1e-16
    np.testing.assert_allclose(
        np.sum(ljd), _log_abs_det_jacobian(backward, y), rtol=1e-10, atol=1e-12
    )


def test_interval_bounds_from_parameters() -> None:
    t = tr.Interval(bounds_fn=lambda lo, hi: (lo, hi))
    y, lo, hi = pt.vector("y"), pt.scalar("lo"), pt.scalar("hi")
    f = pg.function([y, lo, hi], [t.backward(y, lo, hi), t.log_jac_det(y, lo, hi)])
    x, ljd = f([0.0, 2.0], -2.0, 6.0)
    np.testing.assert_allclose(x, [2.0, -2.0 + 8.0 * expit(2.0)])
    np.testing.assert_allclose(ljd, np.log(8.0) + np.log(expit([0.0, 2.0]) * expit([-0.0, -2.0])))


def test_interval_infinite_constant_bound_is_no_bound() -> None:
    t = tr.Interval(-np.inf, 1.0)
    y = pt.scalar("y")
    assert float(t.backward(y).eval({y: 0.0})) == 0.0  # 1 - exp(0)


@pytest.mark.parametrize("batch", [(), (3,)])
def test_simplex(batch: tuple[int, ...]) -> None:
    k = 4
    y = RNG.normal(size=(*batch, k - 1))
    backward = _compile(tr.simplex.backward, y.shape)
    x = backward(y)
    full = np.concatenate([y, -y.sum(-1, keepdims=True)], axis=-1)
    np.testing.assert_allclose(x, softmax(full, axis=-1), rtol=1e-12)
    np.testing.assert_allclose(x.sum(-1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(_compile(tr.simplex.forward, x.shape)(x), y, rtol=1e-10, atol=1e-12)
    ljd = _compile(tr.simplex.log_jac_det, y.shape)(y)
    assert ljd.shape == batch
    for i in np.ndindex(*batch):
        one = _compile(tr.simplex.backward, (k - 1,))
        want = _log_abs_det_jacobian(one, y[i], k - 1)
        np.testing.assert_allclose(ljd[i], want, rtol=1e-10)


def test_ordered() -> None:
    y = RNG.normal(size=5)
    backward = _compile(tr.ordered.backward, (5,))
    x = backward(y)
    np.testing.assert_allclose(x, y[0] + np.concatenate([[0.0], np.cumsum(np.exp(y[1:]))]))
    assert np.all(np.diff(x) > 0)
    np.testing.assert_allclose(_compile(tr.ordered.forward, (5,))(x), y, rtol=1e-10, atol=1e-12)
    ljd = _compile(tr.ordered.log_jac_det, (5,))(y)
    assert ljd.shape == ()
    np.testing.assert_allclose(ljd, _log_abs_det_jacobian(backward, y), rtol=1e-10)


def test_ordered_needs_a_static_size() -> None:
    with pytest.raises(ValueError, match="static size"):
        tr.ordered.backward(pt.vector("y"))


def test_chain_log_then_ordered() -> None:
    chain = tr.Chain((tr.log, tr.ordered))
    y = RNG.normal(size=3)
    backward = _compile(chain.backward, (3,))
    x = backward(y)
    assert np.all(x > 0) and np.all(np.diff(x) > 0)
    np.testing.assert_allclose(_compile(chain.forward, (3,))(x), y, rtol=1e-10, atol=1e-12)
    ljd = _compile(chain.log_jac_det, (3,))(y)
    np.testing.assert_allclose(np.sum(ljd), _log_abs_det_jacobian(backward, y), rtol=1e-10)


def test_logodds_jacobian_is_finite_far_out() -> None:
    y = pt.vector("y")
    got = tr.logodds.log_jac_det(y).eval({y: [-800.0, 800.0]})
    assert np.all(np.isfinite(got))
    np.testing.assert_allclose(got, [-800.0, -800.0])


def test_registry() -> None:
    assert tr.get_transform("log") is tr.log
    assert tr.get_transform(tr.simplex) is tr.simplex
    with pytest.raises(ValueError, match="unknown transform 'nope'"):
        tr.get_transform("nope")
    with pytest.raises(TypeError, match="name or a Transform"):
        tr.get_transform(3)  # type: ignore[arg-type]
    uniform = tr.get_transform("interval", pg.Uniform)
    assert isinstance(uniform, tr.Interval)
    y, lo, hi = pt.scalar("y"), pt.scalar("lo"), pt.scalar("hi")
    assert float(uniform.backward(y, lo, hi).eval({y: 0.0, lo: 1.0, hi: 3.0})) == 2.0


def test_interval_without_bounds_is_an_error() -> None:
    with pytest.raises(TypeError, match="bounds"):
        tr.get_transform("interval", pg.Normal)


def test_value_variables_named_and_shaped_as_pymc() -> None:
    with pg.Model() as m:
        pg.HalfNormal("sigma", 1.0)
        pg.Beta("p", 2.0, 2.0)
        pg.Uniform("x", -1.0, 1.0)
        pg.VonMises("angle", 0.0, 1.0)
        pg.Normal("cuts", 0.0, 1.0, shape=3, transform="ordered")
        pg.Normal("free", 0.0, 1.0, transform=None)
        pg.HalfNormal("raw", 1.0, transform=None)
        pg.Dirichlet("w", a=np.ones((2, 4)))
    names = [v.name for v in m.value_vars]
    assert names == [
        "sigma_log__", "p_logodds__", "x_interval__", "angle_circular__", "cuts_ordered__",
        "free", "raw", "w_simplex__",
    ]  # fmt: skip
    assert m.rvs_to_values[m["w"]].type.shape == (2, 3)
    assert m.rvs_to_transforms[m["x"]].name == "interval"
    assert m["raw"] not in m.rvs_to_transforms


def test_interval_by_name_for_composites() -> None:
    # Truncated: "interval" by name is the interval of its bounds: the logp at y
    # is scipy's truncnorm(0, 1) logpdf at x = sigmoid(y) plus the Jacobian
    # log(x (1 - x))
    from scipy import stats

    for key in ("transform", "default_transform"):
        with pg.Model() as model:
            pg.Truncated("x", pg.Normal.dist(0.0, 1.0), lower=0.0, upper=1.0, **{key: "interval"})
        assert [v.name for v in model.value_vars] == ["x_interval__"]
        for y in (-1.5, 0.3):
            x = expit(y)
            want = stats.truncnorm(0.0, 1.0).logpdf(x) + np.log(x * (1.0 - x))
            got = model.compile_logp()({"x_interval__": np.array(y)})
            np.testing.assert_allclose(got, want, rtol=1e-12)
    # a composite without bounds of its own: a clear error, not a crash on the op class
    for make in (
        lambda: pg.Censored(
            "x", pg.Normal.dist(0.0, 1.0), lower=0.0, upper=1.0, transform="interval"
        ),
        lambda: pg.Mixture(
            "x",
            w=[0.5, 0.5],
            comp_dists=[pg.Uniform.dist(0, 1), pg.Uniform.dist(0, 2)],
            transform="interval",
        ),
    ):
        with pg.Model(), pytest.raises(TypeError, match="the interval transform needs bounds"):
            make()
