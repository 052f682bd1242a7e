"""function / eval / Function: calling conventions, the cache, jax_fn under JAX
transforms, shared variables, input validation, check modes and dtypes.

Oracles are NumPy and central finite differences."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import ppgraph as pg
import ppgraph.tensor as pt
from ppgraph.tensor.type import TensorVariable as TV


def xyw() -> tuple[TV, TV, TV]:
    x, y = pt.scalar("x"), pt.vector("y")
    return x, y, pt.log(x + y)


# --- calling ---------------------------------------------------------------


def test_positional_named_and_mixed_calls() -> None:
    x, y, w = xyw()
    f = pg.function([x, y], w)
    yv = np.array([1.0, np.e, 10.0])
    want = np.log(0.5 + yv)
    for got in (f(0.5, yv), f(x=0.5, y=yv), f(y=yv, x=0.5), f(0.5, y=yv)):
        np.testing.assert_allclose(got, want, rtol=1e-15)
        assert isinstance(got, np.ndarray) and got.dtype == np.float64


def test_list_of_outputs_gives_a_list() -> None:
    x, y, w = xyw()
    f = pg.function([x, y], [w, pt.sum(y), x])
    out = f(2.0, [1.0, 3.0])
    assert isinstance(out, list) and len(out) == 3
    np.testing.assert_allclose(out[0], np.log([3.0, 5.0]), rtol=1e-15)
    assert out[1] == 4.0 and out[2] == 2.0 and out[2].shape == ()
    single = pg.function([x, y], [w])(2.0, [1.0])
    assert isinstance(single, list) and len(single) == 1


def test_call_errors_name_the_inputs() -> None:
    x, y, w = xyw()
    f = pg.function([x, y], w)
    with pytest.raises(TypeError, match=r"unknown input name 'q'.*\[x, y\]"):
        f(0.0, [1.0], q=1.0)
    with pytest.raises(TypeError, match=r"takes 2 input\(s\) \[x, y\], got 3"):
        f(0.0, [1.0], 2.0)
    with pytest.raises(TypeError, match="'x' given twice"):
        f(0.0, [1.0], x=1.0)
    with pytest.raises(pg.MissingInputError, match="y"):
        f(0.0)
    with pytest.raises(pg.MissingInputError, match="x"):
        f(y=[1.0])


def test_missing_input_is_named_at_compile_and_eval() -> None:
    x, _, w = xyw()
    with pytest.raises(pg.MissingInputError, match=r"needs input\(s\) y.*given: \[x\]"):
        w.eval({x: 0.0})
    with pytest.raises(pg.MissingInputError, match="x, y"):
        w.eval()
    with pytest.raises(pg.MissingInputError, match="y"):
        pg.function([x], w)
    with pytest.raises(TypeError, match="keys must be variables"):
        w.eval({"x": 0.0})  # type: ignore[dict-item]


def test_given_intermediate_cuts_the_graph_before_rewriting() -> None:
    a = pt.scalar("a")
    z = a + 1.0
    w = pt.log(z)  # rewrites would turn log(a + 1) into log1p(a) and lose z
    assert w.eval({z: 2.0}) == np.log(2.0)
    assert w.eval({a: 100.0, z: 2.0}) == np.log(2.0)
    assert w.eval({a: 1e-20}) == np.log1p(1e-20)


def test_compiling_renames_nothing() -> None:
    x = pt.scalar()
    y = x * 1.0
    y.name = "y"
    a = pt.scalar("a")
    z = a + 2.0
    w = pt.log(pt.exp(z))
    w.name = "w"
    assert pg.function([x], y)(3.0) == 3.0
    assert pg.function([a], w)(1.0) == 3.0
    assert (x.name, z.name, w.name) == (None, None, "w")


def _snapshot(outs: list[Any]) -> list[tuple[Any, ...]]:
    """Every variable above ``outs`` with its name, node, op, inputs and outputs."""
    from ppgraph.graph.traversal import ancestors

    return [
        (v, v.name, v.owner, v.index)
        + (() if v.owner is None else (v.owner.op, list(v.owner.inputs), list(v.owner.outputs)))
        for v in ancestors(outs)
    ]


def test_compiling_leaves_the_callers_graph_unchanged() -> None:
    # Each rewrite here replaces a named variable by an unnamed one of the
    # caller's graph (or merges two equal ones): names, nodes and inputs must
    # all be as they were, whatever is compiled, with rewrites or without.
    x, y, s = pt.vector("x"), pt.vector("y"), pt.scalar("s")
    e, b = pt.exp(x), pt.sigmoid(y)
    u, v = pt.sin(x), pt.sin(x)
    v.name = "v"
    outs = [
        e * 1.0,
        0.0 + e,
        pt.log(pt.exp(e)),
        b * (e / b),
        (e * b) / b,
        u + v,
        pt.log(1.0 + e),
        pt.exp(e) - 1.0,
        pt.log(pt.sum(pt.exp(e))),
        pt.neg(-e),
        e * s,
    ]
    for i, o in enumerate(outs):
        o.name = f"out{i}"
    before = _snapshot(outs)
    pg.function([x, y, s], outs)
    for o in outs:
        pg.function([x, y, s], o)
        if o is not outs[5]:  # all but sin(x) + sin(x) need x only through e
            pg.function([e, y, s], o)  # an intermediate given as an input
    pg.function([x, y, s], outs, rewrite=False)
    assert _snapshot(outs) == before
    assert (e.name, b.name, u.name, v.name) == (None, None, None, "v")


# --- caching ---------------------------------------------------------------


def test_same_graph_is_traced_once() -> None:
    x, y, w = xyw()
    f = pg.function([x, y], w)
    for v in (1.0, 2.0, 3.0):
        f(v, [1.0, 2.0])
    assert f.n_traces == 1
    f(1.0, [1.0, 2.0, 3.0])  # a new shape is a new trace
    assert f.n_traces == 2
    g = pg.function([x, y], w)  # the same graph again: cached
    g(5.0, np.array([1.0, 2.0]))
    assert g.n_traces == 2 and f.n_traces == 2


def test_eval_with_the_same_givens_does_not_retrace() -> None:
    x, y, w = xyw()
    for v in (0.0, 1.0, 2.0, 3.0):
        np.testing.assert_allclose(w.eval({x: v, y: [1.0, 2.0]}), np.log(v + np.array([1, 2])))
    assert pg.function([x, y], w).n_traces == 1


# --- jax_fn under JAX transforms --------------------------------------------


def test_jax_fn_under_jit_and_vmap() -> None:
    x, y, w = xyw()
    f = pg.function([x, y], w)
    xs, yv = np.array([0.5, 1.0, 2.0]), np.array([1.0, 3.0])
    want = np.log(xs[:, None] + yv)
    with jax.enable_x64(True):
        jitted = jax.jit(f.jax_fn)(0.5, yv)
        np.testing.assert_allclose(jitted, want[0], rtol=1e-15)
        assert jitted.dtype == jnp.float64
        batched = jax.vmap(f.jax_fn, in_axes=(0, None))(xs, yv)
        np.testing.assert_allclose(batched, want, rtol=1e-15)
        both = jax.jit(jax.vmap(f.jax_fn, in_axes=(0, None)))(xs, yv)
        np.testing.assert_allclose(both, want, rtol=1e-15)
    # Without 64-bit JAX it computes in float32, to float32 accuracy.
    lo = jax.jit(f.jax_fn)(0.5, yv.astype("float32"))
    assert lo.dtype == jnp.float32
    np.testing.assert_allclose(lo, want[0], rtol=1e-6)


def central_diff(fn: Any, v: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    grad = np.zeros_like(v)
    for i in range(v.size):
        step = np.zeros_like(v)
        step[i] = eps
        grad[i] = (fn(v + step) - fn(v - step)) / (2 * eps)
    return grad


def test_jax_fn_under_grad_matches_finite_differences() -> None:
    x, s = pt.vector("x"), pt.scalar("s")
    loss = pt.sum(pt.sin(x) * x * s + pt.exp(-x * x))
    f = pg.function([x, s], loss)

    def oracle(v: np.ndarray) -> float:
        return float(np.sum(np.sin(v) * v * 1.5 + np.exp(-v * v)))

    v = np.array([0.3, -1.2, 2.0])
    want = central_diff(oracle, v)
    grad = jax.grad(f.jax_fn, argnums=(0, 1))
    for how, g in (("jit", jax.jit(grad)), ("no jit", grad)):
        with jax.enable_x64(True):
            dx, ds = g(jnp.asarray(v), 1.5)
        np.testing.assert_allclose(dx, want, rtol=1e-7, err_msg=how)
        np.testing.assert_allclose(ds, np.sum(np.sin(v) * v), rtol=1e-12, err_msg=how)
    # Per example, under vmap of grad: row i is the gradient at xs[i].
    xs = np.stack([v, -v, 2 * v])
    with jax.enable_x64(True):
        rows = jax.vmap(jax.grad(f.jax_fn), in_axes=(0, None))(xs, 1.5)
    for row, xv in zip(np.asarray(rows), xs, strict=True):
        np.testing.assert_allclose(row, central_diff(oracle, xv), rtol=1e-7)


def test_jax_fn_with_a_wrong_rank_size_or_type_names_the_input() -> None:
    # A mistake in what is given to the pure function is reported while tracing,
    # naming the input, not as a JAX shape error from deep inside the graph.
    m, v = pt.matrix("m"), pt.vector("v", shape=(3,))
    f = pg.function([m, v], pt.dot(m, v))
    for fn in (f.jax_fn, jax.jit(f.jax_fn)):
        with pytest.raises(
            pg.InputError,
            match=r"input m expects shape \(None, None\) \(2-d\); "
            r"got shape \(3,\)",
        ):
            fn(np.ones(3), np.ones(3))
        with pytest.raises(pg.InputError, match=r"input v expects shape \(3,\).*got shape \(4,\)"):
            fn(np.ones((2, 3)), np.ones(4))
        with pytest.raises(pg.InputError, match=r"input v expects an array.*got list"):
            fn(np.ones((2, 3)), [1.0, 2.0, 3.0])
        with pytest.raises(TypeError, match=r"jax_fn takes 2 argument\(s\) \[m, v\], got 1"):
            fn(np.ones((2, 3)))
    with pytest.raises(pg.InputError, match=r"input m expects shape.*got shape \(3,\)"):
        jax.vmap(f.jax_fn)(np.ones((5, 3)), np.ones((5, 3)))  # one example of m is 1-d
    np.testing.assert_allclose(
        jax.vmap(f.jax_fn)(np.ones((5, 2, 3)), np.ones((5, 3))), np.full((5, 2), 3.0)
    )


def test_calling_a_function_inside_jit_is_a_clear_error() -> None:
    x, y, w = xyw()
    f = pg.function([x, y], w)
    with pytest.raises(pg.InputError, match=r"input x got a JAX tracer.*f\.jax_fn"):
        jax.jit(lambda a: f(a, np.ones(2)))(1.0)


def test_python_if_on_a_variable_is_a_clear_type_error() -> None:
    x = pt.scalar("x")
    with pytest.raises(TypeError, match=r"truth value of symbolic variable.*pt\.where"):
        if x > 0:
            pass


# --- shared variables ------------------------------------------------------


def test_shared_value_changes_are_seen_without_retracing() -> None:
    data = pt.shared(np.array([1.0, 2.0, 3.0]), name="data")
    x = pt.scalar("x")
    f = pg.function([x], pt.sum(data * x))
    assert f(2.0) == 12.0
    data.set_value(np.array([0.5, 0.5, 4.0]))
    assert f(2.0) == 10.0
    assert f.n_traces == 1
    data.set_value(np.arange(5.0))  # a new shape: new trace, right value
    assert f(1.0) == 10.0 and f.n_traces == 2
    assert f.jax_fn(1.0) == 10.0  # jax_fn reads the value when called
    with jax.enable_x64(True):
        assert jax.jit(f.jax_fn)(2.0) == 20.0
    assert jax.jit(f.jax_fn)(np.float32(2.0)) == 20.0  # and again in 32-bit
    np.testing.assert_array_equal(data.eval(), np.arange(5.0))


def test_static_shape_shared_rejects_other_shapes() -> None:
    data = pt.shared(np.ones(3), name="fixed", static_shape=True)
    with pytest.raises(ValueError, match=r"fixed.*\(3,\).*\(4,\)"):
        data.set_value(np.ones(4))


# --- input validation ------------------------------------------------------


def test_wrong_dtype_rank_and_static_shape_raise_input_error() -> None:
    n = pt.vector("n", dtype="int64")
    f = pg.function([n], n * 2)
    np.testing.assert_array_equal(f([1, 2]), [2, 4])
    with pytest.raises(pg.InputError, match="input n expects dtype int64; got float64"):
        f(np.array([1.5, 2.0]))
    with pytest.raises(pg.InputError, match="input n expects dtype int64; got float64"):
        f([1.0, 2.0])
    with pytest.raises(pg.InputError, match=r"n expects shape \(None,\) \(1-d\); got shape \(\)"):
        f(3)
    v3 = pt.vector("v3", shape=(3,))
    g = pg.function([v3], v3 + 1.0)
    with pytest.raises(pg.InputError, match=r"v3 expects shape \(3,\) \(1-d\); got shape \(2,\)"):
        g([1.0, 2.0])
    with pytest.raises(pg.InputError, match=r"v3 expects shape \(3,\).*got shape \(1, 3\)"):
        g(np.ones((1, 3)))
    with pytest.raises(pg.InputError, match="v3 expects float64 numbers; got str"):
        g("abc")
    with pytest.raises(pg.InputError, match="v3 expects float64 numbers; got NoneType"):
        g(None)
    # The same checks on the fast path (arrays of the right dtype) and for JAX arrays.
    with pytest.raises(pg.InputError, match=r"v3 expects shape \(3,\)"):
        g(np.ones(4))
    with jax.enable_x64(True):
        with pytest.raises(pg.InputError, match=r"v3 expects shape \(3,\)"):
            g(jnp.ones(4))
        np.testing.assert_array_equal(g(jnp.ones(3)), [2.0, 2.0, 2.0])
    assert issubclass(pg.InputError, TypeError)


def test_integer_overflow_is_an_input_error() -> None:
    i = pt.scalar("i", dtype="int32")
    f = pg.function([i], i + 1)
    assert f(2**31 - 2) == 2**31 - 1 and f(np.int64(-5)) == -4
    with pytest.raises(pg.InputError, match=r"i expects int32.*got values from 1099511627776"):
        f(2**40)
    u = pt.vector("u", dtype="uint8")
    with pytest.raises(pg.InputError, match="expects uint8"):
        pg.function([u], u)([1, -1])


def test_compatible_values_are_converted() -> None:
    x, y, w = xyw()
    f = pg.function([x, y], w)
    want = np.log(1.0 + np.array([1.0, 2.0]))
    for xv in (1, 1.0, np.float32(1.0), np.int64(1), np.array(1.0), True):
        np.testing.assert_allclose(f(xv, [1, 2]), want, rtol=1e-15)
    f32 = pt.vector("f", dtype="float32")
    out = pg.function([f32], f32 * 2.0)(np.array([1.0, 2.0]))
    assert out.dtype == np.float32


# --- check modes -----------------------------------------------------------


def checked() -> tuple[TV, TV, TV]:
    val, sigma = pt.scalar("val"), pt.scalar("sigma")
    return val, sigma, pt.check(val * 2.0, sigma > 0, msg="sigma > 0", var="z")


@pytest.mark.parametrize("how", ["argument", "flags"])
def test_check_modes(how: str) -> None:
    val, sigma, out = checked()

    def compiled(mode: str) -> pg.Function:
        if how == "argument":
            return pg.function([val, sigma], out, check_mode=mode)
        with pg.config.change_flags(check_mode=mode):
            return pg.function([val, sigma], out)

    raising = compiled("raise")
    assert raising.check_mode == "raise" and raising(1.5, 2.0) == 3.0
    with pytest.raises(pg.ParameterValueError, match=r"^z: sigma > 0$"):
        raising(1.5, -1.0)
    with pytest.raises(pg.ParameterValueError, match="sigma > 0"):
        raising(1.5, np.nan)
    assert compiled("-inf")(1.5, -1.0) == -np.inf and compiled("-inf")(1.5, 2.0) == 3.0
    assert compiled("off")(1.5, -1.0) == 3.0
    assert raising.n_traces == 1


def test_check_mode_of_eval_and_bad_modes() -> None:
    val, sigma, out = checked()
    with pytest.raises(pg.ParameterValueError, match="z: sigma > 0"):
        out.eval({val: 1.0, sigma: 0.0})
    with pg.config.change_flags(check_mode="-inf"):
        assert out.eval({val: 1.0, sigma: 0.0}) == -np.inf
    with pg.config.change_flags(check_mode="off"):
        assert out.eval({val: 1.0, sigma: 0.0}) == 2.0
    assert pg.config.check_mode == "raise"
    with pytest.raises(ValueError, match="check mode must be one of"):
        pg.function([val, sigma], out, check_mode="warn")


def test_failing_checks_are_all_named() -> None:
    v, sigma = pt.vector("v"), pt.scalar("sigma")
    out = pt.check(pt.check(v, v > 0, msg="v > 0", var="v"), sigma > 0, msg="sigma > 0", var="s")
    f = pg.function([v, sigma], [out, v * 2.0])
    with pytest.raises(pg.ParameterValueError, match=r"^v: v > 0$"):
        f([1.0, -1.0], 1.0)
    with pytest.raises(pg.ParameterValueError, match=r"^v: v > 0; s: sigma > 0$"):
        f([1.0, -1.0], -1.0)
    got = f([1.0, 2.0], 1.0)
    np.testing.assert_array_equal(got[0], [1.0, 2.0])


@pytest.mark.parametrize(("mode", "bad"), [("raise", -np.inf), ("-inf", -np.inf), ("off", 3.0)])
def test_check_modes_under_jit_and_vmap(mode: str, bad: float) -> None:
    val, sigma, out = checked()
    f = pg.function([val, sigma], out, check_mode=mode)
    f(1.5, 1.0)  # a Function call first, in 64-bit: jax_fn must still trace in 32-bit
    assert float(jax.jit(f.jax_fn)(1.5, -1.0)) == bad
    got = jax.vmap(f.jax_fn)(jnp.array([1.5, 2.5]), jnp.array([-1.0, 1.0]))
    np.testing.assert_array_equal(got, [bad, 5.0])
    with jax.enable_x64(True):
        assert float(jax.jit(f.jax_fn)(1.5, -1.0)) == bad


# --- dtypes ----------------------------------------------------------------


def test_float64_graphs_compute_in_float64_with_x64_off() -> None:
    assert not jax.config.jax_enable_x64
    x = pt.scalar("x")
    third = pg.function([x], x / 3.0)(1.0)
    assert third.dtype == np.float64 and third == np.float64(1.0) / 3.0
    assert third != np.float32(1.0) / np.float32(3.0)
    n = pt.scalar("n", dtype="int64")
    assert pg.function([n], n * 3)(2**40) == 3 * 2**40
    assert not jax.config.jax_enable_x64  # nothing leaked from the call


def test_float32_graphs_stay_float32() -> None:
    x = pt.vector("x", dtype="float32")
    out = pg.function([x], x / 3.0)(np.array([1.0], dtype="float32"))
    assert out.dtype == np.float32 and out[0] == np.float32(1.0) / np.float32(3.0)
    with pg.config.change_flags(floatX="float32"):
        s = pt.scalar("s")
        y = pt.exp(s) / 3.0
        assert y.dtype == "float32"
        got = pg.function([s], y)(1.0)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, np.float32(np.e) / np.float32(3.0), rtol=1e-7)


def test_importing_ppgraph_changes_no_jax_setting() -> None:
    code = (
        "import os, jax, ppgraph, ppgraph.tensor as pt\n"
        "x = pt.scalar('x')\n"
        "assert float(ppgraph.function([x], x * 2.0)(1.0)) == 2.0\n"
        "print(jax.config.jax_enable_x64, os.environ.get('JAX_ENABLE_X64'))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "JAX_ENABLE_X64"}
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert res.returncode == 0, res.stderr
    assert res.stdout.split() == ["False", "None"]
