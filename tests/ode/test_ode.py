"""pg.ode.DifferentialEquation against SciPy's solve_ivp, closed forms and finite
differences; the Lotka-Volterra posterior against published estimates."""

from __future__ import annotations

import importlib.util

import jax
import numpy as np
import pytest
import scipy.integrate as si
import scipy.stats as st

import ppgraph as pg
import ppgraph.tensor as pt

pytest.importorskip("diffrax")

# Hudson's Bay Company pelts (thousands), 1900-1920.
# fmt: off
HARE = np.array([30.0, 47.2, 70.2, 77.4, 36.3, 20.6, 18.1, 21.4, 22.0, 25.4, 27.1,
                 40.3, 57.0, 76.6, 52.3, 19.5, 11.2, 7.6, 14.6, 16.2, 24.7])
LYNX = np.array([4.0, 6.1, 9.8, 35.2, 59.4, 41.7, 19.0, 13.0, 8.3, 9.1, 7.4,
                 8.0, 12.3, 19.5, 45.7, 51.1, 29.7, 15.8, 9.7, 10.1, 8.6])
# fmt: on
TIMES = np.arange(1.0, 21.0)  # the years after 1900; 1900 itself is the initial state


def lotka_volterra(y, t, p):
    return [p[0] * y[0] - p[1] * y[0] * y[1], -p[2] * y[1] + p[3] * y[0] * y[1]]


def lv_numpy(t: float, y: np.ndarray, p: np.ndarray) -> list[float]:
    return [p[0] * y[0] - p[1] * y[0] * y[1], -p[2] * y[1] + p[3] * y[0] * y[1]]


THETA = np.array([0.55, 0.028, 0.80, 0.024])
Y0 = np.array([33.9, 5.9])


def test_lotka_volterra_against_solve_ivp() -> None:
    ode = pg.ode.DifferentialEquation(lotka_volterra, times=TIMES, n_states=2, n_theta=4,
                                      rtol=1e-10, atol=1e-10)  # fmt: skip
    got = ode(y0=list(Y0), theta=list(THETA)).eval()
    want = si.solve_ivp(lv_numpy, (0.0, TIMES[-1]), Y0, t_eval=TIMES, args=(THETA,),
                        rtol=1e-12, atol=1e-12, method="DOP853").y.T  # fmt: skip
    assert got.shape == (20, 2)
    np.testing.assert_allclose(got, want, rtol=1e-7)


def lv_model(ode: pg.ode.DifferentialEquation) -> pg.Model:
    """Carpenter's Stan case study model, as PyMC users write it."""
    with pg.Model() as m:
        theta = pg.Normal("theta", mu=[1.0, 0.05, 1.0, 0.05], sigma=[0.5, 0.05, 0.5, 0.05],
                          shape=4, transform=None)  # fmt: skip
        z0 = pg.LogNormal("z0", mu=np.log(10.0), sigma=1.0, shape=2)
        sigma = pg.LogNormal("sigma", mu=-1.0, sigma=1.0, shape=2)
        sol = ode(y0=z0, theta=theta)
        pg.Normal("y_init", pt.log(z0), sigma, observed=np.log([HARE[0], LYNX[0]]))
        pg.Normal("y", pt.log(sol), sigma, observed=np.log(np.column_stack([HARE, LYNX])[1:]))
    return m


@pytest.mark.slow
def test_gradient_against_finite_differences() -> None:
    ode = pg.ode.DifferentialEquation(lotka_volterra, times=TIMES, n_states=2, n_theta=4,
                                      rtol=1e-11, atol=1e-11)  # fmt: skip
    m = lv_model(ode)
    logp, dlogp = m.compile_logp(), m.compile_dlogp()
    point = {"theta": THETA, "z0_log__": np.log(Y0), "sigma_log__": np.log([0.25, 0.25])}
    grad = dlogp(point)
    flat = np.concatenate([point[k] for k in ["theta", "z0_log__", "sigma_log__"]])

    def f(x: np.ndarray) -> float:
        return float(logp({"theta": x[:4], "z0_log__": x[4:6], "sigma_log__": x[6:]}))

    h = 1e-5
    fd = [(f(flat + h * e) - f(flat - h * e)) / (2 * h) for e in np.eye(flat.size)]
    np.testing.assert_allclose(grad, fd, rtol=1e-4, atol=1e-4)
    # and the value against SciPy's solution with the densities by hand
    sol = si.solve_ivp(lv_numpy, (0.0, 20.0), Y0, t_eval=TIMES, args=(THETA,),
                       rtol=1e-12, atol=1e-12, method="DOP853").y.T  # fmt: skip
    obs = np.log(np.column_stack([HARE, LYNX]))
    want = (st.norm.logpdf(THETA, [1.0, 0.05, 1.0, 0.05], [0.5, 0.05, 0.5, 0.05]).sum()
            + (st.lognorm.logpdf(Y0, 1.0, scale=10.0) + np.log(Y0)).sum()
            + (st.lognorm.logpdf(0.25, 1.0, scale=np.exp(-1.0)) + np.log(0.25)) * 2
            + st.norm.logpdf(obs[0], np.log(Y0), 0.25).sum()
            + st.norm.logpdf(obs[1:], np.log(sol), 0.25).sum())  # fmt: skip
    np.testing.assert_allclose(f(flat), want, rtol=1e-8)


@pytest.mark.slow
def test_vmap_over_chains_matches_a_loop() -> None:
    ode = pg.ode.DifferentialEquation(lotka_volterra, times=TIMES, n_states=2, n_theta=4)
    m = lv_model(ode)
    fn, _ = pg.logdensity(m)
    rng = np.random.default_rng(0)
    thetas = THETA * (1 + 0.05 * rng.normal(size=(8, 4)))
    pos = {"theta": thetas, "z0_log__": np.tile(np.log(Y0), (8, 1)),
           "sigma_log__": np.full((8, 2), np.log(0.3))}  # fmt: skip
    with jax.enable_x64(True):
        batched = np.asarray(jax.jit(jax.vmap(fn))(pos))
        looped = [float(fn({k: v[i] for k, v in pos.items()})) for i in range(8)]
    np.testing.assert_allclose(batched, looped, rtol=1e-9)


def test_sir_against_solve_ivp() -> None:
    def sir(y, t, p):
        beta, gamma = p[0], p[1]
        return [-beta * y[0] * y[1], beta * y[0] * y[1] - gamma * y[1], gamma * y[1]]

    times = np.linspace(0.5, 30.0, 12)
    ode = pg.ode.DifferentialEquation(sir, times=times, n_states=3, n_theta=2,
                                      rtol=1e-10, atol=1e-12)  # fmt: skip
    got = ode(y0=[0.99, 0.01, 0.0], theta=[0.4, 0.1]).eval()

    def f(t: float, y: np.ndarray) -> list[float]:
        return [-0.4 * y[0] * y[1], 0.4 * y[0] * y[1] - 0.1 * y[1], 0.1 * y[1]]

    want = si.solve_ivp(f, (0.0, 30.0), [0.99, 0.01, 0.0], t_eval=times, rtol=1e-12,
                        atol=1e-14, method="DOP853").y.T  # fmt: skip
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-10)
    np.testing.assert_allclose(got.sum(1), 1.0, rtol=1e-9)


def test_one_compartment_pharmacokinetics_against_the_bateman_function() -> None:
    """Oral dose: gut -> plasma (ka), plasma -> out (ke); stiff solver too."""

    def pk(y, t, p):
        return pt.stack([-p[0] * y[0], p[0] * y[0] - p[1] * y[1]])

    times = np.array([0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 12.0, 24.0])
    ka, ke, dose = 1.2, 0.15, 100.0
    want = dose * ka / (ka - ke) * (np.exp(-ke * times) - np.exp(-ka * times))
    for solver in ["Tsit5", "Kvaerno5"]:
        ode = pg.ode.DifferentialEquation(pk, times=times, n_states=2, n_theta=2,
                                          solver=solver, rtol=1e-10, atol=1e-10)  # fmt: skip
        got = ode(y0=[dose, 0.0], theta=[ka, ke]).eval()[:, 1]
        np.testing.assert_allclose(got, want, rtol=1e-7, err_msg=solver)


def test_float32() -> None:
    with pg.config.change_flags(floatX="float32"):
        ode = pg.ode.DifferentialEquation(lotka_volterra, times=TIMES, n_states=2, n_theta=4)
        sol = ode(y0=np.float32(Y0), theta=np.float32(THETA))
        got = sol.eval()
    assert got.dtype == np.float32
    want = si.solve_ivp(lv_numpy, (0.0, 20.0), Y0, t_eval=TIMES, args=(THETA,),
                        rtol=1e-10, atol=1e-10).y.T  # fmt: skip
    np.testing.assert_allclose(got, want, rtol=1e-3)


def test_wrong_number_of_states_is_named() -> None:
    with pytest.raises(ValueError, match=r"DifferentialEquation\(lotka_volterra\).*2.*n_states=3"):
        pg.ode.DifferentialEquation(lotka_volterra, times=TIMES, n_states=3, n_theta=4)


def test_failed_solve_is_minus_inf_or_a_named_error() -> None:
    def blow_up(y, t, p):
        return [p[0] * y[0] ** 2]

    ode = pg.ode.DifferentialEquation(blow_up, times=[0.5, 2.0], n_states=1, n_theta=1,
                                      max_steps=200)  # fmt: skip
    with pg.Model() as m:
        k = pg.HalfNormal("k", 1.0)
        sol = ode(y0=[1.0], theta=[k])
        pg.Normal("y", sol[:, 0], 1.0, observed=[2.0, 3.0])
    fn, _ = pg.logdensity(m)
    with jax.enable_x64(True):
        assert float(fn({"k_log__": np.log(1.0)})) == -np.inf
        assert np.isfinite(float(fn({"k_log__": np.log(0.1)})))
    with pytest.raises(pg.ParameterValueError, match="ODE solve failed"):
        m.compile_logp()({"k_log__": np.log(1.0)})


def test_checkpoints_default_and_bad_input() -> None:
    """One checkpoint per step while max_steps * n_states <= 2**20, else diffrax's default."""
    small = pg.ode.DifferentialEquation(lotka_volterra, times=TIMES, n_states=2, n_theta=4)
    assert small.options["checkpoints"] == 4096
    big = pg.ode.DifferentialEquation(lotka_volterra, times=TIMES, n_states=2, n_theta=4,
                                      max_steps=2**20)  # fmt: skip
    assert big.options["checkpoints"] is None
    mine = pg.ode.DifferentialEquation(lotka_volterra, times=TIMES, n_states=2, n_theta=4,
                                       checkpoints=16)  # fmt: skip
    assert mine.options["checkpoints"] == 16
    with pytest.raises(ValueError, match=r"lotka_volterra.*checkpoints.*got 0"):
        pg.ode.DifferentialEquation(lotka_volterra, times=TIMES, n_states=2, n_theta=4,
                                    checkpoints=0)  # fmt: skip


def test_without_diffrax_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "diffrax" else real(name, *a))  # fmt: skip
    with pytest.raises(ImportError, match=r'pip install "ppgraph\[ode\]"'):
        pg.ode.DifferentialEquation(lotka_volterra, times=TIMES, n_states=2, n_theta=4)


@pytest.mark.slow
def test_lotka_volterra_posterior_against_published_estimates() -> None:
    """Carpenter (2018), Stan case study "Predator-prey population dynamics":
    posterior means theta = (0.55, 0.028, 0.80, 0.024), z_init = (33.9, 5.9),
    sigma = (0.25, 0.25).

    The same posterior as ``lv_model``, with theta on its prior's scale
    (``theta = mu + sd * theta_z``): NUTS's first warm-up window runs with an
    identity mass matrix, and theta[1] (posterior sd 0.004) next to sigma's log
    (0.15) made trees of up to 1,023 steps there (345 on average over a 150-step
    warm-up, against 53 scaled: 8x less CPU time). 2 x (150 + 150) draws: the
    means' Monte Carlo error is about a tenth of a posterior sd, well inside the
    tolerances below (0.7 posterior sd for theta[1])."""
    ode = pg.ode.DifferentialEquation(lotka_volterra, times=TIMES, n_states=2, n_theta=4)
    mu, sd = np.array([1.0, 0.05, 1.0, 0.05]), np.array([0.5, 0.05, 0.5, 0.05])
    with pg.Model():
        theta_z = pg.Normal("theta_z", 0.0, 1.0, shape=4)
        theta = pg.Deterministic("theta", mu + sd * theta_z)
        z0 = pg.LogNormal("z0", mu=np.log(10.0), sigma=1.0, shape=2)
        sigma = pg.LogNormal("sigma", mu=-1.0, sigma=1.0, shape=2)
        sol = ode(y0=z0, theta=theta)
        pg.Normal("y_init", pt.log(z0), sigma, observed=np.log([HARE[0], LYNX[0]]))
        pg.Normal("y", pt.log(sol), sigma, observed=np.log(np.column_stack([HARE, LYNX])[1:]))
        # init="adapt_diag" (PyMC's name): start at initvals without pg.sample's default
        # jitter of +-1, which sends theta[1] = 0.028 far into the tails
        idata = pg.sample(draws=150, tune=150, chains=2, random_seed=2, progressbar=False,
                          init="adapt_diag", compute_convergence_checks=False,
                          initvals={"theta_z": (THETA - mu) / sd, "z0": Y0,
                                    "sigma": [0.3, 0.3]})  # fmt: skip
    post = idata.posterior
    theta = post["theta"].values.reshape(-1, 4).mean(0)
    np.testing.assert_allclose(theta, [0.55, 0.028, 0.80, 0.024], rtol=0.1)
    np.testing.assert_allclose(post["z0"].values.reshape(-1, 2).mean(0), [33.9, 5.9], rtol=0.1)
    np.testing.assert_allclose(post["sigma"].values.reshape(-1, 2).mean(0), 0.25, rtol=0.2)
    assert int(idata.sample_stats.diverging.sum()) == 0
