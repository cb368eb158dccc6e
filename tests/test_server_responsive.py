"""Issue 12, defect 1: the server stays responsive whatever a formula does.

A real ``streamlit run`` server is driven through its own websocket protocol
(tests/st_client.py). While sessions ask for hostile formulas, ``/_stcore/health``
is polled. Before the fix it answered after 25-40 s (a 2-million-digit Rational was
unpickled on the server's reader thread holding the GIL). The issue's target, 1 s, is
measured by benchmarks/fuzz_parser.py beside a baseline of easy formulas in the same run:
on this shared 2-core machine even easy formulas sometimes miss 1 s under other load,
so this test asserts PROBE_LIMIT, which the old defect missed five times over.
"""

import asyncio
import concurrent.futures
from urllib.parse import quote

import pytest

from tests.st_client import Server, health, run_page

PROBE_LIMIT = 5.0  # seconds; the defect took 25-40 s
HOSTILE = [
    "((13/17)^1000)^1000+x^2",
    "((97/101)^1000)^1000 + x^2",
    "tanh(sqrt((1/2 - tanh(abs(x))^(pi-10))^76))",
    "exp(exp(exp(exp(10))))+x",
]


@pytest.fixture(scope="module")
def server():
    s = Server()
    # Warm: the first run imports numpy, plotly and sympy and starts a formula worker;
    # the probe is about formulas, not about a cold start.
    _run(run_page(s.port, "", "surface=formula&f=" + quote("x^2 + y^2")))
    yield s
    s.stop()


def _run(coro):
    """Run ``coro`` in a thread of its own: a browser test may leave this thread's loop running."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


async def _probe(port, done):
    """Poll health until ``done`` is set; return the answer times (None = no answer)."""
    answers = []
    loop = asyncio.get_running_loop()
    while not done.is_set():
        answers.append(await loop.run_in_executor(None, health, port, PROBE_LIMIT))
        await asyncio.sleep(0.1)
    return answers


async def _hostile_with_probe(port, formula):
    done = asyncio.Event()
    probe = asyncio.create_task(_probe(port, done))
    query = f"surface=formula&f={quote(formula)}"
    runs = await asyncio.gather(
        run_page(port, "", query),
        run_page(port, "", "surface=formula&f=" + quote("x^2 + y^2 + 0.6131x")),
    )
    done.set()
    return runs, await probe


@pytest.mark.timeout(300)
@pytest.mark.parametrize("formula", HOSTILE)
def test_health_answers_while_a_hostile_formula_is_processed(server, formula):
    (hostile, easy), answers = _run(_hostile_with_probe(server.port, formula))
    assert hostile.status == "ok" and not hostile.exceptions
    assert easy.status == "ok" and not easy.exceptions
    assert answers and None not in answers  # every probe answered within PROBE_LIMIT
