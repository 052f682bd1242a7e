"""Truncated(dist, lower, upper) against scipy.stats.truncnorm and the
renormalized SciPy densities of other bases; draws by KS with fixed seeds."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import scipy.stats as st
from scipy.special import logsumexp

import ppgraph as pg
import ppgraph.tensor as pt
from ppgraph.backend.jax.dispatch.random_composite import TRUNCATED_SAMPLERS, has_icdf
from ppgraph.errors import ParameterValueError
from ppgraph.random.basic import NormalRV
from tests.helpers import compare_grad, compare_jax_and_py

MU, SIGMA = 1.0, 2.0


def truncnorm(
    lower: float | None, upper: float | None, mu: float = MU, sigma: float = SIGMA
) -> Any:
    a = -np.inf if lower is None else (lower - mu) / sigma
    b = np.inf if upper is None else (upper - mu) / sigma
    return st.truncnorm(a, b, loc=mu, scale=sigma)


BOUNDS = {"both": (-1.0, 4.0), "lower": (0.5, None), "upper": (None, 2.0)}


@pytest.mark.parametrize("which", list(BOUNDS))
def test_normal_logp_logcdf_icdf_match_truncnorm(which: str) -> None:
    lower, upper = BOUNDS[which]
    x = pg.Truncated.dist(pg.Normal.dist(MU, SIGMA), lower=lower, upper=upper)
    ref = truncnorm(lower, upper)
    v, q = pt.vector("v"), pt.vector("q")
    values = np.array([-5.0, -1.0, 0.0, 0.5, 1.7, 2.0, 3.9, 4.0, 9.0])
    qs = np.array([0.0, 0.01, 0.3, 0.5, 0.99, 1.0])
    with np.errstate(divide="ignore"):
        want = [ref.logpdf(values), ref.logcdf(values), ref.ppf(qs)]
    outs = [pg.logp(x, v), pg.logcdf(x, v), pg.icdf(x, q)]
    compare_jax_and_py([v, q], outs, [values, qs], want, rtol=1e-8)


@pytest.mark.parametrize(
    ("lower", "upper"), [(10.0, None), (40.0, None), (10.0, 12.0), (None, -10.0), (-40.0, -38.0)]
)
def test_far_tails_stay_finite(lower: float | None, upper: float | None) -> None:
    x = pg.Truncated.dist(pg.Normal.dist(0.0, 1.0), lower=lower, upper=upper)
    ref = truncnorm(lower, upper, 0.0, 1.0)
    inside = np.array(
        [lower if lower is not None else upper - 1.0, upper if upper is not None else lower + 1.0]
    )
    inside = (inside + np.mean(inside)) / 2.0
    got = pg.logp(x, pt.constant(inside)).eval()
    np.testing.assert_allclose(got, ref.logpdf(inside), rtol=1e-9)
    draws = pg.draw(x, draws=2000, random_seed=0)
    assert np.isfinite(draws).all()
    assert ((draws >= (lower or -np.inf)) & (draws <= (upper or np.inf))).all()
    np.testing.assert_allclose(draws.mean(), ref.mean(), atol=0.05)


@pytest.mark.parametrize("which", list(BOUNDS))
def test_normal_draws(which: str) -> None:
    lower, upper = BOUNDS[which]
    x = pg.Truncated.dist(pg.Normal.dist(MU, SIGMA), lower=lower, upper=upper, size=3000)
    draws = pg.draw(x, random_seed=4)
    assert draws.shape == (3000,)
    assert st.kstest(draws, truncnorm(lower, upper).cdf).pvalue > 0.01


def halfnorm_truncated(lower: float, upper: float) -> Any:
    base = st.halfnorm(scale=2.0)
    z = base.cdf(upper) - base.cdf(lower)
    return base, z


def test_inverse_cdf_sampler_of_another_base() -> None:
    # HalfNormal has an icdf and no dedicated truncated sampler: the generic path.
    assert has_icdf(pg.HalfNormal.dist(2.0).owner.op)
    assert type(pg.HalfNormal.dist(2.0).owner.op) not in TRUNCATED_SAMPLERS
    x = pg.Truncated.dist(pg.HalfNormal.dist(2.0), lower=0.5, upper=3.0)
    base, z = halfnorm_truncated(0.5, 3.0)
    v = np.array([0.2, 0.5, 1.0, 2.9, 3.5])
    with np.errstate(divide="ignore"):
        want = np.where((v >= 0.5) & (v <= 3.0), base.logpdf(v) - np.log(z), -np.inf)
    np.testing.assert_allclose(pg.logp(x, pt.constant(v)).eval(), want, rtol=1e-10)
    draws = pg.draw(x, draws=3000, random_seed=1)
    assert st.kstest(draws, lambda t: (base.cdf(t) - base.cdf(0.5)) / z).pvalue > 0.01


def test_rejection_sampler_for_a_base_without_icdf() -> None:
    # A mixture has no icdf: draws are redrawn until inside the bounds.
    mix = pg.NormalMixture.dist([0.5, 0.5], [-2.0, 2.0], sigma=1.0)
    assert not has_icdf(mix.owner.op)
    x = pg.Truncated.dist(mix, lower=0.0)

    def cdf(t: Any) -> Any:
        f = 0.5 * (st.norm(-2, 1).cdf(t) + st.norm(2, 1).cdf(t))
        f0 = 0.5 * (st.norm(-2, 1).cdf(0.0) + st.norm(2, 1).cdf(0.0))
        return (f - f0) / (1 - f0)

    draws = pg.draw(x, draws=2000, random_seed=2)
    assert (draws >= 0).all()
    assert st.kstest(draws, cdf).pvalue > 0.01
    v = np.array([-1.0, 0.5, 3.0])
    with np.errstate(divide="ignore"):
        logmix = logsumexp(np.log(0.5) + st.norm([-2.0, 2.0], 1.0).logpdf(v[:, None]), axis=-1)
    f0 = 0.5 * (st.norm(-2, 1).cdf(0.0) + st.norm(2, 1).cdf(0.0))
    want = np.where(v >= 0, logmix - np.log1p(-f0), -np.inf)
    np.testing.assert_allclose(pg.logp(x, pt.constant(v)).eval(), want, rtol=1e-10)


def test_discrete_base_keeps_both_bounds() -> None:
    # Geometric has an icdf: draws by the inverse cdf from F(lower - 1) to F(upper).
    x = pg.Truncated.dist(pg.Geometric.dist(0.3), lower=2, upper=6)
    ref = st.geom(0.3)
    z = ref.cdf(6) - ref.cdf(1)
    k = np.arange(0, 10)
    with np.errstate(divide="ignore"):
        want = np.where((k >= 2) & (k <= 6), ref.logpmf(k) - np.log(z), -np.inf)
        want_cdf = np.log(np.clip((ref.cdf(k) - ref.cdf(1)) / z, 0, 1))
    np.testing.assert_allclose(pg.logp(x, pt.constant(k)).eval(), want, rtol=1e-10)
    got_cdf = pg.logcdf(x, pt.constant(k)).eval()
    np.testing.assert_allclose(got_cdf, want_cdf, rtol=1e-10, atol=1e-12)
    draws = pg.draw(x, draws=5000, random_seed=3)
    assert draws.dtype == np.int64
    freq = np.bincount(draws, minlength=10) / draws.size
    np.testing.assert_allclose(freq, np.exp(want), atol=0.02)
    # Poisson has none: logp alike, draws by rejection (checked on a mixture below).
    y = pg.Truncated.dist(pg.Poisson.dist(3.0), lower=2)
    pois = st.poisson(3.0)
    with np.errstate(divide="ignore"):
        want = np.where(k >= 2, pois.logpmf(k) - np.log(pois.sf(1)), -np.inf)
    np.testing.assert_allclose(pg.logp(y, pt.constant(k)).eval(), want, rtol=1e-10)


def test_gradients() -> None:
    mu, sigma, lower, v = pt.scalar("mu"), pt.scalar("sigma"), pt.scalar("lower"), pt.vector("v")
    x = pg.Truncated.dist(pg.Normal.dist(mu, sigma), lower=lower, upper=5.0)
    out = pg.logp(x, v)

    def oracle(mu_: Any, sigma_: Any, lower_: Any, v_: Any) -> Any:
        return truncnorm(float(lower_), 5.0, float(mu_), float(sigma_)).logpdf(v_)

    values = [MU, SIGMA, -1.5, np.array([0.0, 1.5, 4.0])]
    compare_grad([mu, sigma, lower, v], out, values, oracle, eager=False)


def test_checks() -> None:
    sigma, upper = pt.scalar("sigma"), pt.scalar("upper")
    x = pg.Truncated.dist(pg.Normal.dist(0.0, sigma), lower=0.0, upper=upper)
    x.name = "x"
    out = pg.logp(x, 0.5)
    f = pg.function([sigma, upper], out)
    np.testing.assert_allclose(f(1.0, 2.0), truncnorm(0.0, 2.0, 0.0, 1.0).logpdf(0.5))
    with pytest.raises(ParameterValueError, match="x: sigma > 0"):
        f(-1.0, 2.0)
    with pytest.raises(ParameterValueError, match="x: lower <= upper"):
        f(1.0, -2.0)
    with pytest.raises(ParameterValueError, match=r"x: (sigma|scale) is NaN"):
        f(np.nan, 2.0)
    g = pg.function([sigma, upper], out, check_mode="-inf")
    assert g(-1.0, 2.0) == -np.inf
    assert g(1.0, -2.0) == -np.inf


def test_op_and_bad_input() -> None:
    x = pg.Truncated.dist(pg.Normal.dist(0.0, 1.0, size=4), upper=1.0)
    assert x.type.shape == (4,)
    assert str(x.owner.op) == "truncated_rv{normal, upper, float64}"
    assert isinstance(x.owner.op.base, NormalRV)
    with pytest.raises(ValueError, match="lower=, upper= or both"):
        pg.Truncated.dist(pg.Normal.dist(0.0, 1.0))
    with pytest.raises(TypeError, match=r"\.dist"):
        pg.Truncated.dist(pt.scalar("x"), lower=0.0)


def test_in_a_model_it_is_sampled_through_the_interval_transform() -> None:
    with pg.Model() as model:
        t = pg.Truncated("t", pg.Normal.dist(0.0, 1.0), lower=0.0)
        k = pg.Truncated("k", pg.Poisson.dist(3.0), lower=1)
    assert model.rvs_to_values[t].name == "t_interval__"
    assert model.rvs_to_values[k].name == "k"  # integers are not transformed
    got = model.compile_logp(vars=[t])({"t_interval__": 0.3, "k": 2})
    # t = 0 + exp(y), with the log-Jacobian y
    np.testing.assert_allclose(got, truncnorm(0.0, None, 0.0, 1.0).logpdf(np.exp(0.3)) + 0.3)
