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
from ppgraph.model.marginal import MarginalModel
from ppgraph.model.shapes import shape_mismatch
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
from ppgraph.sampling.marginal import complete_draws, likelihood_model, marginalize_discrete
from ppgraph.sampling.sample_kwargs import pymc_seed, resolve_options
from ppgraph.sampling.seeds import seed_key
from ppgraph.variational.start import advi_start

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
    chains: int | None = None,
    sampler: str | None = None,
    target_accept: float | None = None,
    random_seed: Any = None,
    progress_bar: bool | None = None,
    initvals: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None,
    model: Model | None = None,
    chain_method: str = "vectorized",
    jitter: float = 1.0,
    log_likelihood: bool | None = None,
    compute_convergence_checks: bool = True,
    *,
    progressbar: Any = None,
    nuts_sampler: str | None = None,
    cores: int | None = None,
    return_inferencedata: bool = True,
    idata_kwargs: Mapping[str, Any] | None = None,
    discard_tuned_samples: bool = True,
    var_names: Sequence[str] | None = None,
    nuts_sampler_kwargs: Mapping[str, Any] | None = None,
    **kwargs: Any,
) -> Any:
    """Draw from the posterior with NUTS: ``tune`` warm-up steps (window adaptation
    of the step size and a diagonal mass matrix, to ``target_accept``, 0.8 by
    default), then ``draws`` draws in each of ``chains`` chains (4 by default).

    Returns ArviZ's container with groups ``posterior`` (free variables in their
    own space and deterministics, with the model's coords and dims),
    ``sample_stats`` (``diverging``, ``energy``, ``step_size``, ``tree_depth``,
    ``n_steps``, ``acceptance_rate``, ``lp`` = logp), ``log_likelihood`` (one
    array per observed variable, unless ``log_likelihood=False``),
    ``observed_data`` and ``constant_data``.

    ``sampler`` is ``"blackjax"`` (default) or ``"numpyro"`` (``pip install
    "ppgraph[samplers]"``). ``chain_method="sharded"`` (BlackJAX) splits the
    chains over ``jax.devices()``. ``initvals`` (a dict, or one per chain) gives
    starting values by variable name, each chain being jittered by uniform noise
    in ``(-jitter, jitter)`` in the unconstrained space. After sampling,
    ``SamplingWarning`` reports divergences and, with at least 100 draws, r-hat
    above 1.01 or fewer than 100 effective draws per chain.

    PyMC's keywords work with PyMC's meaning: ``progressbar``, ``nuts_sampler``
    (``"blackjax"`` / ``"numpyro"``; PyMC's own ``"pymc"`` and ``"nutpie"`` are
    an error), ``chains=None``, ``cores`` (sets the default number of chains as
    in PyMC; the chains always run in parallel inside one jitted call),
    ``random_seed`` (an int, a sequence of ints, one per chain, a NumPy
    Generator or RandomState, a JAX key), ``var_names`` (the variables kept in
    the posterior), ``idata_kwargs`` (``log_likelihood``,
    ``include_transformed``: also the unconstrained draws, named as the value
    variables), ``nuts_sampler_kwargs`` (``target_accept``, ``chain_method``,
    ``jitter``), ``nuts={"target_accept": ...}``, ``init="auto"`` /
    ``"jitter+adapt_diag"`` / ``"adapt_diag"`` (no jitter), ``jitter_max_retries``.
    ``return_inferencedata=False`` returns a dict ``{name: array (chain, draw,
    ...)}`` of the posterior instead (PyMC's ``MultiTrace`` does not exist here).
    What cannot be honoured is refused: ``discard_tuned_samples=False``,
    ``step=``, other ``init=`` methods, ``trace=``, ``callback=``; PyMC's process
    settings (``mp_ctx``, ``blas_cores``, ...) warn that they have no effect.

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
    opts = resolve_options(
        chains, sampler, nuts_sampler, target_accept, progress_bar, progressbar, cores,
        chain_method, jitter, log_likelihood, idata_kwargs, nuts_sampler_kwargs,
        discard_tuned_samples, kwargs,
    )  # fmt: skip
    draws = _positive_int("draws", draws)
    tune = _positive_int("tune", tune, minimum=0)
    chains = _positive_int("chains", opts.chains)
    sampler = opts.sampler
    _check_args(sampler, opts.chain_method, opts.target_accept)
    original, model = model, marginalize_discrete(model)  # discrete variables summed out
    _check_model(model)
    keep = _var_names(original, var_names)
    if return_inferencedata:
        require("arviz", "pg.sample")
    require(sampler, f"pg.sample(sampler={sampler!r})")
    bad = shape_mismatch(original)  # after pg.set_data: data that no longer fits, named
    if bad is not None:
        raise bad
    ld, _ = logdensity(model)
    init_key, run_key = jax.random.split(seed_key(pymc_seed(random_seed, chains)))
    start = initial_positions(model, chains, init_key, opts.jitter, initvals,
                              jitter_max_retries=opts.jitter_max_retries)  # fmt: skip
    if opts.advi_init:
        start = advi_start(model, chains, init_key, opts.n_init)
    target, bar = float(opts.target_accept), opts.progress_bar
    if sampler == "blackjax":
        from ppgraph.sampling.blackjax_nuts import run_blackjax

        raw, stats = run_blackjax(ld, start, run_key, tune, draws, target, bar, opts.chain_method)
    else:
        from ppgraph.sampling.numpyro_nuts import run_numpyro

        raw, stats = run_numpyro(ld, start, run_key, tune, draws, target, bar)
    check_finite(raw, f"pg.sample(sampler={sampler!r})")
    ll_model = model
    if isinstance(model, MarginalModel):  # the discrete variables drawn back
        raw, ll_model = complete_draws(model, raw, run_key), likelihood_model(model)
        model = original
    posterior = constrain(raw, model)
    warn_non_finite({str(d.name): posterior[str(d.name)] for d in model.deterministics},
                    "the deterministics")  # fmt: skip
    if keep is not None:
        posterior = {k: v for k, v in posterior.items() if k in keep}
    if opts.include_transformed:
        rv_names = {str(rv.name) for rv in model.free_RVs}
        posterior.update({k: v for k, v in raw.items() if k not in rv_names})
    if not return_inferencedata:
        return posterior
    groups: dict[str, dict[str, np.ndarray]] = {"posterior": posterior, "sample_stats": stats}
    if opts.log_likelihood and model.observed_RVs:
        groups["log_likelihood"] = _pointwise(ll_model, raw)
    attrs = {"sampler": sampler, "tuning_steps": tune, "chain_method": opts.chain_method}
    idata = make_idata(model, groups, attrs)
    if compute_convergence_checks:
        # discrete draws are often constant within a chain: r-hat is undefined there
        free = [str(rv.name) for rv in model.free_RVs if rv.dtype.startswith("float")]
        free = [name for name in free if keep is None or name in keep]
        convergence_warnings(idata, int(np.sum(stats["diverging"])), free)
    return idata


def _var_names(model: Model, var_names: Sequence[str] | None) -> set[str] | None:
    if var_names is None:
        return None
    names = [str(rv.name) for rv in model.free_RVs] + [str(d.name) for d in model.deterministics]
    names = [*names, *(str(v.name) for v in model.value_vars)]
    unknown = [n for n in var_names if n not in names]
    if unknown:
        raise KeyError(
            f"pg.sample: var_names {unknown} are not free variables or deterministics of the "
            f"model; they are {names}"
        )
    return set(var_names)


def _pointwise(model: Model, raw: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The pointwise log-likelihood of every draw, ``(chain, draw, *data shape)``."""
    fn = pointwise_loglikelihood(model)
    lead = np.shape(raw[fn.names[0]])[:2]
    flat = [np.reshape(raw[n], (-1, *np.shape(raw[n])[2:])) for n in fn.names]
    out = map_draws(fn.call, flat, fn.data, x64=fn.x64)
    return {k: v.reshape(*lead, *v.shape[1:]) for k, v in out.items()}
