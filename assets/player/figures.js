/*
 * Loss Landscape Lab player, part 2 of 3: the Plotly figures and the SVG map overlay.
 */
(function (P) {
  "use strict";
  const { THEMES, GHOST_OPACITY, FONT, fmt } = P;

  // ---------------------------------------------------------------- figures

  function axisStyle(c) {
    return { color: c.text, gridcolor: c.grid, zerolinecolor: c.grid, linecolor: c.grid, exponentformat: "power" };
  }

  // Default 3-D view: 30° above the floor, seen from the front right, close enough that the
  // box fills its half (the PNG/GIF export's view, figures/export.py). Paths float above
  // the surface (model.js: lift), so a low camera no longer hides them in valleys.
  const ELEVATION = 30, AZIMUTH = -60, DISTANCE = 1.8;
  // A drag may tilt the view between these elevations, never below the floor.
  const MIN_ELEVATION = 8, MAX_ELEVATION = 88;

  /** Plotly's camera eye at an elevation and azimuth in degrees, at a distance. */
  function eyeAt(elevation, azimuth, distance) {
    const e = (elevation * Math.PI) / 180, a = (azimuth * Math.PI) / 180;
    return { x: distance * Math.cos(e) * Math.cos(a), y: distance * Math.cos(e) * Math.sin(a),
             z: distance * Math.sin(e) };
  }

  /**
   * The eye moved back between MIN_ELEVATION and MAX_ELEVATION (same azimuth and distance),
   * or null when it already is. Turntable rotation keeps z up, so the elevation is the
   * only way a drag can turn the surface upside down.
   */
  function clampEye(eye) {
    if (!eye || !isFinite(eye.x) || !isFinite(eye.y) || !isFinite(eye.z)) return null;
    const r = Math.hypot(eye.x, eye.y, eye.z);
    if (!(r > 0)) return null;
    const elev = (Math.asin(eye.z / r) * 180) / Math.PI;
    if (elev >= MIN_ELEVATION - 1e-6 && elev <= MAX_ELEVATION + 1e-6) return null;
    const az = (Math.atan2(eye.y, eye.x) * 180) / Math.PI;
    return eyeAt(Math.min(Math.max(elev, MIN_ELEVATION), MAX_ELEVATION), az, r);
  }

  /** Keep every rotation of the 3-D chart gd between the elevation bounds. */
  function bindCameraClamp(gd) {
    if (gd.llpClamp) return;
    gd.llpClamp = true;
    const check = (ev) => {
      const cam = ev && (ev["scene.camera"] || (ev["scene.camera.eye"] && { eye: ev["scene.camera.eye"] }));
      const fixed = clampEye(cam && cam.eye);
      if (fixed) Plotly.relayout(gd, { "scene.camera.eye": fixed });
    };
    gd.on("plotly_relayout", check);
    // A drag that ends outside the chart fires no plotly_relayout: check as it moves too.
    gd.on("plotly_relayouting", check);
  }

  /** At most three round values in [lo, hi] (the 3-D z axis is short on screen). */
  function threeTicks(lo, hi) {
    const raw = (hi - lo) / 2;
    if (!(raw > 0) || !isFinite(raw)) return [lo];
    const mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((v) => v >= raw * 0.999);
    const vals = [];
    for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + 1e-9 * step; v += step) {
      vals.push(Number(v.toPrecision(12)));
    }
    return vals.slice(0, 3);
  }

  /** Both figures for a model, with every path empty (frames fill them in). */
  function buildFigures(model, themeName) {
    const c = THEMES[themeName] || THEMES.light;
    const p = model.payload;
    const fs = p.font_size || 14;  // type size: larger in presentation mode (ui.player)
    const [[x0, x1], [y0, y1]] = p.domain;
    const zs = p.zscale;
    const uirev = p.surface_id;
    const [xTitle, yTitle] = p.axes || ["x", "y"]; // what the plane's coordinates are
    const short = (t) => t.split(" (")[0]; // 3-D axis titles have little room
    const zTitle = zs.label + (zs.log ? " (log)" : "") + (zs.clip !== null && zs.clip !== undefined ? ` ≤ ${fmt(zs.clip)}` : "");
    const colorbar = {
      title: { text: zTitle, side: "right", font: { size: fs, color: c.text } },
      thickness: 14, len: 0.92, outlinewidth: 0, tickfont: { size: fs - 1, color: c.text },
      exponentformat: "power",  // never SI prefixes (1µ) for a loss
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
                line: { color: r.color, width: 10 }, hoverinfo: "skip", showlegend: false });
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
              marker: { symbol: "circle", size: 6, color: c.outline, line: { color: c.text, width: 3 } },
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
      font: { family: FONT, size: fs, color: c.text },
      hoverlabel: { font: { family: FONT, size: fs } },
      showlegend: false, autosize: true,
    };
    const dx = x1 - x0, dy = y1 - y0;
    // The true x:y ratio (a 12 x 4 canyon looks narrow), the longer side one unit.
    const ratio = dy / dx;
    const aspect = ratio <= 1 ? { x: 1, y: Math.max(ratio, 0.1), z: 0.55 }
      : { x: Math.max(1 / ratio, 0.1), y: 1, z: 0.55 };
    // No z title: the colour bar names the quantity, and a 3-D axis title collides with
    // the tick labels from most viewpoints.
    const zAxis = { title: { text: "" }, range: [model.tlo, model.thi + 2 * model.lift], ...axisStyle(c),
                    backgroundcolor: c.panel, showbackground: true, tickfont: { size: fs - 2, color: c.text } };
    if (model.ticks) {
      // The 3-D z axis is short on screen: at most three labels (every other decade if needed).
      const keep = Math.ceil(model.ticks.tickvals.length / 3);
      Object.assign(zAxis, { tickmode: "array",
                             tickvals: model.ticks.tickvals.filter((_, i) => i % keep === 0).slice(0, 3),
                             ticktext: model.ticks.ticktext.filter((_, i) => i % keep === 0).slice(0, 3) });
    } else {
      const vals = threeTicks(model.tlo, model.thi);
      Object.assign(zAxis, { tickmode: "array", tickvals: vals, ticktext: vals.map((v) => fmt(v)) });
    }
    const layout3d = {
      ...base,
      margin: { l: 0, r: 0, t: 0, b: 0 },
      scene: {
        uirevision: uirev,
        xaxis: { title: { text: short(xTitle) }, range: [x0, x1], ...axisStyle(c), backgroundcolor: c.panel, showbackground: true,
                 nticks: 6 },
        yaxis: { title: { text: short(yTitle) }, range: [y0, y1], ...axisStyle(c), backgroundcolor: c.panel, showbackground: true,
                 nticks: 6 },
        zaxis: zAxis,
        aspectmode: "manual", aspectratio: aspect,
        // A payload may bring its own camera (a lesson's view).
        camera: p.camera || { eye: eyeAt(ELEVATION, AZIMUTH, DISTANCE), center: { x: 0, y: 0, z: -0.08 } },
        dragmode: "turntable",
      },
    };
    // Equal aspect on the map when the domain is not too elongated.
    const equal = dy / dx >= 1 / 4 && dy / dx <= 4;
    const layout2d = {
      ...base,
      margin: { l: 56, r: 8, t: 16, b: 48 },
      hovermode: "closest", dragmode: "zoom",
      xaxis: { title: { text: xTitle }, range: [x0, x1], ...axisStyle(c), showgrid: false, zeroline: false,
               constrain: "domain", ticks: "outside" },
      yaxis: { title: { text: yTitle }, range: [y0, y1], ...axisStyle(c), showgrid: false, zeroline: false,
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


  Object.assign(P, { MapOverlay, bindCameraClamp, buildFigures, clampEye, eyeAt, threeTicks });
})(window.LLPlayerParts = window.LLPlayerParts || {});
