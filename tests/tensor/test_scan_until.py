"""``pt.scan`` stopped early (``until``) and loop lengths known only when compiled
(``n_steps`` from shapes and from a ``pg.Data``), against Python loops and, in
the slow tier, against PyTensor's own scan."""

from __future__ import annotations

from typing import Any

import jax
import numpy as np
import pytest
from scipy import stats

import ppgraph as pg
import ppgraph.tensor as pt
from ppgraph.errors import ParameterValueError
from ppgraph.pytensorf import collect_default_updates
from ppgraph.tensor.scan import until

# -- oracles: the loops in Python, stopping as PyTensor's scan does ----------------


def newton_sqrt_loop(a: float, x0: float, tol: float, n: int) -> list[float]:
    """Newton's iterations for sqrt(a), stopping after the first step that moves
    less than ``tol`` (that step kept)."""
    out, x = [], x0
    for _ in range(n):
        new = 0.5 * (x + a / x)
        out.append(new)
        if abs(new - x) < tol:
            break
        x = new
    return out


def capped_cumsum_loop(x: np.ndarray, cap: float) -> tuple[list[float], list[float]]:
    acc, sums, tens = 0.0, [], []
    for v in x:
        acc += v
        sums.append(acc)
        tens.append(10.0 * acc)
        if acc > cap:
            break
    return sums, tens


def padded(rows: list[float], n: int) -> np.ndarray:
    """PyTensor's truncated output as ppgraph returns it: the last row repeated."""
    return np.array(rows + [rows[-1]] * (n - len(rows)))


def newton_graph(n: int = 20, dtype: str = "float64") -> tuple[Any, Any, Any]:
    a, x0 = pt.scalar("a", dtype=dtype), pt.scalar("x0", dtype=dtype)

    def step(x: Any, a: Any) -> Any:
        new = 0.5 * (x + a / x)
        return new, until(abs(new - x) < 1e-6)

    out = pt.scan(step, outputs_info=x0, non_sequences=a, n_steps=n, return_updates=False)
    return a, x0, out


def cumsum_graph() -> tuple[Any, Any, Any]:
    x = pt.vector("x")

    def step(x_t: Any, acc: Any) -> Any:
        s = acc + x_t
        return [s, 10.0 * s], until(s > 3.0)

    sums, tens = pt.scan(step, sequences=x, outputs_info=[pt.constant(0.0), None],
                         return_updates=False)  # fmt: skip
    return x, sums, tens


# -- until -------------------------------------------------------------------------


@pytest.mark.parametrize("a", [2.0, 10.0, 1e4])
def test_until_stops_as_a_python_loop(a: float) -> None:
    sym_a, x0, out = newton_graph()
    got = pg.function([sym_a, x0], out)(a, 1.0)
    want = newton_sqrt_loop(a, 1.0, 1e-6, 20)
    assert len(want) < 20  # it did stop early
    np.testing.assert_allclose(got, padded(want, 20), rtol=1e-12)
    assert got[-1] == pytest.approx(np.sqrt(a), rel=1e-10)


def test_until_with_a_sequence_and_an_output_not_fed_back() -> None:
    x, sums, tens = cumsum_graph()
    f = pg.function([x], [sums, tens])
    for xv in (np.ones(6), np.array([0.5, 4.0, -1.0, 2.0]), np.ones(2)):  # the last never stops
        want_s, want_t = capped_cumsum_loop(xv, 3.0)
        got_s, got_t = f(xv)
        np.testing.assert_allclose(got_s, padded(want_s, len(xv)))
        np.testing.assert_allclose(got_t, padded(want_t, len(xv)))


def test_the_forms_of_a_step_returning_until() -> None:
    # PyTensor's: outputs then until; with updates between; until first is accepted too
    def with_updates(acc: Any) -> Any:
        new = acc + 1.0
        return new, collect_default_updates([new]), until(new >= 3.0)

    def until_first(acc: Any) -> Any:
        return until(acc >= 2.0), acc + 1.0

    for fn in (with_updates, until_first):
        out = pt.scan(fn, outputs_info=pt.constant(0.0), n_steps=5, return_updates=False)
        np.testing.assert_allclose(out.eval(), [1.0, 2.0, 3.0, 3.0, 3.0])


def test_gradient_through_until_against_closed_form_and_finite_differences() -> None:
    x, sums, _ = cumsum_graph()
    xv = np.array([1.0, 1.0, 1.5, 2.0, 1.0])  # stops at step 2 (sum 3.5)
    g = pt.grad(sums[-1], x).eval({x: xv})
    np.testing.assert_allclose(g, [1.0, 1.0, 1.0, 0.0, 0.0])
    # Newton's fixed point: d sqrt(a) / da = 1 / (2 sqrt(a)), through the stopped loop
    a, x0, out = newton_graph()
    da = pt.grad(out[-1], a)
    f = pg.function([a, x0], [out[-1], da])
    _, grad = f(3.0, 1.0)
    h = 1e-6
    fd = (f(3.0 + h, 1.0)[0] - f(3.0 - h, 1.0)[0]) / (2 * h)
    assert grad == pytest.approx(fd, rel=1e-5)
    assert grad == pytest.approx(0.5 / np.sqrt(3.0), rel=1e-6)


def test_until_under_jit_and_vmap_stops_each_row_on_its_own() -> None:
    a, x0, out = newton_graph()
    f = pg.function([a, x0], out)
    batch = np.array([2.0, 50.0, 1e6])
    got = jax.jit(jax.vmap(f.jax_fn, in_axes=(0, None)))(batch, 1.0)
    for row, av in zip(np.asarray(got), batch, strict=True):
        np.testing.assert_allclose(row, padded(newton_sqrt_loop(av, 1.0, 1e-6, 20), 20))


def test_until_in_float32() -> None:
    with pg.config.change_flags(floatX="float32"):
        a, x0, out = newton_graph(dtype="float32")
        got = pg.function([a, x0], out)(np.float32(5.0), np.float32(1.0))
    assert got.dtype == np.float32
    np.testing.assert_allclose(got[-1], np.sqrt(5.0), rtol=1e-6)


def test_a_length_known_only_when_run_through_until_and_a_bound() -> None:
    # the pattern the n_steps error suggests: a bound as n_steps, a counter as sequence
    n = pt.scalar("n", dtype="int64")

    def step(t: Any, acc: Any) -> Any:
        return 2.0 * acc + 1.0, until(t + 1 >= n)

    out = pt.scan(step, sequences=pt.arange(50), outputs_info=pt.constant(0.0),
                  return_updates=False)  # fmt: skip
    f = pg.function([n], out[-1])
    for k in (1, 7, 50):
        acc = 0.0
        for _ in range(k):
            acc = 2.0 * acc + 1.0
        assert f(k) == acc


def test_draws_inside_an_until_loop_stop_at_the_first_crossing() -> None:
    # a Gaussian random walk run until it leaves (-2, 2): rows repeat after the exit
    walk = pt.scan(
        lambda x: (lambda new: (new, until(abs(new) > 2.0)))(pg.Normal.dist(x, 1.0)),
        outputs_info=pt.constant(0.0),
        n_steps=30,
        return_updates=False,
    )
    draws = pg.draw(walk, draws=200, random_seed=3)
    for row in draws:
        outside = np.flatnonzero(np.abs(row) > 2.0)
        if outside.size == 0:
            assert len(np.unique(row)) == 30  # never stopped: every step drew
            continue
        k = outside[0]
        assert np.all(row[k:] == row[k]) and len(np.unique(row[: k + 1])) == k + 1
    assert (np.abs(draws[:, -1]) > 2.0).mean() > 0.9  # nearly every walk exits in 30 steps
    with pytest.raises(NotImplementedError, match="until"):
        pg.logp(walk, np.zeros(30))


def test_checks_inside_an_until_loop_hold_over_the_steps_run() -> None:
    s = pt.scalar("s")

    def step(x_t: Any, acc: Any, s: Any) -> Any:
        new = acc + pg.logp(pg.Normal.dist(0.0, s), x_t)
        return new, until(new < -5.0)

    out = pt.scan(step, sequences=pt.constant(np.arange(6.0)), outputs_info=pt.constant(0.0),
                  non_sequences=s, return_updates=False)  # fmt: skip
    terms = stats.norm(0.0, 1.0).logpdf(np.arange(3.0)).cumsum()  # below -5 at the third
    np.testing.assert_allclose(out.eval({s: 1.0}), padded(list(terms), 6), rtol=1e-12)
    with pytest.raises(ParameterValueError, match="sigma > 0"):
        out.eval({s: -1.0})


def test_until_errors() -> None:
    with pytest.raises(ValueError, match="until: the condition must be a scalar"):
        until(pt.vector("c") > 0)
    with pytest.raises(ValueError, match="no outputs"):
        pt.scan(lambda acc: until(acc > 0), outputs_info=pt.constant(0.0), n_steps=3)


# -- lengths known only when compiled ------------------------------------------------


def test_n_steps_from_a_data_length_follows_set_data() -> None:
    with pg.Model():
        d = pg.Data("d", np.arange(4.0))
        out = pt.scan(lambda a: 0.5 * a + 1.0, outputs_info=pt.constant(0.0),
                      n_steps=d.shape[0] - 1, return_updates=False)  # fmt: skip
        f = pg.function([], out)

        def loop(k: int) -> list[float]:
            acc, rows = 0.0, []
            for _ in range(k):
                acc = 0.5 * acc + 1.0
                rows.append(acc)
            return rows

        np.testing.assert_allclose(f(), loop(3))
        pg.set_data({"d": np.arange(9.0)})
        np.testing.assert_allclose(f(), loop(8))


def test_n_steps_from_an_input_value_says_what_to_do() -> None:
    n = pt.scalar("n", dtype="int64")
    out = pt.scan(lambda acc: acc + 1.0, outputs_info=pt.constant(0.0), n_steps=n,
                  return_updates=False)  # fmt: skip
    with pytest.raises(ValueError, match=r"n_steps depends on input values.*pt\.until"):
        pg.function([n], out)(3)
    # a constant in its place is a length known when compiled
    [fixed] = pg.clone_replace([out], {n: pt.constant(3, dtype="int64")})
    np.testing.assert_allclose(fixed.eval(), [1.0, 2.0, 3.0])


# -- PyTensor's own scan as the oracle -------------------------------------------------


@pytest.mark.slow
def test_against_pytensor_scan() -> None:
    pytensor = pytest.importorskip("pytensor")
    ptt = pytest.importorskip("pytensor.tensor")
    from pytensor.scan.utils import until as pt_until

    xv = np.array([0.5, 1.0, 0.25, 2.0, 1.0, 3.0])

    def step(x_t: Any, acc: Any, stop: Any = until) -> Any:
        s = acc * 0.9 + x_t
        return [s, s**2], stop(s > 2.0)

    x = ptt.dvector("x")
    (ps, pq) = pytensor.scan(
        lambda x_t, acc: step(x_t, acc, pt_until),
        sequences=x,
        outputs_info=[ptt.constant(0.0, dtype="float64"), None],
        return_updates=False,
    )
    want_s, want_q = pytensor.function([x], [ps, pq])(xv)
    assert 0 < len(want_s) < len(xv)  # PyTensor truncated it

    y = pt.vector("y")
    gs, gq = pt.scan(step, sequences=y, outputs_info=[pt.constant(0.0), None],
                     return_updates=False)  # fmt: skip
    got_s, got_q = pg.function([y], [gs, gq])(xv)
    k = len(want_s)
    np.testing.assert_allclose(got_s[:k], want_s, rtol=1e-12)
    np.testing.assert_allclose(got_q[:k], want_q, rtol=1e-12)
    assert np.all(got_s[k:] == want_s[-1]) and np.all(got_q[k:] == want_q[-1])

    # a symbolic n_steps computed from a shape, as PyTensor
    pn = pytensor.scan(lambda a: 0.5 * a + 1.0, outputs_info=ptt.constant(0.0, dtype="float64"),
                       n_steps=x.shape[0] - 2, return_updates=False)  # fmt: skip
    gn = pt.scan(lambda a: 0.5 * a + 1.0, outputs_info=pt.constant(0.0),
                 n_steps=y.shape[0] - 2, return_updates=False)  # fmt: skip
    np.testing.assert_allclose(gn.eval({y: xv}), pytensor.function([x], pn)(xv), rtol=1e-12)
