"""Issue 12, defects 1, 5 and 6: the formula worker pool and what crosses its boundary."""

import re
import threading
import time

import numpy as np
import pytest

import surfaces
from surfaces import FormulaError, _worker, parser

# Short formulas whose exact value has millions of digits although its magnitude is tiny.
BIG_EXACT = [
    "((13/17)^1000)^1000 + x^2",
    "((97/101)^1000)^1000 + x^2",
    "((1/3)^1000)^1000 x",
    "((2/3)^999 (5/7)^999)^999 + y",
    "(((13/17)^100)^100)^100 + x",
]


@pytest.mark.parametrize("text", BIG_EXACT)
def test_big_exact_numbers_are_refused_before_sympy(text, monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("the worker must not be asked")

    monkeypatch.setattr(_worker, "run", forbidden)
    parser.clear_cache()
    with pytest.raises(FormulaError, match="more than 4000 digits"):
        surfaces.parse(text)


def test_small_exact_powers_still_pass():
    parser.clear_cache()
    s = surfaces.parse("(13/17)^1000 + x^2 + (1/2)^100 y")
    assert np.isfinite(s.value(np.array([[1.0, 1.0]]))).all()


def test_worker_side_bound_refuses_big_numbers_even_if_static_check_missed(monkeypatch):
    # Defence in depth: the worker checks every exact number it built.
    import sympy as sp

    with pytest.raises(FormulaError, match="exact number with more than"):
        parser._check_numbers([sp.Rational(13, 17) ** 20000 * sp.Symbol("x")])


def test_oversized_reply_frame_is_never_unpickled():
    import io

    frame = _worker._HEADER.pack(_worker.MAX_REPLY_BYTES + 1) + b"\0" * 16
    assert isinstance(
        _worker._read(io.BytesIO(frame), _worker.MAX_REPLY_BYTES), _worker._TooLargeFrame
    )


def test_transient_worker_failure_is_not_remembered(monkeypatch):
    parser.clear_cache()
    real = _worker.run
    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise _worker.WorkerDied("killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(_worker, "run", flaky)
    with pytest.raises(FormulaError, match="try again"):
        surfaces.parse("x^2 + 0.25 y^2")
    assert surfaces.parse("x^2 + 0.25 y^2").value(np.array([[1.0, 2.0]]))[0] == 2.0


def test_timeout_is_not_remembered(monkeypatch):
    parser.clear_cache()
    real = _worker.run
    calls = []

    def slow_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise _worker.Timeout
        return real(*args, **kwargs)

    monkeypatch.setattr(_worker, "run", slow_once)
    with pytest.raises(FormulaError, match="too long"):
        surfaces.parse("x^2 + 0.5 y^2")
    assert surfaces.parse("x^2 + 0.5 y^2").value(np.array([[1.0, 2.0]]))[0] == 3.0


@pytest.mark.timeout(120)
def test_a_slow_formula_does_not_hold_back_an_easy_one(monkeypatch):
    # Defect 6: with one shared worker the easy formula waited for the slow one's limit.
    monkeypatch.setattr(parser, "TIME_LIMIT", 10.0)
    parser.clear_cache()
    # Two warm workers, so the easy formula need not wait for a new one to import sympy
    # (seconds on a loaded machine); what is tested is that it need not wait for the slow.
    warm = [_worker._acquire(), _worker._acquire()]
    for w in warm:
        _worker._release(w, True)
    slow_started = threading.Event()
    slow_done = threading.Event()

    def slow():
        slow_started.set()
        try:
            surfaces.parse("tanh(sqrt((1/2 - tanh(abs(x))^(pi-10))^76))")
        except FormulaError:
            pass
        slow_done.set()

    thread = threading.Thread(target=slow)
    thread.start()
    slow_started.wait()
    time.sleep(0.3)  # let the slow job reach its worker
    surface = surfaces.parse("x^2 + y^2 + 0.6131x")
    # Ordering, not timing: the easy formula finished while the slow one was still held.
    finished_first = not slow_done.is_set()
    thread.join()
    assert finished_first
    assert surface.value(np.array([[0.0, 0.0]]))[0] == 0.0


# Defect 2: formulas the parser accepted but whose view has no finite value.
NOWHERE_FINITE = [
    "log(-1)+x^2",
    "sqrt(-1)+x^2",
    "(-8)^(1/3)+x^2",
    "e^710+x^2",
    "10^1000 x",
    "10**400*x",
    "1e15^266+x^2",
]


@pytest.mark.parametrize("text", NOWHERE_FINITE)
def test_formula_without_a_finite_value_in_the_view_is_refused(text):
    with pytest.raises(FormulaError, match="no finite value anywhere in the view"):
        surfaces.parse(text)


def test_formula_finite_somewhere_in_the_view_passes():
    s = surfaces.parse("log(x) + y^2")  # finite for x > 0
    assert np.isfinite(s.value(np.array([[1.0, 0.0]]))).all()


# Defect 12: parser usability.
def test_a_flat_sum_of_40_terms_is_not_too_deep():
    text = " + ".join(f"{k % 7 + 1}x" if k % 2 else f"{k % 5 + 1}y" for k in range(40))
    s = surfaces.parse(text)
    assert np.isfinite(s.value(np.array([[0.5, 0.5]]))).all()


def test_real_nesting_is_still_bounded():
    text = "(" * 19 + "x" + ")" * 19
    assert surfaces.parse(text)
    with pytest.raises(FormulaError, match="nested too deeply|too many nested"):
        surfaces.parse("-(" * 21 + "x" + ")" * 21)


def test_overflow_message_says_what_overflowed():
    match = r"exp\(exp\(10\)\)( at position \d+)? overflows"
    with pytest.raises(FormulaError, match=match) as info:
        surfaces.parse("exp(exp(exp(exp(10))))+x")
    assert "OverflowError" not in str(info.value)


@pytest.mark.parametrize(
    ("text", "culprit"),
    [
        ("exp(exp(exp(exp(10))))+x", "exp(exp(10)) at position 8"),
        ("exp(1000) x^2", "exp(1000) at position 0"),
        ("x + 3 cosh(2000)", "cosh(2000) at position 6"),
        ("tan(exp(1000)) + y", "exp(1000) at position 4"),
    ],
)
def test_a_constant_call_that_overflows_is_named_before_any_symbolic_work(
    text, culprit, monkeypatch
):
    # Parse-time check: the worker is never asked (it would spend seconds, then overflow).
    monkeypatch.setattr(parser._worker, "run", lambda *a, **k: pytest.fail("worker called"))
    with pytest.raises(FormulaError, match=re.escape(culprit) + " overflows: its value") as info:
        surfaces.parse(text)
    assert "1.8e308" in str(info.value)


@pytest.mark.parametrize(
    ("text", "culprit"), [("10^1000 x", "10^1000"), ("e^710+x^2", "e^710"), ("10**400*x", "10^400")]
)
def test_a_view_without_finite_values_names_the_power_that_overflows(text, culprit):
    with pytest.raises(FormulaError, match="no finite value anywhere in the view") as info:
        surfaces.parse(text)
    assert f"{culprit} overflows" in str(info.value)
