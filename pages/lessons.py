"""Lessons: a guided path through the optimizers, one preset scene per idea.

The content (text, presets, controls, charts, notes) is data in the ui/lessons package
(one module per lesson); this page only draws it. ``?lesson=N`` in the URL opens lesson N,
so a teacher can link one.
"""

import streamlit as st

import figures
from ui import compute, lesson_view, lessons, present, state
from ui.player import player
from ui.routing import through_app

through_app()

lesson_view.start_lesson()
with st.sidebar:
    present.enter_button()
theme = present.apply("Lessons")
st.caption(
    f"{lesson_view.COUNT} short lessons, from plain gradient descent to Adam and beyond. Each "
    "one has a scene that shows its point, a few controls to poke at it, and suggestions to try."
)
state.show_link_warnings(st.session_state.pop(lesson_view.WARNING, []))

# A wrapping row: on a narrow screen the buttons move under the selector, never truncated.
with st.container(horizontal=True, vertical_alignment="bottom"):
    number = st.selectbox(
        "Lesson",
        range(1, lesson_view.COUNT + 1),
        format_func=lambda n: f"{n}. {lessons.lesson(n).title}",
        key=lesson_view.PICK,
        help="Pick any lesson; they build on each other, so the order is a good path.",
    )
    lesson_view.nav_buttons(number, "top")
st.session_state[lesson_view.CURRENT] = number
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
scene = lesson_view.controls(lesson, preset, base)

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

player(
    payload,
    key=f"lesson{number}.player",
    height=600,
    theme=theme,
    font_size=present.font_size(theme),
)
for r in runs:
    if r.escaped:
        st.caption(f"**{r.label}** {figures.stop_text(r)}: downhill, off the map (no bottom).")
    elif r.diverged_at >= 0:
        st.warning(
            f"**{r.label}** diverged at step {r.diverged_at}: its path ran off far "
            "beyond the map, so the run stopped there.",
            icon=":material/warning:",
        )


lesson_view.notes_and_charts(lesson, scene)

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
        lesson_view.nav_buttons(number, "bottom")
if open_explorer:
    state.set_scene(scene, reset_widgets=True)
    st.switch_page("pages/explorer.py")
