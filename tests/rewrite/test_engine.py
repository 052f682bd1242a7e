"""The engine's mechanics: merging, folding, blockers, names, fits, the fixed
point, and graphs too deep for recursion."""

from __future__ import annotations

import sys

import jax
import numpy as np
import pytest

import ppgraph as pg
import ppgraph.tensor as pt
from ppgraph.backend.jax.dispatch import jax_funcify
from ppgraph.backend.jax.linker import lower
from ppgraph.graph.basic import Apply, Variable
from ppgraph.graph.traversal import ancestors, toposort
from ppgraph.rewrite import ALGEBRA, STABILITY, Rule, rewrite_fixed_point
from ppgraph.rewrite.engine import FOLD_MAX_SIZE
from ppgraph.rewrite.fold import fold_node
from ppgraph.rewrite.pattern import collect, commuted
from ppgraph.tensor.elemwise import DimShuffle, Elemwise
from ppgraph.tensor.type import TensorConstant
from tests.rewrite.util import eager, ops, rewritten


def test_equal_subgraphs_become_one_node() -> None:
    x, y = pt.vector("x"), pt.vector("y")
    left, right = pt.exp(x * y), pt.exp(x * y)  # built twice: two nodes each
    assert left is not right
    out, _ = rewritten(left + right, [x, y])
    assert out.owner is not None
    a, b = out.owner.inputs
    assert a is b
    assert sorted(ops(out)) == ["Elemwise{add}", "Elemwise{exp}", "Elemwise{mul}"]
    f = pg.function([x, y], left + right)
    np.testing.assert_allclose(f([1.0, 2.0], [0.5, 0.1]), 2 * np.exp([0.5, 0.2]), rtol=1e-15)


def test_merging_reaches_outputs_given_separately() -> None:
    x = pt.vector("x")
    outs = rewrite_fixed_point([pt.sin(x) + 1.0, pt.sin(x) + 1.0], [])
    assert outs[0] is outs[1]


def test_equal_constants_merge_and_unequal_ones_do_not() -> None:
    x = pt.vector("x")
    out, _ = rewritten(pt.exp(x + 2.0) * pt.exp(x + 2.0) - pt.exp(x + 3.0), [x])
    assert ops(out).count("Elemwise{exp}") == 2


def test_constants_are_folded() -> None:
    x = pt.vector("x")
    c = pt.exp(pt.constant(0.0)) * 3.0 + pt.log(pt.constant(np.e))  # 4.0
    out, _ = rewritten(x * c, [x])
    assert ops(out) == ["Elemwise{mul}"]
    consts = [v for v in ancestors([out]) if isinstance(v, TensorConstant)]
    assert len(consts) == 1 and np.allclose(consts[0].data, 4.0)
    np.testing.assert_allclose(pg.function([x], x * c)([1.0, 2.0]), [4.0, 8.0], rtol=1e-15)


def test_a_graph_of_constants_folds_to_a_constant() -> None:
    out, _ = rewritten(pt.sum(pt.constant([1.0, 2.0, 3.0]) ** 2.0), [])
    assert isinstance(out, TensorConstant) and out.data == 14.0


def test_folding_skips_big_constants_random_draws_and_failing_ops() -> None:
    big = pt.constant(np.ones(FOLD_MAX_SIZE + 1)) * 2.0
    out, _ = rewritten(big, [])
    assert out.owner is not None
    draw = pt.random.normal(0.0, 1.0) * 2.0
    out, _ = rewritten(draw, [])
    assert "normal_rv" in " ".join(ops(out))


def test_a_given_intermediate_is_a_leaf_rules_do_not_look_through() -> None:
    x = pt.vector("x")
    e = pt.exp(x)
    w = pt.log(e)  # log(exp(x)) -> x, unless exp(x) is given
    [out] = pg.rewrite_graph([w], [e])
    assert out.owner is not None and out.owner.inputs[0] is e
    np.testing.assert_allclose(w.eval({e: np.array([1.0, 2.0])}), np.log([1.0, 2.0]))
    np.testing.assert_allclose(pg.function([x], w)([1.0, 2.0]), [1.0, 2.0])


def test_a_given_constant_broadcast_is_not_seen_as_the_constant() -> None:
    x = pt.vector("x")
    one = pt.constant(1.0)
    out = x * one  # DimShuffle{x}(1.0) feeds the mul
    assert out.owner is not None
    ds = out.owner.inputs[1]
    np.testing.assert_allclose(out.eval({x: np.array([1.0, 2.0]), ds: np.array([3.0])}), [3, 6])


def test_rewriting_leaves_the_callers_graph_and_names_alone() -> None:
    x, y = pt.scalar("x"), pt.vector("y")
    z = x + y
    w = pt.log(pt.exp(z))
    w.name = "w"
    before = [(v, v.name, v.owner) for v in ancestors([w])]
    [out] = pg.rewrite_graph([w], [x, y])
    assert out is z and z.name is None
    pg.function([x, y], w)
    assert [(v, v.name, v.owner) for v in ancestors([w])] == before
    u, v = pt.exp(x), pt.exp(x)
    v.name = "v"
    rewrite_fixed_point([u + v], ALGEBRA)
    assert u.name is None


def test_new_nodes_take_the_name_of_what_they_replace() -> None:
    x = pt.vector("x")
    out = pt.log(1.0 + x)
    out.name = "out"
    new, _ = rewritten(out, [x])
    assert str(new.owner.op) == "Elemwise{log1p}" and new.name == "out"  # type: ignore[union-attr]


def test_rewriting_again_changes_nothing() -> None:
    x, y = pt.vector("x"), pt.vector("y")
    out = pt.log(1.0 + pt.exp(x * 1.0)) + pt.log(pt.exp(y) + pt.exp(x)) - (y * (x / y))
    once, _ = rewritten(out, [x, y])
    twice, trace = rewritten(once, [x, y])
    assert twice is once and trace == []


def test_commuted_forms_of_a_pattern() -> None:
    forms = commuted(("log", ("add", ("exp", "a"), ("exp", "b"))))
    assert forms == [
        ("log", ("add", ("exp", "a"), ("exp", "b"))),
        ("log", ("add", ("exp", "b"), ("exp", "a"))),
    ]
    assert commuted(("add", "x", "x")) == [("add", "x", "x")]
    assert commuted(("sub", "x", ("mul", "a", "b"))) == [
        ("sub", "x", ("mul", "a", "b")),
        ("sub", "x", ("mul", "b", "a")),
    ]


def test_rules_that_undo_each_other_stop() -> None:
    swap = Rule("swap", ("sub", "x", "y"), ("neg", ("sub", "y", "x")))  # x - y -> -(y - x)
    unswap = Rule("unswap", ("neg", ("sub", "x", "y")), ("sub", "y", "x"))
    x, y = pt.vector("x"), pt.vector("y")
    trace: list[str] = []
    [out] = rewrite_fixed_point([x - y], [swap, unswap], max_passes=3, trace=trace)
    assert 0 < len(trace) < 1000
    np.testing.assert_allclose(pg.function([x, y], out, rewrite=False)([3.0], [1.0]), [2.0])


def test_a_function_rule_may_decline() -> None:
    never = Rule("never", ("exp", "x"), lambda b: None)
    x = pt.vector("x")
    trace: list[str] = []
    [out] = rewrite_fixed_point([pt.exp(x)], [never], trace=trace)
    assert trace == [] and str(out.owner.op) == "Elemwise{exp}"  # type: ignore[union-attr]


def test_rule_names_are_unique() -> None:
    with pytest.raises(ValueError, match="duplicate rule names"):
        collect([Rule("a", ("neg", "x"), "x"), Rule("a", ("abs", "x"), "x")])
    assert len({r.name for r in [*ALGEBRA, *STABILITY]}) == len(ALGEBRA) + len(STABILITY)


def _chain(steps: int) -> tuple[Variable, Variable]:
    """x, then log(1 + exp(v)) ``steps`` times: 3 nodes a step (the 1 is shared)."""
    x = pt.vector("x")
    one = DimShuffle(("x",))(pt.constant(1.0))
    v = x
    for _ in range(steps):
        e = Apply(Elemwise("exp"), [v], [v.type]).outputs[0]
        a = Apply(Elemwise("add"), [one, e], [v.type]).outputs[0]
        v = Apply(Elemwise("log"), [a], [v.type]).outputs[0]
    return x, v


def test_a_10000_node_chain_rewrites_lowers_and_compiles_without_recursion() -> None:
    assert sys.getrecursionlimit() < 5000
    x, v = _chain(3334)
    assert len(toposort([v])) > 10_000
    [out] = pg.rewrite_graph([v], [x])
    nodes = toposort([out])
    assert len(nodes) == 3334 and {str(n.op) for n in nodes} == {"Elemwise{softplus}"}
    assert callable(lower([x], [out], []))
    f = pg.function([x], v)  # rewrite and lower again, behind the Function
    assert len(toposort(f.outputs)) == 3334
    assert (pg.dprint(f, file="str") or "").count("softplus") == 3334


def test_a_given_output_of_a_multi_output_node_stays_when_its_node_is_rebuilt() -> None:
    m = pt.matrix("m")
    sign, logdet = pt.slogdet(m * 1.0)  # m * 1 -> m rebuilds the SlogDet node
    out = logdet + sign
    [new] = pg.rewrite_graph([out], [m, sign])
    assert new.owner is not None
    assert sign in new.owner.inputs  # the given variable itself, not the rebuilt node's
    rebuilt = next(v for v in new.owner.inputs if v is not sign)
    assert rebuilt.owner is not None and rebuilt.owner.inputs == [m]
    mv = np.array([[2.0, 0.0], [0.0, 4.0]])
    f = lower([m, sign], [new], [])
    with jax.enable_x64(True):
        np.testing.assert_allclose(f(mv, np.float64(10.0))[0], np.log(8.0) + 10.0)


@pytest.mark.parametrize(
    ("shape", "order"),
    [
        ((), ("x", "x")),
        ((3,), ("x", 0)),
        ((3,), (0, "x")),
        ((2, 1, 3), (2, 0)),
        ((2, 1, 3), ("x", 2, "x", 0)),
        ((2, 3), (1, 0, "x")),
        ((1,), ()),
    ],
)
def test_folding_a_dimshuffle_with_numpy_matches_its_jax_lowering(
    shape: tuple[int, ...], order: tuple[int | str, ...]
) -> None:
    data = np.arange(float(np.prod(shape))).reshape(shape)
    node = DimShuffle(order)(pt.constant(data)).owner
    assert node is not None
    [folded] = fold_node(node, FOLD_MAX_SIZE)
    assert isinstance(folded, TensorConstant) and folded.type == node.outputs[0].type
    want = np.asarray(jax_funcify(node.op, node)(data))
    assert folded.data.shape == want.shape
    np.testing.assert_array_equal(folded.data, want)


def test_merging_and_folding_keep_the_value_on_random_inputs() -> None:
    # Merging (the two sin(x * y)) and folding (exp(0) * 3 + log(e) = 4) make
    # the graph smaller; unrewritten (op by op) and rewritten give NumPy's value.
    x, y = pt.vector("x"), pt.vector("y")
    c = pt.exp(pt.constant(0.0)) * 3.0 + pt.log(pt.constant(np.e))
    out = pt.sin(x * y) * c + pt.sin(x * y) / (c - pt.constant([1.0, 2.0, 3.0]))
    new, _ = rewritten(out, [x, y])
    assert len(toposort([new])) < len(toposort([out]))
    assert ops(new).count("Elemwise{sin}") == 1
    rng = np.random.default_rng(7)
    for _ in range(3):
        xv, yv = rng.uniform(-3, 3, 3), rng.uniform(-3, 3, 3)
        want = np.sin(xv * yv) * 4.0 + np.sin(xv * yv) / (4.0 - np.array([1.0, 2.0, 3.0]))
        np.testing.assert_allclose(eager([x, y], out, xv, yv), want, rtol=1e-14)
        np.testing.assert_allclose(pg.function([x, y], out)(xv, yv), want, rtol=1e-14)
