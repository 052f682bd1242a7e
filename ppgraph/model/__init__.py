"""The model layer: ``pg.Model``, value variables and transforms, log-densities
and their derivatives as graphs and as compiled functions of a point.

Example:
    >>> import ppgraph as pg
    >>> with pg.Model() as model:
    ...     sigma = pg.HalfNormal("sigma", sigma=1.0)
    ...     x = pg.Normal("x", mu=0.0, sigma=sigma, observed=[0.5, -0.3])
    >>> model.value_vars
    [sigma_log__]
    >>> model.initial_point()
    {'sigma_log__': array(0.)}
"""

from ppgraph.model.compiled import PointFunction
from ppgraph.model.core import Model, modelcontext
from ppgraph.model.printing import ModelVariable
from ppgraph.model.vars import Data, Deterministic, Potential, set_data

__all__ = [
    "Data",
    "Deterministic",
    "Model",
    "ModelVariable",
    "PointFunction",
    "Potential",
    "modelcontext",
    "set_data",
]
