/*
 * Loss Landscape Lab: the animation player.
 *
 * One file, no build step, no dependency beyond plotly.js. The same code runs
 *   - inside the Streamlit component iframe (index.html calls LLPlayer.connectStreamlit()),
 *   - in a standalone offline HTML export (an inline script calls LLPlayer.render(payload)).
 *
 * Design (see docs/architecture.md, "ui"):
 *   - The payload (figures/payload.py) carries every path once, as base64 float32.
 *     Paths are revealed client-side: each animation frame restyles only the path and
 *     marker traces with zero-copy slices 0..k of the decoded arrays. Plotly.newPlot is
 *     never called during playback, so nothing resets the 3-D camera.
 *   - A new payload goes through Plotly.react with layout.uirevision = surface_id, and
 *     the current camera is carried over explicitly while the surface stays the same.
 *   - Ghost runs (payload run.ghost, the previous settings) are drawn whole and faint,
 *     beneath the live runs, as static traces that playback never touches; steps, the
 *     slider and the step label come from the live runs only.
 *   - Values go back to Python sparingly (each one reruns the Streamlit script): a click
 *     on the contour map, and the step when the user pauses or scrubs. Never per frame.
 */
(function () {
  "use strict";
  // plotly.js (loaded before this file) has been parsed and run by now: for benchmarks.
  if (window.performance && performance.mark) performance.mark("llp-script");

  // ---------------------------------------------------------------- decoding

  const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

  /** Decode {dtype: "f4"|"i4", shape, b64} (little-endian bytes) to a typed array. */
  function decodeArray(spec) {
    const bin = atob(spec.b64);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    const n = bytes.length / 4;
    const isFloat = spec.dtype === "f4";
    if (LITTLE_ENDIAN) return isFloat ? new Float32Array(bytes.buffer) : new Int32Array(bytes.buffer);
    // Big-endian host: read element by element (never seen in practice, but correct).
    const out = isFloat ? new Float32Array(n) : new Int32Array(n);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < n; i++) out[i] = isFloat ? view.getFloat32(4 * i, true) : view.getInt32(4 * i, true);
    return out;
  }

  // ---------------------------------------------------------------- themes

  // Muted, low-saturation scales so that the (saturated) run colours stand out on
  // both the surface and the contour map, also on a washed-out classroom projector.
  const THEMES = {
    light: {
      bg: "#ffffff", panel: "#f4f6f9", text: "#1d2330", muted: "#5a6272", grid: "#d5dae2",
      accent: "#2563eb", danger: "#c0262d", outline: "#ffffff", mark: "#111111",
      contourLine: "rgba(20, 30, 50, 0.22)",
      scale: [[0, "#f7f3e3"], [0.2, "#e3e9d2"], [0.4, "#bfd3c3"], [0.6, "#8fb3b4"],
              [0.8, "#6385a0"], [1, "#3f5677"]],
    },
    dark: {
      bg: "#0e1117", panel: "#171c26", text: "#e9ecf2", muted: "#a2aaba", grid: "#323a48",
      accent: "#7aa7ff", danger: "#ff6b6b", outline: "#0e1117", mark: "#f5f5f5",
      contourLine: "rgba(255, 255, 255, 0.16)",
      scale: [[0, "#18202e"], [0.2, "#24344a"], [0.4, "#375168"], [0.6, "#577585"],
              [0.8, "#8ea39b"], [1, "#d9d3b6"]],
    },
  };

  // Ghost runs (the previous settings) are drawn at this opacity, thinner than live runs.
  const GHOST_OPACITY = 0.4;

  const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

  // ---------------------------------------------------------------- formatting

  function fmt(v, digits) {
    if (v === null || v === undefined || !isFinite(v)) return "—";
    const a = Math.abs(v);
    if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(Math.max(0, (digits || 3) - 1));
    return Number(v.toPrecision(digits || 3)).toString();
  }

  function plural(n) {
    return n === 1 ? "st" : n === 2 ? "nd" : n === 3 ? "rd" : "th";
  }

  // ---------------------------------------------------------------- model

  /** Turn a payload into typed arrays and the numbers every frame needs. */
  function prepare(payload) {
    if (!payload || payload.kind !== "loss-landscape-player" || payload.version !== 1) {
      throw new Error("LLPlayer: unknown payload (expected kind 'loss-landscape-player', version 1)");
    }
    const zs = payload.zscale;
    const clip = zs.clip === null || zs.clip === undefined ? Infinity : zs.clip;
    // Loss value -> plotted height and colour coordinate (the only place this maths lives).
    const transform = zs.log
      ? (v) => (isFinite(v) ? Math.log10(Math.max(Math.min(v, clip) - zs.shift, zs.floor)) : NaN)
      : (v) => (isFinite(v) ? Math.min(v, clip) : NaN);
    const tlo = transform(zs.zmin);
    let thi = transform(zs.zmax);
    if (!(thi > tlo)) thi = tlo + 1;
    const lift = 0.012 * (thi - tlo); // paths float just above the surface so they stay visible

    const gx = decodeArray(payload.grid.x);
    const gy = decodeArray(payload.grid.y);
    const gz = decodeArray(payload.grid.z);
    const nx = gx.length, ny = gy.length;
    const tz = new Float32Array(gz.length);
    for (let i = 0; i < gz.length; i++) tz[i] = transform(gz[i]);
    const rows = [];
    for (let j = 0; j < ny; j++) rows.push(tz.subarray(j * nx, (j + 1) * nx));

    const frames = payload.frames;
    const frameSteps = payload.frame_steps ? decodeArray(payload.frame_steps) : null;
    const stepOf = (f) => (frameSteps ? frameSteps[f] : f);
    // First frame at or after a given step (for the divergence label).
    const frameOf = (step) => {
      if (!frameSteps) return step;
      for (let f = 0; f < frames; f++) if (frameSteps[f] >= step) return f;
      return frames - 1;
    };
    // Height of the drawn mesh at (x, y): bilinear in the transformed grid. A path drawn at
    // its true height can sink under the mesh where the mesh cannot follow the surface (a
    // narrow valley on a log scale is a sharp V that cells cut across), so every marker
    // and path point is drawn at max(true height, mesh height) + lift.
    const locate = (g, v) => {
      let lo = 0, hi = g.length - 1;
      if (!(v >= g[0] && v <= g[hi])) return -1;
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        if (g[mid] <= v) lo = mid; else hi = mid;
      }
      return lo;
    };
    const meshHeight = (x, y) => {
      const i = locate(gx, x), j = locate(gy, y);
      if (i < 0 || j < 0) return NaN;
      const tx = (x - gx[i]) / (gx[i + 1] - gx[i] || 1), ty = (y - gy[j]) / (gy[j + 1] - gy[j] || 1);
      const a = tz[j * nx + i], b = tz[j * nx + i + 1], c = tz[(j + 1) * nx + i], d = tz[(j + 1) * nx + i + 1];
      return (1 - ty) * ((1 - tx) * a + tx * b) + ty * ((1 - tx) * c + tx * d);
    };
    // v: a loss value (NaN: nothing to draw) or null (unknown: sit on the mesh).
    // up: how far above the mesh (ghost paths float lower than live ones, beneath them).
    const height = (v, x, y, up = lift) => {
      const mesh = meshHeight(x, y);
      let t;
      if (v === null) t = isFinite(mesh) ? mesh : tlo;
      else if (!isFinite(v)) return NaN;
      else t = isFinite(mesh) ? Math.max(transform(v), mesh) : transform(v);
      return Math.min(Math.max(t, tlo), thi) + up;
    };

    // WebGL does not clip to the axis ranges: in 3-D, points outside the domain (a run
    // flying off to 1e7) become NaN, so the line stops at the edge of the box.
    const [[dx0, dx1], [dy0, dy1]] = payload.domain;
    const padX = 1e-6 * (dx1 - dx0), padY = 1e-6 * (dy1 - dy0);
    const inBox = (x, y) => x >= dx0 - padX && x <= dx1 + padX && y >= dy0 - padY && y <= dy1 + padY;
    // A ✕ of half-size s (a fraction of the domain) at (mx, my): two segments, NaN between.
    const crossXY = (mx, my, s) => {
      const sx = s * (dx1 - dx0), sy = s * (dy1 - dy0);
      return { x: [mx - sx, mx + sx, NaN, mx - sx, mx + sx], y: [my - sy, my + sy, NaN, my + sy, my - sy] };
    };
    const prepareRun = (r, up) => {
      const xy = decodeArray(r.xy);
      const v = decodeArray(r.values);
      const n = v.length;
      const x = new Float32Array(n), y = new Float32Array(n), h = new Float32Array(n);
      const x3 = new Float32Array(n), y3 = new Float32Array(n);
      let lastFinite = -1;
      for (let i = 0; i < n; i++) {
        x[i] = xy[2 * i];
        y[i] = xy[2 * i + 1];
        const inside = inBox(x[i], y[i]);
        h[i] = inside ? height(v[i], x[i], y[i], up) : NaN;
        x3[i] = inside ? x[i] : NaN;
        y3[i] = inside ? y[i] : NaN;
        if (isFinite(x[i]) && isFinite(y[i]) && isFinite(v[i])) lastFinite = i;
      }
      const diverged = r.diverged_at >= 0;
      // The 3-D ✕ is drawn as two short lines lying on the surface: WebGL marker symbols
      // other than circles are font glyphs and render unreliably.
      let cross3 = null;
      if (r.marker && inBox(r.marker.x, r.marker.y)) {
        const c = crossXY(r.marker.x, r.marker.y, r.ghost ? 0.012 : 0.025);
        const hs = c.x.map((cx, q) => (isFinite(cx) ? height(null, Math.min(Math.max(cx, dx0), dx1),
                                                              Math.min(Math.max(c.y[q], dy0), dy1), up) + up : NaN));
        cross3 = { x: c.x, y: c.y, z: hs };
      }
      return {
        cross3, ghost: !!r.ghost,
        label: r.label, color: r.color, x, y, v, h, x3, y3, n, lastFinite,
        divergedAt: r.diverged_at,
        divFrame: diverged ? frameOf(r.diverged_at) : Infinity,
        marker: r.marker ? { x: r.marker.x, y: r.marker.y, h: height(r.marker.value, r.marker.x, r.marker.y), step: r.marker.step } : null,
      };
    };
    // Live runs are animated; ghosts (the previous settings) are drawn whole, faintly, and
    // a little lower than live paths in 3-D, so they stay beneath them.
    const runs = payload.runs.filter((r) => !r.ghost).map((r) => prepareRun(r, lift));
    const ghosts = payload.runs.filter((r) => r.ghost).map((r) => {
      const g = prepareRun(r, 0.9 * lift);
      // Whole path plus, if it diverged, a small ✕ (after a NaN gap): one trace per chart.
      const gap = [NaN];
      const c2 = g.marker ? crossXY(g.marker.x, g.marker.y, 0.012) : null;
      g.path3 = g.cross3
        ? { x: concat(g.x3, gap, g.cross3.x), y: concat(g.y3, gap, g.cross3.y), z: concat(g.h, gap, g.cross3.z) }
        : { x: g.x3, y: g.y3, z: g.h };
      g.path2 = c2 ? { x: concat(g.x, gap, c2.x), y: concat(g.y, gap, c2.y) } : { x: g.x, y: g.y };
      return g;
    });

    const mark = (m) => ({ x: m.x, y: m.y, h: height(m.value, m.x, m.y) });
    return {
      // base: index of the first live path trace on both charts (after the surface or
      // contour and the ghosts, which are drawn beneath everything that moves).
      payload, frames, frameSteps, stepOf, runs, ghosts, base: 1 + ghosts.length, transform, tlo, thi, lift,
      grid: { x: gx, y: gy, rows },
      start: payload.start ? mark(payload.start) : null,
      minima: payload.minima.map(mark),
      ticks: zs.log ? { tickvals: zs.tickvals, ticktext: zs.ticktext } : null,
    };
  }

  /** Concatenate typed or plain arrays into one Float32Array. */
  function concat(...parts) {
    const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }

  // ---------------------------------------------------------------- figures

  function axisStyle(c) {
    return { color: c.text, gridcolor: c.grid, zerolinecolor: c.grid, linecolor: c.grid };
  }

  /** Both figures for a model, with every path empty (frames fill them in). */
  function buildFigures(model, themeName) {
    const c = THEMES[themeName] || THEMES.light;
    const p = model.payload;
    const [[x0, x1], [y0, y1]] = p.domain;
    const zs = p.zscale;
    const uirev = p.surface_id;
    const zTitle = zs.label + (zs.log ? " (log)" : "") + (zs.clip !== null && zs.clip !== undefined ? ` ≤ ${fmt(zs.clip)}` : "");
    const colorbar = {
      title: { text: zTitle, side: "right", font: { size: 14, color: c.text } },
      thickness: 14, len: 0.92, outlinewidth: 0, tickfont: { size: 13, color: c.text },
    };
    if (model.ticks) Object.assign(colorbar, { tickmode: "array", ...model.ticks });

    const common = {
      colorscale: c.scale, zmin: model.tlo, zmax: model.thi,
    };
    // --- 3-D
    const surface = {
      type: "surface", x: model.grid.x, y: model.grid.y, z: model.grid.rows,
      cmin: model.tlo, cmax: model.thi, colorscale: c.scale, showscale: false,
      opacity: 1, hoverinfo: "skip",
      lighting: { ambient: 0.8, diffuse: 0.45, specular: 0.05, roughness: 0.9, fresnel: 0.1 },
      contours: { z: { show: true, usecolormap: false, color: c.contourLine, width: 1,
                       start: model.tlo, end: model.thi, size: (model.thi - model.tlo) / 16 } },
    };
    const d3 = [surface];
    const d2 = [{
      type: "contour", x: model.grid.x, y: model.grid.y, z: model.grid.rows,
      ...common, colorbar,
      autocontour: false,
      // Levels start half a band above the bottom: paths converging below the grid's
      // lowest value make a plateau at the floor, and a level exactly on a plateau draws
      // a dashed line of artefacts along it.
      contours: { coloring: "fill", start: model.tlo + (model.thi - model.tlo) / 40,
                  end: model.thi, size: (model.thi - model.tlo) / 20 },
      line: { color: c.contourLine, width: 0.7, smoothing: 0.6 },
      hovertemplate: "x = %{x:.3g}, y = %{y:.3g}<br>click: start here<extra></extra>",
    }];
    // Ghosts (the previous settings): whole, faint and thin, right above the surface and
    // the contour so that everything else draws over them. Never restyled.
    for (const g of model.ghosts) {
      d3.push({ type: "scatter3d", mode: "lines", ...g.path3, name: g.label, opacity: GHOST_OPACITY,
                line: { color: g.color, width: 4 }, hoverinfo: "skip", showlegend: false });
      d2.push({ type: "scatter", mode: "lines", ...g.path2, name: g.label, opacity: GHOST_OPACITY,
                line: { color: g.color, width: 2.5 }, hoverinfo: "skip", showlegend: false });
    }
    for (const r of model.runs) {
      d3.push({ type: "scatter3d", mode: "lines", x: [NaN], y: [NaN], z: [NaN], name: r.label,
                line: { color: r.color, width: 7 }, hoverinfo: "skip", showlegend: false });
      d2.push({ type: "scatter", mode: "lines", x: [], y: [], name: r.label,
                line: { color: r.color, width: 3.5 }, hoverinfo: "skip", showlegend: false });
    }
    for (const r of model.runs) {
      const hover = r.label.replace(/</g, "&lt;") + "<br>x = %{x:.4g}, y = %{y:.4g}<extra></extra>";
      d3.push({ type: "scatter3d", mode: "markers", x: [NaN], y: [NaN], z: [NaN], name: r.label,
                marker: { color: r.color, size: 7, line: { color: c.outline, width: 2 } },
                hovertemplate: hover, showlegend: false });
      d2.push({ type: "scatter", mode: "markers", x: [], y: [], name: r.label,
                marker: { color: r.color, size: 14, line: { color: c.outline, width: 2.5 } },
                hovertemplate: hover, showlegend: false });
    }
    const start = model.start;
    d3.push({ type: "scatter3d", mode: "markers", name: "start",
              x: start ? [start.x] : [], y: start ? [start.y] : [], z: start ? [start.h] : [],
              marker: { symbol: "diamond", size: 8, color: c.mark, line: { color: c.outline, width: 1 } },
              hovertemplate: "start (%{x:.3g}, %{y:.3g})<extra></extra>", showlegend: false });
    d2.push({ type: "scatter", mode: "markers", name: "start",
              x: start ? [start.x] : [], y: start ? [start.y] : [],
              marker: { symbol: "diamond", size: 15, color: c.mark, line: { color: c.outline, width: 2 } },
              hovertemplate: "start (%{x:.3g}, %{y:.3g})<extra></extra>", showlegend: false });
    const mins = model.minima;
    d3.push({ type: "scatter3d", mode: "markers", name: "minimum",
              x: mins.map((m) => m.x), y: mins.map((m) => m.y), z: mins.map((m) => m.h),
              marker: { symbol: "circle", size: 6, color: "#f5b700", line: { color: "#3a2a00", width: 1 } },
              hovertemplate: "minimum (%{x:.3g}, %{y:.3g})<extra></extra>", showlegend: false });
    d2.push({ type: "scatter", mode: "markers", name: "minimum",
              x: mins.map((m) => m.x), y: mins.map((m) => m.y),
              marker: { symbol: "star", size: 19, color: "#f5b700", line: { color: "#3a2a00", width: 1.2 } },
              hovertemplate: "minimum (%{x:.3g}, %{y:.3g})<extra></extra>", showlegend: false });
    // Diverged runs: an ✕ at the last point still in view, shown once the step passes.
    for (const r of model.runs) {
      d3.push({ type: "scatter3d", mode: "lines", name: "diverged", x: [NaN], y: [NaN], z: [NaN],
                line: { color: r.color, width: 9 }, hoverinfo: "skip", showlegend: false });
    }
    d2.push({ type: "scatter", mode: "markers", name: "diverged", x: [], y: [],
              marker: { symbol: "x-thin", size: 20, color: [], line: { color: [], width: 4.5 } },
              hoverinfo: "skip", showlegend: false });

    const base = {
      uirevision: uirev, paper_bgcolor: c.bg, plot_bgcolor: c.bg,
      font: { family: FONT, size: 14, color: c.text },
      hoverlabel: { font: { family: FONT, size: 14 } },
      showlegend: false, autosize: true,
    };
    const dx = x1 - x0, dy = y1 - y0;
    const ratio = Math.min(Math.max(dy / dx, 0.4), 2.5);
    // No z title: the colour bar names the quantity, and a 3-D axis title collides with
    // the tick labels from most viewpoints.
    const zAxis = { title: { text: "" }, range: [model.tlo, model.thi + 2 * model.lift], ...axisStyle(c),
                    backgroundcolor: c.panel, showbackground: true };
    if (model.ticks) {
      // The 3-D z axis is short on screen: at most three labels (every other decade if needed).
      const keep = Math.ceil(model.ticks.tickvals.length / 3);
      Object.assign(zAxis, { tickmode: "array",
                             tickvals: model.ticks.tickvals.filter((_, i) => i % keep === 0),
                             ticktext: model.ticks.ticktext.filter((_, i) => i % keep === 0) });
    }
    const layout3d = {
      ...base,
      margin: { l: 0, r: 0, t: 0, b: 0 },
      scene: {
        uirevision: uirev,
        xaxis: { title: { text: "x" }, range: [x0, x1], ...axisStyle(c), backgroundcolor: c.panel, showbackground: true },
        yaxis: { title: { text: "y" }, range: [y0, y1], ...axisStyle(c), backgroundcolor: c.panel, showbackground: true },
        zaxis: zAxis,
        aspectmode: "manual", aspectratio: { x: 1, y: ratio, z: 0.5 },
        // Default view from high up (~57°): steep-walled valleys (Rosenbrock on a log scale)
        // hide paths from lower viewpoints. A payload may bring its own camera.
        camera: p.camera || { eye: { x: -0.75, y: -0.95, z: 2.0 }, center: { x: 0, y: 0, z: -0.2 } },
        dragmode: "turntable",
      },
    };
    // Equal aspect on the map when the domain is not too elongated.
    const equal = dy / dx > 1 / 3 && dy / dx < 3;
    const layout2d = {
      ...base,
      margin: { l: 56, r: 8, t: 16, b: 48 },
      hovermode: "closest", dragmode: "zoom",
      xaxis: { title: { text: "x" }, range: [x0, x1], ...axisStyle(c), showgrid: false, zeroline: false,
               constrain: "domain", ticks: "outside" },
      yaxis: { title: { text: "y" }, range: [y0, y1], ...axisStyle(c), showgrid: false, zeroline: false,
               constrain: "domain", ticks: "outside", ...(equal ? { scaleanchor: "x", scaleratio: 1 } : {}) },
    };
    return { d3: { data: d3, layout: layout3d }, d2: { data: d2, layout: layout2d }, colors: c };
  }

  // ---------------------------------------------------------------- map overlay

  const SVGNS = "http://www.w3.org/2000/svg";

  function svgEl(tag, attrs) {
    const e = document.createElementNS(SVGNS, tag);
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    return e;
  }

  /**
   * Clip segment (x0,y0)-(x1,y1) to the box [lo, hi]^2 (Liang-Barsky). Returns the clipped
   * endpoints, or null when the segment misses the box. A diverging run jumps to 1e7 and
   * beyond; clipping (rather than clamping coordinates) keeps the visible part's direction.
   */
  function clipSegment(x0, y0, x1, y1, lo, hi) {
    let t0 = 0, t1 = 1;
    const dx = x1 - x0, dy = y1 - y0;
    const p = [-dx, dx, -dy, dy];
    const q = [x0 - lo, hi - x0, y0 - lo, hi - y0];
    for (let i = 0; i < 4; i++) {
      if (p[i] === 0) {
        if (q[i] < 0) return null;
      } else {
        const t = q[i] / p[i];
        if (p[i] < 0) { if (t > t1) return null; if (t > t0) t0 = t; }
        else { if (t < t0) return null; if (t < t1) t1 = t; }
      }
    }
    return [x0 + t0 * dx, y0 + t0 * dy, x0 + t1 * dx, y0 + t1 * dy, t0 > 0, t1 < 1];
  }

  /**
   * The moving parts of the contour map, drawn as SVG over Plotly's plot area. Restyling a
   * Plotly trace on the map recomputes the filled contour too (~25 ms of the ~34 ms a frame
   * cost, measured); an SVG path update costs well under a millisecond. The overlay takes
   * no pointer events, so zoom, hover and clicks still reach Plotly underneath, and it is
   * re-synced with the axes after every Plotly redraw (zoom, resize, new payload).
   */
  class MapOverlay {
    constructor(gd) {
      this.gd = gd;
      this.svg = svgEl("svg", { class: "llp-overlay" });
      this.clipId = `llp-clip-${Math.random().toString(36).slice(2)}`;
      const defs = svgEl("defs", {});
      this.clipRect = svgEl("rect", { x: 0, y: 0, width: 0, height: 0 });
      const clip = svgEl("clipPath", { id: this.clipId });
      clip.append(this.clipRect);
      defs.append(clip);
      this.layer = svgEl("g", { "clip-path": `url(#${this.clipId})` });
      this.svg.append(defs, this.layer);
      this.axes = null;
      this.model = null;
      this.frame = -1;
    }

    /** Create one halo + path + dot per run, and the ✕ marks. */
    setModel(model, colors) {
      this.model = model;
      this.layer.textContent = "";
      this.items = model.runs.map((r) => {
        const halo = svgEl("path", { class: "llp-halo", stroke: colors.outline });
        const path = svgEl("path", { class: "llp-path", stroke: r.color });
        const dot = svgEl("circle", { class: "llp-dot", r: 7, fill: r.color, stroke: colors.outline });
        const cross = svgEl("path", { class: "llp-cross", stroke: r.color });
        const crossHalo = svgEl("path", { class: "llp-cross-halo", stroke: colors.outline });
        return { halo, path, dot, cross, crossHalo };
      });
      for (const it of this.items) this.layer.append(it.halo, it.path);
      for (const it of this.items) this.layer.append(it.crossHalo, it.cross, it.dot);
      this.frame = -1;
    }

    /** Read the axes' pixel mapping from Plotly; false if it is not available. */
    sync() {
      const fl = this.gd._fullLayout;
      const xa = fl && fl.xaxis, ya = fl && fl.yaxis;
      if (!xa || !ya || !isFinite(xa._offset) || !isFinite(xa._length) || !Array.isArray(xa.range)) {
        this.axes = null;
        return false;
      }
      // Keep the overlay inside Plotly's container, above the plot but below hover labels.
      const container = this.gd.querySelector(".svg-container");
      if (!container) return false;
      const svgs = container.querySelectorAll(":scope > .main-svg");
      if (this.svg.parentNode !== container) container.insertBefore(this.svg, svgs[1] || null);
      this.axes = {
        x0: xa.range[0], x1: xa.range[1], xo: xa._offset, xl: xa._length,
        y0: ya.range[0], y1: ya.range[1], yo: ya._offset, yl: ya._length,
      };
      const a = this.axes;
      this.clipRect.setAttribute("x", a.xo);
      this.clipRect.setAttribute("y", a.yo);
      this.clipRect.setAttribute("width", a.xl);
      this.clipRect.setAttribute("height", a.yl);
      this.svg.setAttribute("width", fl.width);
      this.svg.setAttribute("height", fl.height);
      this.frame = -1;
      return true;
    }

    px(x) { const a = this.axes; return a.xo + ((x - a.x0) / (a.x1 - a.x0)) * a.xl; }
    py(y) { const a = this.axes; return a.yo + ((a.y1 - y) / (a.y1 - a.y0)) * a.yl; }

    /** Path data for points 0..k: gaps at NaN, long jumps clipped to a box around the view. */
    pathData(r, k) {
      const lo = -2000, hi = 2000 + Math.max(this.axes.xl, this.axes.yl);
      let d = "";
      let penDown = false, lx = NaN, ly = NaN;
      for (let i = 0; i <= k; i++) {
        const X = this.px(r.x[i]), Y = this.py(r.y[i]);
        if (!isFinite(X) || !isFinite(Y)) { penDown = false; lx = NaN; continue; }
        if (!isFinite(lx)) {
          if (X >= lo && X <= hi && Y >= lo && Y <= hi) { d += `M${X.toFixed(1)} ${Y.toFixed(1)}`; penDown = true; }
          lx = X; ly = Y;
          continue;
        }
        const c = clipSegment(lx, ly, X, Y, lo, hi);
        if (c) {
          if (!penDown || c[4]) d += `M${c[0].toFixed(1)} ${c[1].toFixed(1)}`;
          d += `L${c[2].toFixed(1)} ${c[3].toFixed(1)}`;
          penDown = !c[5];
        } else {
          penDown = false;
        }
        lx = X; ly = Y;
      }
      return d;
    }

    /** Draw frame f; false when the axes are unknown (the caller then uses Plotly traces). */
    draw(model, f) {
      if (this.model !== model || !this.axes) return false;
      if (f === this.frame) return true;
      this.frame = f;
      model.runs.forEach((r, i) => {
        const it = this.items[i];
        const k = Math.min(f, r.n - 1);
        const d = this.pathData(r, k);
        it.path.setAttribute("d", d);
        it.halo.setAttribute("d", d);
        const passed = f >= r.divFrame;
        const j = Math.min(k, r.lastFinite);
        const showDot = !passed && j >= 0;
        it.dot.style.display = showDot ? "" : "none";
        if (showDot) {
          it.dot.setAttribute("cx", this.px(r.x[j]).toFixed(1));
          it.dot.setAttribute("cy", this.py(r.y[j]).toFixed(1));
        }
        const showCross = passed && !!r.marker;
        it.cross.style.display = it.crossHalo.style.display = showCross ? "" : "none";
        if (showCross) {
          const X = this.px(r.marker.x), Y = this.py(r.marker.y), s = 8;
          const c = `M${X - s} ${Y - s}L${X + s} ${Y + s}M${X - s} ${Y + s}L${X + s} ${Y - s}`;
          it.cross.setAttribute("d", c);
          it.crossHalo.setAttribute("d", c);
        }
      });
      return true;
    }
  }

  // ---------------------------------------------------------------- player

  const SPEEDS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000];

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  class Player {
    /**
     * @param {HTMLElement} root container to fill
     * @param {object} opts {onValue(value), autoplay: bool, height: px or null (fill root)}
     */
    constructor(root, opts) {
      this.root = root;
      this.opts = Object.assign({ onValue: null, autoplay: false }, opts || {});
      this.model = null;
      this.payloadId = null;
      this.surfaceId = null;
      this.frame = -1;        // frame currently drawn
      this.pos = 0;           // fractional frame position while playing
      this.playing = false;
      this.lastTime = null;
      this.seq = 0;           // increases with every value sent to Python
      this.stepTimer = null;
      this.last3d = -Infinity; // 3-D redraw pacing, see request3d
      this.gap3d = 0;
      this.cost3d = 0;
      this.timer3d = null;
      this.watch3d = false;
      this.buildDom();
      this.loop = this.loop.bind(this);
      requestAnimationFrame(this.loop);
    }

    buildDom() {
      const r = this.root;
      r.classList.add("llp");
      r.innerHTML = "";
      this.titleEl = el("div", "llp-title");
      this.charts = el("div", "llp-charts");
      this.gd3 = el("div", "llp-chart llp-3d");
      this.gd2 = el("div", "llp-chart llp-2d");
      this.charts.append(this.gd3, this.gd2);
      this.overlay = new MapOverlay(this.gd2);
      const bar = el("div", "llp-controls");
      this.playBtn = el("button", "llp-btn llp-play", "▶ Play");
      this.playBtn.type = "button";
      this.playBtn.title = "Play / Pause (Space)";
      this.prevBtn = el("button", "llp-btn llp-prev", "‹");
      this.prevBtn.title = "Previous step (←)";
      this.nextBtn = el("button", "llp-btn llp-next", "›");
      this.nextBtn.title = "Next step (→)";
      this.slider = el("input", "llp-slider");
      this.slider.type = "range";
      this.slider.min = "0";
      this.slider.step = "1";
      this.slider.setAttribute("aria-label", "step");
      this.stepEl = el("span", "llp-step", "step 0 / 0");
      const speedLabel = el("label", "llp-speed-label", "speed ");
      this.speedSel = el("select", "llp-speed");
      this.speedSel.setAttribute("aria-label", "speed in steps per second");
      for (const s of SPEEDS) {
        const o = el("option", null, `${s} steps/s`);
        o.value = String(s);
        this.speedSel.append(o);
      }
      speedLabel.append(this.speedSel);
      bar.append(this.playBtn, this.prevBtn, this.nextBtn, this.slider, this.stepEl, speedLabel);
      this.legend = el("div", "llp-legend");
      this.note = el("div", "llp-note");
      r.append(this.titleEl, this.charts, bar, this.legend, this.note);

      this.playBtn.addEventListener("click", () => this.toggle());
      this.prevBtn.addEventListener("click", () => this.stepBy(-1));
      this.nextBtn.addEventListener("click", () => this.stepBy(1));
      this.slider.addEventListener("input", () => {
        this.pause(false);
        this.show(parseInt(this.slider.value, 10));
      });
      this.slider.addEventListener("change", () => this.sendStep());
      this.speedSel.addEventListener("change", () => { this.speed = parseFloat(this.speedSel.value); });
      // Keyboard (presentation mode): capture phase, so the slider and buttons do not also
      // act on the same key (a focused button would toggle twice on Space).
      window.addEventListener("keydown", (e) => this.onKey(e), true);
    }

    onKey(e) {
      if (!this.model || e.altKey || e.ctrlKey || e.metaKey) return;
      const tag = e.target && e.target.tagName;
      if (tag === "SELECT" || tag === "TEXTAREA" || (tag === "INPUT" && e.target.type !== "range")) return;
      const last = this.model.frames - 1;
      const keys = {
        " ": () => this.toggle(),
        ArrowLeft: () => this.stepBy(-1),
        ArrowRight: () => this.stepBy(1),
        Home: () => { this.pause(false); this.show(0); this.sendStepSoon(); },
        End: () => { this.pause(false); this.show(last); this.sendStepSoon(); },
      };
      const action = keys[e.key];
      if (action) {
        e.preventDefault();
        e.stopPropagation();
        action();
      }
    }

    // ------------------------------------------------------------ payload

    setPayload(payload, theme) {
      const themeName = theme || payload.theme || "light";
      if (payload.id === this.payloadId && themeName === this.themeName) return Promise.resolve(false); // same data: keep everything
      if (window.performance && performance.mark) performance.mark("llp-payload"); // for benchmarks
      const model = prepare(payload);
      const sameSurface = payload.surface_id === this.surfaceId && themeName === this.themeName;
      const figs = buildFigures(model, themeName);
      if (sameSurface && this.gd3.layout && this.gd3.layout.scene && this.gd3.layout.scene.camera) {
        // uirevision keeps GUI changes; carrying the live camera also keeps API changes
        // (Plotly.relayout) and is explicit about what we promise.
        figs.d3.layout.scene.camera = JSON.parse(JSON.stringify(this.gd3.layout.scene.camera));
      }
      this.payloadId = payload.id;
      this.surfaceId = payload.surface_id;
      this.themeName = themeName;
      this.colors = figs.colors;
      this.root.classList.toggle("llp-dark", themeName === "dark");
      this.titleEl.textContent = payload.title || "";
      this.titleEl.style.display = payload.title ? "" : "none";
      this.slider.max = String(model.frames - 1);
      this.buildLegend(model);
      this.note.textContent = payload.subsampled
        ? `Long run: showing every ${payload.stride}${plural(payload.stride)} step of ${payload.steps.toLocaleString("en-US")} ` +
          `(${model.frames.toLocaleString("en-US")} frames, plus the steps where runs diverge).`
        : "";
      this.note.style.display = payload.subsampled ? "" : "none";
      // Default speed: the whole race in about 8 seconds.
      const target = Math.max(1, payload.steps / 8);
      this.speed = SPEEDS.reduce((a, b) => (Math.abs(Math.log(b / target)) < Math.abs(Math.log(a / target)) ? b : a));
      this.speedSel.value = String(this.speed);

      const cfg3 = { displaylogo: false, responsive: true, scrollZoom: true,
                     modeBarButtonsToRemove: ["resetCameraLastSave3d", "hoverClosest3d"] };
      const cfg2 = { displaylogo: false, responsive: true, doubleClick: "reset",
                     modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d", "toggleSpikelines",
                                              "hoverClosestCartesian", "hoverCompareCartesian"] };
      const first = !this.gd2.data;
      const token = (this.token = (this.token || 0) + 1);
      const current = () => token === this.token; // false once a newer payload arrived
      this.model = null; // nothing draws until the map is ready for the new model
      this.ready3d = false;
      clearTimeout(this.timer3d);
      this.timer3d = null;
      // The map first (SVG, cheap), then the 3-D scene: creating a WebGL scene blocks the
      // page for a while (seconds with software WebGL), so the map is on screen and
      // playable before that starts. The pause lets the browser paint it (a timer, not
      // requestAnimationFrame, which never fires in a background tab).
      return Plotly.react(this.gd2, figs.d2.data, figs.d2.layout, cfg2)
        .then(() => {
          if (!current()) return false;
          if (first) this.bindPlotEvents();
          this.model = model;
          this.overlay.setModel(model, this.colors);
          this.overlay.sync();
          this.frame = -1;
          this.divKey2 = null;
          if (this.opts.autoplay) {
            this.show(0);
            this.play();
          } else {
            this.pause(false);
            this.show(model.frames - 1);
          }
          if (window.performance && performance.mark) performance.mark("llp-map");
          return new Promise((resolve) => setTimeout(resolve, 30));
        })
        .then(() => (current() ? Plotly.react(this.gd3, figs.d3.data, figs.d3.layout, cfg3) : null))
        .then(() => {
          if (!current()) return false;
          this.ready3d = true;
          this.last3d = -Infinity;
          this.draw3d();
          this.root.dataset.ready = payload.id; // for tests and pages: this payload is drawn
          if (window.performance && performance.mark) performance.mark("llp-ready");
          return true;
        });
    }

    bindPlotEvents() {
      // Any Plotly redraw of the map (zoom, pan, resize, double-click reset) moves the
      // axes: re-read them and redraw the overlay.
      this.gd2.on("plotly_afterplot", () => {
        if (this.model && this.overlay.sync()) this.overlay.draw(this.model, this.frame);
      });
      this.gd2.on("plotly_relayout", () => {
        if (this.model && this.overlay.sync()) this.overlay.draw(this.model, this.frame);
      });
      // A click on the map proposes a new start point. plotly_click reports the grid node
      // under the mouse; the exact position comes from the mouse event and the axes.
      this.gd2.on("plotly_click", (ev) => {
        if (!this.model) return;
        let x = ev.points && ev.points[0] ? ev.points[0].x : NaN;
        let y = ev.points && ev.points[0] ? ev.points[0].y : NaN;
        const fl = this.gd2._fullLayout;
        if (ev.event && fl && fl.xaxis && fl.xaxis.p2l) {
          const box = this.gd2.getBoundingClientRect();
          x = fl.xaxis.p2l(ev.event.clientX - box.left - fl.xaxis._offset);
          y = fl.yaxis.p2l(ev.event.clientY - box.top - fl.yaxis._offset);
        }
        const [[x0, x1], [y0, y1]] = this.model.payload.domain;
        if (!(x >= x0 && x <= x1 && y >= y0 && y <= y1)) return;
        const round = (v) => Number(v.toPrecision(4));
        x = round(x);
        y = round(y);
        // Immediate feedback: move the start marker now, Python reruns and sends new paths.
        const iStart = this.model.base + 2 * this.model.runs.length;
        Plotly.restyle(this.gd2, { x: [[x]], y: [[y]] }, [iStart]);
        this.send({ event: "start", start: [x, y] });
      });
    }

    buildLegend(model) {
      this.legend.innerHTML = "";
      this.legendRows = model.runs.map((r) => {
        const row = el("div", "llp-run");
        const sw = el("span", "llp-swatch");
        sw.style.background = r.color;
        const label = el("span", "llp-label", r.label);
        const status = el("span", "llp-status");
        row.append(sw, label, status);
        this.legend.append(row);
        return { row, status, text: null, diverged: null };
      });
      const keyRow = el("div", "llp-run llp-keys");
      const k1 = el("span", "llp-key", "◆ start");
      const k2 = el("span", "llp-key llp-key-min", "★ minimum");
      const k3 = el("span", "llp-key", "✕ diverged");
      keyRow.append(k1);
      if (model.minima.length) keyRow.append(k2);
      if (model.runs.concat(model.ghosts).some((r) => r.divergedAt >= 0)) keyRow.append(k3);
      this.legend.append(keyRow);
      // Ghosts: a quieter group on a line of its own, never mixed with the live runs.
      if (model.ghosts.length) {
        const group = el("div", "llp-ghosts");
        group.title = "Faint paths: the runs with the settings before your last change";
        group.append(el("span", "llp-ghost-head", "before (faint):"));
        for (const g of model.ghosts) {
          const item = el("span", "llp-ghost");
          const sw = el("span", "llp-swatch llp-ghost-swatch");
          sw.style.background = g.color;
          const text = g.label.replace(/^before:\s*/, "") +
            (g.divergedAt >= 0 ? ` (diverged at step ${g.divergedAt.toLocaleString("en-US")})` : "");
          item.append(sw, el("span", "llp-ghost-label", text));
          group.append(item);
        }
        this.legend.append(group);
      }
    }

    // ------------------------------------------------------------ playback

    toggle() {
      if (this.playing) this.pause(true);
      else this.play();
    }

    play() {
      if (!this.model) return;
      if (this.frame >= this.model.frames - 1) this.show(0); // replay from the start
      this.pos = this.frame;
      this.playing = true;
      clearTimeout(this.stepTimer); // a step queued by a key press is stale now
      this.lastTime = null;
      this.playBtn.textContent = "❚❚ Pause";
      this.playBtn.classList.add("llp-playing");
    }

    pause(report) {
      const was = this.playing;
      this.playing = false;
      this.playBtn.textContent = "▶ Play";
      this.playBtn.classList.remove("llp-playing");
      if (report && was) this.sendStep();
    }

    stepBy(d) {
      if (!this.model) return;
      this.pause(false);
      this.show(Math.min(Math.max(this.frame + d, 0), this.model.frames - 1));
      this.sendStepSoon();
    }

    loop(t) {
      this.measure3d(t);
      if (this.playing && this.model) {
        if (this.lastTime !== null) {
          // Speed is in steps per second; with subsampling one frame covers `stride` steps.
          const perFrame = this.model.payload.stride || 1;
          this.pos += ((t - this.lastTime) / 1000) * (this.speed / perFrame);
        }
        this.lastTime = t;
        const last = this.model.frames - 1;
        if (this.pos >= last) {
          this.show(last);
          this.pause(true);
        } else {
          this.show(Math.floor(this.pos));
        }
      }
      requestAnimationFrame(this.loop);
    }

    /**
     * Draw frame f. Only the moving parts change: on the map the SVG overlay (MapOverlay,
     * every frame), on the 3-D chart the path, current-point and ✕ traces (request3d).
     */
    show(f) {
      const m = this.model;
      if (!m) return;
      f = Math.min(Math.max(f | 0, 0), m.frames - 1);
      if (f === this.frame) return;
      this.frame = f;
      if (!this.overlay.draw(m, f)) this.draw2dTraces(f);
      this.request3d();
      this.updateLabels(f);
    }

    /**
     * Redraw the 3-D chart now, or as soon as the renderer has had its breather. WebGL
     * speed varies by orders of magnitude: with a GPU a frame of the scene costs a few ms,
     * with software rendering (SwiftShader in headless Chromium, or a classroom PC without
     * GPU acceleration) plotly's surface costs ~300 ms a frame, which would freeze the
     * map, the controls and the keyboard too. So the cost of each 3-D redraw is measured
     * (time to the next animation frame) and, when it is high, the 3-D chart is redrawn at
     * most every 3x that cost; the map and labels stay at full rate and the last frame is
     * always drawn (a trailing timer), so pausing or scrubbing ends on the exact step.
     */
    request3d() {
      if (!this.ready3d) return; // the scene is still being created; it draws when ready
      const wait = this.last3d + this.gap3d - performance.now();
      if (wait <= 0) {
        clearTimeout(this.timer3d);
        this.timer3d = null;
        this.draw3d();
      } else if (!this.timer3d) {
        this.timer3d = setTimeout(() => {
          this.timer3d = null;
          this.draw3d();
        }, wait);
      }
    }

    /** Measure the last 3-D redraw (called on the first animation frame after it). */
    measure3d(t) {
      if (!this.watch3d) return;
      this.watch3d = false;
      const cost = t - this.last3d;
      this.cost3d = cost;
      this.gap3d = cost > 50 ? Math.min(3 * cost, 1500) : 0;
    }

    draw3d() {
      const m = this.model;
      if (!m || this.frame < 0) return;
      const f = this.frame;
      const NONE = [NaN]; // never an empty trace: Plotly drops the WebGL object of empty traces
      const R = m.runs.length, b = m.base; // ghost traces (before b) never change
      const x = [], y = [], z = [], idx = [];
      m.runs.forEach((r, i) => {
        const k = Math.min(f, r.n - 1);
        // subarray: zero-copy views; NaN after a divergence (or outside the box) draws nothing.
        x.push(r.x3.subarray(0, k + 1));
        y.push(r.y3.subarray(0, k + 1));
        z.push(r.h.subarray(0, k + 1));
        idx.push(b + i);
      });
      m.runs.forEach((r, i) => {
        const j = Math.min(f, r.n - 1, r.lastFinite);
        const on = f < r.divFrame && j >= 0;
        x.push(on ? [r.x3[j]] : NONE);
        y.push(on ? [r.y3[j]] : NONE);
        z.push(on ? [r.h[j]] : NONE);
        idx.push(b + R + i);
      });
      m.runs.forEach((r, i) => {
        const on = f >= r.divFrame && r.cross3;
        x.push(on ? r.cross3.x : NONE);
        y.push(on ? r.cross3.y : NONE);
        z.push(on ? r.cross3.z : NONE);
        idx.push(b + 2 * R + 2 + i);
      });
      if (!this.update3d(idx, x, y, z)) Plotly.restyle(this.gd3, { x, y, z }, idx);
      this.last3d = performance.now();
      this.watch3d = true;
    }

    /** The map without the overlay (Plotly internals changed): restyle its own traces. */
    draw2dTraces(f) {
      const m = this.model;
      const NONE = [NaN];
      const R = m.runs.length, b = m.base;
      const x = [], y = [], idx = [], dx = [], dy = [], dc = [];
      m.runs.forEach((r, i) => {
        const k = Math.min(f, r.n - 1);
        x.push(r.x.subarray(0, k + 1));
        y.push(r.y.subarray(0, k + 1));
        idx.push(b + i);
      });
      m.runs.forEach((r, i) => {
        const j = Math.min(f, r.n - 1, r.lastFinite);
        const on = f < r.divFrame && j >= 0;
        x.push(on ? [r.x[j]] : NONE);
        y.push(on ? [r.y[j]] : NONE);
        idx.push(b + R + i);
        if (f >= r.divFrame && r.marker) {
          dx.push(r.marker.x);
          dy.push(r.marker.y);
          dc.push(r.color);
        }
      });
      x.push(dx.length ? dx : NONE);
      y.push(dy.length ? dy : NONE);
      idx.push(b + 2 * R + 2);
      Plotly.restyle(this.gd2, { x, y }, idx);
      const key = dc.join(",");
      if (this.divKey2 !== key) {
        this.divKey2 = key;
        const col = [dc.length ? dc : ["#000"]];
        Plotly.restyle(this.gd2, { "marker.color": col, "marker.line.color": col }, [b + 2 * R + 2]);
      }
    }

    /**
     * Fast path for the 3-D chart. Plotly.restyle re-processes every trace of a gl3d scene,
     * the surface included (its mesh and contour lines): ~150 ms a frame in headless
     * Chromium for a 100 x 100 grid, against ~7 ms without the surface (measured, see
     * docs/architecture.md). So during playback we hand the new slices to the scene's
     * existing WebGL trace objects and redraw once. Every piece is feature-checked first;
     * if anything is missing (another plotly.js version), the caller falls back to
     * Plotly.restyle, which is always correct, only slower. gd.data is kept in sync, so a
     * later full redraw (resize, relayout) shows the same frame.
     */
    update3d(idx, xs, ys, zs) {
      if (this.opts.publicApiOnly) return false;
      const gd = this.gd3;
      const fl = gd._fullLayout;
      const scene = fl && fl.scene && fl.scene._scene;
      if (!scene || !scene.traces || !scene.glplot || !gd._fullData) return false;
      const objs = [];
      for (const i of idx) {
        const full = gd._fullData[i];
        const obj = full && scene.traces[full.uid];
        if (!obj || typeof obj.update !== "function" || full.index !== i) return false;
        objs.push([full, obj]);
      }
      idx.forEach((i, n) => {
        const [full, obj] = objs[n];
        const user = gd.data[i];
        user.x = full.x = xs[n];
        user.y = full.y = ys[n];
        user.z = full.z = zs[n];
        full._length = xs[n].length;
        obj.update(full);
      });
      scene.glplot.redraw();
      this.fastFrames = (this.fastFrames || 0) + 1;
      return true;
    }

    updateLabels(f) {
      const m = this.model;
      const step = m.stepOf(f);
      this.slider.value = String(f);
      this.stepEl.textContent = `step ${step.toLocaleString("en-US")} / ${m.payload.steps.toLocaleString("en-US")}`;
      m.runs.forEach((r, i) => {
        const row = this.legendRows[i];
        const passed = f >= r.divFrame;
        const k = Math.min(f, r.lastFinite);
        const text = passed ? `diverged at step ${r.divergedAt.toLocaleString("en-US")}` : `loss ${fmt(k >= 0 ? r.v[k] : NaN)}`;
        if (text !== row.text) {
          row.status.textContent = text;
          row.text = text;
        }
        if (passed !== row.diverged) {
          row.row.classList.toggle("llp-diverged", passed);
          row.diverged = passed;
        }
      });
    }

    // ------------------------------------------------------------ values to Python

    send(value) {
      // Strictly increasing across iframe reloads too (a page compares it with the last
      // seq it handled): milliseconds since the epoch, bumped when two sends share one.
      this.seq = Math.max(Date.now(), this.seq + 1);
      if (this.opts.onValue) this.opts.onValue(Object.assign({ seq: this.seq }, value));
    }

    sendStep() {
      if (this.model) this.send({ event: "step", step: this.model.stepOf(this.frame) });
    }

    /** Key presses come in bursts: report the step once the user stops. */
    sendStepSoon() {
      clearTimeout(this.stepTimer);
      this.stepTimer = setTimeout(() => {
        if (!this.playing) this.sendStep();
      }, 600);
    }
  }

  // ---------------------------------------------------------------- entry points

  let instance = null;

  /**
   * Render a payload into an element (standalone pages, or the component).
   * @param {object} payload from figures.player_payload
   * @param {object} opts {root: HTMLElement (default #llp-root), theme, autoplay, onValue}
   */
  function render(payload, opts) {
    opts = opts || {};
    const root = opts.root || document.getElementById("llp-root");
    if (!instance || instance.root !== root) instance = new Player(root, opts);
    else Object.assign(instance.opts, opts);
    instance.setPayload(payload, opts.theme);
    return instance;
  }

  /**
   * Speak the Streamlit component protocol (v1, hand-written: streamlit-component-lib's
   * Streamlit.ts). Every message to the parent carries isStreamlitMessage: true.
   */
  function connectStreamlit() {
    const post = (type, data) =>
      window.parent.postMessage(Object.assign({ isStreamlitMessage: true, type }, data), "*");
    let height = null;
    let sent = null;
    // Below 720 px of width the charts stack (player.css): give them room by growing the frame.
    const fitFrame = () => {
      if (!height) return;
      const h = window.innerWidth < 720 ? Math.round(height * 1.7) : height;
      if (h === sent) return;
      sent = h;
      document.documentElement.style.setProperty("--llp-height", `${h}px`);
      post("streamlit:setFrameHeight", { height: h });
    };
    window.addEventListener("resize", fitFrame);
    window.addEventListener("message", (event) => {
      const msg = event.data;
      if (!msg || msg.type !== "streamlit:render") return;
      const args = msg.args || {};
      if (args.height && args.height !== height) {
        height = args.height;
        fitFrame();
      }
      let theme = args.theme || null;
      if (theme === "auto") theme = msg.theme && msg.theme.base === "dark" ? "dark" : "light";
      try {
        render(args.payload, {
          theme, autoplay: !!args.autoplay,
          onValue: (value) => post("streamlit:setComponentValue", { value, dataType: "json" }),
        });
      } catch (err) {
        document.getElementById("llp-root").textContent = String(err && err.message ? err.message : err);
        throw err;
      }
    });
    post("streamlit:componentReady", { apiVersion: 1 });
  }

  // current(): the live player, for tests and for pages that want to drive it.
  window.LLPlayer = { render, connectStreamlit, decodeArray, prepare, buildFigures, Player, current: () => instance };
})();
