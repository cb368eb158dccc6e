"""Make every page run through app.py's navigation, even as the first request of a server."""

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

_ROUTED = "_routed_through_app"


def through_app() -> None:
    """Rerun through app.py when Streamlit's legacy ``pages/`` routing ran this page.

    Streamlit decides per server whether the folder ``pages/`` means "legacy multipage
    app": the flag is True until app.py's ``st.navigation`` runs once. So on a fresh
    server, a first visit straight to a page's URL (a teacher's link to
    ``/lessons?lesson=3``) runs the page without app.py: no wide layout, no page
    config, raw file names in the sidebar. Clearing the flag (what ``st.navigation``
    itself does) and rerunning sends the same URL through app.py. This touches a
    private attribute of streamlit 1.67; tests/browser/test_routing.py guards it.

    Only a session's first run is checked: on a server the flag can only be set then,
    while AppTest recomputes it on every run, where a rerun would swallow a click.
    """
    if st.session_state.get(_ROUTED):
        return
    st.session_state[_ROUTED] = True
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
