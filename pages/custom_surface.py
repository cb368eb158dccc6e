"""Custom surface: type a formula, see its derivatives and critical points, send it on."""

from dataclasses import replace

import numpy as np
import streamlit as st

import surfaces
from figures import analysis
from ui import scene as sc
from ui import sidebar
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
GRID = 100

st.title("Custom surface")
st.caption(
    "Type any function of x and y. It is read by a strict parser (never evaluated as "
    "Python), differentiated symbolically, and analysed: where the gradient vanishes, "
    "what kind of point that is, and how hard the curvature makes it for gradient descent."
)

scene = sidebar.current_scene()
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
    (x0, x1), (y0, y1) = surface.domain
    xs, ys = np.linspace(x0, x1, GRID), np.linspace(y0, y1, GRID)
    xx, yy = np.meshgrid(xs, ys)
    z = surface.value(np.stack([xx, yy], axis=-1).reshape(-1, 2)).reshape(GRID, GRID)
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
            [
                {
                    "kind": p.kind,
                    "x": p.x,
                    "y": p.y,
                    "f(x, y)": p.value,
                    "λ₁ (smaller)": p.eigvals[0],
                    "λ₂ (larger)": p.eigvals[1],
                }
                for p in points
            ],
            hide_index=True,
            width="stretch",
            height=min(420, 35 * (len(points) + 1) + 3),
            column_config={
                k: st.column_config.NumberColumn(k, format="%.5g")
                for k in ("x", "y", "f(x, y)", "λ₁ (smaller)", "λ₂ (larger)")
            },
        )
        kinds = (("minimum", "minima"), ("maximum", "maxima"), ("saddle", "saddles"))
        counts = ", ".join(
            f"{n} {one if n == 1 else many}"
            for one, many in kinds
            for n in [sum(p.kind == one for p in points)]
        )
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

# --- curvature at a point ----------------------------------------------------------------
st.subheader("Curvature at a point")
cols = st.columns([1, 1, 2, 2, 2])
px = cols[0].number_input(
    "x",
    value=float(surface.start[0]),
    format="%.4g",
    key=f"custom.px.{text}",
    help="Where to measure the curvature (the suggested start by default).",
)
py = cols[1].number_input(
    "y",
    value=float(surface.start[1]),
    format="%.4g",
    key=f"custom.py.{text}",
    help="Where to measure the curvature (the suggested start by default).",
)
kappa = surfaces.condition_number(surface, (px, py))
bound = surfaces.stability_bound(surface, (px, py))
grad = surface.grad(np.array([[px, py]]))[0]
cols[2].metric(
    "Condition number κ",
    f"{kappa:.3g}" if np.isfinite(kappa) else "∞",
    help="max|λ| / min|λ| of the Hessian here: how much more the surface curves in its "
    "steepest direction than in its flattest. Large κ means a narrow valley where "
    "gradient descent zig-zags.",
)
cols[3].metric(
    "2 / λmax",
    f"{bound:.3g}" if np.isfinite(bound) else "no bound",
    help="The largest stable learning rate for plain gradient descent near here: above "
    "it, GD overshoots along the steepest direction and diverges.",
)
cols[4].metric(
    "|∇f|",
    f"{np.hypot(*grad):.3g}",
    help="The slope here; zero at critical points.",
)

# --- send it on ----------------------------------------------------------------------------
st.divider()
send_cols = st.columns([2, 3])
retune = send_cols[1].toggle(
    "Retune learning rates for this surface",
    value=True,
    help="Keep the Explorer's optimizers but set each learning rate to the one suggested "
    f"for this surface (plain GD: {surface.lr:g}); off keeps their current rates.",
)
if send_cols[0].button(
    "Send to the explorer",
    icon=":material/send:",
    type="primary",
    help="Make this formula the Explorer's surface, with the Explorer's current runs, and "
    "go there.",
):
    runs = scene.runs or sc.default_runs()
    if retune:
        runs = sc.retuned(runs, surface.lr)
    sidebar.set_scene(
        replace(scene, surface=sc.FORMULA, formula=text, surface_params=(), start=None, runs=runs),
        reset_widgets=True,
    )
    st.switch_page("pages/explorer.py")
