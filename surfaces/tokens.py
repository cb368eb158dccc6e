"""The first stage of reading a formula: characters, tokens and implicit products.

Untrusted text is checked character by character and split into tokens with a regular
expression; nothing here evaluates anything. :mod:`surfaces.parser` continues with the
syntax tree (``ast.parse`` of the normalized text, with a node whitelist and bounds).
"""

from __future__ import annotations

import re
import unicodedata

MAX_LENGTH = 300  # characters of the raw text
MAX_PAREN_DEPTH = 20  # nested parentheses

NAMES = ("x", "y", "pi", "e")
# name -> canonical name; the builder maps canonical names to sympy.
FUNCTIONS = {
    "sin": "sin",
    "cos": "cos",
    "tan": "tan",
    "exp": "exp",
    "log": "log",
    "ln": "log",
    "sqrt": "sqrt",
    "abs": "abs",
    "tanh": "tanh",
    "sinh": "sinh",
    "cosh": "cosh",
    "arctan": "atan",
    "atan": "atan",
    "arcsin": "asin",
    "asin": "asin",
    "arccos": "acos",
    "acos": "acos",
    "sigmoid": "sigmoid",
}
FUNCTION_LIST = (
    "sin, cos, tan, exp, log (or ln), sqrt, abs, tanh, sinh, cosh, "
    "arctan (atan), arcsin (asin), arccos (acos), sigmoid"
)
_ALLOWED_CHARS = frozenset(
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ +-*/^().,\t"
)
_TOKEN = re.compile(
    r"(?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)"
    r"|(?P<name>[A-Za-z]+)"
    r"|(?P<op>\*\*|[-+*/^(),])"
    r"|(?P<space>[ \t]+)"
)


class FormulaError(ValueError):
    """A formula was rejected; the message says what is wrong and where (0-based)."""


# --------------------------------------------------------------------------- tokens


def check_characters(text):
    """Refuse non-text, over-long text and characters outside the whitelist, saying where."""
    if not isinstance(text, str):
        raise FormulaError(f"the formula must be text, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise FormulaError(
            f"the formula is too long ({len(text)} characters; the limit is {MAX_LENGTH})"
        )
    if not text.strip():
        raise FormulaError("the formula is empty: type something like x^2 + y^2")
    for pos, char in enumerate(text):
        if char in _ALLOWED_CHARS:
            continue
        if ord(char) < 128:
            shown = repr(char)
            hint = {
                "_": " (underscores are never needed)",
                "[": " (use round brackets)",
                "]": " (use round brackets)",
                "{": " (use round brackets)",
                "}": " (use round brackets)",
                "%": " (there is no remainder operator)",
                "=": " (type only the right-hand side, e.g. x^2 + y^2)",
            }.get(char, "")
        else:
            name = unicodedata.name(char, "unknown character")
            shown = f"{char!r} (U+{ord(char):04X} {name})"
            hint = " - it may look like a plain letter or symbol but it is not ASCII"
        raise FormulaError(
            f"character {shown} at position {pos} is not allowed{hint}; use only letters, "
            "digits, spaces and + - * / ^ ( ) . ,"
        )


def _lowercase_hint(name):
    lower = name.lower()
    if lower != name and (lower in NAMES or lower in FUNCTIONS):
        return f" (names are lowercase: did you mean '{lower}'?)"
    return ""


def tokenize(text):
    """Split into (kind, text, position) tokens; kinds: num var func op ( ) ,."""
    tokens = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:  # only a stray '.' can get here after the character check
            raise FormulaError(
                f"'{text[pos]}' at position {pos} must be part of a number such as 0.5"
            )
        kind, value = m.lastgroup, m.group()
        if kind == "name":
            tokens.extend(_name_tokens(text, value, pos, m.end()))
        elif kind == "num":
            tokens.append(("num", value, pos))
        elif kind == "op":
            tokens.append((value if value in ("(", ")", ",") else "op", value, pos))
        pos = m.end()
    return tokens


def _name_tokens(text, name, pos, end):
    rest = text[end:].lstrip(" \t")
    if name in FUNCTIONS:
        return [("func", FUNCTIONS[name], pos)]
    if name in NAMES:
        return [("var", name, pos)]
    if rest.startswith("("):
        raise FormulaError(
            f"function '{name}' at position {pos} is not allowed{_lowercase_hint(name)}; "
            f"use one of {FUNCTION_LIST}"
        )
    if set(name) <= {"x", "y"}:  # "xy" or "xxy": a product of the variables
        return [("var", letter, pos + i) for i, letter in enumerate(name)]
    suggestion = next((f for f in FUNCTIONS if name.startswith(f) and len(name) > len(f)), None)
    hint = _lowercase_hint(name)
    if suggestion:
        hint = f" (did you mean {suggestion}({name[len(suggestion) :]})?)"
    raise FormulaError(
        f"unknown name '{name}' at position {pos}{hint}: allowed names are x, y, pi, e "
        f"and the functions {FUNCTION_LIST}"
    )


_OPERAND_END = ("num", "var", ")")
_OPERAND_START = ("var", "func", "(")


def normalize_tokens(tokens):
    """Insert implicit '*', map '^' to '**', check brackets; return (text, offset map)."""
    out, offsets = [], []  # offsets: (offset in the normalized text, position in input)
    depth, opened = 0, []
    length = 0
    previous = None
    for kind, value, pos in tokens:
        if previous is not None:
            pkind, pvalue, ppos = previous
            if pkind == "func" and kind != "(":
                raise FormulaError(
                    f"function '{pvalue}' at position {ppos} needs its argument in "
                    f"parentheses, e.g. {pvalue}(x)"
                )
            if pkind in _OPERAND_END and kind in _OPERAND_START:
                out.append("*")  # 3x, x y, 2(x+1), (x)(y), x sin(y)
                offsets.append((length, pos))
                length += 2
            elif pkind in _OPERAND_END and kind == "num":
                raise FormulaError(
                    f"missing operator between '{pvalue}' and '{value}' at position {pos}: "
                    f"write {pvalue}*{value} or {pvalue}^{value}"
                )
        if kind == "(":
            depth += 1
            opened.append(pos)
            if depth > MAX_PAREN_DEPTH:
                raise FormulaError(
                    f"too many nested parentheses at position {pos} (limit {MAX_PAREN_DEPTH})"
                )
        elif kind == ")":
            if depth == 0:
                raise FormulaError(f"')' at position {pos} has no matching '('")
            depth -= 1
            opened.pop()
        text = "**" if value == "^" else value
        out.append(text)
        offsets.append((length, pos))
        length += len(text) + 1
        previous = (kind, value, pos)
    if previous is not None and previous[0] == "func":
        raise FormulaError(f"function '{previous[1]}' at position {previous[2]} needs an argument")
    if opened:
        raise FormulaError(f"'(' at position {opened[-1]} is never closed")
    return " ".join(out), offsets


def normalize(text):
    """Check characters and names and return the normalized text (the cache key).

    Raises
    ------
    FormulaError
    """
    check_characters(text)
    normalized, _ = normalize_tokens(tokenize(text))
    return normalized
