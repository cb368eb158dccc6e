"""A Streamlit server for browser benchmarks: 127.0.0.1, a free port, stopped by its PID."""

import contextlib
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.browser.chromium import free_port

ROOT = Path(__file__).resolve().parent.parent


@contextlib.contextmanager
def serve(script="app.py", root=ROOT):
    """Serve ``root``/``script`` until the block ends; yield its base URL (ending in /).

    Parameters
    ----------
    script : str
        Path of the Streamlit script, relative to ``root``.
    root : path-like
        The checkout to serve (another commit's ``git archive`` copy, for baselines).
    """
    port = free_port()
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(script),
        "--server.headless", "true", "--server.address", "127.0.0.1",
        "--server.port", str(port), "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("streamlit did not start") from None
                time.sleep(0.3)
        yield f"http://127.0.0.1:{port}/"
    finally:
        proc.terminate()
        proc.wait(timeout=15)
