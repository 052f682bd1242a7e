"""``pg.ode.DifferentialEquation``: PyMC's ODE class, solved by diffrax in JAX.

``func(y, t, p)`` is written with ppgraph tensors, as in PyMC: ``y`` a vector of
``n_states``, ``t`` a scalar, ``p`` a vector of ``n_theta``; it returns a list of
``n_states`` expressions or a vector. It is traced once into a graph that an
``ODESolve`` node holds; ``ode_model(y0=..., theta=...)`` is the solution at
``times``, shape ``(len(times), n_states)``, guarded by a Check that the solve
succeeded.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ppgraph.config import config
from ppgraph.graph.basic import Constant
from ppgraph.graph.traversal import graph_inputs
from ppgraph.ode.op import ODESolve
from ppgraph.tensor.check import check
from ppgraph.tensor.elemwise import cast
from ppgraph.tensor.shape import stack
from ppgraph.tensor.type import TensorVariable, as_tensor_variable, scalar, tensor

__all__ = ["DifferentialEquation"]

# Checkpointing every step stores about max_steps * n_states numbers per solve: up
# to this many, do it (diffrax: "set as many checkpoints as you have memory for").
CHECKPOINT_BUDGET = 2**20
SOLVERS = ("Tsit5", "Dopri5", "Dopri8", "Heun", "Kvaerno3", "Kvaerno5")


def _require_diffrax() -> None:
    if importlib.util.find_spec("diffrax") is None:
        raise ImportError('pg.ode needs diffrax: pip install "ppgraph[ode]"')


def _vector(values: Any, n: int, what: str, name: str) -> TensorVariable:
    if isinstance(values, list | tuple):
        v = stack([as_tensor_variable(x) for x in values])
    else:
        v = as_tensor_variable(values)
    if v.ndim != 1 or v.type.shape[0] not in (None, n):
        raise ValueError(f"{name}: {what} must be a vector of {n} values, got {v.type}")
    return cast(v, config.floatX) if not v.dtype.startswith("float") else v


class DifferentialEquation:
    """An ODE system ``dy/dt = func(y, t, p)`` with PyMC's call shape.

    ``times`` are where the solution is reported, ``t0`` where ``y0`` holds.
    Beyond PyMC: ``solver`` (diffrax's name: ``"Tsit5"`` by default for non-stiff
    problems, ``"Kvaerno5"`` for stiff ones), ``rtol``/``atol`` of the adaptive
    step-size controller, ``max_steps``, ``adjoint`` (``"recursive"``, diffrax's
    default, or ``"backsolve"``) and ``checkpoints``, the recursive adjoint's
    checkpoints: by default one per step (no recomputation of the forward solve
    when differentiating; about 1.5x faster than diffrax's default here) when
    ``max_steps * n_states`` is at most ``2**20``, else diffrax's default
    (``log(max_steps)``, less memory). Needs ``pip install "ppgraph[ode]"``.

    Example:
        >>> import numpy as np, ppgraph as pg
        >>> def decay(y, t, p):
        ...     return [-p[0] * y[0]]
        >>> ode = pg.ode.DifferentialEquation(decay, times=[1.0, 2.0], n_states=1, n_theta=1)
        >>> sol = ode(y0=[1.0], theta=[0.5])
        >>> np.allclose(sol.eval()[:, 0], np.exp(-0.5 * np.array([1.0, 2.0])), rtol=1e-5)
        True
    """

    def __init__(
        self,
        func: Callable[..., Any],
        times: Sequence[float] | np.ndarray,
        n_states: int,
        n_theta: int,
        t0: float = 0.0,
        solver: str = "Tsit5",
        rtol: float = 1e-6,
        atol: float = 1e-8,
        max_steps: int = 4096,
        adjoint: str = "recursive",
        checkpoints: int | None = None,
    ) -> None:
        _require_diffrax()
        self.name = f"DifferentialEquation({getattr(func, '__name__', 'func')})"
        if not callable(func):
            raise TypeError(f"{self.name}: func must be callable, got {func!r}")
        ts = np.asarray(times, dtype=float).reshape(-1)
        if ts.size == 0 or np.any(np.diff(ts) <= 0) or ts[0] < t0:
            raise ValueError(
                f"{self.name}: times must be increasing and not before t0={t0}, got {ts}"
            )
        for what, n in (("n_states", n_states), ("n_theta", n_theta)):
            if not isinstance(n, int | np.integer) or n < (1 if what == "n_states" else 0):
                raise ValueError(f"{self.name}: {what} must be a positive int, got {n!r}")
        if solver not in SOLVERS:
            raise ValueError(f"{self.name}: unknown solver {solver!r}; known: {list(SOLVERS)}")
        if adjoint not in ("recursive", "backsolve"):
            raise ValueError(f"{self.name}: adjoint is 'recursive' or 'backsolve', got {adjoint!r}")
        if checkpoints is not None and (
            not isinstance(checkpoints, int | np.integer) or checkpoints < 1
        ):
            raise ValueError(
                f"{self.name}: checkpoints must be a positive int or None, got {checkpoints!r}"
            )
        if checkpoints is None and int(max_steps) * int(n_states) <= CHECKPOINT_BUDGET:
            checkpoints = int(max_steps)  # one per step: no recomputation when differentiating
        self.func, self.times, self.t0 = func, ts, float(t0)
        self.n_states, self.n_theta = int(n_states), int(n_theta)
        self.options: dict[str, Any] = {"solver": solver, "rtol": float(rtol),
                                        "atol": float(atol), "max_steps": int(max_steps),
                                        "adjoint": adjoint,
                                        "checkpoints": checkpoints}  # fmt: skip
        self._rhs, self._stand_ins = self._trace()

    def _trace(self) -> tuple[TensorVariable, tuple[Any, ...]]:
        dtype = config.floatX
        y = tensor(dtype, shape=(self.n_states,), name="y")
        t = scalar("t", dtype=dtype)
        p = tensor(dtype, shape=(self.n_theta,), name="p")
        out = self.func(y, t, p)
        n_out: int
        if isinstance(out, list | tuple):
            n_out = len(out)
            rhs = stack([cast(as_tensor_variable(e), dtype) for e in out]) if out else None
        else:
            rhs = cast(as_tensor_variable(out), dtype)
            n_out = (rhs.type.shape[0] or -1) if rhs.ndim == 1 else -1
        if rhs is None or n_out != self.n_states or rhs.ndim != 1:
            got = n_out if n_out >= 0 else f"a tensor of type {rhs.type if rhs else None}"
            raise ValueError(
                f"{self.name}: func returns {got} derivatives, but n_states={self.n_states}"
            )
        closure = [
            v for v in graph_inputs([rhs])
            if v not in (y, t, p) and not isinstance(v, Constant)
        ]  # fmt: skip
        return rhs, (y, t, p, *closure)

    def __call__(self, y0: Any, theta: Any = (), return_sens: bool = False) -> TensorVariable:
        """The solution at ``times`` from ``y0`` with parameters ``theta``:
        ``(len(times), n_states)``, guarded by a Check that the solve succeeded."""
        if return_sens:
            raise NotImplementedError(
                f"{self.name}: return_sens is not needed in ppgraph: gradients come from "
                "diffrax's adjoint through jax.grad"
            )
        y0_v = _vector(y0, self.n_states, "y0", self.name)
        if self.n_theta == 0 and (theta is None or np.size(np.asarray(theta, dtype=object)) == 0):
            theta_v = as_tensor_variable(np.zeros(0, dtype=config.floatX))
        else:
            theta_v = _vector(theta, self.n_theta, "theta", self.name)
        op = ODESolve(self._rhs, self._stand_ins, tuple(float(x) for x in self.times), self.t0,
                      name=self.name, **self.options)  # fmt: skip
        closure = self._stand_ins[3:]
        solution, ok = op(y0_v, theta_v, *closure)
        msg = "the ODE solve failed (step size underflow or max_steps reached)"
        return check(solution, ok, msg=msg, var=self.name)
