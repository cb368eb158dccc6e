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
waiting with a time limit is portable.

Workers form a small pool (at most ``MAX_WORKERS`` processes, started on demand, idle
ones reused): one job per worker at a time, so a slow formula in one session holds one
worker for at most its time limit while other sessions' formulas run beside it.

Nothing big crosses the process boundary: the worker refuses to send a reply frame over
``MAX_REPLY_BYTES`` (it sends an error instead), and the parent's reader thread never
reads or unpickles a frame whose header announces more, killing the worker instead.
Unpickling runs on the parent's reader thread holding the GIL, where no time limit can
help, so this bound is what keeps the server responsive whatever a formula does.
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
MAX_WORKERS = 3  # live processes at most; each holds sympy (~60 MB)
MAX_REPLY_BYTES = 4_000_000  # a typical reply is a few kB; 5,000 derivative ops ~ 200 kB
_HEADER = struct.Struct("!Q")
_PACKAGE_PARENT = str(Path(__file__).resolve().parent.parent)

_pool = threading.Condition()  # guards _idle and _live
_idle = []  # workers waiting for a job, most recently used last
_live = 0  # workers started and not yet killed (idle or busy)
_all = set()  # every live worker, for pids() and the exit handler


class Timeout(Exception):
    """The job did not finish in time; the worker was killed."""


class WorkerDied(Exception):
    """The worker exited or could not start."""


class TooLarge(Exception):
    """The worker's reply was larger than ``MAX_REPLY_BYTES``; the worker was killed."""


class _TooLargeFrame:
    """Marker the reader thread queues instead of an oversized frame."""


# ----------------------------------------------------------------- worker side


def _write(stream, obj, limit=None):
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    if limit is not None and len(data) > limit:
        data = pickle.dumps(("error", "the formula's result is too large to use"))
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _read(stream, limit=None):
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        raise EOFError
    (size,) = _HEADER.unpack(header)
    if limit is not None and size > limit:
        return _TooLargeFrame()
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
                    _write(replies, ("part", item), MAX_REPLY_BYTES)
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
        _write(replies, reply, MAX_REPLY_BYTES)


# ----------------------------------------------------------------- parent side


def _pump(stream, replies):
    """Reader thread: move every reply frame into the queue; None marks the end.

    An oversized frame is never read: a marker is queued and the thread stops (the
    parent then kills the worker). A stream closed by that kill ends the thread quietly.
    """
    try:
        while True:
            reply = _read(stream, MAX_REPLY_BYTES)
            replies.put(reply)
            if isinstance(reply, _TooLargeFrame):
                return
    except (EOFError, OSError, ValueError, pickle.UnpicklingError):
        replies.put(None)


class _Worker:
    """One live worker process and the queue its reader thread fills."""

    def __init__(self):
        # The package's own parent goes first on the path, so the child runs this code.
        code = (
            "import sys; sys.path.insert(0, sys.argv[1]); "
            "from surfaces._worker import serve; serve()"
        )
        self.process = subprocess.Popen(
            [sys.executable, "-c", code, _PACKAGE_PARENT],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        self.replies = queue.Queue()
        threading.Thread(
            target=_pump, args=(self.process.stdout, self.replies), daemon=True
        ).start()
        try:
            ready = self.replies.get(timeout=STARTUP_LIMIT) == "ready"
        except queue.Empty:
            ready = False
        if not ready:
            self.kill()
            raise WorkerDied("the formula worker did not start")

    def alive(self):
        return self.process.poll() is None

    def kill(self):
        self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            try:
                stream.close()
            except (OSError, ValueError):
                pass


def _acquire():
    """Take an idle worker, or start one if fewer than MAX_WORKERS live, else wait."""
    global _live
    with _pool:
        while True:
            while _idle:
                worker = _idle.pop()
                if worker.alive():
                    return worker
                _live -= 1
                _all.discard(worker)
            if _live < MAX_WORKERS:
                _live += 1
                break
            _pool.wait()
    try:
        worker = _Worker()
    except BaseException:
        with _pool:
            _live -= 1
            _pool.notify()
        raise
    with _pool:
        _all.add(worker)
    return worker


def _release(worker, reusable):
    """Give ``worker`` back to the pool, or kill it when it is mid-job or dead."""
    global _live
    if reusable and worker.alive():
        with _pool:
            _idle.append(worker)
            _pool.notify()
        return
    worker.kill()
    with _pool:
        _live -= 1
        _all.discard(worker)
        _pool.notify()


def _stop():
    """Kill every worker (at exit, and for tests)."""
    global _live
    with _pool:
        workers = list(_all)
        _all.clear()
        _idle.clear()
        _live = 0
        _pool.notify_all()
    for worker in workers:
        worker.kill()


atexit.register(_stop)


def start():
    """Start a worker now if none is idle (optional: the first job starts one anyway)."""
    _release(_acquire(), True)


def pids():
    """Process ids of the live workers (for tests)."""
    with _pool:
        return sorted(w.process.pid for w in _all if w.alive())


def run(job, arg, timeout, on_part=None):
    """Run ``job`` (a name, see `_jobs`) on ``arg`` in a pool worker within ``timeout`` s.

    Parameters
    ----------
    job : str
        ``"symbolic"`` (see `surfaces.parser.symbolic_job`) or ``"clear_cache"``.
    arg : picklable
    timeout : float
        Wall-clock limit for the whole job (not for waiting for or starting a worker),
        including the time spent in ``on_part``.
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
        The job took longer; the worker was killed (a new one starts on demand).
    TooLarge
        A reply frame was larger than ``MAX_REPLY_BYTES``; the worker was killed.
    WorkerDied
        The worker crashed or could not start.
    """
    worker = _acquire()
    reusable = False
    try:
        deadline = time.monotonic() + timeout
        parts = []
        try:
            _write(worker.process.stdin, (job, arg))
            while True:
                reply = worker.replies.get(timeout=max(0.0, deadline - time.monotonic()))
                if reply is None or isinstance(reply, _TooLargeFrame) or reply[0] != "part":
                    break
                parts.append(reply[1])
                if on_part is not None:
                    on_part(reply[1])
        except queue.Empty:
            raise Timeout from None
        except OSError:
            reply = None
        if reply is None:
            raise WorkerDied("the formula worker exited")
        if isinstance(reply, _TooLargeFrame):
            raise TooLarge
        reusable = True
    finally:
        _release(worker, reusable)
    if reply[0] == "ok" and parts:
        return ("ok", parts)
    return reply
