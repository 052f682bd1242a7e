"""User-facing distributions: ``pg.Normal.dist(...)`` and ``pg.Normal("x", ...)``.

Each module lists its public classes in ``__all__``; they are re-exported here.
"""

from ppgraph.distributions import (
    censored,
    continuous,
    continuous_bounded,
    continuous_extra,
    continuous_heavy,
    continuous_positive,
    continuous_real,
    custom,
    discrete,
    discrete_categorical,
    discrete_extra,
    discrete_inflated,
    hurdle,
    mixture,
    multivariate,
    multivariate_lkj,
    multivariate_matrix,
    multivariate_spatial,
    polyagamma,
    stick_breaking,
    timeseries,
    transforms,  # noqa: F401  (PyMC's pm.distributions.transforms)
    truncated,
    zerosum,
)
from ppgraph.distributions.censored import *  # noqa: F403
from ppgraph.distributions.continuous import *  # noqa: F403
from ppgraph.distributions.continuous_bounded import *  # noqa: F403
from ppgraph.distributions.continuous_extra import *  # noqa: F403
from ppgraph.distributions.continuous_heavy import *  # noqa: F403
from ppgraph.distributions.continuous_positive import *  # noqa: F403
from ppgraph.distributions.continuous_real import *  # noqa: F403
from ppgraph.distributions.custom import *  # noqa: F403
from ppgraph.distributions.discrete import *  # noqa: F403
from ppgraph.distributions.discrete_categorical import *  # noqa: F403
from ppgraph.distributions.discrete_extra import *  # noqa: F403
from ppgraph.distributions.discrete_inflated import *  # noqa: F403
from ppgraph.distributions.distribution import Continuous, Discrete, Distribution
from ppgraph.distributions.hurdle import *  # noqa: F403
from ppgraph.distributions.mixture import *  # noqa: F403
from ppgraph.distributions.multivariate import *  # noqa: F403
from ppgraph.distributions.multivariate_lkj import *  # noqa: F403
from ppgraph.distributions.multivariate_matrix import *  # noqa: F403
from ppgraph.distributions.multivariate_spatial import *  # noqa: F403
from ppgraph.distributions.polyagamma import *  # noqa: F403
from ppgraph.distributions.stick_breaking import *  # noqa: F403
from ppgraph.distributions.timeseries import *  # noqa: F403
from ppgraph.distributions.truncated import *  # noqa: F403
from ppgraph.distributions.zerosum import *  # noqa: F403

__all__ = [
    "Continuous",
    "Discrete",
    "Distribution",
    *continuous.__all__,
    *continuous_bounded.__all__,
    *continuous_extra.__all__,
    *continuous_heavy.__all__,
    *continuous_positive.__all__,
    *continuous_real.__all__,
    *custom.__all__,
    *discrete.__all__,
    *discrete_categorical.__all__,
    *discrete_inflated.__all__,
    *discrete_extra.__all__,
    *hurdle.__all__,
    *zerosum.__all__,
    *multivariate.__all__,
    *multivariate_lkj.__all__,
    *multivariate_matrix.__all__,
    *multivariate_spatial.__all__,
    *polyagamma.__all__,
    *stick_breaking.__all__,
    *censored.__all__,
    *mixture.__all__,
    *truncated.__all__,
    *timeseries.__all__,
]
