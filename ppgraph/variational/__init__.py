"""``pg.fit``: variational inference (ADVI, full-rank ADVI, Pathfinder)."""

from ppgraph.variational.approximation import Approximation, PathfinderApproximation
from ppgraph.variational.fit import FitError, fit

__all__ = ["Approximation", "FitError", "PathfinderApproximation", "fit"]
