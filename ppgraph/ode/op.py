"""``ODESolve``: an op holding an ODE's right-hand side as a graph.

The node's inputs are the initial state ``y0``, the parameters ``theta`` and
any outer variable the right-hand side closes over; its outputs are the
solution at ``times`` (``(len(times), n_states)``) and a flag saying whether
the solver succeeded. The JAX backend lowers the held graph once and hands it
to one ``diffrax.diffeqsolve`` (``ppgraph/backend/jax/dispatch/ode.py``).
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

from ppgraph.graph.basic import Apply, Op, Variable
from ppgraph.tensor.type import TensorType, as_tensor_variable

__all__ = ["ODESolve"]


@dataclasses.dataclass(frozen=True)
class ODESolve(Op):
    """Solve ``dy/dt = rhs(y, t, p, *closure)`` from ``t0`` and report the solution
    at ``times``. ``inputs`` are the held graph's stand-ins ``(y, t, p, *closure)``."""

    rhs: Variable
    inputs: tuple[Variable, ...]
    times: tuple[float, ...]
    t0: float
    solver: str = "Tsit5"
    rtol: float = 1e-6
    atol: float = 1e-8
    max_steps: int = 4096
    adjoint: str = "recursive"
    checkpoints: int | None = None
    name: str = "DifferentialEquation"

    default_output: ClassVar[int | None] = None

    def make_node(self, *args: Any) -> Apply:
        outer = [a if isinstance(a, Variable) else as_tensor_variable(a) for a in args]
        expected = len(self.inputs) - 1  # every stand-in but t
        if len(outer) != expected:
            raise TypeError(f"{self.name}: expected {expected} inputs, got {len(outer)}")
        y_type = self.inputs[0].type
        assert isinstance(y_type, TensorType)
        solution = TensorType(y_type.dtype, (len(self.times), *y_type.shape))
        return Apply(self, outer, [solution, TensorType("bool", ())])

    def props_str(self) -> str:
        return f"{self.name}, {self.solver}, {len(self.times)} times"
