"""pg.logdensity driven by BlackJAX and NumPyro written by hand, as their users
would, on a model whose posterior is known exactly: a normal mean with known
noise (conjugate) and an untouched Gamma variable (its prior, through the log
transform and its Jacobian)."""

from __future__ import annotations

from typing import Any

import arviz as az
import blackjax
import jax
import numpy as np
import pytest

import ppgraph as pg

DATA = np.random.default_rng(7).normal(1.0, 1.0, size=20)
PRIOR_SD = 2.0
POST_VAR = 1.0 / (1.0 / PRIOR_SD**2 + DATA.size)
EXACT = {  # name: (mean, sd)
    "mu": (POST_VAR * DATA.sum(), np.sqrt(POST_VAR)),
    "lam": (3.0 / 2.0, np.sqrt(3.0) / 2.0),  # Gamma(alpha=3, beta=2)
}
CHAINS, TUNE, DRAWS = 4, 300, 500


def _model() -> pg.Model:
    with pg.Model() as m:
        mu = pg.Normal("mu", 0.0, PRIOR_SD)
        pg.Gamma("lam", alpha=3.0, beta=2.0)
        pg.Normal("y", mu, 1.0, observed=DATA)
    return m


def _check(model: pg.Model, unconstrained: dict[str, Any]) -> None:
    """Means within 5 Monte-Carlo standard errors of the exact ones, sds within 15%."""
    draws = pg.constrain({k: np.asarray(v) for k, v in unconstrained.items()}, model=model)
    for name, (mean, sd) in EXACT.items():
        x = draws[name]
        assert x.shape == (CHAINS, DRAWS)
        ess = float(az.ess(x))
        assert abs(x.mean() - mean) < 5 * sd / np.sqrt(ess), (name, x.mean(), mean, ess)
        assert x.std() == pytest.approx(sd, rel=0.15)


def test_blackjax_by_hand() -> None:
    model = _model()
    logdensity_fn, _ = pg.logdensity(model)
    init = pg.initial_positions(model, chains=CHAINS, random_seed=0)
    warmup = blackjax.window_adaptation(blackjax.nuts, logdensity_fn)

    def one_chain(key: Any, position: Any) -> Any:
        warm_key, draw_key = jax.random.split(key)
        (state, parameters), _ = warmup.run(warm_key, position, num_steps=TUNE)
        nuts = blackjax.nuts(logdensity_fn, **parameters)

        def step(state: Any, key: Any) -> Any:
            state, info = nuts.step(key, state)
            return state, (state.position, info.is_divergent)

        _, (positions, divergent) = jax.lax.scan(step, state, jax.random.split(draw_key, DRAWS))
        return positions, divergent

    with jax.enable_x64(True):
        keys = jax.random.split(jax.random.key(0), CHAINS)
        positions, divergent = jax.jit(jax.vmap(one_chain))(keys, init)
    assert not np.asarray(divergent).any()
    _check(model, positions)


def test_numpyro_by_hand() -> None:
    from numpyro.infer import MCMC, NUTS

    model = _model()
    mcmc = MCMC(NUTS(potential_fn=pg.potential_fn(model)), num_warmup=TUNE, num_samples=DRAWS,
                num_chains=CHAINS, chain_method="vectorized", progress_bar=False)  # fmt: skip
    with jax.enable_x64(True):
        init = pg.initial_positions(model, chains=CHAINS, random_seed=1)
        mcmc.run(jax.random.key(1), init_params=init, extra_fields=("diverging",))
        samples = mcmc.get_samples(group_by_chain=True)
        divergent = np.asarray(mcmc.get_extra_fields()["diverging"])
    assert set(samples) == {"mu", "lam_log__"} and not divergent.any()
    _check(model, samples)
