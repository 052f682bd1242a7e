"""The elementwise vocabulary as one table, and the functions users call.

Each row: name -> arity, output-dtype rule, infix symbol. How a row is computed
lives in the backend's table (``ppgraph/backend/jax/dispatch/elemwise.py``);
adding an op is one row here, one row there and one test.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ppgraph.tensor.elemwise import ScalarOpInfo, elemwise
from ppgraph.tensor.type import TensorVariable

S = ScalarOpInfo
SCALAR_OPS: dict[str, ScalarOpInfo] = {
    # arithmetic
    "add": S(2, "same", "+", commutative=True),
    "sub": S(2, "same", "-"),
    "mul": S(2, "same", "*", commutative=True),
    "true_div": S(2, "float", "/"),
    "floor_div": S(2, "same", "//"),
    "mod": S(2, "same", "%"),
    "pow": S(2, "same", "**"),
    "neg": S(1, "same", "-"),
    "abs": S(1),
    "sign": S(1),
    "reciprocal": S(1, "float"),
    "square": S(1),
    "sqrt": S(1, "float"),
    "maximum": S(2, commutative=True),
    "minimum": S(2, commutative=True),
    "clip": S(3),
    "floor": S(1),
    "ceil": S(1),
    "round": S(1),
    # exponentials and logarithms
    "exp": S(1, "float"),
    "exp2": S(1, "float"),
    "expm1": S(1, "float"),
    "log": S(1, "float"),
    "log2": S(1, "float"),
    "log10": S(1, "float"),
    "log1p": S(1, "float"),
    "logaddexp": S(2, "float", commutative=True),
    "log1mexp": S(1, "float"),  # log(1 - exp(x)) for x <= 0, stable at both ends
    "xlogy": S(2, "float"),  # x * log(y), 0 where x == 0
    "xlog1py": S(2, "float"),  # x * log1p(y), 0 where x == 0
    "xlogx": S(1, "float"),  # x * log(x), 0 where x == 0
    # logistic family
    "sigmoid": S(1, "float"),
    "logit": S(1, "float"),
    "softplus": S(1, "float"),  # log(1 + exp(x))
    "log_sigmoid": S(1, "float"),  # -softplus(-x)
    # trigonometric and hyperbolic
    "sin": S(1, "float"),
    "cos": S(1, "float"),
    "tan": S(1, "float"),
    "arcsin": S(1, "float"),
    "arccos": S(1, "float"),
    "arctan": S(1, "float"),
    "arctan2": S(2, "float"),
    "sinh": S(1, "float"),
    "cosh": S(1, "float"),
    "tanh": S(1, "float"),
    "arcsinh": S(1, "float"),
    "arccosh": S(1, "float"),
    "arctanh": S(1, "float"),
    # special functions
    "gammaln": S(1, "float"),
    "digamma": S(1, "float"),
    "betaln": S(2, "float", commutative=True),
    "gammainc": S(2, "float"),  # regularized lower incomplete gamma P(a, x)
    "gammaincc": S(2, "float"),  # regularized upper incomplete gamma Q(a, x)
    "betainc": S(3, "float"),  # regularized incomplete beta I_x(a, b)
    "gammaincinv": S(2, "float"),  # x with P(a, x) = p
    "gammainccinv": S(2, "float"),  # x with Q(a, x) = q
    "betaincinv": S(3, "float"),  # x with I_x(a, b) = p
    "erf": S(1, "float"),
    "erfc": S(1, "float"),
    "erfinv": S(1, "float"),
    "erfcinv": S(1, "float"),  # the inverse of erfc, accurate for x near 0
    "erfcx": S(1, "float"),  # exp(x**2) * erfc(x)
    "ndtr": S(1, "float"),  # standard normal cdf
    "ndtri": S(1, "float"),  # its inverse
    "log_ndtr": S(1, "float"),  # log of the standard normal cdf, finite far in the left tail
    "i0": S(1, "float"),
    "i1": S(1, "float"),
    "i0e": S(1, "float"),
    "i1e": S(1, "float"),
    # comparisons and logic
    "eq": S(2, "bool", "==", commutative=True),
    "neq": S(2, "bool", "!=", commutative=True),
    "lt": S(2, "bool", "<"),
    "le": S(2, "bool", "<="),
    "gt": S(2, "bool", ">"),
    "ge": S(2, "bool", ">="),
    "and": S(2, "same", "&", commutative=True),
    "or": S(2, "same", "|", commutative=True),
    "xor": S(2, "same", "^", commutative=True),
    "invert": S(1, "same", "~"),
    "isnan": S(1, "bool"),
    "isinf": S(1, "bool"),
    "isfinite": S(1, "bool"),
    "where": S(3, "where"),
    "identity": S(1),
}


def _unary(name: str, doc: str) -> Callable[[Any], TensorVariable]:
    def fn(x: Any) -> TensorVariable:
        return elemwise(name, x)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = (
        f"{doc}, elementwise.\n\n    Example:\n        >>> import ppgraph.tensor as pt\n"
        f"        >>> pt.{name}(pt.vector('x')).ndim\n        1\n    "
    )
    return fn


def _binary(name: str, doc: str, public: str = "") -> Callable[[Any, Any], TensorVariable]:
    def fn(x: Any, y: Any) -> TensorVariable:
        return elemwise(name, x, y)

    public = public or name
    fn.__name__ = fn.__qualname__ = public
    fn.__doc__ = (
        f"{doc}, elementwise with NumPy broadcasting.\n\n    Example:\n"
        f"        >>> import ppgraph.tensor as pt\n"
        f"        >>> pt.{public}(pt.scalar('x'), pt.vector('y')).ndim\n        1\n    "
    )
    return fn


add = _binary("add", "x + y")
sub = _binary("sub", "x - y")
mul = _binary("mul", "x * y")
true_div = _binary("true_div", "x / y")
floor_div = _binary("floor_div", "x // y")
mod = _binary("mod", "x % y")
pow = _binary("pow", "x ** y")
maximum = _binary("maximum", "The larger of x and y")
minimum = _binary("minimum", "The smaller of x and y")
logaddexp = _binary("logaddexp", "log(exp(x) + exp(y)), computed stably")
xlogy = _binary("xlogy", "x * log(y), 0 where x is 0")
xlog1py = _binary("xlog1py", "x * log1p(y), 0 where x is 0")
arctan2 = _binary("arctan2", "arctan(x / y) in the right quadrant")
betaln = _binary("betaln", "log of the beta function B(a, b)")
gammainc = _binary("gammainc", "The regularized lower incomplete gamma function P(a, x)")
gammaincc = _binary("gammaincc", "The regularized upper incomplete gamma function Q(a, x)")
gammaincinv = _binary("gammaincinv", "The inverse of gammainc in x: x with P(a, x) = p")
gammainccinv = _binary("gammainccinv", "The inverse of gammaincc in x: x with Q(a, x) = q")
eq = _binary("eq", "x == y")
neq = _binary("neq", "x != y")
lt = _binary("lt", "x < y")
le = _binary("le", "x <= y")
gt = _binary("gt", "x > y")
ge = _binary("ge", "x >= y")
and_ = _binary("and", "Logical/bitwise and", "and_")
or_ = _binary("or", "Logical/bitwise or", "or_")
xor = _binary("xor", "Logical/bitwise exclusive or")

neg = _unary("neg", "-x")
abs = _unary("abs", "``|x|``")
sign = _unary("sign", "The sign of x (-1, 0 or 1)")
reciprocal = _unary("reciprocal", "1 / x")
square = _unary("square", "x ** 2")
sqrt = _unary("sqrt", "The square root")
floor = _unary("floor", "The largest integer <= x")
ceil = _unary("ceil", "The smallest integer >= x")
round = _unary("round", "x rounded half to even")
exp = _unary("exp", "e ** x")
exp2 = _unary("exp2", "2 ** x")
expm1 = _unary("expm1", "exp(x) - 1, accurate near 0")
log = _unary("log", "The natural logarithm")
log2 = _unary("log2", "The base-2 logarithm")
log10 = _unary("log10", "The base-10 logarithm")
log1p = _unary("log1p", "log(1 + x), accurate near 0")
log1mexp = _unary("log1mexp", "log(1 - exp(x)) for x <= 0, accurate at both ends")
xlogx = _unary("xlogx", "x * log(x), 0 where x is 0")
sigmoid = _unary("sigmoid", "1 / (1 + exp(-x))")
expit = sigmoid
invlogit = sigmoid
logit = _unary("logit", "log(p / (1 - p))")
softplus = _unary("softplus", "log(1 + exp(x)), without overflow")
log_sigmoid = _unary("log_sigmoid", "log(sigmoid(x)), finite for large negative x")
sin = _unary("sin", "The sine")
cos = _unary("cos", "The cosine")
tan = _unary("tan", "The tangent")
arcsin = _unary("arcsin", "The inverse sine")
arccos = _unary("arccos", "The inverse cosine")
arctan = _unary("arctan", "The inverse tangent")
sinh = _unary("sinh", "The hyperbolic sine")
cosh = _unary("cosh", "The hyperbolic cosine")
tanh = _unary("tanh", "The hyperbolic tangent")
arcsinh = _unary("arcsinh", "The inverse hyperbolic sine")
arccosh = _unary("arccosh", "The inverse hyperbolic cosine")
arctanh = _unary("arctanh", "The inverse hyperbolic tangent")
gammaln = _unary("gammaln", "``log |Gamma(x)|``")
digamma = _unary("digamma", "The derivative of gammaln")
erf = _unary("erf", "The error function")
erfc = _unary("erfc", "1 - erf(x), accurate for large x")
erfinv = _unary("erfinv", "The inverse error function")
erfcinv = _unary("erfcinv", "The inverse of erfc, accurate near 0")
erfcx = _unary("erfcx", "exp(x**2) * erfc(x), the scaled complementary error function")
ndtr = _unary("ndtr", "The standard normal cdf")
ndtri = _unary("ndtri", "The standard normal quantile function")
log_ndtr = _unary("log_ndtr", "log of the standard normal cdf, finite far in the left tail")
i0 = _unary("i0", "The modified Bessel function of order 0")
i1 = _unary("i1", "The modified Bessel function of order 1")
i0e = _unary("i0e", "``exp(-|x|) * i0(x)``")
i1e = _unary("i1e", "``exp(-|x|) * i1(x)``")
invert = _unary("invert", "Logical/bitwise not")
isnan = _unary("isnan", "True where x is NaN")
isinf = _unary("isinf", "True where x is +inf or -inf")
isfinite = _unary("isfinite", "True where x is neither NaN nor infinite")
identity = _unary("identity", "x unchanged")
gamma_ln = gammaln


def betainc(a: Any, b: Any, x: Any) -> TensorVariable:
    """The regularized incomplete beta function I_x(a, b), elementwise.

    Example:
        >>> import ppgraph.tensor as pt
        >>> float(pt.betainc(2.0, 3.0, 1.0).eval())
        1.0
    """
    return elemwise("betainc", a, b, x)


def betaincinv(a: Any, b: Any, p: Any) -> TensorVariable:
    """The inverse of ``betainc`` in x: x with I_x(a, b) = p, elementwise.

    Example:
        >>> import ppgraph.tensor as pt
        >>> x = float(pt.betaincinv(2.0, 3.0, 0.6875).eval())  # I_0.5(2, 3) = 11/16
        >>> 0.5 - 1e-12 < x < 0.5 + 1e-12
        True
    """
    return elemwise("betaincinv", a, b, p)


def where(cond: Any, x: Any, y: Any) -> TensorVariable:
    """``x`` where ``cond`` holds, else ``y`` (NumPy's ``where``).

    Example:
        >>> import ppgraph.tensor as pt
        >>> v = pt.vector("v")
        >>> pt.where(v > 0, v, 0.0).eval({v: [-1.0, 2.0]})
        array([0., 2.])
    """
    from ppgraph.tensor.elemwise import as_tensors, cast

    c, a, b = as_tensors(cond, x, y)
    return elemwise("where", cast(c, "bool"), a, b)


switch = where


def clip(x: Any, lower: Any, upper: Any) -> TensorVariable:
    """``x`` limited to ``[lower, upper]``.

    Example:
        >>> import ppgraph.tensor as pt
        >>> pt.clip(pt.constant([-2.0, 0.5, 3.0]), 0.0, 1.0).eval()
        array([0. , 0.5, 1. ])
    """
    return elemwise("clip", x, lower, upper)
