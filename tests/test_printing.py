"""Golden ``dprint`` outputs: labels given at print time, shared nodes printed
once and then referenced by label, compiled Functions with their positions."""

from __future__ import annotations

import io

import numpy as np
import pytest

import ppgraph as pg
import ppgraph.tensor as pt


def text(obj: object, **kwargs: object) -> str:
    out = pg.dprint(obj, file="str", **kwargs)  # type: ignore[arg-type]
    assert isinstance(out, str)
    return out


def test_seed_w_and_d() -> None:
    x, y = pt.scalar("x"), pt.vector("y")
    z = x + y
    z.name = "x + y"
    w = pt.log(z)
    w.name = "log(x + y)"
    assert text(w) == (
        "Elemwise{log} [id A] 'log(x + y)'\n"
        " |Elemwise{add} [id B] 'x + y'\n"
        "   |DimShuffle{x} [id C]\n"
        "   | |x [id D]\n"
        "   |y [id E]"
    )
    a, b = pt.scalar("a"), pt.scalar("b")
    c = a / b
    c.name = "a / b"
    d = b * c
    d.name = "b * c"
    # b is used twice: printed once, then by its label alone.
    assert text(d) == (
        "Elemwise{mul} [id A] 'b * c'\n"
        " |b [id B]\n"
        " |Elemwise{true_div} [id C] 'a / b'\n"
        "   |a [id D]\n"
        "   |b [id B]"
    )


def test_labels_are_given_at_print_time() -> None:
    x = pt.vector("x")
    e = pt.exp(x)
    # The same node gets a different label depending on what is printed.
    assert text(e) == "Elemwise{exp} [id A]\n |x [id B]"
    assert text(pt.log(e)).splitlines()[1] == " |Elemwise{exp} [id B]"


def test_shared_subtree_printed_once_then_referenced() -> None:
    x = pt.vector("x")
    e = pt.exp(x)
    assert text(e + e) == (
        "Elemwise{add} [id A]\n |Elemwise{exp} [id B]\n | |x [id C]\n |Elemwise{exp} [id B]"
    )


def test_list_of_outputs_shares_labels() -> None:
    x = pt.vector("x")
    e = pt.exp(x)
    assert text([e + e, pt.log(e)]) == (
        "Elemwise{add} [id A]\n"
        " |Elemwise{exp} [id B]\n"
        " | |x [id C]\n"
        " |Elemwise{exp} [id B]\n"
        "Elemwise{log} [id D]\n"
        " |Elemwise{exp} [id B]"
    )
    assert text((e, x)) == "Elemwise{exp} [id A]\n |x [id B]\nx [id B]"
    assert text([]) == ""


def test_multi_output_op_shares_one_label() -> None:
    m = pt.matrix("m")
    sign, logdet = pt.slogdet(m)
    logdet.name = "logdet"
    assert sign.owner is logdet.owner
    assert text([sign, logdet]) == "SlogDet.0 [id A]\n |m [id B]\nSlogDet.1 [id A] 'logdet'"
    assert text(sign * logdet) == (
        "Elemwise{mul} [id A]\n |SlogDet.0 [id B]\n | |m [id C]\n |SlogDet.1 [id B] 'logdet'"
    )


def test_constants() -> None:
    n = pt.vector("n", dtype="int64")
    assert text(n + np.zeros(2, dtype="int64")) == (
        "Elemwise{add} [id A]\n |n [id B]\n |TensorConstant{(2,) of 0} [id C]"
    )
    x = pt.vector("x")
    assert text(x * pt.constant([1.0, 2.0])) == (
        "Elemwise{mul} [id A]\n |x [id B]\n |TensorConstant{[1. 2.]} [id C]"
    )
    assert text(pt.constant(np.arange(20.0))) == "TensorConstant{float64(20,)} [id A]"


def test_shared_variables() -> None:
    x = pt.vector("x")
    data = pt.shared(np.ones(3), name="data")
    assert text(data * x) == "Elemwise{mul} [id A]\n |data [id B]\n |x [id C]"
    unnamed = pt.shared(np.ones(3))
    assert text(unnamed * x).splitlines()[1] == (
        " |<TensorSharedVariable TensorType(float64, shape=(None,))> [id B]"
    )


def test_print_type() -> None:
    x = pt.vector("x")
    assert text(pt.sum(x), print_type=True) == (
        "Sum [id A] <TensorType(float64, shape=())>\n"
        " |x [id B] <TensorType(float64, shape=(None,))>"
    )


def test_compiled_function_shows_toposort_positions() -> None:
    x = pt.vector("x")
    e = pt.exp(x)
    f = pg.function([x], [pt.sum(e), pt.log(pt.sum(e))], rewrite=False)
    assert text(f) == (
        "Sum [id A] 1\n"
        " |Elemwise{exp} [id B] 0\n"
        "   |x [id C]\n"
        "Elemwise{log} [id D] 3\n"
        " |Sum [id E] 2\n"
        "   |Elemwise{exp} [id B] 0"
    )
    sigma = pt.scalar("sigma")
    g = pg.function([x, sigma], pt.check(x, sigma > 0, msg="sigma > 0", var="x"), rewrite=False)
    assert text(g) == (
        "Check{sigma > 0} [id A] 1\n"
        " |x [id B]\n"
        " |Elemwise{gt} [id C] 0\n"
        "   |sigma [id D]\n"
        "   |TensorConstant{0.0} [id E]"
    )


def test_compiled_function_multi_output_and_given_intermediate() -> None:
    m = pt.matrix("m")
    sign, logdet = pt.slogdet(m)
    f = pg.function([m], [sign, logdet])
    assert text(f) == "SlogDet.0 [id A] 0\n |m [id B]\nSlogDet.1 [id A] 0"
    a = pt.scalar("a")
    z = a + 1.0
    g = pg.function([z], pt.exp(z), rewrite=False)
    # The given intermediate is a root of the compiled graph.
    assert text(g) == "Elemwise{exp} [id A] 0\n |Elemwise{add}.0 [id B]"


def test_long_graphs_get_two_letter_labels() -> None:
    v = pt.scalar("s")
    for _ in range(28):
        v = pt.exp(v)
    labels = [line.split("[id ")[1].rstrip("]") for line in text(v).splitlines()]
    assert labels[:3] == ["A", "B", "C"] and labels[25:] == ["Z", "AA", "AB", "AC"]
    assert len(set(labels)) == len(labels)


def test_file_argument() -> None:
    x = pt.scalar("x")
    buf = io.StringIO()
    assert pg.dprint(pt.exp(x), file=buf) is None
    assert buf.getvalue() == "Elemwise{exp} [id A]\n |x [id B]\n"


def test_deep_graph_prints_without_recursion() -> None:
    v = pt.scalar("s")
    for _ in range(1500):
        v = pt.neg(v)
    lines = text(v).splitlines()
    assert len(lines) == 1501 and lines[-1].lstrip().startswith("|s [id ")


def test_rejects_what_is_not_a_graph() -> None:
    with pytest.raises(TypeError, match="dprint takes a variable"):
        pg.dprint(["not a variable"])
    with pytest.raises(TypeError, match="dprint takes a variable"):
        pg.dprint(3)
