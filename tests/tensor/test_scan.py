"""``pt.scan`` against plain Python loops, its gradients, jit/vmap, float32, the
size of its program against the number of steps, and its errors."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import scipy.special
from jax.test_util import check_grads

import ppgraph as pg
import ppgraph.tensor as pt
from ppgraph.errors import ParameterValueError
from ppgraph.tensor.scan import Scan, ScanOutputError

RNG = np.random.default_rng(0)


# -- the four loops, each with its Python-loop oracle ----------------------------


def cumsum_graph(dtype: str = "float64") -> tuple[list[Any], Any]:
    x = pt.vector("x", dtype=dtype)
    out = pt.scan(
        lambda x_t, acc: acc + x_t,
        sequences=x,
        outputs_info=pt.zeros((), dtype=dtype),
        return_updates=False,
    )
    return [x], out


def cumsum_loop(x: np.ndarray) -> np.ndarray:
    acc, out = 0.0, []
    for v in x:
        acc = acc + v
        out.append(acc)
    return np.array(out)


def ar2_graph(dtype: str = "float64") -> tuple[list[Any], Any]:
    # y_t = e_t + rho1 y_{t-1} + rho2 y_{t-2}, from y_{-2}, y_{-1} = init
    e, init = pt.vector("e", dtype=dtype), pt.vector("init", dtype=dtype, shape=(2,))
    rho = pt.vector("rho", dtype=dtype, shape=(2,))

    def step(e_t: Any, y_tm2: Any, y_tm1: Any, rho: Any) -> Any:
        return e_t + rho[0] * y_tm1 + rho[1] * y_tm2

    out = pt.scan(
        step,
        sequences=e,
        outputs_info=dict(initial=init, taps=[-2, -1]),
        non_sequences=rho,
        return_updates=False,
    )
    return [e, init, rho], out


def ar2_loop(e: np.ndarray, init: np.ndarray, rho: np.ndarray) -> np.ndarray:
    y = list(init)
    for e_t in e:
        y.append(e_t + rho[0] * y[-1] + rho[1] * y[-2])
    return np.array(y[2:])


def garch_graph(dtype: str = "float64") -> tuple[list[Any], Any]:
    # sigma2_t = omega + alpha r_{t-1}^2 + beta sigma2_{t-1}; omega read as a closure
    r = pt.vector("r", dtype=dtype)
    s0, omega, alpha, beta = (pt.scalar(n, dtype=dtype) for n in ("s0", "omega", "alpha", "beta"))

    def step(r_tm1: Any, s_tm1: Any, alpha: Any, beta: Any) -> Any:
        return omega + alpha * r_tm1**2 + beta * s_tm1

    out = pt.scan(
        step,
        sequences=dict(input=r, taps=[-1]),
        outputs_info=s0,
        non_sequences=[alpha, beta],
        return_updates=False,
    )
    return [r, s0, omega, alpha, beta], out


def garch_loop(r: Any, s0: Any, omega: Any, alpha: Any, beta: Any) -> np.ndarray:
    s, out = s0, []
    for t in range(1, len(r)):
        s = omega + alpha * r[t - 1] ** 2 + beta * s
        out.append(s)
    return np.array(out)


def hmm_graph(dtype: str = "float64") -> tuple[list[Any], Any]:
    # forward algorithm: a_t = logsumexp(a_{t-1}[:, None] + log A, axis=0) + log B_t
    log_b = pt.matrix("log_b", dtype=dtype)  # (T, K) emission log-likelihoods
    log_a = pt.matrix("log_a", dtype=dtype)
    a0 = pt.vector("a0", dtype=dtype)

    def step(lb_t: Any, a_tm1: Any, log_a: Any) -> Any:
        return pt.logsumexp(a_tm1[:, None] + log_a, axis=0) + lb_t

    out = pt.scan(step, sequences=log_b, outputs_info=a0, non_sequences=log_a)[0]
    return [log_b, log_a, a0], out


def hmm_loop(log_b: np.ndarray, log_a: np.ndarray, a0: np.ndarray) -> np.ndarray:
    a, out = a0, []
    for lb in log_b:
        a = scipy.special.logsumexp(a[:, None] + log_a, axis=0) + lb
        out.append(a)
    return np.array(out)


def _hmm_values(t: int = 30, k: int = 3) -> list[np.ndarray]:
    trans = RNG.dirichlet(np.ones(k) * 2, size=k)
    return [RNG.normal(size=(t, k)), np.log(trans), np.log(np.ones(k) / k)]


CASES = {
    "cumsum": (cumsum_graph, cumsum_loop, lambda: [RNG.normal(size=20)]),
    "ar2": (
        ar2_graph,
        ar2_loop,
        lambda: [RNG.normal(size=25), np.array([0.3, -0.2]), np.array([0.5, -0.3])],
    ),
    "garch": (
        garch_graph,
        garch_loop,
        lambda: [
            RNG.normal(size=30),
            np.float64(0.5),
            np.float64(0.1),
            np.float64(0.2),
            np.float64(0.7),
        ],
    ),
    "hmm": (hmm_graph, hmm_loop, _hmm_values),
}


@pytest.mark.parametrize("name", list(CASES))
def test_against_python_loop(name: str) -> None:
    build, loop, values = CASES[name]
    inputs, out = build()
    vals = values()
    f = pg.function(inputs, out)
    np.testing.assert_allclose(f(*vals), loop(*vals), rtol=1e-12, atol=1e-12)
    with jax.enable_x64(True):
        jitted = jax.jit(f.jax_fn)(*vals)
    np.testing.assert_allclose(jitted, loop(*vals), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", list(CASES))
def test_float32(name: str) -> None:
    build, loop, values = CASES[name]
    with pg.config.change_flags(floatX="float32"):
        inputs, out = build("float32")
        assert out.dtype == "float32"
        vals = [np.asarray(v, dtype="float32") for v in values()]
        got = pg.function(inputs, out)(*vals)
    assert got.dtype == np.float32
    want = loop(*[v.astype("float64") for v in vals])
    np.testing.assert_allclose(got, want, rtol=2e-5, atol=2e-5)


@pytest.mark.parametrize("name", list(CASES))
def test_gradients_by_finite_differences(name: str) -> None:
    build, _, values = CASES[name]
    inputs, out = build()
    f = pg.function(inputs, pt.sum(pt.sin(out)))
    with jax.enable_x64(True):
        vals = [jnp.asarray(v) for v in values()]
        check_grads(jax.jit(f.jax_fn), vals, order=1, modes=["rev"], eps=1e-6)
        if name == "garch":  # forward mode through a loop, once
            check_grads(jax.jit(f.jax_fn), vals, order=1, modes=["fwd"], eps=1e-6)


def test_pt_grad_through_scan() -> None:
    (e, init, rho), out = ar2_graph()
    g = pt.grad(pt.sum(out**2), rho)
    ev, iv, rv = RNG.normal(size=10), np.array([0.1, 0.2]), np.array([0.4, -0.2])
    got = g.eval({e: ev, init: iv, rho: rv})
    h = 1e-6
    fd = [
        (np.sum(ar2_loop(ev, iv, rv + h * d) ** 2) - np.sum(ar2_loop(ev, iv, rv - h * d) ** 2))
        / (2 * h)
        for d in np.eye(2)
    ]
    np.testing.assert_allclose(got, fd, rtol=1e-6)


def test_vmap_over_sequences() -> None:
    (x,), out = cumsum_graph()
    f = pg.function([x], out)
    batch = RNG.normal(size=(4, 7))
    with jax.enable_x64(True):
        got = jax.jit(jax.vmap(f.jax_fn))(batch)
    np.testing.assert_allclose(got, np.cumsum(batch, axis=1), rtol=1e-12)


def _scan_eqns(jaxpr: Any) -> list[Any]:
    return [e for e in jaxpr.eqns if e.primitive.name == "scan"]


def test_program_size_does_not_grow_with_steps() -> None:
    inputs, out = garch_graph()
    f = pg.function(inputs, out)
    sizes = []
    for n in (100, 100_000):
        vals = [np.zeros(n), 0.5, 0.1, 0.2, 0.7]
        with jax.enable_x64(True):
            jaxpr = jax.make_jaxpr(f.jax_fn)(*vals).jaxpr
        (eqn,) = _scan_eqns(jaxpr)
        assert eqn.params["length"] == n - 1
        sizes.append((len(jaxpr.eqns), len(eqn.params["jaxpr"].jaxpr.eqns)))
    assert sizes[0] == sizes[1]


def test_no_feedback_is_vectorized() -> None:
    x = pt.matrix("x")
    out = pt.scan(lambda row: pt.sum(row**2), sequences=x, return_updates=False)
    f = pg.function([x], out)
    xv = RNG.normal(size=(5, 3))
    np.testing.assert_allclose(f(xv), np.sum(xv**2, axis=1), rtol=1e-12)
    with jax.enable_x64(True):
        assert not _scan_eqns(jax.make_jaxpr(f.jax_fn)(xv).jaxpr)


# -- call shapes ------------------------------------------------------------------


def test_sequence_taps_and_several_outputs() -> None:
    # d_t = x_{t+1} - x_{t-1}; s_t = s_{t-1} + d_t, and a not-fed-back square
    x = pt.vector("x")
    d, s, sq = pt.scan(
        lambda x_tm1, x_tp1, s_tm1: (x_tp1 - x_tm1, s_tm1 + x_tp1 - x_tm1, (x_tp1 - x_tm1) ** 2),
        sequences=dict(input=x, taps=[-1, 1]),
        outputs_info=[None, pt.constant(0.0), None],
        return_updates=False,
    )
    xv = RNG.normal(size=9)
    want_d = xv[2:] - xv[:-2]
    got = pg.function([x], [d, s, sq])(xv)
    np.testing.assert_allclose(got[0], want_d, rtol=1e-12)
    np.testing.assert_allclose(got[1], np.cumsum(want_d), rtol=1e-12)
    np.testing.assert_allclose(got[2], want_d**2, rtol=1e-12)


def test_n_steps_without_sequences_and_return_shapes() -> None:
    a = pt.scalar("a")
    powers, updates = pt.scan(
        lambda p, a: p * a, outputs_info=pt.constant(1.0), non_sequences=a, n_steps=5
    )
    assert updates == {}
    assert powers.type.shape == (5,)
    np.testing.assert_allclose(powers.eval({a: 2.0}), 2.0 ** np.arange(1, 6))
    [only] = pt.scan(
        lambda p: p + 1.0,
        outputs_info=pt.constant(0.0),
        n_steps=3,
        return_list=True,
        return_updates=False,
    )
    np.testing.assert_allclose(only.eval(), [1.0, 2.0, 3.0])


def test_symbolic_n_steps_from_shapes_and_go_backwards() -> None:
    x = pt.vector("x")
    out = pt.scan(
        lambda x_t, acc: acc + x_t,
        sequences=x,
        outputs_info=pt.constant(0.0),
        n_steps=x.shape[0] - 1,
        go_backwards=True,
        return_updates=False,
    )
    xv = np.arange(1.0, 6.0)
    f = pg.function([x], out)
    np.testing.assert_allclose(f(xv), np.cumsum(xv[::-1])[:4])
    with jax.enable_x64(True):
        np.testing.assert_allclose(jax.jit(f.jax_fn)(xv), np.cumsum(xv[::-1])[:4])


def test_closure_variables_are_inputs() -> None:
    x, w = pt.vector("x"), pt.scalar("w")
    out = pt.scan(lambda x_t: w * x_t, sequences=x, return_updates=False)
    (node_inputs,) = [out.owner.inputs]
    assert w in node_inputs
    np.testing.assert_allclose(out.eval({x: [1.0, 2.0], w: 3.0}), [3.0, 6.0])
    # a given for the closure variable replaces it, as for any input
    w2 = pg.clone_replace([out], {w: pt.constant(-1.0)})[0]
    np.testing.assert_allclose(w2.eval({x: [1.0, 2.0]}), [-1.0, -2.0])


def test_checks_in_the_step_hold_at_every_step() -> None:
    x, s = pt.vector("x"), pt.scalar("s")

    def step(x_t: Any, s: Any) -> Any:
        return pt.check(x_t / s, s > 0, msg="s > 0")

    out = pt.scan(step, sequences=x, non_sequences=s, return_updates=False)
    np.testing.assert_allclose(out.eval({x: [1.0, 2.0], s: 2.0}), [0.5, 1.0])
    with pytest.raises(ParameterValueError, match="s > 0"):
        out.eval({x: [1.0, 2.0], s: -2.0})


def test_dprint_shows_the_inner_graph() -> None:
    _, out = cumsum_graph()
    text = pg.dprint(out, file="str")
    assert isinstance(text, str)
    assert "Scan{scan_fn}" in text and "Inner graphs:" in text
    inner = text.split("Inner graphs:")[1]
    assert "Elemwise{add}" in inner


# -- errors -------------------------------------------------------------------------


def test_output_type_mismatch_is_an_error_naming_both_types() -> None:
    x = pt.vector("x")
    with pytest.raises(ScanOutputError, match=r"output 0 .*float64.*outputs_info\[0\].*int64"):
        pt.scan(lambda x_t, acc: acc + x_t, sequences=x, outputs_info=pt.constant(0))
    with pytest.raises(ScanOutputError, match=r"output 1 .*shape=\(3,\).*shape=\(\)"):
        pt.scan(
            lambda acc, v: (acc + 1.0, v + pt.zeros(3)),
            n_steps=2,
            outputs_info=[pt.constant(0.0), pt.constant(1.0)],
        )
    with pytest.raises(ScanOutputError, match="float32"):
        pt.scan(lambda acc: pt.cast(acc, "float32"), outputs_info=pt.constant(0.0), n_steps=2)


def test_bad_calls() -> None:
    x = pt.vector("x")
    with pytest.raises(ValueError, match="n_steps"):
        pt.scan(lambda acc: acc, outputs_info=pt.constant(0.0))
    with pytest.raises(ValueError, match="2 outputs, but outputs_info has 1"):
        pt.scan(lambda x_t, a: (a + x_t, a), sequences=x, outputs_info=[pt.constant(0.0)])
    with pytest.raises(ValueError, match="scalar"):
        pt.scan(lambda a: a, sequences=pt.scalar("c"))
    with pytest.raises(TypeError, match="n_steps must be an int"):
        pt.scan(lambda a: a, sequences=x, n_steps=2.5)
    n = pt.scalar("n", dtype="int64")
    out = pt.scan(
        lambda acc: acc + 1.0, outputs_info=pt.constant(0.0), n_steps=n, return_updates=False
    )
    with pytest.raises(ValueError, match=r"n_steps.*known when the function is compiled"):
        pg.function([n], out)(3)


def test_scan_op_is_held_and_importable_as_pytensor() -> None:
    from ppgraph import scan

    _, out = cumsum_graph()
    assert isinstance(out.owner.op, Scan)
    assert scan is pt.scan


def test_nested_loops() -> None:
    m = pt.matrix("m")

    def row_cumsum(r: Any) -> Any:
        return pt.scan(lambda v, acc: acc + v, sequences=r, outputs_info=pt.constant(0.0))[0]

    out = pt.scan(row_cumsum, sequences=m, return_updates=False)
    mv = RNG.normal(size=(3, 4))
    np.testing.assert_allclose(out.eval({m: mv}), np.cumsum(mv, axis=1), rtol=1e-12)

    # the inner loop reads the outer step's carry: acc -> acc + sum(k * acc, k < 3)
    def outer(acc: Any) -> Any:
        return acc + pt.sum(pt.scan(lambda k: k * acc, sequences=pt.arange(3.0))[0])

    o = pt.scan(outer, outputs_info=pt.constant(1.0), n_steps=3, return_updates=False)
    np.testing.assert_allclose(o.eval(), [4.0, 16.0, 64.0])
    assert pg.dprint(o, file="str").count("Scan{") == 4  # outer, inner, both inner graphs


def test_step_graph_is_stabilized_like_any_compiled_graph() -> None:
    # log(1 + exp(x)) overflows at x = 800 as written; the rewrites make it softplus
    x = pt.vector("x")
    out = pt.scan(lambda x_t: pt.log(1.0 + pt.exp(x_t)), sequences=x, return_updates=False)
    np.testing.assert_allclose(out.eval({x: [800.0, 0.0]}), [800.0, np.log(2.0)], rtol=1e-12)


def test_n_steps_beyond_a_sequence_is_an_error() -> None:
    x = pt.vector("x")
    out = pt.scan(lambda x_t: 2.0 * x_t, sequences=x, n_steps=5, return_updates=False)
    with pytest.raises(ValueError, match="a sequence has 3 steps, fewer than 5"):
        out.eval({x: [1.0, 2.0, 3.0]})


def test_lengths_known_when_building_are_checked_then() -> None:
    x = pt.vector("x", shape=(3,))
    with pytest.raises(ValueError, match="n_steps is 5, but a sequence has 3 steps"):
        pt.scan(lambda x_t: 2.0 * x_t, sequences=x, n_steps=5)
    with pytest.raises(ValueError, match=r"outputs_info\[0\] has 1 initial values.*need 2"):
        pt.scan(
            lambda a, b: a + b,
            n_steps=3,
            outputs_info=dict(initial=pt.constant([0.0]), taps=[-2, -1]),
        )


def test_pytensor_keywords() -> None:
    x, w = pt.vector("x"), pt.scalar("w")
    # PyTensor's positional order: ..., n_steps, truncate_gradient, go_backwards
    out, _ = pt.scan(lambda x_t: x_t * 2.0, [x], None, None, None, -1, True, mode="JAX")
    np.testing.assert_allclose(out.eval({x: [1.0, 2.0]}), [4.0, 2.0])
    with pytest.raises(NotImplementedError, match="truncate_gradient=5"):
        pt.scan(lambda x_t: x_t, sequences=x, truncate_gradient=5)
    with pytest.raises(ValueError, match=r"strict=True.*reads w from outside"):
        pt.scan(lambda x_t: x_t * w, sequences=x, strict=True)
    # draws inside the step are allowed under strict: their keys are the loop's own
    out = pt.scan(lambda x_t, w: pg.Normal.dist(x_t, w), sequences=x, non_sequences=w, strict=True)[
        0
    ]
    assert out.eval({x: [0.0, 1.0], w: 1.0}).shape == (2,)
