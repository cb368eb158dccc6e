"""A safe parser for formulas typed by users, such as ``sin(3x)cos(y) + 0.1(x^2+y^2)``.

The text is untrusted. It is never given to ``eval``, ``sympify``, ``parse_expr`` or
``lambdify``. Instead, in the calling process and without touching sympy:

1. the length is bounded and every character must be in a small ASCII whitelist
   (digits, letters, space, ``+ - * / ^ ( ) . ,``), so ``_``, quotes, brackets, ``=``,
   ``:``, ``;``, ``@`` and unicode look-alikes are rejected with their position;
2. a tokenizer checks every name against the whitelist (x, y, pi, e and the functions
   in ``FUNCTIONS``), inserts the implicit multiplications (``3x``, ``2(x+1)``,
   ``(x)(y)``, ``x y``, ``x sin(y)``), maps ``^`` to ``**`` and bounds the nesting;
3. the token stream, re-joined, is parsed with ``ast.parse(mode="eval")`` and the tree
   is walked: only numbers, the allowed names, ``+ - * / **``, unary ``+ -`` and calls
   of allowed functions with one positional argument pass; node count, nesting depth,
   literal size, constant exponents and towers of variable exponents are bounded.

The symbolic work (building the sympy expression from the checked tree, the derivatives,
the size check of the results, common subexpressions, LaTeX) runs in a separate worker
process with a wall-clock limit (see `surfaces._worker`): some whitelisted inputs still
make sympy slow, and neither threads nor ``signal.alarm`` (Streamlit runs scripts in a
worker thread) can stop a C-level big-integer operation. The expressions come back
pickled; they were built node by node from the whitelist, so lambdifying them in this
process is safe.
"""

from __future__ import annotations

import ast
import bisect
import dataclasses
import functools
import math
import threading
from collections import OrderedDict

import numpy as np

from . import _worker, analysis, core
from .core import Surface
from .tokens import (  # noqa: F401  (the parser's public names)
    FUNCTION_LIST,
    FUNCTIONS,
    MAX_LENGTH,
    MAX_PAREN_DEPTH,
    NAMES,
    FormulaError,
    check_characters,
    normalize,
    normalize_tokens,
    tokenize,
)

MAX_NODES = 200  # syntax tree nodes
MAX_DEPTH = 40  # syntax tree depth
MAX_CALL_DEPTH = 4  # nested function calls: exp(exp(exp(exp(x)))) is the most
MAX_LITERAL = 1e15  # magnitude of a number as written
MAX_EXPONENT = 1000  # magnitude of a constant exponent (10^300 is fine, 9^9^9 is not)
MAX_TOWER = 2  # nested powers whose exponent depends on x or y: x^(y^x) is the most
MAX_DIGITS = 4000  # digits of an exact constant power such as 10^300
MAX_OPS = 5000  # sympy count_ops of the gradient and Hessian together
TIME_LIMIT = 3.0  # seconds for the symbolic work in the worker process
DEFAULT_DOMAIN = ((-3.0, 3.0), (-3.0, 3.0))

# ---------------------------------------------------------------------- syntax tree

_BINOPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "^"}
_UNARY = (ast.USub, ast.UAdd)
_MATH = {
    "sin": math.sin,
    "cos": math.cos,
    "tan": math.tan,
    "exp": math.exp,
    "log": math.log,
    "sqrt": math.sqrt,
    "abs": abs,
    "tanh": math.tanh,
    "sinh": math.sinh,
    "cosh": math.cosh,
    "atan": math.atan,
    "asin": math.asin,
    "acos": math.acos,
    "sigmoid": lambda t: 0.5 * (1 + math.tanh(t / 2)),
}
_CONSTANTS = {"pi": math.pi, "e": math.e}


class _Checker:
    """Walk the tree; raise FormulaError at the first node outside the whitelist."""

    def __init__(self, offsets):
        self.offsets = offsets
        self.keys = [o for o, _ in offsets]
        self.nodes = 0

    def where(self, node):
        """Position in the user's text of the token where ``node`` starts."""
        i = bisect.bisect_right(self.keys, getattr(node, "col_offset", 0)) - 1
        return self.offsets[max(i, 0)][1]

    def fail(self, node, message):
        raise FormulaError(f"{message} at position {self.where(node)}")

    def check(self, node, depth=0, calls=0, tower=0):
        self.nodes += 1
        if self.nodes > MAX_NODES:
            self.fail(node, f"the formula is too long (more than {MAX_NODES} parts)")
        if depth > MAX_DEPTH:
            self.fail(node, f"the formula is nested too deeply (limit {MAX_DEPTH} levels)")
        if isinstance(node, ast.Expression):
            return self.check(node.body, depth + 1, calls, tower)
        if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
            # a + b + c + ... is a left-leaning chain as deep as it is long: the chain's
            # links count as one level, so depth measures nesting, not length.
            chained = _same_level(node.left, node.op)
            self.check(node.left, depth if chained else depth + 1, calls, tower)
            if isinstance(node.op, ast.Pow):
                tower = self.check_exponent(node, tower)
            return self.check(node.right, depth + 1, calls, tower)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, _UNARY):
            return self.check(node.operand, depth + 1, calls, tower)
        if isinstance(node, ast.Call):
            return self.check_call(node, depth, calls, tower)
        if isinstance(node, ast.Name):
            if node.id not in NAMES or not isinstance(node.ctx, ast.Load):
                self.fail(node, f"unknown name '{node.id}'")
            return None
        if isinstance(node, ast.Constant):
            return self.check_number(node)
        self.fail(node, _describe(node))

    def check_exponent(self, node, tower):
        exponent = _constant_value(node.right)
        if exponent is None:  # depends on x or y
            if tower + 1 > MAX_TOWER:
                self.fail(
                    node.right,
                    f"too many powers with x or y in the exponent stacked on each other "
                    f"(limit {MAX_TOWER})",
                )
            return tower + 1
        if not abs(exponent) <= MAX_EXPONENT:  # NaN passes: sympy gives nan, caught later
            if not math.isnan(exponent):
                self.fail(
                    node.right,
                    f"the exponent {exponent:.4g} is too large (the limit is {MAX_EXPONENT})",
                )
        base = _constant_value(node.left)
        digits = 0.0
        if base is not None and base != 0 and not math.isnan(base) and not math.isnan(exponent):
            digits = abs(exponent) * math.log10(abs(base)) if math.isfinite(base) else math.inf
        # sympy computes constant powers exactly, so the exact number's size counts too:
        # (13/17)^1000 is tiny (its float even underflows to 0 when nested) but its
        # numerator and denominator have 1,000 digits each, and its 1000th power has two
        # million; the value's digits alone missed it.
        digits = max(digits, _exact_digits(node) or 0.0)
        if digits > MAX_DIGITS:
            self.fail(node, f"this number is too large (more than {MAX_DIGITS} digits)")
        return tower

    def check_call(self, node, depth, calls, tower):
        func = node.func
        if not isinstance(func, ast.Name) or func.id not in _MATH:
            self.fail(node, f"only the functions {FUNCTION_LIST} can be called")
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            self.fail(node, f"write {func.id}(...) with just one value inside")
        if len(node.args) != 1:
            self.fail(node, f"{func.id} takes exactly 1 argument, got {len(node.args)}")
        if calls + 1 > MAX_CALL_DEPTH:
            self.fail(node, f"too many functions nested inside each other (limit {MAX_CALL_DEPTH})")
        return self.check(node.args[0], depth + 1, calls + 1, tower)

    def check_number(self, node):
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(node, "only plain numbers are allowed")
        if not abs(value) <= MAX_LITERAL:
            self.fail(node, f"the number {value:.4g} is too large (limit {MAX_LITERAL:.0e})")


_LEVELS = ((ast.Add, ast.Sub), (ast.Mult, ast.Div))


def _same_level(child, op):
    """Tell whether ``child`` continues the chain of ``op`` (a + b - c, a * b / c)."""
    if not isinstance(child, ast.BinOp):
        return False
    return any(isinstance(op, level) and isinstance(child.op, level) for level in _LEVELS)


def _describe(node):
    if isinstance(node, ast.Tuple):
        return "commas can only separate function arguments (or empty parentheses)"
    if isinstance(node, ast.BinOp):
        return "only + - * / ^ are allowed as operators"
    return f"'{type(node).__name__}' is not allowed in a formula"


def _constant_value(node):
    """Float value of a subtree without x or y (inf/NaN on overflow), else None.

    Uses floats only, so 9**9**9 costs one overflow instead of a billion-digit integer.
    """
    if isinstance(node, ast.Constant):
        return float(node.value)
    if isinstance(node, ast.Name):
        return _CONSTANTS.get(node.id)
    if isinstance(node, ast.UnaryOp):
        v = _constant_value(node.operand)
        return None if v is None else (-v if isinstance(node.op, ast.USub) else v)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in _MATH
        and len(node.args) == 1
    ):
        v = _constant_value(node.args[0])
        return None if v is None else _safe(lambda: _MATH[node.func.id](v))
    if isinstance(node, ast.BinOp):
        a, b = _constant_value(node.left), _constant_value(node.right)
        if a is None or b is None:
            return None
        op = type(node.op)
        return _safe(
            {
                ast.Add: lambda: a + b,
                ast.Sub: lambda: a - b,
                ast.Mult: lambda: a * b,
                ast.Div: lambda: a / b,
                ast.Pow: lambda: a**b,
            }[op]
        )
    return None


def _exact_digits(node):
    """Estimate the digits of the exact number sympy builds for a subtree, or None.

    The estimate counts numerator plus denominator; None means the subtree has x or y.

    Integers count their digits; float literals become inexact sympy Floats and pi, e and
    function calls stay symbolic (count 0 or their argument's); sums, products and
    quotients add their operands' digits; a power multiplies its base's by the exponent.
    """
    if isinstance(node, ast.Constant):
        if type(node.value) is int and abs(node.value) > 1:
            return math.log10(abs(node.value))
        return 0.0
    if isinstance(node, ast.Name):
        return 0.0 if node.id in _CONSTANTS else None
    if isinstance(node, ast.UnaryOp):
        return _exact_digits(node.operand)
    if isinstance(node, ast.Call) and len(node.args) == 1:
        return _exact_digits(node.args[0])
    if isinstance(node, ast.BinOp):
        a = _exact_digits(node.left)
        if a is None:
            return None
        if isinstance(node.op, ast.Pow):
            exponent = _constant_value(node.right)
            if exponent is None:
                return None
            return a * abs(exponent) if math.isfinite(exponent) else math.inf
        b = _exact_digits(node.right)
        return None if b is None else a + b
    return None


def _safe(fn):
    try:
        v = fn()
    except OverflowError:
        return math.inf
    except (ValueError, ZeroDivisionError):
        return math.nan
    return v if isinstance(v, float | int) else math.nan  # complex -> NaN


def check(text):
    """Statically check ``text``; return the normalized text (no sympy involved).

    Parameters
    ----------
    text : str

    Returns
    -------
    str
        The normalized formula: implicit products explicit, ``^`` as ``**``.

    Raises
    ------
    FormulaError
    """
    check_characters(text)
    normalized, offsets = normalize_tokens(tokenize(text))
    try:
        tree = ast.parse(normalized, mode="eval")
    except SyntaxError as exc:
        checker = _Checker(offsets)
        node = ast.Constant(0, col_offset=max((exc.offset or 1) - 1, 0))
        raise FormulaError(
            f"the formula is incomplete or has a misplaced symbol near position "
            f"{checker.where(node)}"
        ) from None
    except (RecursionError, MemoryError, ValueError):
        raise FormulaError("the formula is nested too deeply") from None
    checker = _Checker(offsets)
    checker.check(tree)
    call = _innermost_overflow(tree, ast.Call)
    if call is not None:  # exp(exp(10)): say so now, not after the worker has tried
        raise FormulaError(_overflow_text(call, f" at position {checker.where(call)}"))
    return normalized


# ------------------------------------------------------------ symbolic work (worker)


def to_sympy(normalized):
    """Build the sympy expression of an already checked, normalized formula.

    Runs in the worker process. Every node maps to one explicit sympy constructor.
    """
    import sympy as sp

    funcs = {
        "sin": sp.sin,
        "cos": sp.cos,
        "tan": sp.tan,
        "exp": sp.exp,
        "log": sp.log,
        "sqrt": sp.sqrt,
        "abs": sp.Abs,
        "tanh": sp.tanh,
        "sinh": sp.sinh,
        "cosh": sp.cosh,
        "atan": sp.atan,
        "asin": sp.asin,
        "acos": sp.acos,
        "sigmoid": lambda t: 1 / (1 + sp.exp(-t)),
    }
    names = {"x": core.X, "y": core.Y, "pi": sp.pi, "e": sp.E}
    binops = {
        ast.Add: lambda a, b: a + b,
        ast.Sub: lambda a, b: a - b,
        ast.Mult: lambda a, b: a * b,
        ast.Div: lambda a, b: a / b,
        ast.Pow: lambda a, b: a**b,
    }

    def build(node):
        if isinstance(node, ast.BinOp):
            return binops[type(node.op)](build(node.left), build(node.right))
        if isinstance(node, ast.UnaryOp):
            operand = build(node.operand)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.Call):
            return funcs[node.func.id](build(node.args[0]))
        if isinstance(node, ast.Name):
            return names[node.id]
        if isinstance(node, ast.Constant) and type(node.value) is int:
            return sp.Integer(node.value)
        if isinstance(node, ast.Constant) and type(node.value) is float:
            return sp.Float(node.value)
        raise FormulaError(f"unexpected {type(node).__name__}")  # checked before: unreachable

    tree = ast.parse(normalized, mode="eval")
    _Checker([(0, 0)]).check(tree)  # defence in depth: same whitelist again
    return build(tree.body)


def symbolic_job(request):
    """Do the worker's job: expression, derivatives, size checks, CSE, LaTeX.

    ``request`` is ``(normalized text, MAX_OPS)``: the limits are the caller's. A
    generator, so the caller compiles each part while the worker computes the next.

    Yields
    ------
    dict
        ``part="grad"``: ``expr``, ``f``, ``grad`` (sympy) and their ``cses``.
    dict
        ``part="hessian"``: ``hess`` ``[fxx, fxy, fyy]`` and its ``cse``.
    dict
        ``part="latex"``: ``latex`` of f, the gradient and the Hessian.
    """
    import sympy as sp

    normalized, max_ops = request
    expr = to_sympy(normalized)
    _check_numbers([expr])
    if expr.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        raise FormulaError(
            "the formula is undefined everywhere (it contains a division by zero or "
            "another undefined constant such as 0/0)"
        )
    raw_grad = core.gradient_exprs(expr)
    f, grad = core.clean(expr), [core.clean(g) for g in raw_grad]
    _check_result(grad, max_ops)
    yield {
        "part": "grad",
        "expr": expr,
        "f": f,
        "grad": grad,
        "cses": (sp.cse(f, list=False), sp.cse(grad)),
    }
    hess = [core.clean(h) for h in core.hessian_exprs(raw_grad)]
    _check_result(grad + hess, max_ops)
    yield {"part": "hessian", "hess": hess, "cse": sp.cse(hess)}
    yield {"part": "latex", "latex": core.latex_of(expr, grad, hess)}


_MAX_BITS = int(MAX_DIGITS * math.log2(10)) + 64


def _check_numbers(exprs):
    """Refuse any exact number larger than the static bound allows.

    Defence in depth: nothing big may reach the server process, where unpickling it
    holds the GIL.
    """
    import sympy as sp

    for e in exprs:
        for number in e.atoms(sp.Rational):
            if max(abs(number.p).bit_length(), number.q.bit_length()) > _MAX_BITS:
                raise FormulaError(
                    f"the formula makes an exact number with more than {MAX_DIGITS} digits"
                )


def _check_result(exprs, max_ops):
    import sympy as sp

    _check_numbers(exprs)

    ops = sp.count_ops(exprs)
    if ops > max_ops:
        raise FormulaError(
            f"the formula is too complicated: its derivatives have {ops} operations "
            f"(limit {max_ops})"
        )
    for e in exprs:
        if e.atoms(sp.Derivative, sp.Subs, sp.Integral) or e.has(sp.zoo, sp.nan):
            raise FormulaError("the formula cannot be differentiated everywhere symbolically")


# ------------------------------------------------------------------------- parse()

# Bounded caches shared by Streamlit's script threads (hence the lock); oldest out first.
_cache_lock = threading.Lock()
_FAILURES: OrderedDict = OrderedDict()  # normalized text -> the worker's verdict
_MAX_FAILURES = 64


def parse(text, *, domain=None):
    """Build a Surface from an untrusted formula in x and y.

    Implicit multiplication is understood (``3x``, ``2(x+1)``, ``(x+1)(y-1)``, ``x y``,
    ``sin(x)cos(y)``), ``^`` is a power, names are ``x, y, pi, e`` and the functions
    sin cos tan exp log/ln sqrt abs tanh sinh cosh arctan/atan arcsin/asin arccos/acos
    sigmoid. Values, gradients and Hessians are float64; where the formula is undefined
    (``log`` of a negative number, ``1/0``, complex results) they are NaN or inf,
    without warnings. Results are cached by the normalized text.

    Parameters
    ----------
    text : str
        The formula, at most ``MAX_LENGTH`` characters.
    domain : ((xmin, xmax), (ymin, ymax)), optional
        Box to draw and to search for critical points; default [-3, 3]².

    Returns
    -------
    Surface
        ``name="formula"``; minima and saddles found numerically in the box.

    Raises
    ------
    FormulaError
        With a message saying what is wrong and where (0-based position in ``text``).
    """
    normalized = check(text)
    domain = _check_domain(domain)
    with _cache_lock:
        failure = _FAILURES.get(normalized)
    if failure is not None:
        raise FormulaError(failure)
    surface = _build(normalized, domain)
    title = text.strip()
    return surface if surface.title == title else dataclasses.replace(surface, title=title)


def _check_domain(domain):
    if domain is None:
        return DEFAULT_DOMAIN
    try:
        (x0, x1), (y0, y1) = ((float(a), float(b)) for a, b in domain)
    except (TypeError, ValueError):
        raise ValueError("domain must be ((xmin, xmax), (ymin, ymax))") from None
    if not (np.isfinite([x0, x1, y0, y1]).all() and x0 < x1 and y0 < y1):
        raise ValueError(f"domain must be finite with min < max, got {domain!r}")
    return ((x0, x1), (y0, y1))


def _remember(cache, limit, key, value):
    with _cache_lock:
        cache[key] = value
        while len(cache) > limit:
            cache.popitem(last=False)


def _remember_failure(normalized, message):
    _remember(_FAILURES, _MAX_FAILURES, normalized, message)


_COMPILED: OrderedDict = OrderedDict()  # normalized text -> (expr, Derivatives, latex)
_MAX_COMPILED = 64


def _lambdify(exprs, cse):
    try:
        return core.lambdify_numpy(exprs, cse)
    except Exception as exc:  # a printer gap in sympy; never user code
        raise FormulaError(f"the formula could not be compiled ({type(exc).__name__})") from None


def _symbolic(normalized, on_compiled):
    """Compile ``normalized`` via the worker (cached); call ``on_compiled(fns)`` early.

    ``on_compiled`` runs while the worker is still printing LaTeX, so the numerical
    analysis overlaps with it.
    """
    with _cache_lock:
        hit = _COMPILED.get(normalized)
    if hit is not None:
        on_compiled(hit[1])
        return hit
    compiled = {}

    def on_part(part):  # value and gradient compile while the worker derives the Hessian
        if part["part"] == "grad":
            compiled["expr"] = part["expr"]
            compiled["value"] = core.wrap_value(_lambdify(part["f"], part["cses"][0]))
            compiled["grad"] = core.wrap_grad(_lambdify(part["grad"], part["cses"][1]))
        elif part["part"] == "hessian":
            hessian = core.wrap_hessian(_lambdify(part["hess"], part["cse"]))
            compiled["fns"] = core.Derivatives(compiled["value"], compiled["grad"], hessian)
            on_compiled(compiled["fns"])  # the analysis overlaps with LaTeX printing

    try:
        status, payload = _worker.run(
            "symbolic", (normalized, MAX_OPS), TIME_LIMIT, on_part=on_part
        )
    except _worker.Timeout:
        # Not remembered: under load (or with a killed worker) an easy formula can miss
        # the limit; only verdicts that are properties of the formula are cached.
        raise FormulaError(
            f"the formula takes too long to differentiate (more than {TIME_LIMIT:g} s); "
            "try a simpler one"
        ) from None
    except _worker.WorkerDied:
        raise FormulaError(
            "the formula could not be processed (the helper process failed); try again"
        ) from None
    except _worker.TooLarge:
        message = "the formula's result is too large to use"
        _remember_failure(normalized, message)
        raise FormulaError(message) from None
    if status == "error":
        if payload.endswith("(OverflowError)"):
            payload = _overflow_message(normalized)
        _remember_failure(normalized, payload)
        raise FormulaError(payload)
    entry = (compiled["expr"], compiled["fns"], payload[-1]["latex"])
    _remember(_COMPILED, _MAX_COMPILED, normalized, entry)
    return entry


def _innermost_overflow(tree, kinds):
    """Return the innermost constant node of type ``kinds`` whose float value is infinite.

    Only nodes whose operands are all finite count, so the culprit is the step that
    overflows (``exp(exp(10))`` in ``exp(exp(exp(10)))``), not everything around it.
    """
    culprit = None
    for node in ast.walk(tree):  # breadth first: the last hit is the innermost
        if not isinstance(node, kinds):
            continue
        value = _constant_value(node)
        if value is None or not math.isinf(value):
            continue
        operands = node.args if isinstance(node, ast.Call) else [node.left, node.right]
        if isinstance(node, ast.BinOp | ast.Call):
            if all(math.isfinite(_constant_value(o)) for o in operands):
                culprit = node
    return culprit


def _overflow_text(node, where=""):
    shown = ast.unparse(node).replace(" ** ", "^")
    return f"{shown}{where} overflows: its value exceeds about 1.8e308, the largest float"


def _overflow_message(normalized):
    """Name the innermost constant part of the formula that overflows a float."""
    culprit = _innermost_overflow(ast.parse(normalized, mode="eval"), (ast.Call, ast.BinOp))
    if culprit is None:
        return "a number in the formula overflows (it is beyond about 1.8e308)"
    return _overflow_text(culprit)


_CHECK_POINTS = 101  # per axis: the finiteness check's grid over the view


def _check_finite(fns, domain, normalized):
    """Refuse a formula with no finite value on the view (it could draw nothing)."""
    (x0, x1), (y0, y1) = domain
    gx, gy = np.meshgrid(np.linspace(x0, x1, _CHECK_POINTS), np.linspace(y0, y1, _CHECK_POINTS))
    z = fns.value(np.column_stack([gx.ravel(), gy.ravel()]))
    if not np.isfinite(z).any():
        where = f"the formula has no finite value anywhere in the view x in [{x0:g}, {x1:g}], "
        where += f"y in [{y0:g}, {y1:g}]"
        culprit = _innermost_overflow(ast.parse(normalized, mode="eval"), ast.BinOp)
        if culprit is not None:
            raise FormulaError(f"{where}: {_overflow_text(culprit)}")
        raise FormulaError(
            f"{where}: it takes the log or square root of a negative number, "
            "a fractional power of a negative number, or a number beyond about 1.8e308 "
            "(such as exp(1000) or 10^400)"
        )


def _analyse(fns, domain):
    """Critical points, start, learning rate and view of a formula in its box."""
    points = analysis.critical_points(fns, domain)
    minima = [(p.x, p.y) for p in points if p.kind == "minimum"]
    saddles = [(p.x, p.y) for p in points if p.kind == "saddle"]
    start = analysis.suggest_start(fns, domain)
    lr = analysis.suggest_lr(fns, start, minima=minima[:1], domain=domain)
    log_z, z_clip = analysis.suggest_view(fns, domain)
    return dict(minima=minima, saddles=saddles, start=start, lr=lr, log_z=log_z, z_clip=z_clip)


@functools.lru_cache(maxsize=64)
def _build(normalized, domain):
    found = {}
    expr, fns, latex = _symbolic(normalized, lambda fns: found.update(_analyse(fns, domain)))
    _check_finite(fns, domain, normalized)
    return Surface(
        name="formula",
        title=normalized.replace(" ", "").replace("**", "^"),
        description="Your formula. Minima and saddles were found numerically in the box "
        "(Newton's method from a grid of starts).",
        params={},
        expr=expr,
        latex=latex,
        value=fns.value,
        grad=fns.grad,
        hessian=fns.hessian,
        domain=domain,
        **found,
    )


def clear_cache():
    """Forget cached formulas (for benchmarks measuring a cold build)."""
    _build.cache_clear()
    with _cache_lock:
        _COMPILED.clear()
        _FAILURES.clear()
