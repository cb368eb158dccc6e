"""Loss Landscape Lab: page setup and navigation, nothing else."""

import streamlit as st

from ui import state
from ui.icon import app_icon

st.set_page_config(
    page_title="Loss Landscape Lab",
    page_icon=app_icon(),
    layout="wide",
    initial_sidebar_state="expanded",
)

PAGES = {
    "Explore": [
        st.Page(
            "pages/explorer.py", title="Explorer", icon=":material/sports_score:", default=True
        ),
    ],
    "Learn": [
        st.Page("pages/lessons.py", title="Lessons", icon=":material/school:"),
        st.Page("pages/network.py", title="Network landscape", icon=":material/hub:"),
    ],
    "Analyse": [
        st.Page("pages/inspector.py", title="Step inspector", icon=":material/search:"),
        st.Page("pages/basins.py", title="Basin map", icon=":material/grid_on:"),
        st.Page("pages/sweeps.py", title="Sweeps & fair race", icon=":material/tune:"),
        st.Page("pages/stability.py", title="Stability map", icon=":material/blur_on:"),
        st.Page("pages/custom_surface.py", title="Custom surface", icon=":material/edit:"),
    ],
}

# Pages with a link of their own (a lesson's number; the network's settings) read it themselves.
OWN_LINK = {page.url_path for page in PAGES["Learn"]}

page = st.navigation(PAGES)
if page.url_path not in OWN_LINK:
    # Every other page's address links to what it shows: the scene it opens on. Read before
    # writing, so a shared link to any page opens its scene and says what it could not use.
    state.sync_url(state.current_scene())
    state.show_link_warnings()
page.run()
