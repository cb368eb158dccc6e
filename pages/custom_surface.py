"""Custom surface: type a formula, see its derivatives and critical points, send it on."""

import numpy as np
import streamlit as st

import surfaces
from figures import analysis
from figures.tables import critical_point_counts, critical_point_rows
from ui import compute, formula_view, state
from ui import scene as sc
from ui.routing import through_app

through_app()

FORMULA = "custom_formula"  # plain session key of the text box, so examples can set it
EXAMPLES = {
    "Double well": "(x^2 - 1)^2 + 0.5 y^2",
    "Six-hump camel": "(4 - 2.1 x^2 + x^4/3) x^2 + x y + (4 y^2 - 4) y^2",
    "Egg crate": "sin(3x) cos(3y) + 0.1 (x^2 + y^2)",
    "Monkey saddle": "x^3 - 3 x y^2",
    "Narrow bowl": "x^2 + 25 y^2",
}

st.title("Custom surface")
st.caption(
    "Type any function of x and y. It is read by a strict parser (never evaluated as "
    "Python), differentiated symbolically, and analysed: where the gradient vanishes, "
    "what kind of point that is, and how hard the curvature makes it for gradient descent."
)

scene = state.current_scene()
if FORMULA not in st.session_state:
    st.session_state[FORMULA] = (
        scene.formula if scene.surface == sc.FORMULA and scene.formula else EXAMPLES["Double well"]
    )


def _use(text):
    st.session_state[FORMULA] = text


st.markdown("**Examples**")
for col, (title, text) in zip(st.columns(len(EXAMPLES)), EXAMPLES.items(), strict=True):
    col.button(
        title,
        on_click=_use,
        args=(text,),
        width="stretch",
        help=f"f(x, y) = {text}",
        key=f"example.{title}",
    )
text = st.text_input(
    "f(x, y) =",
    key=FORMULA,
    max_chars=300,
    help="Use x, y, numbers, + - * / ^, parentheses, pi, e and the functions sin, cos, tan, "
    "exp, log (ln), sqrt, abs, tanh, sinh, cosh, arctan, arcsin, arccos, sigmoid. "
    "Implicit products work: 3x, 2(x+1), sin(x)cos(y). Shown on the box [-3, 3] × [-3, 3].",
)

try:
    with st.spinner("Differentiating and searching for critical points…"):
        surface = surfaces.parse(text)
        points = surfaces.critical_points(surface)
except ValueError as err:  # FormulaError (and any other refusal) is a message, not a crash
    st.error(f"**That formula can't be used.** {err}", icon=":material/error:")
    st.stop()

# --- the maths (full width: a Hessian of a busy formula is long) -------------------------
st.latex(r"f(x, y) = " + surface.latex["f"])
grad_col, hess_col = st.columns([2, 3])
with grad_col:
    st.caption("Gradient: the direction of steepest ascent")
    st.latex(r"\nabla f = " + surface.latex["grad"])
with hess_col:
    st.caption("Hessian: the second derivatives, the curvature")
    st.latex(r"\nabla^2 f = " + surface.latex["hessian"])

# --- map and critical points side by side ------------------------------------------------
left, right = st.columns([1, 1], gap="large")
with left:
    xs, ys, z = compute.grid((sc.FORMULA, (), text))
    if not np.isfinite(z).any():
        st.warning("The formula has no finite value on this box.", icon=":material/warning:")
    else:
        marks = [
            {"x": p.x, "y": p.y, "kind": p.kind, "label": f"{p.kind}, f = {p.value:.4g}"}
            for p in points
        ]
        st.plotly_chart(
            analysis.contour_figure(
                xs,
                ys,
                z,
                domain=surface.domain,
                log_z=surface.log_z,
                z_clip=surface.z_clip,
                points=marks,
                # An unknown formula can span any range: colour by rank so the low
                # region, where the critical points are, always gets contour lines.
                equalize=True,
                height=480,
            ),
            key="custom_contour",
        )
        st.caption(
            "Coloured by rank: each band covers the same share of the box, so the low "
            "region gets contour lines too. Hover for the value of f."
        )

with right:
    st.subheader("Critical points")
    if points:
        st.dataframe(
            critical_point_rows(points),
            hide_index=True,
            width="stretch",
            height=min(420, 35 * (len(points) + 1) + 3),
            column_config={
                k: st.column_config.NumberColumn(k, format="%.5g")
                for k in ("x", "y", "f(x, y)", "λ₁ (smaller)", "λ₂ (larger)")
            },
        )
        counts = critical_point_counts(points)
        st.caption(
            f"{len(points)} points where ∇f = 0 in the box ({counts}), found by Newton's "
            "method from a 15 × 15 grid of seeds, lowest first. The Hessian's eigenvalues λ "
            "classify each point: both positive, a minimum; both negative, a maximum; mixed "
            "signs, a saddle; a zero one, degenerate (the test cannot tell)."
        )
    else:
        st.info(
            "No critical point found in the box: the surface slopes all the way across it.",
            icon=":material/info:",
        )

formula_view.curvature_panel(surface, text)
formula_view.send_panel(scene, surface, text)
