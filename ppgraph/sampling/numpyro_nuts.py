"""NUTS with NumPyro: ``MCMC(NUTS(potential_fn=-logp))``, chains vectorized.

NumPyro's ``potential_fn`` is a function of the position alone, so here the
data are closed over (constants of NumPyro's compiled loop; BlackJAX takes
them as arguments). NumPyro compiles its loop again on each run.
"""

from __future__ import annotations

from typing import Any

import jax
import numpy as np

from ppgraph.sampling.batch import x64_scope
from ppgraph.sampling.diagnostics import require
from ppgraph.sampling.logdensity import LogDensity

__all__ = ["run_numpyro"]

_FIELDS = ("diverging", "energy", "num_steps", "accept_prob", "adapt_state.step_size",
           "potential_energy")  # fmt: skip


def run_numpyro(
    ld: LogDensity,
    positions: dict[str, np.ndarray],
    key: Any,
    tune: int,
    draws: int,
    target_accept: float,
    progress_bar: bool,
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """NUTS draws ``{value name: (chain, draw, ...)}`` and sampler statistics
    ``{stat: (chain, draw)}``, from ``positions`` with a leading chain axis."""
    chains = int(np.shape(next(iter(positions.values())))[0])
    mcmc = _mcmc(ld, tune, draws, chains, target_accept, progress_bar)
    with x64_scope(ld.x64):
        init = {n: jax.numpy.asarray(v) for n, v in positions.items()}
        mcmc.run(key, init_params=init, extra_fields=_FIELDS)
        samples = mcmc.get_samples(group_by_chain=True)
        extra = mcmc.get_extra_fields(group_by_chain=True)
    raw = {n: np.asarray(samples[n]) for n in ld.names}
    n_steps = np.asarray(extra["num_steps"])
    stats = {
        "diverging": np.asarray(extra["diverging"]),
        "energy": np.asarray(extra["energy"]),
        "step_size": np.asarray(extra["adapt_state.step_size"]),
        "tree_depth": _tree_depth(n_steps),
        "n_steps": n_steps,
        "acceptance_rate": np.asarray(extra["accept_prob"]),
        "lp": -np.asarray(extra["potential_energy"]),
    }
    return raw, stats


def _mcmc(
    ld: LogDensity, tune: int, draws: int, chains: int, target_accept: float, progress: bool
) -> Any:
    infer = require("numpyro.infer", 'pg.sample(sampler="numpyro")')
    data = ld.data

    def potential(position: Any) -> Any:
        return -ld.apply(position, data)

    kernel = infer.NUTS(potential_fn=potential, target_accept_prob=target_accept)
    return infer.MCMC(
        kernel,
        num_warmup=tune,
        num_samples=draws,
        num_chains=chains,
        chain_method="vectorized",
        progress_bar=progress,
    )


def _tree_depth(n_steps: np.ndarray) -> np.ndarray:
    """The doublings of a NUTS trajectory of ``n_steps`` leapfrog steps."""
    return np.where(n_steps > 0, np.floor(np.log2(np.maximum(n_steps, 1))) + 1, 0).astype(
        n_steps.dtype
    )
