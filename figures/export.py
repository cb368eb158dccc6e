"""Downloads of a scene: trajectories as CSV/JSON, the animation as GIF/MP4, a PNG snapshot.

Every export takes the same *scene data* as keyword arguments, plain NumPy arrays:

``xs (nx,)``, ``ys (ny,)``, ``z (ny, nx)``
    The surface sampled on a grid (``z[j, i]`` is the loss at ``(xs[i], ys[j])``).
``runs``
    List of ``figures.Run`` (``label``, ``color``, ``points`` (steps+1, 2), ``values``
    (steps+1,), ``diverged_at``: -1 = never; points after it are NaN).
``start``, ``minima``, ``title``, ``log_z``, ``z_clip``
    The start point, the known minima, the figure title and the height/colour scale
    (:class:`figures.scale.ZScale`: log scale, clip), the same as the player's.
``settings``, ``app_version``
    Only used by the JSON export; the image exports accept and ignore them so the app can
    pass one scene dict to every export.

Frames are drawn with Matplotlib's Agg canvas without pyplot (no global state, no GUI
backend). The surface, contour map, legend and title are drawn once; each frame restores
that background and draws only the moving artists (paths, markers, texts). This blitting is
what makes 200 frames take seconds instead of the minute a full redraw per frame takes (see
docs/benchmarks.md, section "export").
"""

import io
import itertools
import math
import os
import tempfile

import numpy as np
from matplotlib import patheffects
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator
from PIL import Image

from figures._arrays import bilinear
from figures.payload import pick_steps, stop_text
from figures.scale import ZScale
from figures.trajectories import (
    load_trajectories_csv,
    load_trajectories_json,
    trajectories_csv,
    trajectories_json,
)

DEFAULT_COLOR = "#d62728"  # for a run without a colour

#: Width in inches the figure is laid out for; ``dpi`` defaults to ``width_px / BASE_WIDTH``
#: so fonts and line widths scale with the pixel width and the layout never changes.
BASE_WIDTH = 12.8


# --------------------------------------------------------------------------- frames
def _last_finite(points):
    """Index of the last step whose point is finite (-1 if none is)."""
    ok = np.flatnonzero(np.isfinite(points).all(axis=1))
    return int(ok[-1]) if ok.size else -1


def frame_steps(runs, n_frames):
    """Choose the steps the frames of an animation show (as the player does).

    Parameters
    ----------
    runs : list of dict
        The runs; the animation covers the longest one.
    n_frames : int
        Frames wanted.

    Returns
    -------
    ndarray of int
        ``min(n_frames, steps + 1)`` distinct steps spread evenly from 0 to ``steps``
        (both included), where each run's divergence step and last finite point replace
        the regular step nearest to them (:func:`figures.payload.pick_steps`, which also
        chooses the player's frames), so the "diverged at step k" frame is never skipped.
        The "step k / n" text shows the jumps; there are never repeated frames.
    """
    n_points = max((len(r.points) for r in runs), default=1)
    keep = set()
    for r in runs:
        keep.add(len(r.points) - 1)
        k = int(r.diverged_at)
        if k >= 0:
            keep.update({k, _last_finite(np.asarray(r.points, dtype=float).reshape(-1, 2))})
    steps, _ = pick_steps(n_points, max(1, int(n_frames)), keep, exact=True)
    return np.arange(n_points) if steps is None else steps


_OUTLINE = [patheffects.Stroke(linewidth=4.5, foreground="white"), patheffects.Normal()]


class _SceneRenderer:
    """Draw the static figure once; render any step by blitting the moving artists."""

    def __init__(
        self,
        *,
        xs,
        ys,
        z,
        runs,
        start=None,
        minima=(),
        title="",
        log_z=False,
        z_clip=None,
        size=(1280, 560),
        dpi=None,
        view=(32.0, -60.0),
    ):
        xs = np.asarray(xs, dtype=float)
        ys = np.asarray(ys, dtype=float)
        z = np.asarray(z, dtype=float)
        if z.shape != (len(ys), len(xs)):
            raise ValueError(f"z has shape {z.shape}, expected (len(ys), len(xs))")
        width, height = (int(v) for v in size)
        if width < 16 or height < 16:
            raise ValueError(f"size {size} is too small")
        self.size = (width, height)
        self.steps = max((len(r.points) - 1 for r in runs), default=0)
        dpi = float(dpi) if dpi else width / BASE_WIDTH
        # Scale fonts to the figure height too, so a square export stays legible.
        fs = 12.0 * min(1.0, math.sqrt(height / dpi / 5.6))

        scale = ZScale.from_grid(z, log_z, z_clip)
        h = self.surface_heights = scale.heights(z)
        hmin, hmax = float(np.nanmin(h)), float(np.nanmax(h))
        if hmax <= hmin:
            hmax = hmin + 1.0
        # Paths float a little above the surface so the eye reads them as lying on it
        # (they are drawn after the surface anyway, so they are never hidden).
        lift = 0.015 * (hmax - hmin)
        (x0, x1), (y0, y1) = (xs[0], xs[-1]), (ys[0], ys[-1])

        fig = Figure(figsize=(width / dpi, height / dpi), dpi=dpi, facecolor="white")
        canvas = FigureCanvasAgg(fig)
        cmap = "viridis"
        scale_label = scale.title()

        # Left: the 3-D surface. Right: the filled contour map and its colour bar.
        ax3 = fig.add_axes((0.0, 0.12, 0.47, 0.80), projection="3d")
        ax3.view_init(elev=view[0], azim=view[1])
        gx, gy = np.meshgrid(xs, ys)
        hs = np.ma.masked_invalid(h)
        # Full grid resolution (capped): fewer, bigger facets show sawtooth edges where
        # the painter's algorithm sorts long thin facets on steep walls.
        ax3.plot_surface(
            gx, gy, hs, cmap=cmap, vmin=hmin, vmax=hmax, rcount=min(len(ys), 120),
            ccount=min(len(xs), 120), linewidth=0, antialiased=False,
        )  # fmt: skip
        ax3.set_xlim(x0, x1)
        ax3.set_ylim(y0, y1)
        ax3.set_zlim(hmin, hmax + 2 * lift)
        ax3.set_xlabel("x", fontsize=fs)
        ax3.set_ylabel("y", fontsize=fs)
        ax3.set_zlabel(scale_label, fontsize=0.85 * fs)
        ax3.tick_params(labelsize=0.8 * fs)
        # Fewer ticks: the x and y tick labels otherwise collide at the front corner.
        ax3.xaxis.set_major_locator(MaxNLocator(5, steps=[1, 2, 2.5, 5, 10]))
        ax3.yaxis.set_major_locator(MaxNLocator(5, steps=[1, 2, 2.5, 5, 10]))
        if scale.log:  # at most three labels, in loss units like the colour bar
            tickvals, ticktext = scale.log_ticks()
            keep = slice(None, None, max(1, -(-len(tickvals) // 3)))
            ax3.set_zticks(tickvals[keep], labels=ticktext[keep])
        else:
            ax3.zaxis.set_major_locator(MaxNLocator(3, steps=[1, 2, 2.5, 5, 10]))
        ax3.set_box_aspect(None, zoom=0.92)

        ax2 = fig.add_axes((0.53, 0.17, 0.37, 0.70))
        levels = np.linspace(hmin, hmax, 25)
        cs = ax2.contourf(xs, ys, hs, levels=levels, cmap=cmap)
        ax2.contour(xs, ys, hs, levels=levels[::3], colors="white", linewidths=0.5, alpha=0.5)
        ax2.set_xlim(x0, x1)
        ax2.set_ylim(y0, y1)
        ax2.set_xlabel("x", fontsize=fs)
        ax2.set_ylabel("y", fontsize=fs)
        ax2.tick_params(labelsize=0.85 * fs)
        cax = fig.add_axes((0.915, 0.17, 0.012, 0.70))
        cb = fig.colorbar(cs, cax=cax)
        cb.set_label(scale_label, fontsize=0.85 * fs)
        cb.ax.tick_params(labelsize=0.8 * fs)
        if scale.log:  # round losses, the player's ticks
            tickvals, ticktext = scale.log_ticks()
            cb.set_ticks(tickvals, labels=ticktext)
        else:
            cb.ax.yaxis.set_major_locator(MaxNLocator(5))

        # Static markers: the start point and the known minima, on both panels.
        handles = []
        marker_style = {"markeredgecolor": "black", "markeredgewidth": 1.2, "linestyle": "none"}
        if start is not None:
            sx, sy = float(start[0]), float(start[1])
            sz = bilinear(xs, ys, np.nan_to_num(h, nan=hmax), sx, sy) + lift
            style = dict(marker="o", markersize=0.9 * fs, markerfacecolor="white", **marker_style)
            ax3.plot([sx], [sy], [sz], zorder=10, **style)
            ax2.plot([sx], [sy], zorder=10, **style)
            handles.append(Line2D([], [], label="start", **style))
        if len(minima):
            m = np.asarray(minima, dtype=float).reshape(-1, 2)
            mz = bilinear(xs, ys, np.nan_to_num(h, nan=hmax), m[:, 0], m[:, 1]) + lift
            style = dict(marker="*", markersize=1.4 * fs, markerfacecolor="gold", **marker_style)
            ax3.plot(m[:, 0], m[:, 1], mz, zorder=10, **style)
            ax2.plot(m[:, 0], m[:, 1], zorder=10, **style)
            handles.append(Line2D([], [], label="minimum", **style))

        # Moving artists, one set per run. animated=True keeps them out of the background.
        self.runs = []
        lw = 0.2 * fs
        for run in runs:
            color = run.color or DEFAULT_COLOR
            pts = np.asarray(run.points, dtype=float).reshape(-1, 2)
            vals = np.asarray(run.values, dtype=float)
            inside = (pts[:, 0] >= x0) & (pts[:, 0] <= x1) & (pts[:, 1] >= y0) & (pts[:, 1] <= y1)
            # The 3-D axes do not clip to their box: hide the parts of a path outside the
            # domain (the contour panel clips them itself).
            p3 = np.where(inside[:, None], pts, np.nan)
            h3 = np.clip(scale.heights(vals), hmin, hmax) + lift
            last = _last_finite(pts)
            k = int(run.diverged_at)
            # The cross marks where the run left: its last finite point, pulled back onto
            # the edge of the domain if it had already flown off the map.
            if last >= 0:
                cx = float(np.clip(pts[last, 0], x0, x1))
                cy = float(np.clip(pts[last, 1], y0, y1))
            else:
                cx, cy = float(pts[0, 0]), float(pts[0, 1])
            cz = float(bilinear(xs, ys, np.nan_to_num(h, nan=hmax), cx, cy)) + lift

            line_kw = dict(color=color, linewidth=lw, path_effects=_OUTLINE, animated=True)
            dot_kw = dict(
                marker="o", markersize=0.8 * fs, color=color, markeredgecolor="white",
                markeredgewidth=1.5, linestyle="none", animated=True,
            )  # fmt: skip
            cross_kw = dict(
                marker="X", markersize=1.3 * fs, color=color, markeredgecolor="black",
                markeredgewidth=1.2, linestyle="none", animated=True,
            )  # fmt: skip
            (path3,) = ax3.plot([], [], [], **line_kw)
            (dot3,) = ax3.plot([], [], [], **dot_kw)
            (cross3,) = ax3.plot(np.array([cx]), np.array([cy]), np.array([cz]), **cross_kw)
            (path2,) = ax2.plot([], [], **line_kw)
            (dot2,) = ax2.plot([], [], **dot_kw)
            # Unclipped: a run that flew off the map gets its cross on the map's edge.
            (cross2,) = ax2.plot([cx], [cy], clip_on=False, **cross_kw)
            note = ax2.annotate(
                stop_text(run), (cx, cy), xytext=(8, 8), textcoords="offset points",
                fontsize=0.85 * fs, fontweight="bold", color=color, animated=True,
                ha="right" if cx > 0.5 * (x0 + x1) else "left",
                va="top" if cy > 0.5 * (y0 + y1) else "bottom",
                bbox=dict(boxstyle="round,pad=0.2", fc="white", ec=color, alpha=0.9),
                annotation_clip=False,
            )  # fmt: skip
            # Put the note on the inner side of the cross so it stays on the map.
            note.xyann = (
                -8 if cx > 0.5 * (x0 + x1) else 8,
                -8 if cy > 0.5 * (y0 + y1) else 8,
            )
            self.runs.append(
                dict(
                    pts=pts, p3=p3, h3=h3, last=last, k=k,
                    path3=path3, dot3=dot3, cross3=cross3,
                    path2=path2, dot2=dot2, cross2=cross2, note=note,
                )
            )  # fmt: skip
            label = str(run.label) + (f"  (✕ step {k})" if k >= 0 else "")
            handles.insert(
                len(self.runs) - 1,
                Line2D([], [], color=color, linewidth=lw, marker="o", markersize=0.6 * fs,
                       path_effects=_OUTLINE, label=label),
            )  # fmt: skip

        # Margins are in font sizes (points), so they hold at any figure height.
        px_per_pt = dpi / 72.0
        title_y = 1.0 - 0.5 * fs * px_per_pt / height
        fig.text(0.5, title_y, title, ha="center", va="top", fontsize=1.35 * fs, weight="bold")
        self.step_text = fig.text(
            0.99, title_y, "", ha="right", va="top", fontsize=1.1 * fs,
            family="DejaVu Sans Mono", animated=True,
        )  # fmt: skip
        legend_top = 0.0
        if handles:
            legend = fig.legend(
                handles=handles, loc="lower center", bbox_to_anchor=(0.5, 0.0),
                ncol=min(len(handles), 4), fontsize=fs, frameon=False,
                handlelength=2.2, columnspacing=1.6,
            )  # fmt: skip
            # Long labels or many runs give the legend several rows: measure it and
            # put the panels above it rather than guessing.
            extent = legend.get_window_extent(canvas.get_renderer())
            legend_top = extent.y1 / height
        # Room for tick labels and the axis label under the contour map, in font sizes.
        bottom = legend_top + 3.4 * fs * px_per_pt / height
        top = 1.0 - 3.3 * fs * px_per_pt / height
        ax2.set_position((0.53, bottom, 0.37, top - bottom))
        cax.set_position((0.915, bottom, 0.012, top - bottom))
        top3 = 1.0 - 1.8 * fs * px_per_pt / height
        ax3.set_position((0.0, legend_top, 0.47, top3 - legend_top))

        canvas.draw()
        self.background = canvas.copy_from_bbox(fig.bbox)
        self.fig, self.canvas, self.ax3, self.ax2 = fig, canvas, ax3, ax2

    def render(self, step):
        """Return the RGB frame (H, W, 3) uint8 showing every run up to ``step``."""
        step = int(np.clip(step, 0, self.steps))
        self.canvas.restore_region(self.background)
        # Paths first, then every run's dot or cross, so no path covers another's marker.
        markers = []
        for r in self.runs:
            upto = min(step, r["last"])
            if upto < 0:
                continue
            seg = r["pts"][: upto + 1]
            r["path2"].set_data(seg[:, 0], seg[:, 1])
            r["path3"].set_data_3d(
                r["p3"][: upto + 1, 0], r["p3"][: upto + 1, 1], r["h3"][: upto + 1]
            )
            self.ax3.draw_artist(r["path3"])
            self.ax2.draw_artist(r["path2"])
            if 0 <= r["k"] <= step:
                markers += [r["cross3"], r["cross2"], r["note"]]
            else:
                r["dot2"].set_data(seg[-1:, 0], seg[-1:, 1])
                # Arrays, not lists: Line3D.draw needs .shape when a point is masked.
                r["dot3"].set_data_3d(
                    r["p3"][upto : upto + 1, 0], r["p3"][upto : upto + 1, 1],
                    r["h3"][upto : upto + 1],
                )  # fmt: skip
                markers += [r["dot3"], r["dot2"]]
        for art in markers:
            art.axes.draw_artist(art)
        digits = len(str(self.steps))
        self.step_text.set_text(f"step {step:>{digits}} / {self.steps}")
        self.fig.draw_artist(self.step_text)
        buf = np.asarray(self.canvas.buffer_rgba())
        width, height = self.size
        frame = buf[:height, :width, :3]
        if frame.shape[:2] != (height, width):
            # Float rounding of inches * dpi can lose a pixel: pad with the edge colour.
            pad = ((0, height - frame.shape[0]), (0, width - frame.shape[1]), (0, 0))
            frame = np.pad(frame, pad, mode="edge")
        # Copy: the canvas buffer is overwritten by the next frame.
        return np.ascontiguousarray(frame)


def render_frames(
    *,
    xs,
    ys,
    z,
    runs,
    start=None,
    minima=(),
    title="",
    log_z=False,
    z_clip=None,
    n_frames=200,
    size=(1280, 560),
    dpi=None,
    view=(32.0, -60.0),
    progress=None,
    settings=None,
    app_version=None,
):
    """Render the animation of a scene frame by frame.

    Each frame shows the 3-D surface (left) and the filled contour map (right), every
    run's path up to the frame's step with a dot at its current point, the start (white
    circle) and minima (gold stars), a legend, the title and a "step k / n" counter. Once a
    run has diverged its dot is replaced by a ✕ at its last finite point (pulled onto the
    edge of the domain if it had left it) and a "diverged at step k" note.

    Parameters
    ----------
    xs, ys, z, runs, start, minima, title, log_z, z_clip
        The scene data (see the module docstring).
    n_frames : int, default 200
        Frames wanted. With more steps than frames the steps are subsampled evenly (first
        and last step included); with fewer, there are ``steps + 1`` frames, one per step.
    size : (int, int), default (1280, 560)
        Frame width and height in pixels.
    dpi : float, optional
        Dots per inch; by default ``width / 12.8``, so the layout is the same at any width.
    view : (float, float), default (32, -60)
        Elevation and azimuth of the 3-D camera in degrees.
    progress : callable, optional
        Called with the fraction of frames done (0 < f <= 1) after each frame.
    settings, app_version
        Accepted and ignored (they belong to the JSON export).

    Yields
    ------
    ndarray
        RGB frames, uint8, shape ``(height, width, 3)``, each a new array.
    """
    renderer = _SceneRenderer(
        xs=xs, ys=ys, z=z, runs=runs, start=start, minima=minima, title=title,
        log_z=log_z, z_clip=z_clip, size=size, dpi=dpi, view=view,
    )  # fmt: skip
    steps = frame_steps(runs, n_frames)
    for i, step in enumerate(steps):
        yield renderer.render(step)
        if progress is not None:
            progress((i + 1) / len(steps))


# --------------------------------------------------------------------------- encoders
def _even(frame):
    """Pad a frame by one edge pixel where needed so both sides are even (yuv420p)."""
    h, w = frame.shape[:2]
    if h % 2 or w % 2:
        frame = np.pad(frame, ((0, h % 2), (0, w % 2), (0, 0)), mode="edge")
    return frame


def _deliver(data, path_or_buffer):
    """Write ``data`` to a path or a binary file object; return it if neither is given."""
    if path_or_buffer is None:
        return data
    if isinstance(path_or_buffer, str | os.PathLike):
        with open(path_or_buffer, "wb") as f:
            f.write(data)
    else:
        path_or_buffer.write(data)
    return None


def write_gif(frames, path_or_buffer=None, fps=20, colors=255, keep_colors=()):
    """Encode RGB frames as an animated GIF that loops forever.

    All frames share one palette: a median cut of the first frame (which already holds the
    surface and the legend) plus ``keep_colors``, the few colours that cover few pixels in
    the first frame but matter later (the runs' paths). A shared palette has no colour
    flicker, needs only a nearest-colour lookup per frame instead of a fresh quantization,
    and lets the writer (Pillow, ``optimize=True``) store each frame as the region that
    changed with unchanged pixels transparent, which compresses ~14x better here. One
    palette slot is left free for that transparency. imageio's pillow plugin quantizes each
    frame on its own, which measured ~15x slower to encode and ~5x larger (bench_export.py),
    so Pillow is called directly.

    Parameters
    ----------
    frames : iterable of ndarray
        RGB uint8 frames of one size (H, W, 3), consumed one at a time; only the
        palettized frames (one byte per pixel) are kept until the file is written.
    path_or_buffer : str, os.PathLike or binary file object, optional
        Where to write. If omitted, the GIF is returned as bytes.
    fps : float, default 20
        Frames per second (GIF stores delays in hundredths of a second).
    colors : int, default 255
        Palette size, at most 255 (one slot stays free for transparency).
    keep_colors : sequence of color, optional
        Colours (hex strings or RGB tuples in 0..1) that must be in the palette exactly.

    Returns
    -------
    bytes or None
        The GIF when no ``path_or_buffer`` is given.

    Raises
    ------
    ValueError
        If ``frames`` is empty or the frames differ in size.
    """
    frames = iter(frames)
    try:
        first = np.asarray(next(frames))[..., :3]
    except StopIteration:
        raise ValueError("no frames to write") from None
    keep = sorted({tuple(round(255 * c) for c in to_rgb(color)) for color in keep_colors})
    colors = min(int(colors), 255)
    base = Image.fromarray(first).quantize(
        colors=colors - len(keep), method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
    )
    palette = Image.new("P", (1, 1))
    palette.putpalette(base.getpalette()[: 3 * (colors - len(keep))] + [v for c in keep for v in c])

    def palettized():
        for frame in itertools.chain([first], frames):
            frame = np.asarray(frame)[..., :3]
            if frame.shape != first.shape:
                raise ValueError(f"frame of shape {frame.shape}, expected {first.shape}")
            # No dithering: dithering noise would differ between frames and defeat the
            # "store only what changed" compression.
            yield Image.fromarray(frame).quantize(palette=palette, dither=Image.Dither.NONE)

    images = palettized()
    out = io.BytesIO()
    next(images).save(
        out, format="GIF", save_all=True, append_images=images,
        duration=1000.0 / fps, loop=0, optimize=True, disposal=1,
    )  # fmt: skip
    return _deliver(out.getvalue(), path_or_buffer)


def write_mp4(frames, path_or_buffer=None, fps=20, quality=7):
    """Encode RGB frames as an H.264 MP4 (yuv420p, plays in every browser).

    Frames are piped to imageio-ffmpeg's own ffmpeg binary as they come, so rendering in
    Python and encoding in ffmpeg run on two cores at once. Odd sizes are padded by one
    pixel to even, as yuv420p requires.

    Parameters
    ----------
    frames : iterable of ndarray
        RGB uint8 frames of one size (H, W, 3).
    path_or_buffer : str, os.PathLike or binary file object, optional
        Where to write. If omitted, the MP4 is returned as bytes.
    fps : float, default 20
        Frames per second.
    quality : float, default 7
        imageio's quality scale, 1 (worst) to 10 (best); 7 is x264 CRF 15, crisp lines.

    Returns
    -------
    bytes or None
        The MP4 when no ``path_or_buffer`` is given.

    Raises
    ------
    ValueError
        If ``frames`` is empty.
    """
    import imageio.v2 as iio2  # imported here: the CSV/JSON exports do not need it

    with tempfile.TemporaryDirectory(prefix="llab-mp4-") as tmp:
        target = os.path.join(tmp, "animation.mp4")
        n = 0
        writer = iio2.get_writer(
            target, format="FFMPEG", mode="I", fps=fps, codec="libx264",
            pixelformat="yuv420p", quality=quality, macro_block_size=1,
            ffmpeg_log_level="error", output_params=["-preset", "veryfast",
                                                     "-movflags", "+faststart"],
        )  # fmt: skip
        try:
            for frame in frames:
                writer.append_data(_even(np.asarray(frame)[..., :3]))
                n += 1
        finally:
            writer.close()
        if n == 0:
            raise ValueError("no frames to write")
        with open(target, "rb") as f:
            data = f.read()
    return _deliver(data, path_or_buffer)


# --------------------------------------------------------------------------- conveniences
def animation_gif(*, fps=20, progress=None, **scene):
    """Render a scene's animation and return it as GIF bytes.

    Parameters
    ----------
    fps : float, default 20
        Frames per second.
    progress : callable, optional
        Called with the fraction of frames rendered.
    **scene
        The scene data and the options of `render_frames` (``n_frames``, ``size``, ...).

    Returns
    -------
    bytes
        The GIF.
    """
    # The runs' colours and the markers' black and white must survive quantization.
    keep = [run.color or DEFAULT_COLOR for run in scene["runs"]] + ["#000000", "#ffffff"]
    return write_gif(render_frames(progress=progress, **scene), fps=fps, keep_colors=keep)


def animation_mp4(*, fps=20, progress=None, **scene):
    """Render a scene's animation and return it as MP4 bytes.

    Parameters
    ----------
    fps : float, default 20
        Frames per second.
    progress : callable, optional
        Called with the fraction of frames rendered.
    **scene
        The scene data and the options of `render_frames` (``n_frames``, ``size``, ...).

    Returns
    -------
    bytes
        The MP4 (H.264, yuv420p).
    """
    return write_mp4(render_frames(progress=progress, **scene), fps=fps)


def snapshot_png(
    *,
    xs,
    ys,
    z,
    runs,
    start=None,
    minima=(),
    title="",
    log_z=False,
    z_clip=None,
    step=None,
    size=(1280, 560),
    dpi=None,
    view=(32.0, -60.0),
    settings=None,
    app_version=None,
):
    """Render one frame of a scene as PNG bytes.

    Parameters
    ----------
    xs, ys, z, runs, start, minima, title, log_z, z_clip
        The scene data (see the module docstring).
    step : int, optional
        Step to show (clamped to ``0..steps``); the last step by default.
    size, dpi, view
        As in `render_frames`.
    settings, app_version
        Accepted and ignored.

    Returns
    -------
    bytes
        The PNG image.
    """
    renderer = _SceneRenderer(
        xs=xs, ys=ys, z=z, runs=runs, start=start, minima=minima, title=title,
        log_z=log_z, z_clip=z_clip, size=size, dpi=dpi, view=view,
    )  # fmt: skip
    frame = renderer.render(renderer.steps if step is None else step)
    out = io.BytesIO()
    Image.fromarray(frame).save(out, format="PNG")
    return out.getvalue()


__all__ = [
    "animation_gif",
    "animation_mp4",
    "frame_steps",
    "load_trajectories_csv",
    "load_trajectories_json",
    "render_frames",
    "snapshot_png",
    "trajectories_csv",
    "trajectories_json",
    "write_gif",
    "write_mp4",
]
