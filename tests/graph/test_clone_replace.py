"""clone_replace: a copy with substitutions; the original graph is never changed."""

from __future__ import annotations

import numpy as np
import pytest

import ppgraph as pg
import ppgraph.tensor as pt
from ppgraph.tensor.type import TensorVariable as TV


def named_graph() -> tuple[TV, TV, TV, TV]:
    x, y = pt.scalar("x"), pt.vector("y")
    z = x + y
    z.name = "z"
    w = pt.log(z)
    w.name = "w"
    return x, y, z, w


def test_original_unchanged_names_included() -> None:
    x, y, z, w = named_graph()
    before = pg.dprint(w, file="str")
    nodes_before = pg.toposort([w])
    inputs_before = [list(n.inputs) for n in nodes_before]
    new = pt.exp(z)
    new.name = "exp(z)"
    [new_w] = pg.clone_replace([w], replace={z: new})
    new_w.name = "renamed"
    assert pg.dprint(w, file="str") == before
    assert pg.toposort([w]) == nodes_before
    assert [list(n.inputs) for n in nodes_before] == inputs_before
    assert (w.name, z.name, x.name, y.name) == ("w", "z", "x", "y")
    assert new_w is not w and new_w.owner is not w.owner
    assert new_w.owner is not None and new_w.owner.inputs == [new]
    assert w.owner is not None and w.owner.inputs == [z]


def test_values_after_replacing() -> None:
    x, y, z, w = named_graph()
    [new_w] = pg.clone_replace([w], replace={z: pt.exp(z)})
    yv = np.array([0.5, 2.0])
    np.testing.assert_allclose(new_w.eval({x: 0.25, y: yv}), 0.25 + yv, rtol=1e-14)
    t = pt.scalar("t")
    [w2] = pg.clone_replace(w, replace={x: t * 2.0})
    assert isinstance(w2, TV) and isinstance(new_w, TV)
    np.testing.assert_allclose(w2.eval({t: 1.5, y: yv}), np.log(3.0 + yv), rtol=1e-14)
    np.testing.assert_allclose(w.eval({x: 1.5, y: yv}), np.log(1.5 + yv), rtol=1e-14)


def test_every_node_is_copied_and_names_carried() -> None:
    x, y, _, w = named_graph()
    [copy] = pg.clone_replace([w])
    old_nodes, new_nodes = pg.toposort([w]), pg.toposort([copy])
    assert len(old_nodes) == len(new_nodes)
    assert not set(old_nodes) & set(new_nodes)
    assert [str(n.op) for n in old_nodes] == [str(n.op) for n in new_nodes]
    assert copy.name == "w" and copy.owner is not None and copy.owner.inputs[0].name == "z"
    assert pg.graph_inputs([copy]) == [x, y]


def test_several_outputs_and_replacing_an_output_itself() -> None:
    _, y, z, w = named_graph()
    t = pt.vector("t")
    new_z, new_w = pg.clone_replace([z, w], replace={z: t})
    assert new_z is t
    assert new_w.owner is not None and new_w.owner.inputs == [t]
    # Outputs sharing a node still share its copy.
    e = pt.exp(y)
    a, b = pg.clone_replace([e + 1.0, e * 2.0], replace={y: t})
    assert a.owner.inputs[0] is b.owner.inputs[0]  # type: ignore[union-attr]


def test_incompatible_types_raise() -> None:
    _, y, z, w = named_graph()
    with pytest.raises(TypeError, match="cannot replace"):
        pg.clone_replace([w], replace={z: pt.vector("f", dtype="float32")})
    with pytest.raises(TypeError, match="cannot replace"):
        pg.clone_replace([w], replace={z: pt.matrix("m")})
    with pytest.raises(TypeError, match="cannot replace"):
        pg.clone_replace([w], replace={y: pt.vector("i", dtype="int64")})
    # A static shape narrower or wider than the old one is compatible.
    [ok] = pg.clone_replace([w], replace={y: pt.vector("v3", shape=(3,))})
    assert ok.type.shape == (3,)  # type: ignore[attr-defined]
    assert w.type.shape == (None,)  # type: ignore[attr-defined]
