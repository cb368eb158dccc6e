"""Loss Landscape Lab: page setup and navigation, nothing else."""

import streamlit as st

from ui import routing, state
from ui.icon import app_icon

st.set_page_config(
    page_title="Loss Landscape Lab",
    page_icon=app_icon(),
    layout="wide",
    initial_sidebar_state="expanded",
)

PAGES = routing.pages()
LESSONS, NETWORK = PAGES["Learn"]

# Streamlit's own page list stays hidden (also client.showSidebarNavigation in
# .streamlit/config.toml, for its legacy pages/ mode): the app draws its own links.
page = st.navigation(PAGES, position="hidden")
routing.draw_navigation()
if page.url_path not in (LESSONS.url_path, NETWORK.url_path):
    # Every page's address links to what it shows: the scene it opens on (a lesson's address
    # is its number, the network page's its own settings: both pages write them themselves,
    # and the explorer's runs=, steps=, seed= would be read as theirs). Read before writing,
    # so a shared link to any page opens its scene, and says what it could not use.
    state.sync_url(state.current_scene())
    state.show_link_warnings()
with routing.running_page():
    page.run()
