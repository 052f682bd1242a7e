"""Ops are frozen dataclasses: equal parameters give equal, hashable ops; and the
IR package never imports JAX."""

from __future__ import annotations

import ast
import dataclasses
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import ppgraph as pg
import ppgraph.tensor as pt
from ppgraph.graph.basic import Apply, Op, Variable
from ppgraph.tensor.elemwise import DimShuffle, Elemwise

GRAPH_DIR = Path(pg.__file__).parent / "graph"


@dataclasses.dataclass(frozen=True)
class Scale(Op):
    factor: float
    label: str = "s"

    def make_node(self, x: Any) -> Apply:
        return Apply(self, [x], [x.type])


@dataclasses.dataclass(frozen=True)
class Shift(Op):
    factor: float
    label: str = "s"

    def make_node(self, x: Any) -> Apply:
        return Apply(self, [x], [x.type])


@dataclasses.dataclass(frozen=True)
class NoProps(Op):
    def make_node(self, x: Any) -> Apply:
        return Apply(self, [x], [x.type])


def test_equal_props_equal_ops() -> None:
    assert Scale(2.0) == Scale(2.0) and hash(Scale(2.0)) == hash(Scale(2.0))
    assert Scale(2.0) != Scale(3.0) and Scale(2.0, "a") != Scale(2.0, "b")
    assert Scale(2.0) != Shift(2.0)  # same fields, another class
    assert len({Scale(1.0), Scale(1.0), Scale(2.0), Shift(1.0)}) == 3
    assert Elemwise("add") == Elemwise("add") and Elemwise("add") != Elemwise("mul")
    assert pt.check(pt.scalar(), True, msg="a").owner.op == pt.Check("a")  # type: ignore[union-attr]
    x = pt.vector("x")
    assert (x + x).owner.op == (x + 1.0).owner.op  # type: ignore[union-attr]
    assert DimShuffle(("x", 0)) == DimShuffle(("x", 0)) != DimShuffle((0, "x"))


def test_ops_are_frozen_and_print_their_props() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        Scale(2.0).factor = 3.0  # type: ignore[misc]
    assert str(Scale(2.0)) == repr(Scale(2.0)) == "Scale{2.0, s}"
    assert str(NoProps()) == "NoProps"
    assert str(pt.Check("sigma > 0", "z")) == "Check{sigma > 0}"


def test_calling_an_op_builds_a_node() -> None:
    x = pt.vector("x")
    out = Scale(2.0)(x)
    assert isinstance(out, Variable) and out.owner is not None
    assert out.owner.op == Scale(2.0) and out.owner.inputs == [x] and out.type == x.type
    assert out.owner.out is out


def _imports(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.extend(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module is not None:
            names.append(node.module)
    return names


def test_graph_sources_never_import_jax() -> None:
    files = sorted(GRAPH_DIR.glob("*.py"))
    assert len(files) >= 4
    for path in files:
        for name in _imports(path):
            assert name.split(".")[0] != "jax", f"{path.name} imports {name}"
            if name.startswith("ppgraph"):
                assert name.startswith("ppgraph.graph"), f"{path.name} imports {name}"


def test_importing_the_graph_package_alone_loads_no_jax() -> None:
    # ppgraph/__init__ imports everything, so load ppgraph.graph under a bare package.
    code = f"""
import sys, types
pkg = types.ModuleType("ppgraph")
pkg.__path__ = [{str(GRAPH_DIR.parent)!r}]
sys.modules["ppgraph"] = pkg
import ppgraph.graph, ppgraph.graph.basic, ppgraph.graph.traversal, ppgraph.graph.verify
loaded = sorted(m for m in sys.modules if m == "jax" or m.startswith(("jax.", "jaxlib")))
assert not loaded, loaded
others = sorted(
    m for m in sys.modules if m.startswith("ppgraph.") and not m.startswith("ppgraph.graph")
)
assert not others, others
print("ok")
"""
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert res.returncode == 0 and res.stdout.strip() == "ok", res.stderr
