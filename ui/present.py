"""Presentation mode for projectors: no sidebar, large type, high contrast."""

import streamlit as st

KEY = "presentation"  # a plain session key: it survives page switches
FONT_SIZE = 18  # the charts' type size on a projector (the player's and Plotly's)

_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stHeader"], [data-testid="stToolbar"] { display: none !important; }
html { font-size: 20px; }
.block-container { padding-top: 0.5rem !important; max-width: 100% !important; }
/* The title gives its room to the player: at 1366 x 768 the Play bar must stay in view. */
.stApp h1 { font-size: 1.4rem !important; padding: 0 0 0.25rem 0 !important; }
</style>
"""
_COMPACT = """
<style>
/* Streamlit leaves 6rem above a page and a 2.75rem title: at 1366 x 768 that pushed the
   player's Play bar below the fold. */
.block-container { padding-top: 2rem !important; }
.stApp h1 { font-size: 2rem !important; padding-bottom: 0.25rem !important; }
</style>
"""
_DARK = """
<style>
.stApp { background: #0b0f17; color: #f5f7fa; }
.stApp p, .stApp h1, .stApp h2, .stApp h3, .stApp label, .stApp span { color: #f5f7fa; }
/* Buttons (Exit presentation, the theme switch) keep a visible face on the dark page. */
.stApp button { background: #1e293b !important; border: 1px solid #94a3b8 !important; }
.stApp button[kind*="Active"], .stApp button[aria-checked="true"] {
  background: #f5f7fa !important; }
.stApp button[kind*="Active"] p, .stApp button[aria-checked="true"] p { color: #0b0f17 !important; }
/* Number and text boxes (the summary's tolerance) dark too, their +/- visible. */
.stApp [data-baseweb="input"], .stApp [data-baseweb="input"] > div, .stApp input {
  background: #1e293b !important; color: #f5f7fa !important; }
.stApp [data-testid="stNumberInput"] button svg { fill: #f5f7fa !important; color: #f5f7fa; }
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


def apply(title: str) -> str:
    """Draw the page title; in presentation mode style the page and draw its controls.

    In presentation mode the title shares one row with the theme switch and "Exit
    presentation", so the player's Play bar stays in view at 1366 x 768.

    Parameters
    ----------
    title : str
        The page's title.

    Returns
    -------
    str
        "light" or "dark" in presentation mode, "auto" (follow Streamlit's theme) otherwise.
    """
    if not is_on():
        st.html(_COMPACT)
        st.title(title)
        return "auto"
    st.html(_CSS)
    cols = st.columns([3, 1, 1], vertical_alignment="bottom")
    cols[0].title(title)
    theme = cols[1].segmented_control(
        "Theme",
        ["light", "dark"],
        label_visibility="collapsed",
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


def font_size(theme: str) -> int | None:
    """Return the charts' type size for what `apply` returned (None: the normal size)."""
    return None if theme == "auto" else FONT_SIZE


def style_figure(fig: dict | object, theme: str):
    """Return a Plotly figure in the presentation's type size and theme (unchanged otherwise).

    Parameters
    ----------
    fig : plotly Figure or dict
    theme : str
        What `apply` returned: "auto" leaves the figure as it is.
    """
    if theme == "auto":
        return fig
    dark = theme == "dark"
    ink = "#f5f7fa" if dark else "#111827"
    grid = "#334155" if dark else "#e5e7eb"
    layout = {
        "font": {"size": FONT_SIZE, "color": ink},
        "paper_bgcolor": "#0b0f17" if dark else "#ffffff",
        "plot_bgcolor": "#0b0f17" if dark else "#ffffff",
        "xaxis": {"gridcolor": grid, "zerolinecolor": grid},
        "yaxis": {"gridcolor": grid, "zerolinecolor": grid},
    }
    if isinstance(fig, dict):
        old = fig.get("layout", {})
        merged = {**old, **layout}
        for axis in ("xaxis", "yaxis"):  # keep the axes' own settings (a log scale, a title)
            merged[axis] = {**old.get(axis, {}), **layout[axis]}
        return {**fig, "layout": merged}
    fig.update_layout(**layout)
    return fig
