"""``pg.sample``: NUTS on the model's log-density with BlackJAX or NumPyro,
returned as ArviZ's container.

The pipeline: check the model (continuous free variables only), build the
pure log-density, start every chain where logp and its gradient are finite
(``initial_positions``), run the sampler (its whole loop jitted), refuse
non-finite draws, map the draws to the constrained space with the
deterministics and the pointwise log-likelihood (in jitted chunks), build the
``InferenceData`` and warn about divergences and r-hat / ESS.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import jax
import numpy as np

from ppgraph.model.core import Model, modelcontext
from ppgraph.sampling.batch import map_draws
from ppgraph.sampling.constrain import constrain
from ppgraph.sampling.diagnostics import (
    check_finite,
    convergence_warnings,
    require,
    warn_non_finite,
)
from ppgraph.sampling.idata import make_idata
from ppgraph.sampling.initial import initial_positions
from ppgraph.sampling.logdensity import logdensity, pointwise_loglikelihood
from ppgraph.sampling.seeds import seed_key

__all__ = ["SAMPLERS", "sample"]

SAMPLERS = ("blackjax", "numpyro")
CHAIN_METHODS = ("vectorized", "sharded")


def _positive_int(name: str, value: Any, minimum: int = 1) -> int:
    if not isinstance(value, int | np.integer) or isinstance(value, bool) or value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value!r}")
    return int(value)


def _check_args(sampler: str, chain_method: str, target_accept: float) -> None:
    if sampler not in SAMPLERS:
        raise ValueError(f"unknown sampler {sampler!r}; known samplers: {list(SAMPLERS)}")
    if chain_method not in CHAIN_METHODS:
        raise ValueError(f"unknown chain_method {chain_method!r}; known: {list(CHAIN_METHODS)}")
    if chain_method == "sharded" and sampler != "blackjax":
        raise ValueError('chain_method="sharded" runs with sampler="blackjax"')
    if not isinstance(target_accept, float | int) or not 0 < target_accept < 1:
        raise ValueError(f"target_accept must be in (0, 1), got {target_accept!r}")


def _check_model(model: Model) -> None:
    if not model.free_RVs:
        raise ValueError(
            "the model has no free random variables to sample; for draws of its "
            "observed variables use pg.sample_prior_predictive"
        )
    discrete = [str(model.values_to_rvs[v].name) for v in model.discrete_value_vars]
    if discrete:
        raise NotImplementedError(
            f"pg.sample runs NUTS, which needs continuous variables; {discrete} "
            f"{'is' if len(discrete) == 1 else 'are'} discrete. Marginalize "
            f"{'it' if len(discrete) == 1 else 'them'} out of the model (for example "
            "with pg.Mixture) or give it observed data"
        )


def sample(
    draws: int = 1000,
    tune: int = 1000,
    chains: int = 4,
    sampler: str = "blackjax",
    target_accept: float = 0.8,
    random_seed: Any = None,
    progress_bar: bool = True,
    initvals: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None,
    model: Model | None = None,
    chain_method: str = "vectorized",
    jitter: float = 1.0,
    log_likelihood: bool = True,
    compute_convergence_checks: bool = True,
) -> Any:
    """Draw from the posterior with NUTS: ``tune`` warm-up steps (window adaptation
    of the step size and a diagonal mass matrix, to ``target_accept``), then
    ``draws`` draws in each of ``chains`` chains.

    Returns ArviZ's container with groups ``posterior`` (free variables in their
    own space and deterministics, with the model's coords and dims),
    ``sample_stats`` (``diverging``, ``energy``, ``step_size``, ``tree_depth``,
    ``n_steps``, ``acceptance_rate``, ``lp`` = logp), ``log_likelihood`` (one
    array per observed variable, unless ``log_likelihood=False``),
    ``observed_data`` and ``constant_data``.

    ``sampler`` is ``"blackjax"`` or ``"numpyro"`` (``pip install
    "ppgraph[samplers]"``). ``chain_method="sharded"`` (BlackJAX) splits the
    chains over ``jax.devices()``. ``initvals`` (a dict, or one per chain) gives
    starting values by variable name, each chain being jittered by uniform noise
    in ``(-jitter, jitter)`` in the unconstrained space. After sampling,
    ``SamplingWarning`` reports divergences and, with at least 100 draws, r-hat
    above 1.01 or fewer than 100 effective draws per chain.

    Example:
        >>> import ppgraph as pg
        >>> with pg.Model() as m:
        ...     mu = pg.Normal("mu", 0.0, 1.0)
        ...     y = pg.Normal("y", mu, 1.0, observed=[0.2, -0.1])
        ...     idata = pg.sample(draws=20, tune=20, chains=2, random_seed=1,
        ...                       progress_bar=False)
        >>> idata.posterior["mu"].shape
        (2, 20)
        >>> sorted(idata.sample_stats.data_vars)[:3]
        ['acceptance_rate', 'diverging', 'energy']
    """
    model = modelcontext(model, needs="pg.sample")
    draws = _positive_int("draws", draws)
    tune = _positive_int("tune", tune, minimum=0)
    chains = _positive_int("chains", chains)
    _check_args(sampler, chain_method, target_accept)
    _check_model(model)
    require("arviz", "pg.sample")
    require(sampler, f"pg.sample(sampler={sampler!r})")
    ld, _ = logdensity(model)
    init_key, run_key = jax.random.split(seed_key(random_seed))
    start = initial_positions(model, chains, init_key, jitter, initvals)
    if sampler == "blackjax":
        from ppgraph.sampling.blackjax_nuts import run_blackjax

        raw, stats = run_blackjax(
            ld, start, run_key, tune, draws, float(target_accept), progress_bar, chain_method
        )
    else:
        from ppgraph.sampling.numpyro_nuts import run_numpyro

        raw, stats = run_numpyro(ld, start, run_key, tune, draws, float(target_accept),
                                 progress_bar)  # fmt: skip
    check_finite(raw, f"pg.sample(sampler={sampler!r})")
    posterior = constrain(raw, model)
    warn_non_finite({str(d.name): posterior[str(d.name)] for d in model.deterministics},
                    "the deterministics")  # fmt: skip
    groups: dict[str, dict[str, np.ndarray]] = {"posterior": posterior, "sample_stats": stats}
    if log_likelihood and model.observed_RVs:
        groups["log_likelihood"] = _pointwise(model, raw)
    attrs = {"sampler": sampler, "tuning_steps": tune, "chain_method": chain_method}
    idata = make_idata(model, groups, attrs)
    if compute_convergence_checks:
        free = [str(rv.name) for rv in model.free_RVs]
        convergence_warnings(idata, int(np.sum(stats["diverging"])), free)
    return idata


def _pointwise(model: Model, raw: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The pointwise log-likelihood of every draw, ``(chain, draw, *data shape)``."""
    fn = pointwise_loglikelihood(model)
    lead = np.shape(raw[fn.names[0]])[:2]
    flat = [np.reshape(raw[n], (-1, *np.shape(raw[n])[2:])) for n in fn.names]
    out = map_draws(fn.call, flat, fn.data, x64=fn.x64)
    return {k: v.reshape(*lead, *v.shape[1:]) for k, v in out.items()}
