"""Log-densities of random variables, dispatched on the RV op, as IR graphs."""

from ppgraph.logprob import join as _join  # noqa: F401  (registers joins' logp, issue 12)
from ppgraph.logprob import scan as _scan  # noqa: F401  (registers the loops' logp, issue 12)
from ppgraph.logprob.basic import _icdf, _logcdf, _logprob, icdf, logcdf, logp
from ppgraph.logprob.utils import bound, check_parameters

__all__ = ["_icdf", "_logcdf", "_logprob", "bound", "check_parameters", "icdf", "logcdf", "logp"]
