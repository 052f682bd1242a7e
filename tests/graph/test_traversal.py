"""ancestors, graph_inputs and toposort: order, blockers, sharing, cycles, depth."""

from __future__ import annotations

import pytest

import ppgraph as pg
import ppgraph.tensor as pt
from ppgraph.graph.basic import Apply, Variable


def seed_graph() -> tuple[Variable, Variable, Variable, Variable]:
    x, y = pt.scalar("x"), pt.vector("y")
    z = x + y
    return x, y, z, pt.log(z)


def assert_topological(order: list[Apply]) -> None:
    """Each node comes after the nodes computing its inputs, and appears once."""
    position = {node: i for i, node in enumerate(order)}
    assert len(position) == len(order)
    for i, node in enumerate(order):
        for inp in node.inputs:
            if inp.owner is not None and inp.owner in position:
                assert position[inp.owner] < i, f"{node} comes before its input {inp}"


def test_graph_inputs_in_depth_first_order() -> None:
    x, y, _, w = seed_graph()
    assert pg.graph_inputs([w]) == [x, y]
    assert pg.graph_inputs(w) == [x, y]
    assert pg.graph_inputs([pt.log(y + x)]) == [y, x]
    assert pg.graph_inputs([x]) == [x]


def test_graph_inputs_lists_constants_and_stops_at_blockers() -> None:
    x, y, z, w = seed_graph()
    c = pt.constant(2.0)
    inputs = pg.graph_inputs([w * c])
    assert inputs[:2] == [x, y] and len(inputs) == 3 and isinstance(inputs[2], pg.Constant)
    assert pg.graph_inputs([w], blockers=[z]) == [z]
    assert pg.graph_inputs([w, x], blockers=[z]) == [z, x]


def test_ancestors_outputs_first_each_once_and_blockers() -> None:
    x, y, z, w = seed_graph()
    found = list(pg.ancestors([w]))
    assert found[0] is w and found[1] is z
    assert len(found) == len(set(found)) == 5  # w, z, DimShuffle(x), x, y
    assert set(found) >= {x, y, z, w}
    blocked = list(pg.ancestors([w], blockers=[z]))
    assert blocked == [w, z]
    e = pt.exp(x)
    shared = list(pg.ancestors([e + e, e * 2.0]))
    assert shared.count(e) == 1 and shared.count(x) == 1


def test_toposort_order_and_sharing() -> None:
    x, y, z, w = seed_graph()
    order = pg.toposort([w])
    assert [str(n.op) for n in order] == ["DimShuffle{x}", "Elemwise{add}", "Elemwise{log}"]
    assert order[1] is z.owner and order[2] is w.owner
    e = pt.exp(y)
    a, b = e + 1.0, pt.log(e)
    both = pg.toposort([a, b])
    assert_topological(both)
    assert sum(n is e.owner for n in both) == 1
    assert both[-1] is b.owner
    assert pg.toposort([x]) == []
    assert pg.toposort([w, w, z]) == order


def test_toposort_blockers_leave_out_nodes_behind_them() -> None:
    _, _, z, w = seed_graph()
    assert pg.toposort([w], blockers=[z]) == [w.owner]
    assert pg.toposort([z], blockers=[z]) == []


def test_toposort_of_multi_output_node() -> None:
    m = pt.matrix("m")
    sign, logdet = pt.slogdet(m)
    order = pg.toposort([sign * logdet, logdet])
    assert [str(n.op) for n in order] == ["SlogDet", "Elemwise{mul}"]


def test_toposort_detects_a_cycle() -> None:
    x = pt.vector("x")
    a = pt.exp(x)
    b = pt.log(a)
    a.owner.inputs[0] = b  # type: ignore[union-attr]  # break the IR by hand
    with pytest.raises(ValueError, match="cycle"):
        pg.toposort([b])


def test_deep_chain_without_recursion_error() -> None:
    s = pt.scalar("s")
    v = s
    for _ in range(10_000):
        v = pt.neg(v)
    order = pg.toposort([v])
    assert len(order) == 10_000
    assert order[0].inputs == [s] and order[-1] is v.owner
    assert_topological(order)
    assert pg.graph_inputs([v]) == [s]
    assert sum(1 for _ in pg.ancestors([v])) == 10_001
    t = pt.scalar("t")
    [new] = pg.clone_replace([v], replace={s: t})
    assert pg.graph_inputs([new]) == [t] and pg.graph_inputs([v]) == [s]
    pg.verify(new)
