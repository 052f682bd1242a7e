"""Loops whose step draws: log-densities against SciPy loops over the sequence,
draws against the recursion's moments, float32, jit/vmap, gradients, errors."""

from __future__ import annotations

from typing import Any

import jax
import numpy as np
import pytest
from scipy import stats

import ppgraph as pg
import ppgraph.tensor as pt
from ppgraph.pytensorf import collect_default_updates

RNG = np.random.default_rng(1)


def ar2(dtype: str = "float64", steps: int = 12) -> tuple[Any, list[Any]]:
    """x_t ~ Normal(c + rho1 x_{t-1} + rho2 x_{t-2}, sigma), PyMC's way: the step
    draws and returns its updates beside the output."""
    rho, sigma, c = pt.vector("rho", dtype=dtype), pt.scalar("sigma", dtype=dtype), 0.3
    init = pt.vector("init", dtype=dtype)

    def step(x_tm2: Any, x_tm1: Any, rho: Any, sigma: Any) -> Any:
        x_t = pg.Normal.dist(c + rho[0] * x_tm1 + rho[1] * x_tm2, sigma)
        return x_t, collect_default_updates([x_t])

    x = pt.scan(
        step,
        outputs_info=dict(initial=init, taps=[-2, -1]),
        non_sequences=[rho, sigma],
        n_steps=steps,
        return_updates=False,
    )
    return x, [rho, sigma, init]


def ar2_logp_loop(v: np.ndarray, rho: np.ndarray, sigma: float, init: np.ndarray) -> np.ndarray:
    full = np.r_[init, v]
    return np.array(
        [
            stats.norm(0.3 + rho[0] * full[t + 1] + rho[1] * full[t], sigma).logpdf(full[t + 2])
            for t in range(len(v))
        ]
    )


def test_ar2_logp_against_scipy_loop() -> None:
    x, (rho, sigma, init) = ar2()
    v = pt.vector("v")
    lp = pg.logp(x, v)
    vals = RNG.normal(size=12), np.array([0.5, -0.3]), 0.7, np.array([0.2, -0.1])
    f = pg.function([v, rho, sigma, init], lp)
    want = ar2_logp_loop(*vals)
    np.testing.assert_allclose(f(*vals), want, rtol=1e-10)
    with jax.enable_x64(True):
        np.testing.assert_allclose(jax.jit(f.jax_fn)(*vals), want, rtol=1e-10)
        batch = np.stack([vals[0], -vals[0]])
        got = jax.vmap(f.jax_fn, in_axes=(0, None, None, None))(batch, *vals[1:])
    np.testing.assert_allclose(got[1], ar2_logp_loop(-vals[0], *vals[1:]), rtol=1e-10)


def test_logp_is_vectorized_not_a_loop() -> None:
    x, (rho, sigma, init) = ar2()
    v = pt.vector("v")
    f = pg.function([v, rho, sigma, init], pt.sum(pg.logp(x, v)))
    with jax.enable_x64(True):
        jaxpr = jax.make_jaxpr(f.jax_fn)(np.zeros(12), np.zeros(2), 1.0, np.zeros(2))
    assert not [e for e in jaxpr.jaxpr.eqns if e.primitive.name in ("scan", "while")]


def test_logp_gradient_against_finite_differences() -> None:
    x, (rho, sigma, init) = ar2()
    v = pt.vector("v")
    total = pt.sum(pg.logp(x, v))
    g = pt.grad(total, [rho, sigma])
    vals = RNG.normal(size=12), np.array([0.5, -0.3]), 0.7, np.array([0.2, -0.1])
    got = [gi.eval({v: vals[0], rho: vals[1], sigma: vals[2], init: vals[3]}) for gi in g]
    h = 1e-6
    fd_rho = [
        (
            ar2_logp_loop(vals[0], vals[1] + h * d, *vals[2:]).sum()
            - ar2_logp_loop(vals[0], vals[1] - h * d, *vals[2:]).sum()
        )
        / (2 * h)
        for d in np.eye(2)
    ]
    fd_sigma = (
        ar2_logp_loop(vals[0], vals[1], vals[2] + h, vals[3]).sum()
        - ar2_logp_loop(vals[0], vals[1], vals[2] - h, vals[3]).sum()
    ) / (2 * h)
    np.testing.assert_allclose(got[0], fd_rho, rtol=1e-6)
    np.testing.assert_allclose(got[1], fd_sigma, rtol=1e-6)


def test_ar2_draws_follow_the_recursion() -> None:
    # Moments of x_t by the recursion, propagated exactly: mean m_t and the
    # covariance of (x_{t-1}, x_t).
    x, (rho, sigma, init) = ar2(steps=8)
    rv, sv, iv = np.array([0.5, -0.3]), 0.7, np.array([0.2, -0.1])
    given = pg.clone_replace(
        [x], {rho: pt.constant(rv), sigma: pt.constant(sv), init: pt.constant(iv)}
    )[0]
    draws = pg.draw(given, draws=20_000, random_seed=3)
    assert draws.shape == (20_000, 8)
    m, cov = list(iv), np.zeros((2, 2))  # cov of (x_{t-2}, x_{t-1})
    means, variances = [], []
    a = np.array([rv[1], rv[0]])
    for _ in range(8):
        mean = 0.3 + a @ m[-2:]
        var = a @ cov @ a + sv**2
        c_prev = cov[1] @ a  # cov(x_{t-1}, x_t)
        cov = np.array([[cov[1, 1], c_prev], [c_prev, var]])
        m.append(mean)
        means.append(mean)
        variances.append(var)
    se = np.sqrt(np.array(variances) / 20_000)
    np.testing.assert_array_less(np.abs(draws.mean(0) - means), 5 * se)
    np.testing.assert_allclose(draws.var(0), variances, rtol=0.05)
    # each step draws anew: no two steps of one draw are equal
    assert np.all(np.diff(draws, axis=1) != 0)


def test_float32_logp_and_draws() -> None:
    with pg.config.change_flags(floatX="float32"):
        x, (rho, sigma, init) = ar2("float32")
        v = pt.vector("v", dtype="float32")
        lp = pg.logp(x, v)
        assert lp.dtype == "float32"
        vals = [
            np.asarray(a, dtype="float32")
            for a in (RNG.normal(size=12), [0.5, -0.3], 0.7, [0.2, -0.1])
        ]
        got = pg.function([v, rho, sigma, init], lp)(*vals)
        given = pg.clone_replace(
            [x],
            {rho: pt.constant(vals[1]), sigma: pt.constant(vals[2]), init: pt.constant(vals[3])},
        )[0]
        draws = pg.draw(given, draws=5, random_seed=0)
    assert got.dtype == np.float32 and draws.dtype == np.float32
    want = ar2_logp_loop(*[np.asarray(a, dtype="float64") for a in vals])
    np.testing.assert_allclose(got, want, rtol=1e-5)


def test_step_without_feedback_reads_sequences() -> None:
    # y_t ~ Normal(beta * x_t, sigma): a regression written as a loop
    xs, beta = pt.vector("xs"), pt.scalar("beta")
    y = pt.scan(
        lambda x_t, b: pg.Normal.dist(b * x_t, 2.0),
        sequences=xs,
        non_sequences=beta,
        return_updates=False,
    )
    xv, yv = RNG.normal(size=6), RNG.normal(size=6)
    got = pg.logp(y, yv).eval({xs: xv, beta: 1.5})
    np.testing.assert_allclose(got, stats.norm(1.5 * xv, 2.0).logpdf(yv), rtol=1e-10)


def test_invalid_parameter_fails_as_the_step_would() -> None:
    x, (rho, sigma, init) = ar2()
    lp = pg.logp(x, np.zeros(12))
    with pytest.raises(pg.ParameterValueError, match="sigma > 0"):
        lp.eval({rho: [0.1, 0.1], sigma: -1.0, init: [0.0, 0.0]})
    f = pg.function([rho, sigma, init], pt.sum(lp), check_mode="-inf")
    assert f([0.1, 0.1], -1.0, [0.0, 0.0]) == -np.inf
    assert np.isfinite(f([0.1, 0.1], 1.0, [0.0, 0.0]))


def test_errors() -> None:
    x, _ = ar2()
    with pytest.raises(ValueError, match="the value has 5 steps, the loop 12"):
        pg.logp(x, np.zeros(5))
    # the step output is not random
    det = pt.scan(lambda a: a + 1.0, outputs_info=pt.constant(0.0), n_steps=3, return_updates=False)
    with pytest.raises(NotImplementedError, match="not random"):
        pg.logp(det, np.zeros(3))

    # the density of output 0 reads output 1, a draw with no value
    def two(a_tm1: Any, b_tm1: Any) -> Any:
        return pg.Normal.dist(b_tm1, 1.0), pg.Normal.dist(a_tm1, 1.0)

    a, _ = pt.scan(
        two, outputs_info=[pt.constant(0.0), pt.constant(0.0)], n_steps=3, return_updates=False
    )
    with pytest.raises(NotImplementedError, match="a draw with no value"):
        pg.logp(a, np.zeros(3))

    # a draw inside the step that has no value
    def hidden(x_tm1: Any) -> Any:
        return pg.Normal.dist(pg.Normal.dist(x_tm1, 1.0), 1.0)

    h = pt.scan(hidden, outputs_info=pt.constant(0.0), n_steps=3, return_updates=False)
    with pytest.raises(NotImplementedError, match="a draw with no value"):
        pg.logp(h, np.zeros(3))


def test_custom_dist_built_from_a_loop_in_a_model() -> None:
    # PyMC's way: pm.CustomDist(dist=...) whose dist function calls scan
    from scipy.special import expit

    steps = 15
    data = RNG.normal(size=steps).cumsum() * 0.3

    def ar1_dist(phi: Any, sigma: Any, size: Any) -> Any:
        def step(x_tm1: Any, phi: Any, sigma: Any) -> Any:
            x_t = pg.Normal.dist(phi * x_tm1, sigma)
            return x_t, collect_default_updates([x_t])

        return pt.scan(
            step,
            outputs_info=pt.constant(0.0),
            non_sequences=[phi, sigma],
            n_steps=steps,
            return_updates=False,
        )

    with pg.Model() as model:
        phi = pg.Uniform("phi", -1, 1)
        sigma = pg.HalfNormal("sigma", 1.0)
        pg.CustomDist("y", phi, sigma, dist=ar1_dist, observed=data)
        prior = pg.draw(model["y"], draws=3, random_seed=2)
    point = {"phi_interval__": np.array(0.3), "sigma_log__": np.array(np.log(0.5))}
    got = model.compile_logp(sum=False)(point)[-1]
    phi_v = -1 + 2 * expit(0.3)
    want = stats.norm(phi_v * np.r_[0.0, data[:-1]], 0.5).logpdf(data)
    np.testing.assert_allclose(got, want, rtol=1e-10)
    assert prior.shape == (3, steps) and np.all(np.diff(prior, axis=1) != 0)


def test_model_variables_read_by_the_step_are_one_value_for_all_steps() -> None:
    data = np.array([0.1, 0.4, -0.2])
    with pg.Model() as model:
        pg.Normal("phi", 0, 1)

        def step(x_tm1: Any) -> Any:  # reads phi through the model, not a closure
            return pg.Normal.dist(model["phi"] * x_tm1, 1.0)

        x = pt.scan(step, outputs_info=pt.constant(0.0), n_steps=3, return_updates=False)
        pg.Potential("lik", pt.sum(pg.logp(x, data)))
    assert model["phi"] in x.owner.inputs
    got = model.compile_logp()({"phi": np.array(0.5)})
    terms = stats.norm(0.5 * np.r_[0, data[:-1]], 1).logpdf(data)
    np.testing.assert_allclose(got, stats.norm(0, 1).logpdf(0.5) + terms.sum(), rtol=1e-12)


def test_garch_written_as_pymc_does_carries_its_volatility() -> None:
    # step: sigma_t^2 = w + a r_{t-1}^2 + b sigma_{t-1}^2, r_t ~ Normal(0, sigma_t);
    # the volatility is a second fed-back output, computed without a draw
    w, a, b = pt.scalar("w"), pt.scalar("a"), pt.scalar("b")

    def step(r_tm1: Any, s2_tm1: Any, w: Any, a: Any, b: Any) -> Any:
        s2_t = w + a * r_tm1**2 + b * s2_tm1
        return pg.Normal.dist(0.0, pt.sqrt(s2_t)), s2_t

    r, _ = pt.scan(
        step,
        outputs_info=[pt.constant(0.1), pt.constant(0.5)],
        non_sequences=[w, a, b],
        n_steps=20,
        return_updates=False,
    )
    v = RNG.normal(size=20) * 0.7
    got = pg.logp(r, v).eval({w: 0.2, a: 0.3, b: 0.5})
    prev_r, s2_t, want = 0.1, 0.5, []
    for v_t in v:
        s2_t = 0.2 + 0.3 * prev_r**2 + 0.5 * s2_t
        want.append(stats.norm(0.0, np.sqrt(s2_t)).logpdf(v_t))
        prev_r = v_t
    np.testing.assert_allclose(got, want, rtol=1e-10)
    draws = pg.draw(
        pg.clone_replace([r], {w: pt.constant(0.2), a: pt.constant(0.3), b: pt.constant(0.5)})[0],
        draws=4,
        random_seed=1,
    )
    assert draws.shape == (4, 20) and np.all(np.isfinite(draws))


def test_markov_chain_of_a_discrete_state() -> None:
    trans = np.array([[0.9, 0.1], [0.2, 0.8]])
    p = pt.constant(trans)
    z = pt.scan(
        lambda z_tm1: pg.Categorical.dist(p=p[z_tm1]),
        outputs_info=pt.constant(0),
        n_steps=6,
        return_updates=False,
    )
    v = np.array([0, 0, 1, 1, 0, 1])
    np.testing.assert_allclose(pg.logp(z, v).eval(), np.log(trans[np.r_[0, v[:-1]], v]))
    # off the integers the mass is -inf, as for any discrete variable
    off = pg.logp(z, [0.0, 0.0, 1.0, 1.0, 0.5, 1.0]).eval()
    assert off[4] == -np.inf and np.isfinite(off[:4]).all()
    draws = pg.draw(z, draws=4000, random_seed=0)
    # P(z_1 = 1) = P(z_0=0) P(0->1) + P(z_0=1) P(1->1), from z_{-1} = 0
    want = 0.9 * 0.1 + 0.1 * 0.8
    assert abs((draws[:, 1] == 1).mean() - want) < 4 * np.sqrt(want * (1 - want) / 4000)


def test_draws_of_the_step_replaced_by_their_medians() -> None:
    # a starting point for a loop: each draw in the step at its median
    from ppgraph.random.op import is_random_variable
    from ppgraph.tensor.scan_op import map_steps

    x = pt.scan(
        lambda x_tm1: pg.Normal.dist(0.5 * x_tm1, 1.0),
        outputs_info=pt.constant(1.0),
        n_steps=4,
        return_updates=False,
    )
    [start] = map_steps([x], lambda v: pg.icdf(v, 0.5) if is_random_variable(v) else None)
    np.testing.assert_allclose(start.eval(), 0.5 ** np.arange(1, 5))
    assert not [v for v in pg.graph_inputs([start]) if "Key" in str(v.type)]


def test_pymc_ar_example_with_custom_dist_and_range_taps() -> None:
    # PyMC's "time series from a generative graph" AR(2): the initial values are
    # a model variable passed to dist=, the taps a range, the loop strict
    lags, trials = 2, 12
    data = RNG.normal(size=trials)

    def ar_step(x_tm2: Any, x_tm1: Any, rho: Any, sigma: Any) -> Any:
        mu = x_tm1 * rho[0] + x_tm2 * rho[1]
        x = pg.Normal.dist(mu=mu, sigma=sigma)
        return x, collect_default_updates([x])

    def ar_dist(ar_init: Any, rho: Any, sigma: Any, size: Any) -> Any:
        ar_innov, _ = pt.scan(
            fn=ar_step,
            outputs_info=[{"initial": ar_init, "taps": range(-lags, 0)}],
            non_sequences=[rho, sigma],
            n_steps=trials - lags,
            strict=True,
        )
        return ar_innov

    with pg.Model() as model:
        rho = pg.Normal("rho", 0, 0.2, shape=(lags,))
        sigma = pg.HalfNormal("sigma", 0.2)
        ar_init = pg.Normal("ar_init", observed=data[:lags])
        pg.CustomDist("ar_dist", ar_init, rho, sigma, dist=ar_dist, observed=data[lags:])
    point = {"rho": np.array([0.4, -0.2]), "sigma_log__": np.array(np.log(0.8))}
    got = model.compile_logp(sum=False)(point)[-1]
    mu = 0.4 * data[1:-1] + -0.2 * data[:-2]
    np.testing.assert_allclose(got, stats.norm(mu, 0.8).logpdf(data[lags:]), rtol=1e-10)


def test_initial_values_joined_to_the_loop() -> None:
    # dist= returns concatenate([init, innov]), the loop started from init: the
    # density is init's at the first values, then the loop's given them
    lags, steps = 2, 10
    data = RNG.normal(size=lags + steps)

    def ar_dist(rho: Any, sigma: Any, size: Any) -> Any:
        init = pg.Normal.dist(0.0, 2.0, size=lags)

        def step(x_tm2: Any, x_tm1: Any, rho: Any, sigma: Any) -> Any:
            return pg.Normal.dist(rho[0] * x_tm1 + rho[1] * x_tm2, sigma)

        innov = pt.scan(
            step,
            outputs_info=dict(initial=init, taps=[-2, -1]),
            non_sequences=[rho, sigma],
            n_steps=steps,
            return_updates=False,
        )
        return pt.concatenate([init, innov], axis=-1)

    with pg.Model() as model:
        rho = pg.Normal("rho", 0, 0.2, shape=(lags,))
        sigma = pg.HalfNormal("sigma", 0.2)
        pg.CustomDist("ar", rho, sigma, dist=ar_dist, observed=data)
    point = {"rho": np.array([0.4, -0.2]), "sigma_log__": np.array(np.log(0.8))}
    got = model.compile_logp(sum=False)(point)[-1]
    mu = 0.4 * data[1:-1] - 0.2 * data[:-2]
    want = np.r_[stats.norm(0, 2).logpdf(data[:lags]), stats.norm(mu, 0.8).logpdf(data[lags:])]
    np.testing.assert_allclose(got, want, rtol=1e-10)


def test_join_errors() -> None:
    x = pt.vector("x", shape=(2,))
    joined = pt.concatenate([pg.Normal.dist(0.0, 1.0, size=2), x])
    with pytest.raises(TypeError, match="logp takes a random variable"):
        pg.logp(joined, np.zeros(4))
    y = pt.vector("y")
    unknown = pt.concatenate([pg.Normal.dist(0.0, 1.0, size=2), pg.Normal.dist(y, 1.0)])
    with pytest.raises(NotImplementedError, match="sizes along axis 0 must be known"):
        pg.logp(unknown, np.zeros(4))


def test_observation_of_a_deterministic_state() -> None:
    # s_t = a s_{t-1} + x_t (fed back, no draw); y_t ~ Normal(s_t, 0.5) (not fed back)
    xs, a = pt.vector("xs"), pt.scalar("a")

    def step(x_t: Any, s_tm1: Any, a: Any) -> Any:
        s_t = a * s_tm1 + x_t
        return s_t, pg.Normal.dist(s_t, 0.5)

    _, y = pt.scan(
        step,
        sequences=xs,
        outputs_info=[pt.constant(1.0), None],
        non_sequences=a,
        return_updates=False,
    )
    xv, yv = RNG.normal(size=8), RNG.normal(size=8)
    got = pg.logp(y, yv).eval({xs: xv, a: 0.7})
    s, states = 1.0, []
    for x_t in xv:
        s = 0.7 * s + x_t
        states.append(s)
    np.testing.assert_allclose(got, stats.norm(states, 0.5).logpdf(yv), rtol=1e-10)
