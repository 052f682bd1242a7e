"""The compile-time pipeline as a user meets it: the seed's results, and each
kind of rewrite showing up in a compiled Function."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.special as sp

import ppgraph as pg
import ppgraph.tensor as pt
from tests.rewrite.util import ops, rewritten


def _printed(f: pg.Function) -> list[str]:
    return (pg.dprint(f, file="str") or "").splitlines()


def test_seed_b_times_a_over_b_compiles_to_a() -> None:
    a, b = pt.scalar(name="a"), pt.scalar(name="b")
    c = a / b
    c.name = "a / b"
    d = b * c
    d.name = "b * c"
    g = pg.function(inputs=[a, b], outputs=d)
    assert _printed(g) == ["a [id A]"]
    assert g(3.0, 2.0) == 3.0
    assert g.outputs[0].owner is None


def test_seed_log_exp_compiles_to_x_plus_y() -> None:
    x, y = pt.scalar(name="x"), pt.vector(name="y")
    z = x + y
    z.name = "x + y"
    w = pt.log(z)
    new_w = pg.clone_replace([w], replace={z: pt.exp(z)})[0]
    new_w.name = "log(exp(x + y))"
    f = pg.function(inputs=[x, y], outputs=new_w)
    lines = _printed(f)
    assert lines[0].startswith("Elemwise{add}") and "'x + y'" in lines[0]
    assert sorted(ops(f.outputs[0])) == ["DimShuffle{x}", "Elemwise{add}"]
    np.testing.assert_allclose(f(x=0, y=[1, np.e]), [1.0, np.e], rtol=1e-15)


@pytest.mark.parametrize("build", [lambda x: x * 1.0, lambda x: x + 0.0, lambda x: 1.0 * (x - 0)])
def test_identities_compile_to_the_input(build: object) -> None:
    x = pt.vector("x")
    f = pg.function([x], build(x))  # type: ignore[operator]
    assert _printed(f) == ["x [id A]"]
    np.testing.assert_array_equal(f([1.5, -2.0]), [1.5, -2.0])


def test_without_rewrites_the_graph_is_kept() -> None:
    a, b = pt.scalar("a"), pt.scalar("b")
    g = pg.function([a, b], b * (a / b), rewrite=False)
    assert sorted(ops(g.outputs[0])) == ["Elemwise{mul}", "Elemwise{true_div}"]
    assert g(3.0, 2.0) == 3.0


@pytest.mark.parametrize(
    ("build", "op", "oracle"),
    [
        (lambda x: pt.log(1.0 + x), "Elemwise{log1p}", np.log1p),
        (lambda x: pt.exp(x) - 1.0, "Elemwise{expm1}", np.expm1),
        (lambda x: pt.log(pt.sum(pt.exp(x))), "LogSumExp", sp.logsumexp),
    ],
)
def test_compiled_functions_use_the_stable_op(build: object, op: str, oracle: object) -> None:
    x = pt.vector("x")
    f = pg.function([x], build(x))  # type: ignore[operator]
    assert ops(f.outputs[0]) == [op]
    xv = np.array([1e-18, -0.3, 2.0])
    np.testing.assert_allclose(f(xv), oracle(xv), rtol=1e-14)  # type: ignore[operator]


def test_logsumexp_with_axis_and_keepdims_compiles() -> None:
    x = pt.matrix("x")
    f = pg.function([x], pt.log(pt.sum(pt.exp(x), axis=1, keepdims=True)))
    assert ops(f.outputs[0]) == ["LogSumExp{axis=(1,), keepdims}"]
    xv = np.array([[1000.0, 999.0], [-1.0, 2.0]])
    np.testing.assert_allclose(f(xv), sp.logsumexp(xv, axis=1, keepdims=True), rtol=1e-14)


def test_stabilizing_exposes_more_canonicalizing() -> None:
    # 1 - sigmoid(-x) -> sigmoid(-(-x)) (stabilize) -> sigmoid(x) (canonicalize again)
    x = pt.vector("x")
    out, trace = rewritten(1.0 - pt.sigmoid(-x), [x])
    assert trace == ["one_minus_sigmoid", "neg_neg"]
    assert ops(out) == ["Elemwise{sigmoid}"]
    np.testing.assert_allclose(
        pg.function([x], 1.0 - pt.sigmoid(-x))([40.0, 0.0]), sp.expit([40.0, 0.0]), rtol=1e-15
    )


def test_a_compiled_function_merges_and_folds() -> None:
    x = pt.vector("x")
    out = pt.sin(x) * (pt.constant(2.0) + 3.0) + pt.sin(x)
    f = pg.function([x], out)
    # one sin (merged), 2.0 + 3.0 and its broadcast folded into a constant
    assert sorted(ops(f.outputs[0])) == ["Elemwise{add}", "Elemwise{mul}", "Elemwise{sin}"]
    np.testing.assert_allclose(f([0.5]), 6 * np.sin([0.5]), rtol=1e-15)


def test_a_compiled_check_known_to_hold_is_dropped_a_symbolic_one_kept() -> None:
    x, s = pt.vector("x"), pt.scalar("s")
    known = pg.function([x], pt.check(x * 2.0, pt.constant(3.0) > 0, msg="3 > 0"))
    assert not any(o.startswith("Check") for o in ops(known.outputs[0]))
    kept = pg.function([x, s], pt.check(x * s, s > 0, msg="s > 0"))
    assert "Check{s > 0}" in ops(kept.outputs[0])
    np.testing.assert_allclose(known([1.0]), [2.0])
    with pytest.raises(pg.ParameterValueError):
        kept([1.0], 0.0)


def test_gathered_mean_is_subtracted_from_the_data_and_the_nan_guard_stays_on_the_sum() -> None:
    # y - (a[idx] + b * x) is compiled as (y - a[idx]) - b * x, which XLA fuses
    # (the gather is not written out per chain under vmap), and only after the
    # Normal's not-NaN check on the mean was moved onto the sum of squares: the
    # batched gradient has no per-row NaN test
    import jax
    import jax.numpy as jnp
    import scipy.stats as st

    from tests.rewrite.test_guards import _all_eqns

    rng = np.random.default_rng(1)
    idx, x = rng.integers(0, 5, size=40), rng.normal(size=40)
    y = rng.normal(size=40)
    with pg.Model() as m:
        a = pg.Normal("a", 0.0, 1.0, shape=5)
        b = pg.Normal("b", 0.0, 1.0)
        pg.Normal("y", a[idx] + b * x, 0.7, observed=y)
    fn, _ = pg.logdensity(m)
    with jax.enable_x64(True):
        batch = {"a": jnp.asarray(rng.normal(size=(3, 5))), "b": jnp.asarray(rng.normal(size=3))}
        jaxpr = jax.make_jaxpr(jax.vmap(jax.value_and_grad(fn)))(batch).jaxpr
        lp = np.asarray(jax.vmap(fn)(batch))
    [gather] = _all_eqns(jaxpr, "gather")
    users = [e for e in jaxpr.eqns if gather.outvars[0] in e.invars]
    assert [e.primitive.name for e in users] == ["sub"]
    row_tests = [e for e in _all_eqns(jaxpr, "ne") if e.outvars[0].aval.size >= 40]
    assert not row_tests
    for i in range(3):
        av, bv = np.asarray(batch["a"][i]), float(batch["b"][i])
        want = st.norm.logpdf(av).sum() + st.norm.logpdf(bv)
        want += st.norm.logpdf(y, av[idx] + bv * x, 0.7).sum()
        np.testing.assert_allclose(lp[i], want, rtol=1e-12)
