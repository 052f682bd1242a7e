"""Gaussian processes, PyMC's ``pm.gp``: covariance and mean functions, exact GPs
(``Latent``, ``Marginal``), the sparse ``MarginalApprox`` and the Hilbert-space
approximations (``HSGP``, ``HSGPPeriodic``), all built on ``ppgraph.tensor``.
"""

from ppgraph.gp import cov, mean, util
from ppgraph.gp.approx import MarginalApprox
from ppgraph.gp.gp import Latent, Marginal
from ppgraph.gp.hsgp import HSGP, HSGPPeriodic
from ppgraph.gp.kron import LatentKron, MarginalKron
from ppgraph.gp.tp import TP

__all__ = [
    "HSGP",
    "TP",
    "HSGPPeriodic",
    "Latent",
    "LatentKron",
    "Marginal",
    "MarginalApprox",
    "MarginalKron",
    "cov",
    "mean",
    "util",
]
