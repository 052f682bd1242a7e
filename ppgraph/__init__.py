"""ppgraph: probabilistic graphs in, pure jitted JAX functions out.

``import ppgraph as pg`` for graphs, compilation and models;
``import ppgraph.tensor as pt`` for symbolic tensors.
"""

from ppgraph import (
    distributions,
    gp,  # issue 13: Gaussian processes (pg.gp.cov, pg.gp.Marginal, ...)
    math,  # issue 10: pm.math's names
    ode,  # issue 17: ODE models on diffrax
    tensor,
)
from ppgraph import pytensorf as pytensorf  # issue 12: pymc.pytensorf.collect_default_updates
from ppgraph._pymc_names import missing_name as _missing_name
from ppgraph.compile import Function, function
from ppgraph.config import config
from ppgraph.distributions import *  # noqa: F403
from ppgraph.errors import InputError, MissingInputError, ParameterValueError
from ppgraph.graph import (
    Apply,
    Constant,
    GraphError,
    Op,
    SharedVariable,
    Type,
    Variable,
    ancestors,
    clone_replace,
    graph_inputs,
    toposort,
    verify,
)
from ppgraph.logprob import icdf, logcdf, logp
from ppgraph.model import (
    Data,
    Deterministic,
    Model,
    Potential,
    modelcontext,
    set_data,
)
from ppgraph.model.graph import ModelGraph, model_to_graphviz
from ppgraph.model.marginal import marginalize
from ppgraph.model.missing import ImputationWarning  # issue 11: missing observed values
from ppgraph.printing import dprint
from ppgraph.pytensorf import floatX, intX  # issue 17: pm.floatX, pm.intX
from ppgraph.rewrite import rewrite_graph
from ppgraph.sampling import (  # issue 5: JAX out (log-densities, samplers, predictive, MAP)
    LogDensity,
    SamplingError,
    SamplingWarning,
    constrain,
    draw,
    find_MAP,
    initial_positions,
    logdensity,
    loglikelihood,
    logprior,
    pointwise_loglikelihood,
    potential_fn,
    sample,
    sample_posterior_predictive,
    sample_prior_predictive,
)
from ppgraph.tensor.scan import scan  # issue 12: pytensor.scan's place
from ppgraph.variational import Approximation, FitError, fit


def __getattr__(name: str) -> object:
    # only names the package lacks get here: a PyMC name says what to use instead
    raise _missing_name(name)


__version__ = "0.1.0"

__all__ = [
    *distributions.__all__,
    "Apply",
    "Constant",
    "Data",
    "Deterministic",
    "Function",
    "GraphError",
    "ImputationWarning",  # issue 11
    "InputError",
    "MissingInputError",
    "Model",
    "ModelGraph",
    "Op",
    "ParameterValueError",
    "Potential",
    "SharedVariable",
    "Type",
    "Variable",
    "__version__",
    "ancestors",
    "clone_replace",
    "config",
    "dprint",
    "draw",
    "function",
    "graph_inputs",
    "icdf",
    "logcdf",
    "logp",
    "model_to_graphviz",
    "modelcontext",
    "rewrite_graph",
    "scan",  # issue 12
    "set_data",
    "tensor",
    "gp",  # issue 13
    "math",  # issue 10
    "toposort",
    "verify",
    # issue 5: JAX out
    "LogDensity",
    "SamplingError",
    "SamplingWarning",
    "constrain",
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
    # issue 14: variational inference
    "Approximation",
    "FitError",
    "fit",
    "marginalize",
    "ode",
    "floatX",  # issue 17
    "intX",  # issue 17
]
