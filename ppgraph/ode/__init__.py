"""``pg.ode``: ODE models solved by diffrax (``pip install "ppgraph[ode]"``)."""

from ppgraph.ode.differential_equation import DifferentialEquation

__all__ = ["DifferentialEquation"]
