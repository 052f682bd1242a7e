"""``scan``: a loop as one node that holds the graph of its step.

``pt.scan(fn, sequences, outputs_info, non_sequences, n_steps)`` has PyTensor's
call shape. ``fn`` is called ONCE, on stand-in variables (one step's slice of
each sequence, the previous values of each fed-back output, the
non-sequences), and the graph it returns is held by a ``Scan`` node, as
``Grad`` holds its cost. The JAX backend lowers that graph once, inside one
``jax.lax.scan``, so the size of the program (and the compile time) does not
depend on the number of steps; gradients are JAX's.

The inner function's free variables (an outer variable it reads without
getting it as an argument, a random variable's key) become extra
non-sequences of the node, so ``eval`` givens, ``clone_replace`` and ``pg.draw``
see them as inputs. ``Check`` nodes of the step are lifted out of the loop: the
node returns each step's condition, and the Checks guard its outputs.

Example:
    >>> import ppgraph.tensor as pt
    >>> x = pt.vector("x")
    >>> total, _ = pt.scan(lambda x_t, acc: acc + x_t, sequences=x, outputs_info=pt.constant(0.0))
    >>> total.eval({x: [1.0, 2.0, 3.0]})
    array([1., 3., 6.])
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any

from ppgraph.graph.basic import Constant, Variable
from ppgraph.graph.traversal import ancestors
from ppgraph.tensor.elemwise import cast
from ppgraph.tensor.scan_op import Scan, ScanOutputError, guard_outputs, lift_checks
from ppgraph.tensor.type import TensorType, TensorVariable, as_tensor_variable

__all__ = ["Scan", "ScanOutputError", "lift_checks", "scan", "until"]


class until:  # PyTensor's name, lower case
    """A step's stopping condition: ``return outputs, until(cond)`` ends the
    loop after the first step whose ``cond`` (a boolean scalar) is true, as in
    PyTensor (``pytensor.scan.utils.until``); that step's outputs are kept.

    XLA compiles for static shapes, so the loop's outputs keep ``n_steps``
    rows (or the shortest sequence's length): the steps after the stop are
    not computed, and their rows repeat the last step run. ``out[-1]`` is
    PyTensor's ``out[-1]``; PyTensor's ``out`` is ``out[:k]``, ``k`` the steps run.

    Example:
        >>> import ppgraph.tensor as pt
        >>> def double(a):
        ...     b = 2.0 * a
        ...     return b, until(b > 10.0)
        >>> out = pt.scan(double, outputs_info=pt.constant(1.0), n_steps=6, return_updates=False)
        >>> out.eval()  # PyTensor stops at [2, 4, 8, 16]
        array([ 2.,  4.,  8., 16., 16., 16.])
    """

    def __init__(self, condition: Any) -> None:
        cond = as_tensor_variable(condition)
        if cond.ndim != 0:
            raise ValueError(
                f"until: the condition must be a scalar (one per step), got {cond!r} of "
                f"type {cond.type}"
            )
        self.condition: TensorVariable = cond if cond.dtype == "bool" else cast(cond, "bool")


# -- building a scan -------------------------------------------------------------


def _as_list(x: Any) -> list[Any]:
    if x is None:
        return []
    return list(x) if isinstance(x, list | tuple) else [x]


def _taps(taps: Any) -> list[int]:
    """Taps as ints: one int, or any iterable of them (PyMC writes ``range(-lags, 0)``)."""
    items = [taps] if isinstance(taps, int) else list(taps)
    return [int(k) for k in items]


def _sequence_taps(seq: Any, i: int) -> tuple[TensorVariable, list[int]]:
    if isinstance(seq, dict):
        if "input" not in seq:
            raise ValueError(f"scan: sequences[{i}] is a dict without 'input'")
        taps = [0] if seq.get("taps") is None else _taps(seq["taps"])
        return as_tensor_variable(seq["input"]), taps
    return as_tensor_variable(seq), [0]


def _output_taps(info: Any, i: int) -> tuple[TensorVariable | None, list[int]]:
    if info is None:
        return None, []
    if isinstance(info, dict):
        init = info.get("initial")
        if init is None:
            return None, []
        taps = [-1] if info.get("taps") is None else _taps(info["taps"])
        if not taps or any(k >= 0 for k in taps):
            raise ValueError(f"scan: outputs_info[{i}] taps must be negative, got {taps}")
        return as_tensor_variable(init), taps
    return as_tensor_variable(info), [-1]


def _shifted(x: TensorVariable, taps: list[int]) -> list[TensorVariable]:
    """One sequence per tap: step ``t`` reads ``x[t + k - lo]`` for tap ``k``."""
    lo, hi = min(min(taps), 0), max(max(taps), 0)
    if lo == hi:
        return [x]
    return [x[k - lo : (x.shape[0] - (hi - k)) if hi != k else None] for k in taps]


def _closure_variables(fn: Callable[..., Any]) -> set[Variable]:
    """The graph variables ``fn`` reads from its closure or module globals."""
    try:
        cv = inspect.getclosurevars(fn)
    except TypeError:  # a builtin or a callable object: nothing to inspect
        return set()
    found: set[Variable] = set()
    for value in (*cv.nonlocals.values(), *cv.globals.values()):
        items = value.values() if isinstance(value, dict) else _as_list(value)
        found.update(v for v in items if isinstance(v, Variable))
    return found


def _free_variables(
    outputs: Sequence[Variable], stand_ins: Sequence[Variable], closure: set[Variable]
) -> list[Variable]:
    """Outer variables the step reads: closure variables, model variables
    (however the step reached them: ``model["x"]``), and every other
    non-constant root (inputs, data, random keys)."""
    blockers = set(stand_ins) | closure
    # "model_kind" tags a model's variables (ppgraph.model.printing.mark): one value
    # for all steps, never redrawn per step as a draw made inside the step is.
    outer = closure | {v for v in ancestors(outputs, blockers) if "model_kind" in v.tag}
    free = [
        v
        for v in ancestors(outputs, blockers | outer)
        if v not in stand_ins and (v in outer or (v.owner is None and not isinstance(v, Constant)))
    ]
    return list(dict.fromkeys(free))


def _step_type(init: TensorVariable, taps: list[int]) -> TensorType:
    """The type of one value of a fed-back output, from its initial value."""
    t = init.type
    assert isinstance(t, TensorType)
    return t if taps == [-1] else TensorType(t.dtype, t.shape[1:])


def _check_output(i: int, out: Variable, want: TensorType) -> None:
    ot = out.type
    ok = isinstance(ot, TensorType) and ot.dtype == want.dtype
    if isinstance(ot, TensorType) and ok:
        ok = len(ot.shape) == len(want.shape) and all(
            a is None or b is None or a == b for a, b in zip(ot.shape, want.shape, strict=True)
        )
    if not ok:
        raise ScanOutputError(
            f"scan: output {i} of the step function has type {ot}, but outputs_info[{i}] "
            f"has values of type {want}; an output fed back to the next step must have "
            "its initial value's dtype and shape (cast the initial value or the output)"
        )


def _step_outputs(result: Any) -> tuple[list[TensorVariable], TensorVariable | None]:
    """The step's outputs and its ``until`` condition (None without one); an
    updates dict beside them (PyMC's ``collect_default_updates``) is accepted
    and ignored: keys are split per step."""
    stop = None
    if isinstance(result, until):
        return [], result.condition
    if isinstance(result, tuple | list) and any(isinstance(r, until) for r in result):
        stop = next(r for r in result if isinstance(r, until)).condition
        rest = [r for r in result if not isinstance(r, until)]
        result = rest[0] if len(rest) == 1 else tuple(rest) or None
    return _outputs(result), stop


def _outputs(result: Any) -> list[TensorVariable]:
    if isinstance(result, tuple) and len(result) == 2 and isinstance(result[1], dict):
        result = result[0]
    elif isinstance(result, tuple) and len(result) == 2 and isinstance(result[0], dict):
        result = result[1]
    if isinstance(result, dict):
        raise TypeError("scan: the step function returned only updates; return its outputs")
    return [as_tensor_variable(o) for o in _as_list(result)]


def scan(
    fn: Callable[..., Any],
    sequences: Any = None,
    outputs_info: Any = None,
    non_sequences: Any = None,
    n_steps: Any = None,
    truncate_gradient: int = -1,
    go_backwards: bool = False,
    mode: Any = None,
    name: str | None = None,
    profile: Any = False,
    allow_gc: Any = None,
    strict: bool = False,
    return_list: bool = False,
    return_updates: bool = True,
) -> Any:
    """Loop ``fn`` over ``n_steps`` steps, as PyTensor's ``scan``; one ``jax.lax.scan``.

    At step ``t``, ``fn`` receives, in order: each sequence's value at ``t``
    (one argument per tap of a ``dict(input=x, taps=[-1, 0])``), the previous
    values of each fed-back output (one per tap of
    ``dict(initial=x0, taps=[-2, -1])``; a plain initial value means tap
    ``-1``; a ``None`` entry marks an output that is not fed back), then the
    ``non_sequences``. It returns the step's outputs, in the order of
    ``outputs_info`` (an updates dict beside them is ignored). Each output is
    returned stacked over the steps along axis 0, without the initial values.

    ``n_steps`` may be an int or a symbolic int known when the function is
    compiled (a constant, or computed from shapes, a ``pg.Data``'s length
    too: a new length compiles anew); without it the shortest sequence sets
    it. A step returning ``outputs, until(cond)`` stops after the first step
    where ``cond`` holds; ``n_steps`` (or the sequences) then bound the loop,
    and the rows after the stop repeat the last step run (see ``until``).

    Variables ``fn`` reads from outside (closures) and the keys of random
    variables it draws are extra inputs of the loop; draws inside the loop
    get a new key at every step.

    With ``strict``, ``fn`` may read no outer variable but through its
    arguments (random keys aside). ``mode``, ``profile`` and ``allow_gc`` are
    accepted and ignored (PyTensor's compile options); ``truncate_gradient``
    must be -1 (JAX differentiates the whole loop).

    Returns ``(outputs, updates)`` as PyTensor does (``updates`` is always an
    empty dict in ppgraph), or only the outputs with ``return_updates=False``;
    one output is returned alone unless ``return_list``.

    Example:
        >>> import numpy as np
        >>> import ppgraph.tensor as pt
        >>> x = pt.vector("x")
        >>> # an AR(2) filter: y_t = x_t + 0.5 y_{t-1} - 0.25 y_{t-2}
        >>> y = pt.scan(
        ...     lambda x_t, y_tm2, y_tm1: x_t + 0.5 * y_tm1 - 0.25 * y_tm2,
        ...     sequences=x,
        ...     outputs_info=dict(initial=pt.constant(np.zeros(2)), taps=[-2, -1]),
        ...     return_updates=False,
        ... )
        >>> y.eval({x: [1.0, 0.0, 0.0]})
        array([1. , 0.5, 0. ])
    """
    if truncate_gradient != -1:
        raise NotImplementedError(
            f"scan: truncate_gradient={truncate_gradient}; JAX differentiates the whole "
            "loop (leave it at -1)"
        )
    seqs: list[TensorVariable] = []
    for i, s in enumerate(_as_list(sequences)):
        x, taps = _sequence_taps(s, i)
        if x.ndim < 1:
            raise ValueError(f"scan: sequences[{i}] {x!r} is a scalar; a sequence needs an axis")
        shifted = _shifted(x, taps)
        seqs.extend(v[::-1] if go_backwards else v for v in shifted)
    infos = _as_list(outputs_info)
    fed = [_output_taps(info, i) for i, info in enumerate(infos)]
    for i, (init, taps) in enumerate(fed):
        if init is not None and taps != [-1]:
            have = init.type.shape[0] if init.ndim else 0
            if have is not None and have < -min(taps):
                raise ValueError(
                    f"scan: outputs_info[{i}] has {have} initial values along its first "
                    f"axis; taps {taps} need {-min(taps)}"
                )
    explicit = [as_tensor_variable(v) for v in _as_list(non_sequences)]
    if n_steps is None and not seqs:
        raise ValueError("scan: give n_steps when there are no sequences")
    steps = None if n_steps is None else as_tensor_variable(n_steps)
    if steps is not None and (steps.ndim != 0 or not steps.dtype.startswith(("int", "uint"))):
        raise TypeError(f"scan: n_steps must be an int scalar, got {steps!r} of type {steps.type}")

    seq_ins = [TensorType(s.dtype, s.type.shape[1:]).make_variable() for s in seqs]
    tap_ins = [
        _step_type(init, taps).make_variable()
        for init, taps in fed
        if init is not None
        for _ in taps
    ]
    ns_ins = [v.type.make_variable(name=v.name) for v in explicit]

    outs, stop = _step_outputs(fn(*seq_ins, *tap_ins, *ns_ins))
    if not outs:
        raise ValueError("scan: the step function returned no outputs")
    if infos and len(outs) != len(infos):
        raise ValueError(
            f"scan: the step function returned {len(outs)} outputs, but outputs_info has "
            f"{len(infos)} entries (use None for an output that is not fed back)"
        )
    for i, (init, taps) in enumerate(fed):
        if init is not None:
            _check_output(i, outs[i], _step_type(init, taps))

    stand_ins = [*seq_ins, *tap_ins, *ns_ins]
    stops: list[Variable] = [] if stop is None else [stop]
    step_outs, new_ins, implicit = _implicit_nonsequences(
        fn, [*outs, *stops], stand_ins, explicit, strict
    )
    nonseqs = [*explicit, *implicit]
    inner, checks = lift_checks(step_outs)
    inner, stops = inner[: len(outs)], inner[len(outs) :]
    flags = [c for _, conds in checks for c in conds]

    taps_all = [tuple(t) if init is not None else () for init, t in fed]
    taps_all += [()] * (len(inner) - len(taps_all) + len(flags) + len(stops))
    inits = [
        init.dimshuffle("x", *range(init.ndim)) if taps == [-1] else init[: -min(taps)]
        for init, taps in fed
        if init is not None
    ]
    op = Scan(
        tuple(stand_ins + new_ins),
        tuple([*inner, *flags, *stops]),
        len(seqs),
        tuple(taps_all),
        steps is not None,
        name or _fn_name(fn),
        until=bool(stops),
    )
    results = op(*([steps] if steps is not None else []), *seqs, *inits, *nonseqs)
    values = results[: len(outs)]
    if checks:
        values = guard_outputs(values, results[len(outs) : len(outs) + len(flags)], checks)
    out: Any = values if return_list or len(values) != 1 else values[0]
    return (out, {}) if return_updates else out


def _implicit_nonsequences(
    fn: Callable[..., Any],
    outs: Sequence[Variable],
    stand_ins: Sequence[Variable],
    explicit: Sequence[Variable],
    strict: bool,
) -> tuple[list[Variable], list[Variable], list[Variable]]:
    """The step's outputs with the outer variables they read replaced by new
    stand-ins (an explicit non-sequence's own, if it is one), those new
    stand-ins, and the outer variables they stand for."""
    from ppgraph.graph.traversal import clone_replace

    free = _free_variables(outs, stand_ins, _closure_variables(fn))
    if strict:
        _check_strict(free)
    ns_ins = stand_ins[len(stand_ins) - len(explicit) :]
    by_id = {id(e): s for e, s in zip(explicit, ns_ins, strict=True)}
    replace: dict[Variable, Variable] = {}
    implicit: list[Variable] = []
    for v in free:
        if id(v) in by_id:
            replace[v] = by_id[id(v)]
        else:
            replace[v] = v.type.make_variable(name=v.name)
            implicit.append(v)
    new_outs = clone_replace(list(outs), replace) if replace else list(outs)
    return new_outs, [replace[v] for v in implicit], implicit


def _check_strict(free: Sequence[Variable]) -> None:
    bad = [v for v in free if isinstance(v.type, TensorType)]  # not a random key
    if bad:
        raise ValueError(
            f"scan(strict=True): the step reads {bad[0]!r} from outside; pass it in "
            "non_sequences (or sequences)"
        )


def _fn_name(fn: Callable[..., Any]) -> str:
    name = getattr(fn, "__name__", "<lambda>")
    return "scan_fn" if name == "<lambda>" else name
