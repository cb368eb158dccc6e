"""Loss Landscape Lab: page setup and navigation, nothing else."""

import streamlit as st

st.set_page_config(
    page_title="Loss Landscape Lab",
    page_icon=":material/landscape:",
    layout="wide",
    initial_sidebar_state="expanded",
)

PAGES = {
    "Explore": [
        st.Page(
            "pages/explorer.py", title="Explorer", icon=":material/sports_score:", default=True
        ),
    ],
}

st.navigation(PAGES).run()
