"""User-facing distributions: ``pg.Normal.dist(...)`` and ``pg.Normal("x", ...)``.

Each module lists its public classes in ``__all__``; they are re-exported here.
"""

from ppgraph.distributions import continuous, discrete, multivariate
from ppgraph.distributions.continuous import *  # noqa: F403
from ppgraph.distributions.discrete import *  # noqa: F403
from ppgraph.distributions.distribution import Continuous, Discrete, Distribution
from ppgraph.distributions.multivariate import *  # noqa: F403

__all__ = [
    "Continuous",
    "Discrete",
    "Distribution",
    *continuous.__all__,
    *discrete.__all__,
    *multivariate.__all__,
]
