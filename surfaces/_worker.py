"""A persistent, killable helper process for symbolic work on untrusted formulas.

Why a process: sympy can be slow on some whitelisted input, and a thread cannot be
stopped (Streamlit runs scripts in a worker thread, so ``signal.alarm`` is unavailable,
and a C-level big-integer operation ignores everything but SIGKILL). Why persistent:
starting an interpreter and importing sympy costs far more than a typical job, so one
process is reused and replaced only after a job timed out or the process died.

The worker is a plain ``python -c`` subprocess speaking length-prefixed pickles over its
stdin/stdout. (multiprocessing's "spawn" re-imports the caller's ``__main__`` in the
child, which breaks scripts without a main guard; "fork" is unsafe in a multi-threaded
process such as Streamlit.) A reader thread turns the reply stream into a queue, so
waiting with a time limit is portable. Jobs are serialized by a lock: one worker, one
job at a time; a job that exceeds its limit holds the lock for at most that long.
"""

from __future__ import annotations

import atexit
import inspect
import os
import pickle
import queue
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

STARTUP_LIMIT = 60.0  # seconds for a new worker to import sympy and report ready
_HEADER = struct.Struct("!Q")
_PACKAGE_PARENT = str(Path(__file__).resolve().parent.parent)

_lock = threading.Lock()
_worker = None  # (Popen, reply queue) of the live worker


class Timeout(Exception):
    """The job did not finish in time; the worker was killed."""


class WorkerDied(Exception):
    """The worker exited or could not start."""


# ----------------------------------------------------------------- worker side


def _write(stream, obj):
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _read(stream):
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        raise EOFError
    (size,) = _HEADER.unpack(header)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return pickle.loads(data)


def _jobs():
    from sympy.core.cache import clear_cache

    from .parser import symbolic_job

    return {"symbolic": symbolic_job, "clear_cache": lambda _arg: clear_cache()}


def serve():
    """Worker main loop: read (job, arg), write the replies.

    A job that returns a value is answered with ``("ok", value)``. A job that is a
    generator is answered with ``("part", item)`` per yielded item, then ``("ok", None)``,
    so the parent can start on the first part while the worker computes the next.
    Failures are answered with ``("error", message)``.
    """
    from .parser import FormulaError

    # Replies own the real stdout; anything printed goes to stderr instead.
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    requests = sys.stdin.buffer
    jobs = _jobs()
    _write(replies, "ready")
    while True:
        try:
            name, arg = _read(requests)
        except EOFError:  # the parent went away
            return
        try:
            result = jobs[name](arg)
            if inspect.isgenerator(result):
                for item in result:
                    _write(replies, ("part", item))
                result = None
            reply = ("ok", result)
        except FormulaError as exc:
            reply = ("error", str(exc))
        except RecursionError:
            reply = ("error", "the formula is nested too deeply for the symbolic engine")
        except MemoryError:
            reply = ("error", "the formula needs too much memory to differentiate")
        except Exception as exc:  # any sympy failure means the formula is rejected
            reply = ("error", f"the formula could not be processed ({type(exc).__name__})")
        _write(replies, reply)


# ----------------------------------------------------------------- parent side


def _pump(stream, replies):
    """Reader thread: move every reply frame into the queue; None marks the end."""
    try:
        while True:
            replies.put(_read(stream))
    except (EOFError, OSError, pickle.UnpicklingError):
        replies.put(None)


def _start():
    global _worker
    # The package's own parent goes first on the path, so the child runs this code.
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); from surfaces._worker import serve; serve()"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", code, _PACKAGE_PARENT], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    replies = queue.Queue()
    threading.Thread(target=_pump, args=(process.stdout, replies), daemon=True).start()
    try:
        ready = replies.get(timeout=STARTUP_LIMIT) == "ready"
    except queue.Empty:
        ready = False
    if not ready:
        _kill(process)
        raise WorkerDied("the formula worker did not start")
    _worker = (process, replies)


def _kill(process):
    process.kill()
    process.wait()
    for stream in (process.stdin, process.stdout):
        try:
            stream.close()
        except OSError:
            pass


def _stop():
    global _worker
    if _worker is not None:
        _kill(_worker[0])
    _worker = None


atexit.register(_stop)


def start():
    """Start the worker now (optional: the first job starts it anyway)."""
    with _lock:
        if _worker is None or _worker[0].poll() is not None:
            _stop()
            _start()


def pid():
    """Process id of the live worker, or None (for tests)."""
    return _worker[0].pid if _worker is not None and _worker[0].poll() is None else None


def run(job, arg, timeout, on_part=None):
    """Run ``job`` (a name, see `_jobs`) on ``arg`` in the worker within ``timeout`` seconds.

    Parameters
    ----------
    job : str
        ``"symbolic"`` (see `surfaces.parser.symbolic_job`) or ``"clear_cache"``.
    arg : picklable
    timeout : float
        Wall-clock limit for the whole job (not for starting the worker), including the
        time spent in ``on_part``.
    on_part : callable, optional
        Called with each part of a generator job as soon as it arrives, while the
        worker goes on. If it raises, the worker is killed and the exception propagates.

    Returns
    -------
    tuple
        ``("ok", result)`` (for a generator job: ``("ok", [parts])``) or
        ``("error", message)``.

    Raises
    ------
    Timeout
        The job took longer; the worker was killed (a new one starts on the next job).
    WorkerDied
        The worker crashed or could not start.
    """
    with _lock:
        if _worker is None or _worker[0].poll() is not None:
            _stop()
            _start()
        process, replies = _worker
        deadline = time.monotonic() + timeout
        parts = []
        try:
            _write(process.stdin, (job, arg))
            while True:
                reply = replies.get(timeout=max(0.0, deadline - time.monotonic()))
                if reply is None or reply[0] != "part":
                    break
                parts.append(reply[1])
                if on_part is not None:
                    on_part(reply[1])
        except queue.Empty:
            _stop()
            raise Timeout from None
        except OSError:
            reply = None
        except BaseException:
            _stop()  # the worker is mid-job: it cannot be reused
            raise
        if reply is None:
            _stop()
            raise WorkerDied("the formula worker exited")
        if reply[0] == "ok" and parts:
            return ("ok", parts)
        return reply
