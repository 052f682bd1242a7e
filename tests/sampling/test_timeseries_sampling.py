"""Time-series models sampled with ``pg.sample`` on simulated data, the posterior
checked against the parameters that generated the data: a 3-state hidden
Markov model (forward algorithm by ``pt.scan`` + ``pg.Potential``) and a
stochastic-volatility model (``GaussianRandomWalk``)."""

from __future__ import annotations

import numpy as np
import pytest

import ppgraph as pg
import ppgraph.tensor as pt

pytest.importorskip("blackjax")
az = pytest.importorskip("arviz")

MU = np.array([-2.0, 0.0, 2.0])
P = np.array([[0.9, 0.05, 0.05], [0.05, 0.9, 0.05], [0.05, 0.05, 0.9]])


def simulate_hmm(t: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    z = [rng.integers(3)]
    for _ in range(t - 1):
        z.append(rng.choice(3, p=P[z[-1]]))
    states = np.array(z)
    return states, MU[states] + 0.7 * rng.normal(size=t)


def hmm_forward(
    y: np.ndarray, mu: pt.TensorVariable, sigma: pt.TensorVariable, log_p: pt.TensorVariable
) -> pt.TensorVariable:
    """log p(y) of the HMM: the forward algorithm in log space, one ``pt.scan``."""
    z = (pt.as_tensor_variable(y)[:, None] - mu) / sigma
    log_emit = -0.5 * z**2 - pt.log(sigma) - 0.5 * np.log(2 * np.pi)  # (T, 3)
    alpha0 = log_emit[0] - np.log(3.0)

    def step(
        lp_t: pt.TensorVariable, alpha: pt.TensorVariable, log_p: pt.TensorVariable
    ) -> pt.TensorVariable:
        return pt.logsumexp(alpha[:, None] + log_p, axis=0) + lp_t

    alphas = pt.scan(
        step,
        sequences=[log_emit[1:]],
        outputs_info=[alpha0],
        non_sequences=[log_p],
        return_updates=False,
    )
    return pt.logsumexp(alphas[-1])


def test_hmm_forward_matches_a_numpy_loop() -> None:
    _, y = simulate_hmm(50, seed=3)
    mu, sigma, log_p = pt.vector("mu"), pt.scalar("sigma"), pt.matrix("log_p")
    got = float(hmm_forward(y, mu, sigma, log_p).eval({mu: MU, sigma: 0.7, log_p: np.log(P)}))
    emit = np.exp(-0.5 * ((y[:, None] - MU) / 0.7) ** 2) / (0.7 * np.sqrt(2 * np.pi))
    alpha, want = emit[0] / 3.0, 0.0  # the scaled forward recursion
    for t in range(len(y)):
        if t:
            alpha = (alpha @ P) * emit[t]
        want += np.log(alpha.sum())
        alpha = alpha / alpha.sum()
    np.testing.assert_allclose(got, want, rtol=1e-10)


@pytest.mark.slow
# r-hat of two chains of 300 draws sits near the 1.01 warning line (1.003-1.018
# over seeds and machines); mixing is checked below at 1.05 instead
@pytest.mark.filterwarnings("ignore::ppgraph.sampling.diagnostics.SamplingWarning")
def test_hmm_posterior_recovers_the_parameters() -> None:
    _, y = simulate_hmm(500)
    with pg.Model():
        mu = pg.Normal("mu", mu=MU, sigma=1.0)
        sigma = pg.HalfNormal("sigma", sigma=1.0)
        p = pg.Dirichlet("p", a=np.full((3, 3), 1.0) + 8.0 * np.eye(3))
        pg.Potential("hmm", hmm_forward(y, mu, sigma, pt.log(p)))
        idata = pg.sample(draws=300, tune=300, chains=2, random_seed=1, progress_bar=False)
    rhat = az.rhat(idata)
    for name in ("mu", "sigma", "p"):
        assert float(rhat[name].max()) < 1.05, (name, rhat[name].values)
    post = idata.posterior
    for name, truth in (("mu", MU), ("sigma", 0.7), ("p", P)):
        mean = post[name].mean(("chain", "draw")).values
        sd = post[name].std(("chain", "draw")).values
        assert np.all(np.abs(mean - truth) < 4 * sd + 0.02), (name, mean, truth, sd)


@pytest.mark.slow
# the centered walk's funnel mixes slowly: r-hat may pass 1.01 with 2 short
# chains; the posterior is checked against the simulated truth instead
@pytest.mark.filterwarnings("ignore::ppgraph.sampling.diagnostics.SamplingWarning")
def test_stochastic_volatility_posterior() -> None:
    rng = np.random.default_rng(4)
    t, step_sd = 300, 0.15
    log_vol = -1.0 + np.cumsum(np.r_[0.0, step_sd * rng.normal(size=t - 1)])
    returns = np.exp(log_vol) * rng.normal(size=t)
    with pg.Model():
        sigma = pg.HalfNormal("sigma", sigma=0.5)
        s = pg.GaussianRandomWalk(
            "s", sigma=sigma, init_dist=pg.Normal.dist(-1.0, 1.0), steps=t - 1
        )
        pg.Normal("r", mu=0.0, sigma=pt.exp(s), observed=returns)
        idata = pg.sample(
            draws=400, tune=800, chains=2, random_seed=2, progress_bar=False, target_accept=0.9
        )
    post = idata.posterior
    sig = post["sigma"].values.ravel()
    assert np.quantile(sig, 0.005) < step_sd < np.quantile(sig, 0.995)
    s_mean = post["s"].mean(("chain", "draw")).values
    assert s_mean.shape == (t,)
    assert np.corrcoef(s_mean, log_vol)[0, 1] > 0.6
    assert abs(np.mean(s_mean - log_vol)) < 0.3
