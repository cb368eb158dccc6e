"""A minimal Streamlit client speaking the app's own websocket protocol (no browser).

A browser session is, to the server, a websocket at ``/_stcore/stream`` that sends
``BackMsg`` protobufs (``rerun_script`` with the page's query string) and receives
``ForwardMsg`` protobufs (deltas, then ``script_finished``). This module does exactly
that, so a benchmark can open fifty sessions on a 2-core machine, where fifty Chromiums
would measure the browsers instead of the server.

Start the server with ``--server.enableXsrfProtection=false`` (the client sends no
cookie) and ``--server.headless=true``.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parent.parent
_FINISHED = {
    ForwardMsg.FINISHED_SUCCESSFULLY: "ok",
    ForwardMsg.FINISHED_WITH_COMPILE_ERROR: "compile error",
    ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY: "ok",
}


@dataclass
class RunResult:
    """What one script run sent back."""

    seconds: float
    status: str
    elements: int = 0
    exceptions: list = field(default_factory=list)
    bytes: int = 0


async def run_page(port, page="", query="", timeout=120.0):
    """Open a session, run ``page`` with ``query`` once, and close it.

    Parameters
    ----------
    port : int
    page : str
        The page's url path (``""`` for the default page, ``"lessons"``, ...).
    query : str
        The query string without ``?``.
    timeout : float
        Seconds to wait for the run to finish.

    Returns
    -------
    RunResult
        Seconds from sending the rerun to ``script_finished``, the number of elements,
        the messages of any exception elements and the bytes received.
    """
    import websockets

    url = f"ws://127.0.0.1:{port}/_stcore/stream"
    async with websockets.connect(
        url,
        subprotocols=["streamlit"],
        origin=f"http://127.0.0.1:{port}",
        max_size=None,
        open_timeout=timeout,
        ping_interval=None,  # a loaded server answers pings late; the run has its own limit
    ) as ws:
        back = BackMsg()
        back.rerun_script.query_string = query
        back.rerun_script.page_name = page
        t0 = time.perf_counter()
        await ws.send(back.SerializeToString())
        result = RunResult(seconds=0.0, status="timeout")
        deadline = t0 + timeout
        while True:
            try:
                data = await asyncio.wait_for(ws.recv(), max(0.01, deadline - time.perf_counter()))
            except (TimeoutError, websockets.ConnectionClosed) as exc:
                result.seconds = time.perf_counter() - t0
                if not isinstance(exc, TimeoutError):
                    result.status = "closed"
                return result
            result.bytes += len(data)
            msg = ForwardMsg()
            msg.ParseFromString(data)
            kind = msg.WhichOneof("type")
            if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                result.elements += 1
                element = msg.delta.new_element
                if element.WhichOneof("type") == "exception":
                    result.exceptions.append(element.exception.message)
            elif kind == "script_finished":
                status = _FINISHED.get(msg.script_finished)
                if status is None:  # finished early for a rerun: the rerun follows
                    continue
                result.seconds = time.perf_counter() - t0
                result.status = status
                return result


def free_port():
    """A free TCP port on 127.0.0.1 (the OS picks it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """``streamlit run app.py`` on 127.0.0.1 and a free port; stop() kills it by pid."""

    def __init__(self, script="app.py", extra=()):
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                script,
                "--server.headless=true",
                "--server.address=127.0.0.1",
                f"--server.port={self.port}",
                "--server.enableXsrfProtection=false",
                "--browser.gatherUsageStats=false",
                *extra,
            ],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if health(self.port, 1.0) is not None:
                return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("the streamlit server did not start")

    def rss_mb(self):
        """Resident memory of the server process (MB), from /proc."""
        with open(f"/proc/{self.process.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self):
        self.process.kill()
        self.process.wait()
        return self.process.stderr.read().decode(errors="replace")


def health(port, timeout):
    """Seconds ``/_stcore/health`` took to answer, or None if it did not within timeout."""
    t0 = time.perf_counter()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=timeout):
            return time.perf_counter() - t0
    except OSError:
        return None


class Session:
    """One open session that reruns with widget triggers, as a browser tab does.

    ``async with Session(port) as s``: ``await s.rerun(page, query, triggers=[id])`` sends
    a rerun (``triggers`` are button ids pressed for it); ``await s.next_event(timeout)``
    returns ``("element", Element)`` or ``("finished", name)`` with the ForwardMsg's
    ``script_finished`` name (``FINISHED_SUCCESSFULLY``, ``FINISHED_EARLY_FOR_RERUN``...).
    """

    def __init__(self, port, timeout=120.0):
        self.port, self.timeout, self.ws = port, timeout, None

    async def __aenter__(self):
        import websockets

        self.ws = await websockets.connect(
            f"ws://127.0.0.1:{self.port}/_stcore/stream",
            subprotocols=["streamlit"],
            origin=f"http://127.0.0.1:{self.port}",
            max_size=None,
            open_timeout=self.timeout,
            ping_interval=None,
        )
        return self

    async def __aexit__(self, *exc):
        await self.ws.close()

    async def rerun(self, page="", query="", triggers=()):
        back = BackMsg()
        back.rerun_script.query_string = query
        back.rerun_script.page_name = page
        for widget_id in triggers:
            state = back.rerun_script.widget_states.widgets.add()
            state.id = widget_id
            state.trigger_value = True
        await self.ws.send(back.SerializeToString())

    async def next_event(self, timeout):
        deadline = time.perf_counter() + timeout
        while True:
            left = max(0.01, deadline - time.perf_counter())
            msg = ForwardMsg()
            msg.ParseFromString(await asyncio.wait_for(self.ws.recv(), left))
            kind = msg.WhichOneof("type")
            if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                return "element", msg.delta.new_element
            if kind == "script_finished":
                return "finished", ForwardMsg.ScriptFinishedStatus.Name(msg.script_finished)
