"""Drawing and sampling: ``draw``; the model's log-density as pure JAX functions
for external samplers (``logdensity`` and its pieces); ``sample`` (NUTS with
BlackJAX or NumPyro, ArviZ output); predictive sampling; ``find_MAP``."""

from ppgraph.sampling.constrain import constrain
from ppgraph.sampling.diagnostics import SamplingError, SamplingWarning
from ppgraph.sampling.draw import draw
from ppgraph.sampling.find_map import find_MAP
from ppgraph.sampling.initial import initial_positions
from ppgraph.sampling.logdensity import (
    LogDensity,
    logdensity,
    loglikelihood,
    logprior,
    pointwise_loglikelihood,
    potential_fn,
)
from ppgraph.sampling.predictive import sample_posterior_predictive, sample_prior_predictive
from ppgraph.sampling.sample import sample

__all__ = [
    "LogDensity",
    "SamplingError",
    "SamplingWarning",
    "constrain",
    "draw",
    "find_MAP",
    "initial_positions",
    "logdensity",
    "loglikelihood",
    "logprior",
    "pointwise_loglikelihood",
    "potential_fn",
    "sample",
    "sample_posterior_predictive",
    "sample_prior_predictive",
]
