"""Models shared by the sampling tests, each with a hand-written JAX log-density
(the oracle, written from the formulas, not from ppgraph)."""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp
import numpy as np
from jax.scipy import stats

import ppgraph as pg

# Rubin (1981); posteriordb "eight_schools-eight_schools_noncentered".
Y = np.array([28.0, 8.0, -3.0, 7.0, -1.0, 1.0, 18.0, 12.0])
SIGMA = np.array([15.0, 10.0, 16.0, 11.0, 9.0, 11.0, 10.0, 18.0])
SCHOOLS = ["Choate", "Deerfield", "Phillips Andover", "Phillips Exeter",
           "Hotchkiss", "Lawrenceville", "St. Paul's", "Mt. Hermon"]  # fmt: skip
# Reference posterior means and sds (posteriordb reference draws).
REFERENCE = {"mu": (4.4, 3.3), "tau": (3.6, 3.2)}


def eight_schools() -> pg.Model:
    """mu ~ N(0, 5), tau ~ HalfCauchy(5), theta = mu + tau * theta_t, y ~ N(theta, sigma)."""
    with pg.Model(coords={"school": SCHOOLS}) as model:
        mu = pg.Normal("mu", mu=0.0, sigma=5.0)
        tau = pg.HalfCauchy("tau", beta=5.0)
        theta_t = pg.Normal("theta_t", mu=0.0, sigma=1.0, dims="school")
        theta = pg.Deterministic("theta", mu + tau * theta_t, dims="school")
        pg.Normal("y", mu=theta, sigma=SIGMA, observed=Y, dims="school")
    return model


def eight_schools_logp(position: dict[str, Any]) -> Any:
    """The same log-density by hand, in the unconstrained space (log tau + its Jacobian)."""
    mu, log_tau, theta_t = position["mu"], position["tau_log__"], position["theta_t"]
    tau = jnp.exp(log_tau)
    half_cauchy = jnp.log(2.0) + stats.cauchy.logpdf(tau, 0.0, 5.0)
    return (
        stats.norm.logpdf(mu, 0.0, 5.0)
        + half_cauchy
        + log_tau
        + jnp.sum(stats.norm.logpdf(theta_t))
        + jnp.sum(stats.norm.logpdf(Y, mu + tau * theta_t, SIGMA))
    )


def random_points(model: pg.Model, n: int, seed: int, scale: float = 1.5) -> dict[str, Any]:
    """``n`` random unconstrained positions around the initial point."""
    rng = np.random.default_rng(seed)
    start = model.initial_point()
    return {k: v + rng.normal(0.0, scale, size=(n, *np.shape(v))) for k, v in start.items()}
