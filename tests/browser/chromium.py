"""Debian's Chromium as the browser tests and the browser benchmarks launch it."""

import socket

CHROMIUM = "/usr/bin/chromium"  # Debian's package; never a Playwright browser download
# Headless as root on a closed network: background networking off (its connections are
# refused, many at a time), WebGL through SwiftShader (no GPU) for the 3-D chart.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-unsafe-swiftshader",
    "--use-angle=swiftshader",
]


def free_port():
    """Return a free TCP port on 127.0.0.1 (for a Streamlit server of a test or benchmark)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
