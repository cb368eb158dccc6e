"""Lessons: a guided path through the optimizers, one preset scene per idea.

The content (text, presets, controls, charts, notes) is data in the ui/lessons package
(one module per lesson); this page only draws it. ``?lesson=N`` in the URL opens lesson N,
so a teacher can link one.
"""

import streamlit as st

from ui import compute, lessons, state
from ui.player import player
from ui.routing import through_app

through_app()

PICK = "lesson.pick"  # the selector's widget key
CURRENT = "lesson.current"  # plain key: widget keys are dropped when the user changes page
WARNING = "lesson.link_warning"
COUNT = len(lessons.LESSONS)


def start_lesson():
    """Seed the selector once per visit: from ?lesson=N, else the lesson seen last."""
    if PICK in st.session_state:
        return
    if "lesson" in st.query_params:
        number, warning = lessons.parse_lesson(st.query_params.get_all("lesson"))
        if warning:
            st.session_state[WARNING] = warning
    else:
        number = st.session_state.get(CURRENT, 1)
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


start_lesson()
st.title("Lessons")
st.caption(
    "Twelve short lessons, from plain gradient descent to Adam and beyond. Each one has a "
    "scene that shows its point, a few controls to poke at it, and suggestions to try."
)
if warning := st.session_state.pop(WARNING, None):
    st.warning(warning, icon=":material/link_off:")

# A wrapping row: on a narrow screen the buttons move under the selector, never truncated.
with st.container(horizontal=True, vertical_alignment="bottom"):
    number = st.selectbox(
        "Lesson",
        range(1, COUNT + 1),
        format_func=lambda n: f"{n}. {lessons.lesson(n).title}",
        key=PICK,
        help="Pick any lesson; they build on each other, so the order is a good path.",
    )
    nav_buttons(number, "top")
st.session_state[CURRENT] = number
if st.query_params.to_dict() != {"lesson": str(number)}:
    st.query_params.from_dict({"lesson": str(number)})  # the address bar links this lesson

lesson = lessons.lesson(number)
st.header(f"{lesson.number}. {lesson.title}", divider="gray")

# The algorithm boxes are wide (Adam's is ~700 px), so the rule gets the full width below
# the text; the suggestions sit beside the text, where the student reads what to look for.
text, tips = st.columns([3, 2], gap="large")
text.markdown(lesson.body)
with tips.container(border=True):
    st.markdown("**:material/lightbulb: Try this**")
    st.markdown("\n".join(f"- {tip}" for tip in lesson.try_this))
rule_slot = st.container(border=True)

names = list(lesson.presets)
preset = st.segmented_control(
    "Preset",
    names,
    default=names[0],
    required=True,
    key=f"lesson{number}.preset",
    help=lesson.preset_help,
)
base = lesson.presets[preset]
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
        value = control_widget(control, control.get(base), f"lesson{number}.{preset}.{control.key}")
    try:
        scene = control.set(scene, value)
    except ValueError as err:  # a value the optimizer rejects: say so, keep the rest
        st.error(f"{control.label}: {err}")

with rule_slot:
    st.markdown("**:material/function: The update rule**")
    boxes = lessons.latex_boxes(lesson, scene)
    if len(boxes) == 1:
        st.caption(boxes[0][0])
        st.latex(boxes[0][1])
    else:
        for tab, (_, box) in zip(st.tabs([t for t, _ in boxes]), boxes, strict=True):
            tab.latex(box)

try:
    runs = compute.runs(scene)
    payload = compute.payload(scene)
except ValueError as err:  # never a traceback: say what is wrong and stop this lesson here
    st.error(f"**This scene can't be run.** {err}")
    st.stop()

player(payload, key=f"lesson{number}.player", height=600)
for r in runs:
    if r["diverged_at"] >= 0:
        st.warning(
            f"**{r['label']}** diverged at step {r['diverged_at']}: its path ran off far "
            "beyond the map, so the run stopped there.",
            icon=":material/warning:",
        )


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
                show_chart(chart, scene, f"lesson{number}.chart{index}")
for index, chart in enumerate(lesson.charts):
    if chart.kind == "table":
        show_chart(chart, scene, f"lesson{number}.chart{index}")

if lesson.extra:
    st.info(lesson.extra, icon=":material/school:")

with st.container(horizontal=True, horizontal_alignment="distribute"):
    open_explorer = st.button(
        "Open in the explorer",
        icon=":material/open_in_new:",
        key=f"lesson{number}.open",
        help="Take this exact scene (surface, runs, settings) to the explorer to change anything.",
    )
    with st.container(horizontal=True, width="content"):
        nav_buttons(number, "bottom")
if open_explorer:
    state.set_scene(scene, reset_widgets=True)
    st.switch_page("pages/explorer.py")
