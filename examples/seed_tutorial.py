"""The seed tutorial's graph half, with ppgraph: build, print, compile, rewrite.

Run: python examples/seed_tutorial.py
"""

import numpy as np

import ppgraph as pg
import ppgraph.tensor as pt

x = pt.scalar(name="x")
y = pt.vector(name="y")
print(f"x type: {x.type}\nx name = {x.name}\ny type: {y.type}\ny name = {y.name}")

z = x + y
z.name = "x + y"
w = pt.log(z)
w.name = "log(x + y)"
pg.dprint(w)

f = pg.function(inputs=[x, y], outputs=w)
print("f(x=0, y=[1, e]) =", f(x=0, y=[1, np.e]))
print("w.eval({z: [1, e]}) =", w.eval({z: [1, np.e]}))

a = pt.scalar(name="a")
b = pt.scalar(name="b")
c = a / b
c.name = "a / b"
d = b * c
d.name = "b * c"
pg.dprint(d)
g = pg.function(inputs=[a, b], outputs=d)
print("compiled b * (a / b):")
pg.dprint(g)

new_w = pg.clone_replace([w], replace={z: pt.exp(z)})[0]
new_w.name = "log(exp(x + y))"
pg.dprint(new_w)
f2 = pg.function(inputs=[x, y], outputs=new_w)
print("compiled log(exp(x + y)):")
pg.dprint(f2)
print("f2(x=0, y=[1, e]) =", f2(x=0, y=[1, np.e]))

r = pt.random.normal(loc=0, scale=1, name="r")
pg.dprint(r)
print("r.eval() twice:", r.eval(), r.eval())
