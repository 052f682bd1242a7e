"""ODESolve: the right-hand side lowered once, solved by one ``diffrax.diffeqsolve``.

diffrax is an optional extra (``pip install "ppgraph[ode]"``), imported when an
ODE is lowered, not when ppgraph is. The solve never throws: a failure
(step-size underflow, too many steps) is the op's second output, which
``DifferentialEquation`` turns into a Check (so -inf for samplers, a named
error in the raising mode). Gradients go through diffrax's adjoint.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax.numpy as jnp

from ppgraph.backend.jax.dispatch.basic import jax_funcify
from ppgraph.backend.jax.dispatch.gradient import held_function
from ppgraph.graph.basic import Apply
from ppgraph.ode.op import ODESolve


def _diffrax() -> Any:
    try:
        import diffrax
    except ImportError as err:  # pragma: no cover - depends on the install
        raise ImportError('pg.ode needs diffrax: pip install "ppgraph[ode]"') from err
    return diffrax


@jax_funcify.register(ODESolve)
def _ode(op: ODESolve, node: Apply) -> Callable[..., Any]:
    dfx = _diffrax()
    rhs = held_function(op.rhs, tuple(op.inputs))
    solver = getattr(dfx, op.solver)()
    adjoint = (
        dfx.BacksolveAdjoint()
        if op.adjoint == "backsolve"
        else dfx.RecursiveCheckpointAdjoint(checkpoints=op.checkpoints)
    )
    times = op.times

    def vector_field(t: Any, y: Any, args: Any) -> Any:
        theta, closure = args
        return rhs(y, t, theta, *closure)

    term = dfx.ODETerm(vector_field)

    def solve(y0: Any, theta: Any, *closure: Any) -> Any:
        y0 = jnp.asarray(y0)
        ts = jnp.asarray(times, dtype=y0.dtype)
        sol = dfx.diffeqsolve(
            term,
            solver,
            t0=jnp.asarray(op.t0, y0.dtype),
            t1=ts[-1],
            dt0=None,
            y0=y0,
            args=(jnp.asarray(theta), closure),
            saveat=dfx.SaveAt(ts=ts),
            stepsize_controller=dfx.PIDController(rtol=op.rtol, atol=op.atol),
            max_steps=op.max_steps,
            adjoint=adjoint,
            throw=False,
        )
        ok = sol.result == dfx.RESULTS.successful
        return sol.ys, ok

    return solve
