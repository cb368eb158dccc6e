"""Shared test helpers: the repository root and an AppTest factory."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def app_test(monkeypatch):
    """Return a factory that builds an AppTest for a file relative to the repository root.

    Pages resolve their own relative paths (``pages/x.py``) from the working directory,
    so the test runs from the root as ``streamlit run`` does.
    """
    monkeypatch.chdir(ROOT)

    def make(path="app.py", timeout=60):
        return AppTest.from_file(str(ROOT / path), default_timeout=timeout)

    return make
