"""The log-density of a loop whose step draws a random variable.

For ``x = pt.scan(step, outputs_info=x0, ...)`` with ``step`` returning a
random variable (PyMC's way of writing an AR, a GARCH or an HMM inside
``CustomDist(dist=...)``), the density of the whole sequence at a value ``v``
factorizes over the steps: step ``t``'s density is the step variable's
density at ``v[t]``, with the previous values of ``x`` taken from ``v`` (and
from the initial values before ``v[0]``). Given ``v``, no step depends on
another, so the log-density is a new loop with no feedback over the
sequences, ``v`` and ``v`` shifted by each tap: the JAX backend vectorizes it
(``jax.vmap``) rather than looping. Parameter Checks of the step hold at
every step and guard the result.
"""

from __future__ import annotations

from typing import Any

from ppgraph.graph.basic import Variable
from ppgraph.graph.traversal import ancestors
from ppgraph.logprob.basic import _as_value, _measurable_logprob, split_checks, wrap_checks
from ppgraph.random.op import is_random_variable
from ppgraph.tensor.scan_op import Scan, guard_outputs, lift_checks
from ppgraph.tensor.shape import concatenate
from ppgraph.tensor.type import TensorVariable

__all__ = ["scan_logp"]


def _refuse(var: Variable, why: str) -> NotImplementedError:
    return NotImplementedError(
        f"logp of {var!r}: {why}. A loop has a density when each step draws the output "
        "whose value is given, from the previous values of that output, sequences and "
        "non-sequences"
    )


def _step_logp(op: Scan, i: int, var: Variable) -> tuple[TensorVariable, Variable]:
    """Step ``t``'s log-density graph and the stand-in for ``v[t]`` it is a graph of."""
    from ppgraph.logprob.basic import logp

    step_out = op.inner_outputs[i]
    v_t = step_out.type.make_variable(name="value_t")
    try:
        lp = logp(step_out, v_t)
    except TypeError as exc:
        raise _refuse(var, f"its step output {i} is not random ({exc})") from None
    other_taps = {v for j, taps in _tap_inputs(op).items() if j != i for v in taps}
    for v in ancestors([lp], blockers=op.inner_inputs):
        if v in other_taps:
            raise _refuse(var, "its step reads another fed-back output, which has no value")
        if is_random_variable(v):
            raise _refuse(var, f"its step's density depends on {v!r}, a draw with no value")
    return lp, v_t


def _tap_inputs(op: Scan) -> dict[int, list[Variable]]:
    """The stand-ins of each fed-back output's taps, by output index."""
    it = iter(op.inner_inputs[op.n_seqs : op.n_seqs + op.n_taps])
    return {i: [next(it) for _ in op.taps[i]] for i in op.recurrent}


@_measurable_logprob.register(Scan)
def scan_logp(op: Scan, var: TensorVariable, value: Any) -> TensorVariable:
    """The log-density of ``var`` (an output of a loop whose step draws it) at
    ``value``: one term per step, stacked as the output is.

    Example:
        >>> import numpy as np
        >>> import ppgraph as pg, ppgraph.tensor as pt
        >>> # a Gaussian random walk from 0, written as a loop
        >>> walk = pt.scan(lambda x_tm1: pg.Normal.dist(x_tm1, 1.0),
        ...                outputs_info=pt.constant(0.0), n_steps=3, return_updates=False)
        >>> pg.logp(walk, [0.5, 1.0, 1.0]).eval().round(6)
        array([-1.043939, -1.043939, -0.918939])
    """
    out, outer_checks = split_checks(var)
    node = out.owner
    assert node is not None and out.index is not None
    i = out.index
    value = _as_value(var, value)
    if value.ndim != var.ndim:
        raise ValueError(
            f"logp of {var!r}: the value {value!r} has type {value.type}, expected {var.type}"
        )
    n_known, v_known = var.type.shape[0], value.type.shape[0]
    if n_known is not None and v_known is not None and n_known != v_known:
        raise ValueError(f"logp of {var!r}: the value has {v_known} steps, the loop {n_known}")
    lp, v_t = _step_logp(op, i, var)
    [inner], checks = lift_checks([lp])
    flags = [c for _, conds in checks for c in conds]
    n_steps = node.inputs[:1] if op.has_n_steps else []
    outer = node.inputs[len(n_steps) :]
    seqs = outer[: op.n_seqs]
    tap_seqs: list[Variable] = []
    tap_ins: list[Variable] = []
    if i in op.recurrent:
        buf = outer[op.n_seqs + op.recurrent.index(i)]
        k_max = -min(op.taps[i])
        series = concatenate([buf[:k_max], value])  # type: ignore[index]
        tap_seqs = [series[k_max + k : k] for k in op.taps[i]]
        tap_ins = _tap_inputs(op)[i]
    needed = set(ancestors([inner, *flags], blockers=op.inner_inputs))
    ns_start = op.n_seqs + op.n_taps
    kept = [
        (stand, o)
        for stand, o in zip(
            op.inner_inputs[ns_start:], outer[len(outer) - op.n_nonseqs :], strict=True
        )
        if stand in needed
    ]
    logp_op = Scan(
        (*op.inner_inputs[: op.n_seqs], v_t, *tap_ins, *(s for s, _ in kept)),
        (inner, *flags),
        op.n_seqs + 1 + len(tap_ins),
        ((),) * (1 + len(flags)),
        op.has_n_steps,
        f"{op.name}_logp",
    )
    res = logp_op(*n_steps, *seqs, value, *tap_seqs, *(o for _, o in kept))
    [lp_seq] = guard_outputs(res[:1], res[1:], checks) if checks else res[:1]
    result = wrap_checks(lp_seq, outer_checks)
    result.name = f"{var.name}_logprob" if var.name else None
    return result
