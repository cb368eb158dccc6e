"""The Lessons page's parts: the lesson picker's state, a lesson's controls and charts."""

from __future__ import annotations

import streamlit as st

from ui import compute, lessons, links

PICK = "lesson.pick"  # the selector's widget key
CURRENT = "lesson.current"  # plain key: widget keys are dropped when the user changes page
WARNING = "lesson.link_warning"
COUNT = len(lessons.LESSONS)


def start_lesson():
    """Seed the selector once per visit: from ?lesson=N, else the lesson seen last."""
    if PICK in st.session_state:
        return
    query = {key: st.query_params.get_all(key) for key in st.query_params}
    values, warnings = links.read(query, ("lesson",), "the lessons page")
    if "lesson" in values:
        number, warning = lessons.parse_lesson(values["lesson"])
        warnings += [warning] if warning else []
    else:
        number = st.session_state.get(CURRENT, 1)
    if warnings:
        st.session_state[WARNING] = warnings  # plain text quoting the link: shown inert
    st.session_state[PICK] = number


def go(number):
    """Button callback: show lesson ``number`` (runs before the rerun draws the selector)."""
    st.session_state[PICK] = number


def nav_buttons(number, where):
    """Draw Previous / Next; ``where`` keeps the top and bottom pairs' keys apart."""
    st.button(
        "Previous",
        icon=":material/arrow_back:",
        key=f"lesson.prev.{where}",
        on_click=go,
        args=(number - 1,),
        disabled=number == 1,
        help="Go to the previous lesson.",
    )
    st.button(
        "Next",
        icon=":material/arrow_forward:",
        icon_position="right",
        key=f"lesson.next.{where}",
        on_click=go,
        args=(number + 1,),
        disabled=number == COUNT,
        help="Go to the next lesson.",
    )


def control_widget(control, value, key):
    """Draw one lesson control, seeded with the preset's value; return the widget's value."""
    common = {"help": control.help, "key": key}
    if control.kind == "slider":
        return st.slider(
            control.label,
            min_value=control.low,
            max_value=control.high,
            value=value,
            step=control.step,
            **common,
        )
    if control.kind == "select_slider":
        return st.select_slider(
            control.label,
            options=control.options,
            value=lessons.nearest_option(control.options, value),
            format_func=control.fmt or str,
            **common,
        )
    if control.kind == "toggle":
        return st.toggle(control.label, value=bool(value), **common)
    if control.kind == "number":
        return st.number_input(
            control.label,
            min_value=int(control.low),
            max_value=int(control.high),
            value=int(value),
            step=int(control.step),
            **common,
        )
    return st.multiselect(
        control.label, control.options, default=value, format_func=control.fmt or str, **common
    )


def show_chart(chart, scene, key):
    """Draw one of a lesson's charts (a Plotly dict or a table) with its caption."""
    st.markdown(f"**{chart.title}**")
    content = chart.build(scene, compute)
    if chart.kind == "table":
        st.dataframe(content, hide_index=True, width="stretch")
    elif not content["data"]:  # st.plotly_chart refuses a figure without traces
        st.info("Nothing to plot: no run is switched on.", icon=":material/info:")
    else:
        st.plotly_chart(content, key=key, config={"displayModeBar": False})
    if chart.caption:
        st.caption(chart.caption)


def controls(lesson, preset, base):
    """Draw the lesson's controls for ``preset``; return the scene they describe."""
    scene = base
    shown = [c for c in lesson.controls if c.applies_to(preset)]
    # Sliders and toggles four to a row; a multiselect needs the width for its chips.
    places = [st.container() if c.kind == "multiselect" else None for c in shown]
    narrow = [i for i, c in enumerate(shown) if c.kind != "multiselect"]
    for start in range(0, len(narrow), 4):
        for column, i in zip(st.columns(4), narrow[start : start + 4], strict=False):
            places[i] = column
    for place, control in zip(places, shown, strict=True):
        with place:
            # Keyed per preset: switching presets re-seeds the controls from the new one.
            value = control_widget(
                control, control.get(base), f"lesson{lesson.number}.{preset}.{control.key}"
            )
        try:
            scene = control.set(scene, value)
        except ValueError as err:  # a value the optimizer rejects: say so, keep the rest
            st.error(f"{control.label}: {err}")
    return scene


def notes_and_charts(lesson, scene):
    """Draw the lesson's live notes and charts: a two-column grid, tables full width."""
    # Notes and plots share a two-column grid; tables are wide and get a row of their own.
    cells = [("notes", None)] if lesson.notes else []
    cells += [(i, c) for i, c in enumerate(lesson.charts) if c.kind != "table"]
    for start in range(0, len(cells), 2):
        for column, (index, chart) in zip(
            st.columns(2, gap="large"), cells[start : start + 2], strict=False
        ):
            with column:
                if chart is None:
                    with st.container(border=True):
                        st.markdown("**:material/insights: What the numbers say**")
                        st.markdown("\n".join(f"- {note}" for note in lesson.notes(scene, compute)))
                else:
                    show_chart(chart, scene, f"lesson{lesson.number}.chart{index}")
    for index, chart in enumerate(lesson.charts):
        if chart.kind == "table":
            show_chart(chart, scene, f"lesson{lesson.number}.chart{index}")
