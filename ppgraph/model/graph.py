"""A picture of a model: ``model_to_graphviz`` finds its named variables, which
of them each one depends on, and the plates they sit in (grouped by dims or by
shape). The result gives Graphviz source (``.source``) and draws itself with
matplotlib, so it shows in a notebook without the ``dot`` binary.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ppgraph.graph.basic import SharedVariable, Variable
from ppgraph.graph.traversal import ancestors
from ppgraph.model.core import Model, modelcontext

__all__ = ["GraphNode", "ModelGraph", "model_to_graphviz"]

# kind -> (Graphviz attributes, matplotlib patch style)
_DOT_STYLE = {
    "free": "shape=ellipse",
    "observed": "shape=ellipse style=filled fillcolor=lightgrey",
    "deterministic": "shape=box",
    "potential": "shape=octagon",
    "data": 'shape=box style="rounded,filled" fillcolor=lightgrey',
}
_FILL = {"observed": "lightgrey", "data": "lightgrey"}
_W, _H, _DX, _DY, _PAD = 1.7, 0.9, 2.1, 1.6, 0.3  # node box, spacing, plate padding


@dataclass(frozen=True)
class GraphNode:
    """One named variable of the model: its kind (``"free"``, ``"observed"``,
    ``"deterministic"``, ``"potential"`` or ``"data"``), what it is (the
    distribution's name, or the kind) and its plate label (``""`` for a scalar).

    Example:
        >>> from ppgraph.model.graph import GraphNode
        >>> print(GraphNode("tau", "free", "HalfCauchy", "").label)
        tau
        ~
        HalfCauchy
    """

    name: str
    kind: str
    what: str
    plate: str

    @property
    def label(self) -> str:
        return f"{self.name}\n~\n{self.what}"


class ModelGraph:
    """The graph of a model's named variables (see ``model_to_graphviz``).

    ``nodes`` and ``edges`` (``(parent, child)`` name pairs) describe it;
    ``source`` is Graphviz DOT text; ``draw(ax)`` draws it with matplotlib, and a
    notebook shows it as a PNG.

    Example:
        >>> from ppgraph.model.graph import GraphNode, ModelGraph
        >>> g = ModelGraph([GraphNode("mu", "free", "Normal", ""),
        ...                 GraphNode("y", "observed", "Normal", "3")], [("mu", "y")])
        >>> print(g.source)
        digraph {
            "mu" [label="mu\\n~\\nNormal" shape=ellipse]
            subgraph "cluster_3" {
                "y" [label="y\\n~\\nNormal" shape=ellipse style=filled fillcolor=lightgrey]
                label="3" labeljust=r labelloc=b style=rounded
            }
            "mu" -> "y"
        }
    """

    def __init__(self, nodes: Iterable[GraphNode], edges: Iterable[tuple[str, str]]) -> None:
        self.nodes = tuple(nodes)
        self.edges = tuple(edges)

    def __repr__(self) -> str:
        return f"ModelGraph({len(self.nodes)} nodes, {len(self.edges)} edges)"

    @property
    def plates(self) -> dict[str, list[str]]:
        """``{plate label: [node names]}``, the scalar plate ``""`` first."""
        out: dict[str, list[str]] = {"": []}
        for n in self.nodes:
            out.setdefault(n.plate, []).append(n.name)
        return out if out[""] else {k: v for k, v in out.items() if k}

    @property
    def source(self) -> str:
        """Graphviz DOT text: render it with ``graphviz.Source(g.source)`` or ``dot``."""

        def node(n: GraphNode) -> str:
            label = n.label.replace("\n", "\\n")
            return f'"{n.name}" [label="{label}" {_DOT_STYLE[n.kind]}]'

        by_name = {n.name: n for n in self.nodes}
        lines = ["digraph {"]
        for plate, names in self.plates.items():
            if not plate:
                lines += [f"\t{node(by_name[nm])}" for nm in names]
                continue
            lines.append(f'\tsubgraph "cluster_{plate}" {{')
            lines += [f"\t\t{node(by_name[nm])}" for nm in names]
            lines.append(f'\t\tlabel="{plate}" labeljust=r labelloc=b style=rounded')
            lines.append("\t}")
        lines += [f'\t"{a}" -> "{b}"' for a, b in self.edges]
        lines.append("}")
        return "\n".join(lines)

    def layout(self) -> dict[str, tuple[float, float]]:
        """Node centres: one row per depth (parents above children); one column
        band per plate (ordered by depth), so a plate's box holds only its own
        nodes; variables outside plates sit above or beside what they connect
        to, in the nearest free place of their row."""
        depth = {n.name: 0 for n in self.nodes}
        for _ in self.nodes:  # longest path from a root; the graph is acyclic
            for a, b in self.edges:
                depth[b] = max(depth[b], depth[a] + 1)
        pos: dict[str, tuple[float, float]] = {}
        taken: dict[int, list[tuple[float, float]]] = {}  # row -> occupied x intervals
        left = 0.0
        plates = {k: v for k, v in self.plates.items() if k}
        for names in sorted(plates.values(), key=lambda ns: max(depth[n] for n in ns)):
            rows: dict[int, list[str]] = {}
            for nm in names:
                rows.setdefault(depth[nm], []).append(nm)
            width = max(len(r) for r in rows.values())
            for d, row in rows.items():
                start = left + (width - len(row)) * _DX / 2
                for i, nm in enumerate(row):
                    pos[nm] = (start + i * _DX, -d * _DY)
            box = (left - _W / 2 - _PAD, left + (width - 1) * _DX + _W / 2 + _PAD)
            for d in range(min(rows), max(rows) + 1):
                taken.setdefault(d, []).append(box)
            left += width * _DX + _PAD * 2
        loose = self.plates.get("", [])
        for d in sorted({depth[nm] for nm in loose}):
            wants = {nm: self._want(nm, pos) for nm in loose if depth[nm] == d}
            for name in sorted(wants, key=lambda nm: wants[nm]):
                x = _free_x(wants[name], taken.setdefault(d, []))
                pos[name] = (x, -d * _DY)
                taken[d].append((x - _DX / 2, x + _DX / 2))
        return pos

    def _want(self, name: str, pos: dict[str, tuple[float, float]]) -> float:
        """Where ``name`` would like to be: above its placed children, else below
        its placed parents."""
        near = [pos[b][0] for a, b in self.edges if a == name and b in pos]
        near = near or [pos[a][0] for a, b in self.edges if b == name and a in pos]
        return sum(near) / len(near) if near else 0.0

    def draw(self, ax: Any = None) -> Any:
        """Draw the graph on a matplotlib ``ax`` (a new figure if None); returns ``ax``."""
        from matplotlib import patches

        pos = self.layout()
        xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
        if ax is None:
            import matplotlib.pyplot as plt

            _, ax = plt.subplots(figsize=self._figsize(xs, ys))
        kinds = {n.name: n.kind for n in self.nodes}
        shapes = {}
        for n in self.nodes:
            x, y = pos[n.name]
            shapes[n.name] = _patch(patches, n.kind, x, y)
            ax.add_patch(shapes[n.name])
            ax.text(x, y, n.label, ha="center", va="center", fontsize=9)
        for plate, names in self.plates.items():
            if not plate:
                continue
            px, py = [pos[nm][0] for nm in names], [pos[nm][1] for nm in names]
            x0, y0 = min(px) - _W / 2 - _PAD, min(py) - _H / 2 - _PAD * 1.5
            box = patches.FancyBboxPatch(
                (x0, y0), max(px) - min(px) + _W + 2 * _PAD,
                max(py) - min(py) + _H + 2.5 * _PAD,
                boxstyle="round,pad=0,rounding_size=0.15", fill=False, lw=1,
            )  # fmt: skip
            ax.add_patch(box)
            ax.text(x0 + box.get_width() - 0.08, y0 + 0.08, plate, ha="right", va="bottom",
                    fontsize=8)  # fmt: skip
        for a, b in self.edges:
            ax.annotate("", xy=pos[b], xytext=pos[a], arrowprops={
                "arrowstyle": "-|>", "patchA": shapes[a], "patchB": shapes[b],
                "shrinkA": 1, "shrinkB": 1, "lw": 1,
                "ls": ":" if kinds[b] == "potential" else "-"})  # fmt: skip
        ax.set_xlim(min(xs) - _W / 2 - 2 * _PAD, max(xs) + _W / 2 + 2 * _PAD)
        ax.set_ylim(min(ys) - _H / 2 - 3 * _PAD, max(ys) + _H / 2 + 2 * _PAD)
        ax.set_aspect("equal")
        ax.axis("off")
        return ax

    @staticmethod
    def _figsize(xs: list[float], ys: list[float]) -> tuple[float, float]:
        return (max(xs) - min(xs) + _W + 1.0) * 0.9, (max(ys) - min(ys) + _H + 1.0) * 0.9

    def _repr_png_(self) -> bytes:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        pos = self.layout()
        fig = Figure(figsize=self._figsize([p[0] for p in pos.values()],
                                           [p[1] for p in pos.values()]))  # fmt: skip
        FigureCanvasAgg(fig)
        self.draw(fig.add_subplot())
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
        return buf.getvalue()


def _free_x(want: float, taken: list[tuple[float, float]]) -> float:
    """The x nearest ``want`` where a node fits between the ``taken`` intervals."""
    half = _DX / 2

    def free(x: float) -> bool:
        return all(x + half <= lo or x - half >= hi for lo, hi in taken)

    candidates = [want] + [e for lo, hi in taken for e in (lo - half, hi + half)]
    return min((x for x in candidates if free(x)), key=lambda x: (abs(x - want), x))


def _patch(patches: Any, kind: str, x: float, y: float) -> Any:
    fill = _FILL.get(kind, "white")
    if kind in ("free", "observed"):
        return patches.Ellipse((x, y), _W, _H, fc=fill, ec="black")
    style = "round,pad=0,rounding_size=0.2" if kind == "data" else "square,pad=0"
    return patches.FancyBboxPatch((x - _W / 2, y - _H / 2), _W, _H, boxstyle=style, fc=fill,
                                  ec="black", ls="--" if kind == "potential" else "-")  # fmt: skip


def _kind(model: Model, var: Variable) -> str:
    if var in model.free_RVs:
        return "free"
    if var in model.observed_RVs:
        return "observed"
    if var in model.deterministics:
        return "deterministic"
    if var in model.potentials:
        return "potential"
    return "data"


def _named_parents(var: Variable, named: set[Variable]) -> list[Variable]:
    """The named variables ``var`` reads, not looking past a named one."""
    if var.owner is None:
        return []
    return [v for v in ancestors(var.owner.inputs, blockers=named) if v in named]


def _shapes(model: Model, variables: list[Variable]) -> dict[str, tuple[int, ...]]:
    """Each variable's shape: static when known, else evaluated once (with the
    stored keys, as ``eval`` does)."""
    out: dict[str, tuple[int, ...]] = {}
    unknown = []
    for v in variables:
        if isinstance(v, SharedVariable):
            out[str(v.name)] = tuple(np.shape(v.get_value()))
        elif None in v.type.shape:  # type: ignore[attr-defined]
            unknown.append(v)
        else:
            out[str(v.name)] = tuple(v.type.shape)  # type: ignore[attr-defined]
    if unknown:
        from ppgraph.compile import function

        values = function([], unknown)()
        out.update({str(v.name): tuple(np.shape(x)) for v, x in zip(unknown, values, strict=True)})
    return out


def _plate(shape: tuple[int, ...], dims: tuple[str | None, ...]) -> str:
    if not shape:
        return ""
    if dims and len(dims) == len(shape):
        return " x ".join(f"{d} ({s})" if d else str(s) for d, s in zip(dims, shape, strict=True))
    return " x ".join(str(s) for s in shape)


def model_to_graphviz(model: Model | None = None) -> ModelGraph:
    """The model as a graph of its named variables: free random variables
    (ellipses), observed ones (grey ellipses), deterministics (boxes), potentials
    (dashed boxes; octagons in ``.source``) and data (grey rounded boxes), in
    plates by dims or shape.

    ``.source`` is Graphviz DOT text; in a notebook the graph shows itself,
    drawn with matplotlib (``pip install "ppgraph[notebooks]"``): no ``dot``
    binary needed.

    Example:
        >>> import ppgraph as pg
        >>> from ppgraph.model.graph import model_to_graphviz
        >>> with pg.Model(coords={"school": range(3)}) as m:
        ...     mu = pg.Normal("mu", 0.0, 5.0)
        ...     theta = pg.Normal("theta", mu, 1.0, dims="school")
        ...     y = pg.Normal("y", theta, 1.0, observed=[1.0, 2.0, 3.0], dims="school")
        >>> g = model_to_graphviz(m)
        >>> g.edges
        (('mu', 'theta'), ('theta', 'y'))
        >>> g.plates
        {'': ['mu'], 'school (3)': ['theta', 'y']}
    """
    model = modelcontext(model, needs="pg.model_to_graphviz")
    variables = [v for v in model.named_vars.values() if v.name is not None]
    named = set(variables)
    shapes = _shapes(model, variables)
    nodes, edges = [], []
    order = {v: i for i, v in enumerate(variables)}
    for v in variables:
        name, kind = str(v.name), _kind(model, v)
        dist = model.rvs_to_distributions.get(v)  # type: ignore[call-overload]
        what = dist.__name__ if dist is not None else kind.capitalize()
        dims = model.named_vars_to_dims.get(name, ())
        nodes.append(GraphNode(name, kind, what, _plate(shapes[name], dims)))
        parents = _named_parents(v, named)
        edges += [(str(p.name), name) for p in sorted(parents, key=order.__getitem__)]
    return ModelGraph(nodes, edges)
