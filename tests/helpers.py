"""Shared test helpers: compile a graph every way a user can and compare it to an
oracle from outside ppgraph (NumPy, SciPy, central finite differences).

``compare_jax_and_py`` checks values and dtypes through ``pg.function`` (with and
without rewrites) and ``jax.jit(f.jax_fn)``; ``compare_grad`` checks
``jax.grad`` through ``f.jax_fn`` (jitted and not) against central differences
of the NumPy oracle.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

import ppgraph as pg
from ppgraph.graph.basic import Constant, Variable
from ppgraph.graph.traversal import ancestors

Oracle = Callable[..., Any]

# How close a float result must be to its oracle, by dtype.
RTOL = {"float64": 1e-9, "float32": 2e-5, "float16": 2e-3}


def tol(dtype: Any) -> float:
    """The default relative tolerance for results of ``dtype``."""
    return RTOL.get(str(np.dtype(dtype)), 0.0)


@contextlib.contextmanager
def x64_for(variables: Sequence[Variable]) -> Iterator[None]:
    """64-bit JAX inside the block when any of ``variables`` is 64-bit, as
    ``f.jax_fn``'s docstring tells users to do."""
    wide = any(
        getattr(v.type, "dtype", "") in ("float64", "int64", "uint64")
        for v in ancestors(list(variables))
    )
    with jax.enable_x64(True) if wide else contextlib.nullcontext():
        yield


def assert_close(got: Any, want: Any, dtype: str, rtol: float | None, atol: float | None) -> None:
    """``got`` equals ``want`` (to tolerance for floats), with ``want``'s shape."""
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape, f"shape {got.shape} != expected {want.shape}"
    if np.dtype(dtype).kind in "fc":
        r = tol(dtype) if rtol is None else rtol
        a = r if atol is None else atol
        np.testing.assert_allclose(got, want, rtol=r, atol=a, equal_nan=True)
    else:
        np.testing.assert_array_equal(got, want)


def run_all_ways(
    inputs: Sequence[Variable],
    outputs: Sequence[Variable],
    values: Sequence[Any],
    *,
    jit: bool = True,
    eager: bool = False,
) -> list[dict[str, np.ndarray]]:
    """Each of ``outputs`` computed on ``values`` by ``pg.function``, by
    ``pg.function(..., rewrite=False)`` where the rewrites changed its graph,
    (``jit``) by ``jax.jit(f.jax_fn)``, and (``eager``) by ``f.jax_fn`` called
    without jit, op by op: one ``{way: result}`` per output.

    Example:
        >>> import numpy as np, ppgraph.tensor as pt
        >>> x = pt.vector("x")
        >>> [sorted(r) for r in run_all_ways([x], [pt.exp(x), x * 1.0], [np.zeros(2)])]
        [['function', 'jit(jax_fn)'], ['function', 'function(rewrite=False)', 'jit(jax_fn)']]
    """
    f = pg.function(list(inputs), list(outputs))
    runs = [{"function": np.asarray(r)} for r in f(*values)]
    changed = [
        i for i, (a, b) in enumerate(zip(f.outputs, outputs, strict=True)) if not same_graph(a, b)
    ]
    if changed:
        g = pg.function(list(inputs), [outputs[i] for i in changed], rewrite=False)
        for i, r in zip(changed, g(*values), strict=True):
            runs[i]["function(rewrite=False)"] = np.asarray(r)
    ways = {"jit(jax_fn)": jax.jit(f.jax_fn)} if jit else {}
    if eager:
        ways["jax_fn, no jit"] = f.jax_fn
    with x64_for([*inputs, *outputs]):
        for how, fn in ways.items():
            for run, r in zip(runs, fn(*values), strict=True):
                run[how] = np.asarray(r)
    return runs


def check_result(
    var: Variable,
    got: np.ndarray,
    want: Any,
    *,
    rtol: float | None = None,
    atol: float | None = None,
    check_dtype: bool = True,
    how: str = "",
) -> None:
    """``got`` (a result of ``var``) has ``var``'s dtype, fits its static shape
    and equals ``want``."""
    t = var.type
    dtype = t.dtype  # type: ignore[attr-defined]
    if check_dtype:
        assert got.dtype == np.dtype(dtype), f"{how} {var}: got {got.dtype}, type says {dtype}"
    assert t.accepts_shape(got.shape), f"{how} {var}: shape {got.shape} does not fit {t}"  # type: ignore[attr-defined]
    assert_close(got, want, dtype, rtol, atol)


def compare_jax_and_py(
    inputs: Sequence[Variable],
    outputs: Variable | Sequence[Variable],
    values: Sequence[Any],
    expected: Oracle | Any,
    *,
    rtol: float | None = None,
    atol: float | None = None,
    check_dtype: bool = True,
    eager: bool = False,
) -> list[np.ndarray]:
    """Run ``outputs`` of ``inputs`` on ``values`` every way (``run_all_ways``;
    ``eager``: also un-jitted) and compare to ``expected`` (arrays, or a
    NumPy/SciPy function of ``values``). Each result must have its output's
    dtype and fit its static shape.

    Example:
        >>> import numpy as np, ppgraph.tensor as pt
        >>> x = pt.vector("x")
        >>> _ = compare_jax_and_py([x], pt.exp(x), [np.zeros(2)], np.exp)
    """
    outs = [outputs] if isinstance(outputs, Variable) else list(outputs)
    want = expected(*values) if callable(expected) else expected
    wants = [want] if isinstance(outputs, Variable) else list(want)
    assert len(wants) == len(outs)
    runs = run_all_ways(inputs, outs, values, eager=eager)
    for var, run, w in zip(outs, runs, wants, strict=True):
        for how, got in run.items():
            check_result(var, got, w, rtol=rtol, atol=atol, check_dtype=check_dtype, how=how)
    return [run["function"] for run in runs]


def same_graph(a: Variable, b: Variable) -> bool:
    """True when ``a`` and ``b`` compute the same thing node for node (so compiling
    both would test nothing new); inputs match by name and type.

    Example:
        >>> import ppgraph.tensor as pt
        >>> x = pt.vector("x")
        >>> same_graph(pt.exp(x), pt.exp(x)), same_graph(pt.exp(x), pt.log(x))
        (True, False)
    """
    if a is b:
        return True
    if isinstance(a, Constant) and isinstance(b, Constant):
        return bool(a.signature() == b.signature())
    if a.owner is None and b.owner is None:  # pg.function compiles over stand-ins
        return a.type == b.type and a.name is not None and a.name == b.name
    if a.owner is None or b.owner is None or a.index != b.index:
        return False
    if a.owner.op != b.owner.op or len(a.owner.inputs) != len(b.owner.inputs):
        return False
    return all(same_graph(x, y) for x, y in zip(a.owner.inputs, b.owner.inputs, strict=True))


def numeric_grad(fn: Oracle, values: Sequence[np.ndarray], wrt: int, eps: float) -> np.ndarray:
    """Central differences of the scalar NumPy function ``fn`` w.r.t. ``values[wrt]``."""
    base = [np.asarray(v) for v in values]
    x = base[wrt] = np.array(values[wrt], dtype="float64")
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        plus, minus = x.copy(), x.copy()
        plus[i] += eps
        minus[i] -= eps
        hi = fn(*base[:wrt], plus, *base[wrt + 1 :])
        lo = fn(*base[:wrt], minus, *base[wrt + 1 :])
        grad[i] = (hi - lo) / (2 * eps)
    return grad


def weights_for(shapes: Sequence[tuple[int, ...]]) -> list[np.ndarray]:
    """Fixed random weights, one array per output shape: the gradients checked are
    of ``sum_i sum(w_i * out_i)``, so a transposed or misplaced one cannot pass."""
    rng = np.random.default_rng(0)
    return [rng.uniform(0.5, 1.5, size=shape) for shape in shapes]


@dataclasses.dataclass
class GradRuns:
    """What ``grads_all_ways`` computed, keyed by how: ``"jit"`` and ``"eager"``."""

    values: dict[str, list[np.ndarray]]  # f.jax_fn's outputs
    grads: dict[str, list[np.ndarray]]  # one gradient per index in ``wrt``


def grads_all_ways(
    inputs: Sequence[Variable],
    outputs: Sequence[Variable],
    values: Sequence[Any],
    wrt: Sequence[int],
    *,
    eager: bool = True,
    rewrite: bool = True,
) -> GradRuns:
    """``f.jax_fn``'s outputs, and the gradients of ``sum_i sum(w_i * outputs[i])``
    over the float outputs (``weights_for``) w.r.t. ``inputs[k]`` for ``k`` in
    ``wrt``, by ``jax.value_and_grad`` under ``jax.jit`` and (``eager``) without
    it, in 64-bit JAX. One compile gives both the jitted values and gradients.

    Example:
        >>> import numpy as np, ppgraph.tensor as pt
        >>> x = pt.vector("x")
        >>> runs = grads_all_ways([x], [x * x], [np.array([1.0, 2.0])], [0])
        >>> runs.values["jit"], runs.grads["jit"][0] / weights_for([(2,)])[0]
        ([array([1., 4.])], array([2., 4.]))
    """
    f = pg.function(list(inputs), list(outputs), rewrite=rewrite)
    floats = [np.dtype(o.type.dtype).kind == "f" for o in outputs]  # type: ignore[attr-defined]
    with jax.enable_x64(True):
        args = [jnp.asarray(v) for v in values]
        weights = weights_for([o.shape for o in jax.eval_shape(f.jax_fn, *args)])

        def loss(diff: list[Any]) -> Any:
            full = list(args)
            for k, d in zip(wrt, diff, strict=True):
                full[k] = d
            outs = f.jax_fn(*full)
            terms = [jnp.sum(w * o) for w, o, fl in zip(weights, outs, floats, strict=True) if fl]
            return sum(terms, jnp.zeros(())), outs

        run = jax.value_and_grad(loss, has_aux=True)
        diff = [args[k] for k in wrt]
        ways = {"jit": jax.jit(run), "eager": run} if eager else {"jit": jax.jit(run)}
        out = GradRuns({}, {})
        for how, fn in ways.items():
            (_, outs), grads = fn(diff)
            out.values[how] = [np.asarray(o) for o in outs]
            out.grads[how] = [np.asarray(g) for g in grads]
    return out


def compare_grad(
    inputs: Sequence[Variable],
    output: Variable,
    values: Sequence[Any],
    oracle: Oracle,
    *,
    wrt: Sequence[int] | None = None,
    eps: float = 1e-6,
    rtol: float = 1e-5,
    atol: float = 1e-7,
    rewrite: bool = True,
    eager: bool = True,
) -> None:
    """``jax.grad`` of ``sum(w * output)`` through ``f.jax_fn`` (``grads_all_ways``)
    equals central differences of ``sum(w * oracle)``, the NumPy twin, w.r.t. each
    input index in ``wrt`` (all float inputs by default). ``eager=False`` skips the
    un-jitted run (slow for ops built of many primitives).

    Example:
        >>> import numpy as np, ppgraph.tensor as pt
        >>> x = pt.vector("x")
        >>> compare_grad([x], pt.sin(x), [np.array([0.1, 0.2])], np.sin)
    """
    values = [np.asarray(v) for v in values]
    if wrt is None:
        wrt = [i for i, v in enumerate(values) if v.dtype.kind == "f"]
    runs = grads_all_ways(inputs, [output], values, wrt, eager=eager, rewrite=rewrite).grads
    [weight] = weights_for([np.shape(oracle(*values))])

    def np_loss(*args: Any) -> float:
        return float(np.sum(weight * oracle(*args)))

    wants = [numeric_grad(np_loss, values, k, eps) for k in wrt]
    for how, got in runs.items():
        for k, g, want in zip(wrt, got, wants, strict=True):
            np.testing.assert_allclose(g, want, rtol=rtol, atol=atol, err_msg=f"{how} d/d{k}")


def op_names(output: Variable) -> list[str]:
    """The ops of every node above ``output``, printed (for checking graph shape).

    Example:
        >>> import ppgraph.tensor as pt
        >>> op_names(pt.exp(pt.vector("x")))
        ['Elemwise{exp}']
    """
    return [str(v.owner.op) for v in ancestors([output]) if v.owner is not None]
