"""``pg.distributions.transforms``: PyMC's transforms, by PyMC's names.

Pass one as ``transform=`` (applied on top of the family's default transform,
as in PyMC 5) or ``default_transform=`` (replacing it; ``None`` samples the
variable in its own space). The value variable is named
``{name}_{transform.name}__``: ``mu_ordered__``, ``x_interval__``,
``c_circular__``, ``w_simplex__``, ``x_chain__`` for a chain.

Example:
    >>> import numpy as np, ppgraph as pm
    >>> with pm.Model() as model:
    ...     cutpoints = pm.Normal("cutpoints", mu=0.0, sigma=5.0, shape=3,
    ...                           transform=pm.distributions.transforms.ordered,
    ...                           initval=np.array([-1.0, 0.0, 1.0]))
    >>> model.initial_point()["cutpoints_ordered__"]
    array([-1.,  0.,  0.])
"""

from __future__ import annotations

from ppgraph.logprob.transforms import (
    Chain,
    ChainedTransform,
    Circular,
    Interval,
    Log,
    LogOdds,
    Ordered,
    Simplex,
    Transform,
    circular,
    log,
    logodds,
    ordered,
    simplex,
)
from ppgraph.logprob.transforms_extra import LogExpM1, SumTo1, log_exp_m1, sum_to_1
from ppgraph.logprob.transforms_lkj import CholeskyCovPacked
from ppgraph.logprob.transforms_zerosum import ZeroSumTransform

__all__ = [
    "Chain", "ChainedTransform", "CholeskyCovPacked", "Circular", "Interval", "Log",
    "LogExpM1", "LogOdds", "Ordered", "Simplex", "SumTo1", "Transform", "ZeroSumTransform",
    "circular", "log", "log_exp_m1", "logodds", "ordered", "simplex", "sum_to_1",
]  # fmt: skip
