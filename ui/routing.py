"""The app's pages, its own navigation links, and every page run through app.py.

Streamlit treats a folder named ``pages/`` beside the main script as a legacy multipage
app until ``st.navigation`` runs once in the server. So on a fresh server the first
request straight to a page's URL (a teacher's link to ``/lessons?lesson=3``) runs that
page without app.py: no wide layout, no page config. Two public means keep the class
from ever seeing that:

- ``client.showSidebarNavigation = false`` (.streamlit/config.toml) hides Streamlit's own
  page list in both modes, so its raw file names are never drawn; app.py draws the
  navigation itself with ``st.page_link`` (:func:`draw_navigation`).
- A page that finds itself run by the main script without app.py's navigation
  (:func:`through_app`) calls ``st.navigation`` (documented to switch the ``pages/``
  folder behaviour off) and reruns: the same URL then runs through app.py.
"""

from __future__ import annotations

import sys
import threading
from contextlib import contextmanager
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parents[1]
MAIN = "app.py"

# (section, file under pages/, title, icon); the first page is the default.
PAGE_LIST = (
    ("Explore", "explorer.py", "Explorer", ":material/sports_score:"),
    ("Learn", "lessons.py", "Lessons", ":material/school:"),
    ("Learn", "network.py", "Network landscape", ":material/hub:"),
    ("Analyse", "inspector.py", "Step inspector", ":material/search:"),
    ("Analyse", "basins.py", "Basin map", ":material/grid_on:"),
    ("Analyse", "sweeps.py", "Sweeps & fair race", ":material/tune:"),
    ("Analyse", "stability.py", "Stability map", ":material/blur_on:"),
    ("Analyse", "custom_surface.py", "Custom surface", ":material/edit:"),
)

_ROUTED = "_routed_through_app"
_here = threading.local()  # one script run per thread: is this run inside app.py's?


def pages() -> dict[str, list]:
    """Return the app's ``st.Page`` objects by section (absolute paths: valid anywhere)."""
    out: dict[str, list] = {}
    for i, (section, name, title, icon) in enumerate(PAGE_LIST):
        page = st.Page(ROOT / "pages" / name, title=title, icon=icon, default=i == 0)
        out.setdefault(section, []).append(page)
    return out


def draw_navigation() -> None:
    """Draw the app's own navigation in the sidebar: sections and page links."""
    with st.sidebar:
        section = None
        for sec, name, title, icon in PAGE_LIST:
            if sec != section:
                st.caption(sec)
                section = sec
            st.page_link(f"pages/{name}", label=title, icon=icon)
        st.divider()


@contextmanager
def running_page():
    """Mark the page run by app.py's navigation (for :func:`through_app`)."""
    _here.via_app = True
    try:
        yield
    finally:
        _here.via_app = False


def through_app() -> None:
    """Rerun through app.py when Streamlit's legacy ``pages/`` routing ran this page.

    The main script of the server is app.py, yet this page runs outside app.py's
    navigation: Streamlit's ``pages/`` folder mode ran it (a fresh server's first request
    to a page URL). ``st.navigation`` switches that mode off for the server and the rerun
    runs the same URL through app.py. A page run on its own (AppTest: the page is the
    main script) is left alone.

    Only a session's first run is rerouted: on a server the legacy mode can only be on
    then (once ``st.navigation`` has run, it is off for the server), while AppTest turns
    it on again before every run, where a rerun would swallow a click.
    """
    if getattr(_here, "via_app", False) or st.session_state.get(_ROUTED):
        return
    st.session_state[_ROUTED] = True
    main = getattr(sys.modules.get("__main__"), "__file__", "") or ""
    if Path(main).name != MAIN:
        return
    st.navigation(pages(), position="hidden")
    st.rerun()
