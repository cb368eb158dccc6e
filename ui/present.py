"""Presentation mode for projectors: no sidebar, large type, high contrast."""

import streamlit as st

KEY = "presentation"  # a plain session key: it survives page switches

_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stHeader"], [data-testid="stToolbar"] { display: none !important; }
html { font-size: 20px; }
.block-container { padding-top: 1rem !important; max-width: 100% !important; }
</style>
"""
_DARK = """
<style>
.stApp { background: #0b0f17; color: #f5f7fa; }
.stApp p, .stApp h1, .stApp h2, .stApp h3, .stApp label, .stApp span { color: #f5f7fa; }
</style>
"""


def is_on() -> bool:
    """Return whether presentation mode is on."""
    return bool(st.session_state.get(KEY))


def enter_button() -> None:
    """Draw the button that turns presentation mode on (in the sidebar)."""
    st.button(
        "Presentation mode",
        icon=":material/present_to_all:",
        on_click=lambda: st.session_state.update({KEY: True}),
        help="For a projector: hides the sidebar, enlarges the text and the charts. "
        "Keys in the player: Space plays/pauses, arrows step, Home/End jump.",
        width="stretch",
    )


def apply() -> str:
    """Style the page for presentation and draw its controls; return the player theme.

    Returns
    -------
    str
        "light" or "dark" in presentation mode, "auto" (follow Streamlit's theme) otherwise.
    """
    if not is_on():
        return "auto"
    st.html(_CSS)
    cols = st.columns([3, 1, 1])
    theme = cols[1].segmented_control(
        "Theme",
        ["light", "dark"],
        default="dark",
        key="presentation_theme",
        help="Dark is easier to read on most projectors.",
    )
    cols[2].button(
        "Exit presentation",
        icon=":material/close:",
        on_click=lambda: st.session_state.update({KEY: False}),
        help="Back to the normal view with the sidebar.",
    )
    theme = theme or "dark"
    if theme == "dark":
        st.html(_DARK)
    return theme
