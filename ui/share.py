"""Share and download: the scene's link, trajectories, a standalone page, GIF/MP4/PNG."""

from __future__ import annotations

import json
import tomllib
import urllib.parse
from pathlib import Path

import streamlit as st
import streamlit.components.v1 as components

import figures
from figures import export
from ui import compute
from ui import scene as sc

ROOT = Path(__file__).resolve().parent.parent
APP_VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
GIF_FRAMES = 200


def share_link(scene: sc.Scene) -> str:
    """Return the absolute URL that reopens exactly this scene."""
    base = st.context.url or "http://localhost:8501/"
    parts = urllib.parse.urlsplit(base)
    query = urllib.parse.urlencode(sc.to_query(scene))
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


_COPY_BUTTON = """<!doctype html><meta charset="utf-8"><style>
body {{ margin: 0; font: 14px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }}
button {{ font: inherit; padding: 4px 12px; border-radius: 6px; border: 1px solid #9aa3b2;
          background: #fff; color: #1d2330; cursor: pointer; }}
button:hover {{ border-color: #2563eb; }}
span {{ margin-left: 8px; color: #5a6272; }}
</style><button type="button" id="copy" title="Copy the link to the clipboard">Copy link</button>
<span id="done" aria-live="polite"></span>
<script>
const link = {link};
document.getElementById("copy").addEventListener("click", () => {{
  const done = document.getElementById("done");
  navigator.clipboard.writeText(link).then(
    () => {{ done.textContent = "copied"; }},
    () => {{ done.textContent = "select the link above and copy it"; }});
}});
</script>"""


def link_box(url: str) -> None:
    """Show a link as plain text with a button that copies it.

    Plain text, not ``st.code``: a code block makes the page load Streamlit's 1.6 MB syntax
    highlighter for one line. The button lives in a small component iframe (Streamlit
    grants those clipboard-write); the link is embedded as a JSON string, so nothing in it
    can end the script.

    Parameters
    ----------
    url : str
        The link to show.
    """
    st.text(url)
    literal = json.dumps(url).replace("<", "\\u003c").replace(">", "\\u003e")
    components.html(_COPY_BUTTON.format(link=literal), height=36)


def export_scene(scene: sc.Scene, surface, runs: list[dict]) -> dict:
    """Return the keyword arguments every export in `figures.export` takes."""
    xs, ys, z = compute.grid(compute.surface_key(scene))
    settings = {
        "query": sc.to_query(scene),
        "surface": scene.surface,
        "surface_params": dict(scene.surface_params),
        "formula": scene.formula or None,
        "start": list(scene.start_point(surface)),
        "steps": scene.steps,
        "runs": [
            {"optimizer": r.optimizer, "hyperparameters": r.hparams(), "color": r.color}
            for r in scene.active_runs()
        ],
        "schedule": {"kind": scene.schedule, **dict(scene.schedule_params)},
        "noise": scene.noise,
        "batch_size": scene.batch_size or None,
        "seed": scene.seed,
    }
    return {
        "xs": xs,
        "ys": ys,
        "z": z,
        "runs": runs,
        "start": scene.start_point(surface),
        "minima": list(surface.minima),
        "title": surface.title,
        "log_z": bool(surface.log_z),
        "z_clip": surface.z_clip,
        "settings": settings,
        "app_version": APP_VERSION,
    }


def share_panel(scene: sc.Scene, surface, runs: list[dict]) -> None:
    """Draw the link and the download buttons for the current scene."""
    st.markdown("**Share this scene**: the link reopens exactly these trajectories.")
    link_box(share_link(scene))

    data = export_scene(scene, surface, runs)
    stem = f"loss-landscape-{scene.surface}"
    downloads = (
        ("Trajectories (CSV)", "csv", "text/csv", ":material/table:",
         "Every point of every run: run, label, step, x, y, loss, diverged.",
         lambda: export.trajectories_csv(runs)),
        ("Trajectories + settings (JSON)", "json", "application/json", ":material/data_object:",
         "The trajectories with every setting of the scene and the app version.",
         lambda: export.trajectories_json(runs, data["settings"], APP_VERSION)),
        ("Interactive page (HTML)", "html", "text/html", ":material/animation:",
         "The animated 3-D and contour view as one file that works offline (~5 MB).",
         lambda: figures.standalone_html(compute.payload(scene))),
        ("Snapshot (PNG)", "png", "image/png", ":material/image:",
         "The final picture: 3-D surface and contour map side by side.",
         lambda: export.snapshot_png(**data)),
    )  # fmt: skip
    cols = st.columns(2)  # two a row: four in one row cut their labels short at 1366 px
    for i, (label, ext, mime, icon, help_text, make) in enumerate(downloads):
        # A callable is only called when the user clicks: nothing is built on every rerun.
        cols[i % 2].download_button(
            label, make, file_name=f"{stem}.{ext}", mime=mime, icon=icon, on_click="ignore",
            help=help_text, width="stretch",
        )  # fmt: skip

    st.markdown("**Animation** (3-D and contour side by side)")
    cols = st.columns([1, 1, 2])
    for col, kind in zip(cols, ("gif", "mp4"), strict=False):
        key = f"animation_{kind}"
        if col.button(
            f"Render {kind.upper()}",
            key=f"render_{kind}",
            icon=":material/movie:",
            help=f"Render {GIF_FRAMES} frames of the animation as {kind.upper()} "
            "(a few seconds), then download it.",
        ):
            label = f"Rendering the {kind.upper()}…"
            bar = st.progress(0.0, text=label)

            def progress(f, bar=bar, label=label):
                bar.progress(min(f, 1.0), text=f"{label} {f:.0%}")

            make = export.animation_gif if kind == "gif" else export.animation_mp4
            st.session_state[key] = scene, make(progress=progress, n_frames=GIF_FRAMES, **data)
            bar.empty()
        rendered_scene, video = st.session_state.get(key, (None, None))
        if rendered_scene == scene:  # a video of another scene would mislead
            col.download_button(
                f"Download {kind.upper()}",
                video,
                file_name=f"{stem}.{kind}",
                mime="image/gif" if kind == "gif" else "video/mp4",
                icon=":material/download:",
                on_click="ignore",
                key=f"download_{kind}",
            )
