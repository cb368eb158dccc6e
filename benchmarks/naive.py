"""The baseline the player is measured against: a frames-based Plotly animation.

This is how the scene is usually built with Plotly's own animation machinery: one
``go.Frame`` per step, every frame carrying the paths so far, built and validated through
``go.Figure``. It is here only for ``benchmarks/bench_player.py``; the app never uses it
(its payload grows with steps squared, and ``st.plotly_chart`` resets the 3-D camera on
Play, see docs/architecture.md).
"""

import numpy as np

from figures.payload import as_run
from figures.scale import ZScale


def naive_frames_figure(
    xs, ys, z, runs, *, domain=None, start=None, minima=(), log_z=False, z_clip=None, title=""
):
    """Build the scene as a frames-based ``go.Figure`` (3-D surface + contour, one frame a step).

    Parameters
    ----------
    xs, ys, z, runs, domain, start, minima, log_z, z_clip, title
        As for :func:`figures.player_payload`.

    Returns
    -------
    plotly.graph_objects.Figure
        With ``len(frames) == steps + 1``; frame k holds every run's path up to step k
        (float32 arrays) and its current point, on both subplots, and a Play button and a
        slider using ``redraw=True`` (without it 3-D paths and filled contours do not
        animate, see docs/architecture.md).
    """
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    runs = [as_run(r) for r in runs]
    height = ZScale.from_grid(z, log_z, z_clip).heights
    hz = height(np.asarray(z, dtype=np.float64)).astype(np.float32)
    xs = np.asarray(xs, dtype=np.float32)
    ys = np.asarray(ys, dtype=np.float32)
    if domain is None:
        domain = ((float(xs[0]), float(xs[-1])), (float(ys[0]), float(ys[-1])))
    fig = make_subplots(
        rows=1, cols=2, specs=[[{"type": "scene"}, {"type": "xy"}]], horizontal_spacing=0.06
    )
    fig.add_trace(go.Surface(x=xs, y=ys, z=hz, colorscale="Viridis", showscale=False), 1, 1)
    fig.add_trace(go.Contour(x=xs, y=ys, z=hz, colorscale="Viridis"), 1, 2)
    paths = []
    for run in runs:
        h = height(run.values).astype(np.float32)
        xy = run.points.astype(np.float32)
        paths.append((run, xy, h))

    def path_traces(k):
        traces = []
        for run, xy, h in paths:
            s = slice(0, min(k, len(h) - 1) + 1)
            j = min(k, len(h) - 1)
            traces += [
                go.Scatter3d(
                    x=xy[s, 0],
                    y=xy[s, 1],
                    z=h[s],
                    mode="lines",
                    line={"color": run.color},
                    name=run.label,
                ),
                go.Scatter(
                    x=xy[s, 0],
                    y=xy[s, 1],
                    mode="lines",
                    line={"color": run.color},
                    name=run.label,
                    showlegend=False,
                ),
                go.Scatter3d(
                    x=xy[j : j + 1, 0],
                    y=xy[j : j + 1, 1],
                    z=h[j : j + 1],
                    mode="markers",
                    marker={"color": run.color},
                    showlegend=False,
                ),
                go.Scatter(
                    x=xy[j : j + 1, 0],
                    y=xy[j : j + 1, 1],
                    mode="markers",
                    marker={"color": run.color, "size": 10},
                    showlegend=False,
                ),
            ]
        return traces

    subplot = [1, 2, 1, 2] * len(paths)  # scatter3d -> scene, scatter -> xy
    for trace, col in zip(path_traces(0), subplot, strict=True):
        fig.add_trace(trace, 1, col)
    if start is not None:
        fig.add_trace(go.Scatter(x=[start[0]], y=[start[1]], mode="markers", name="start"), 1, 2)
    if minima:
        fig.add_trace(
            go.Scatter(
                x=[m[0] for m in minima],
                y=[m[1] for m in minima],
                mode="markers",
                name="minima",
                marker={"symbol": "star", "size": 14},
            ),
            1,
            2,
        )
    n_frames = max(len(p[2]) for p in paths) if paths else 1
    moving = list(range(2, 2 + 4 * len(paths)))
    fig.frames = [
        go.Frame(data=path_traces(k), traces=moving, name=str(k)) for k in range(n_frames)
    ]
    fig.update_layout(
        title=title,
        scene={"xaxis": {"range": list(domain[0])}, "yaxis": {"range": list(domain[1])}},
        xaxis={"range": list(domain[0])},
        yaxis={"range": list(domain[1])},
        updatemenus=[
            {
                "type": "buttons",
                "buttons": [
                    {
                        "label": "Play",
                        "method": "animate",
                        "args": [None, {"frame": {"duration": 20, "redraw": True}}],
                    }
                ],
            }
        ],
        sliders=[
            {
                "steps": [
                    {
                        "label": str(k),
                        "method": "animate",
                        "args": [[str(k)], {"frame": {"redraw": True}, "mode": "immediate"}],
                    }
                    for k in range(n_frames)
                ]
            }
        ],
    )
    return fig
