"""The seed tutorial's PyMC half ("What is going on behind the scenes?" to the
end), with ppgraph names and the seed's numbers. Oracles: scipy.stats and the
numbers printed in the tutorial."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.stats

import ppgraph as pg
import ppgraph.tensor as pt


@pytest.fixture
def model() -> pg.Model:
    with pg.Model() as model:
        pg.Normal(name="z", mu=np.array([0, 0]), sigma=np.array([1, 2]))
    return model


@pytest.fixture
def model_2() -> pg.Model:
    with pg.Model() as model_2:
        mu = pg.Normal(name="mu", mu=0, sigma=2)
        sigma = pg.HalfNormal(name="sigma", sigma=3)
        pg.Normal(name="x", mu=mu, sigma=sigma)
    return model_2


def test_basic_rvs_print_as_pymc(model: pg.Model) -> None:
    assert repr(model.basic_RVs) == "[z ~ N(<constant>, <constant>)]"
    text = pg.dprint(model.basic_RVs[0], file="str")
    assert text is not None
    assert text.splitlines()[0].endswith("'z'")
    assert "TensorConstant{[1. 2.]}" in text


def test_model_latex(model: pg.Model) -> None:
    latex = model._repr_latex_()
    assert r"\text{z} &\sim & \operatorname{N}(\text{<constant>},~\text{<constant>})" in latex
    assert latex.startswith("$$") and r"\begin{array}{rcl}" in latex


def test_eval_is_repeatable_and_draw_is_not(model: pg.Model) -> None:
    z = model["z"]
    first = z.eval()
    assert first.shape == (2,)
    np.testing.assert_array_equal(z.eval(), first)
    draws = pg.draw(z, draws=3, random_seed=1)
    assert draws.shape == (3, 2)
    assert not np.allclose(draws[0], draws[1])


def test_z_logp_and_model_logp(model: pg.Model) -> None:
    z = model["z"]
    z_value = pt.vector(name="z")
    z_logp = pg.logp(rv=z, value=z_value)
    assert str(z_logp.owner.op) == "Check{sigma > 0}" and z_logp.name == "z_logprob"
    want = scipy.stats.norm.logpdf(x=np.array([0, 0]), loc=np.array([0, 0]), scale=[1, 2])
    np.testing.assert_allclose(z_logp.eval({z_value: [0, 0]}), want, rtol=1e-12)
    np.testing.assert_allclose(want, [-0.91893853, -1.61208571], rtol=1e-8)
    terms = model.logp(sum=False)
    assert len(terms) == 1
    [value] = model.value_vars
    np.testing.assert_allclose(terms[0].eval({value: [0, 0]}), want, rtol=1e-12)


def test_initial_point_and_compile_logp(model: pg.Model) -> None:
    point = model.initial_point()
    assert list(point) == ["z"]
    np.testing.assert_array_equal(point["z"], np.array([0.0, 0.0]))
    assert point["z"].dtype == np.float64
    assert repr(point) == "{'z': array([0., 0.])}"
    logp_function = model.compile_logp(sum=False)
    [res] = logp_function(point)
    np.testing.assert_allclose(res, [-0.91893853, -1.61208571], rtol=1e-8)


def test_model_2_values_and_names(model_2: pg.Model) -> None:
    assert repr(model_2.rvs_to_values) == (
        "{mu ~ N(0, 2): mu, sigma ~ N**+(0, 3): sigma_log__, x ~ N(mu, sigma): x}"
    )
    assert repr(model_2.value_vars) == "[mu, sigma_log__, x]"
    assert [rv.name for rv in model_2.free_RVs] == ["mu", "sigma", "x"]
    assert model_2.observed_RVs == []


SEED_TERMS = [-1.61208571, -11.32440364, 9.08106147]


def _scipy_terms() -> list[float]:
    return [
        scipy.stats.norm.logpdf(x=0, loc=0, scale=2),
        -10 + scipy.stats.halfnorm.logpdf(x=np.exp(-10), loc=0, scale=3),
        scipy.stats.norm.logpdf(x=0, loc=0, scale=np.exp(-10)),
    ]


def test_model_2_logp_graph_eval(model_2: pg.Model) -> None:
    mu, sigma, x = (model_2[n] for n in ("mu", "sigma", "x"))
    mu_value = model_2.rvs_to_values[mu]
    sigma_log_value = model_2.rvs_to_values[sigma]
    x_value = model_2.rvs_to_values[x]
    logp_graph = pt.stack(model_2.logp(sum=False))
    got = logp_graph.eval({mu_value: 0, sigma_log_value: -10, x_value: 0})
    np.testing.assert_allclose(got, SEED_TERMS, rtol=1e-8)
    np.testing.assert_allclose(got, _scipy_terms(), rtol=1e-10)


def test_model_2_compile_logp(model_2: pg.Model) -> None:
    got = model_2.compile_logp(sum=False)({"mu": 0, "sigma_log__": -10, "x": 0})
    assert isinstance(got, list) and len(got) == 3
    assert all(np.asarray(g).shape == () for g in got)
    np.testing.assert_allclose(got, SEED_TERMS, rtol=1e-8)
    total = model_2.compile_logp()({"mu": 0, "sigma_log__": -10, "x": 0})
    np.testing.assert_allclose(total, sum(_scipy_terms()), rtol=1e-10)


def test_model_2_jacobian_false_drops_the_minus_ten(model_2: pg.Model) -> None:
    got = model_2.compile_logp(sum=False, jacobian=False)({"mu": 0, "sigma_log__": -10, "x": 0})
    np.testing.assert_allclose(got[1], scipy.stats.halfnorm.logpdf(np.exp(-10), scale=3))


def test_model_2_dlogp_and_d2logp_shapes(model_2: pg.Model) -> None:
    point = {"mu": 0.3, "sigma_log__": -0.5, "x": 0.1}
    g = model_2.compile_dlogp()(point)
    h = model_2.compile_d2logp()(point)
    assert g.shape == (3,) and h.shape == (3, 3)
    np.testing.assert_allclose(h, h.T, rtol=1e-12)
