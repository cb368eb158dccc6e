/*
 * Loss Landscape Lab player, part 1 of 3: decoding the payload, themes, formatting and the
 * model (what every frame needs). Loaded before figures.js and player.js, which read these
 * names from window.LLPlayerParts; see player.js for the design.
 */
(function (P) {
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
    if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(Math.max(0, (digits || 3) - 1)).replace(/\.?0+e/, "e").replace("e+", "e");  // figures.scale.short_number: 1.25e9
    return Number(v.toPrecision(digits || 3)).toString();
  }

  /** A new element with a class and text (the controls of player.js and curves.js). */
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  /** A setting's value as a person types it: 0.0005, 0.9, 1e-7 (3 significant digits). */
  function nice(v) {
    return isFinite(v) ? Number(v.toPrecision(3)).toString() : "—";
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
    const lift = 0.03 * (thi - tlo); // paths float just above the surface so they stay visible

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
      const xy = r.xy instanceof Float32Array ? r.xy : decodeArray(r.xy); // a grid's slice
      const v = r.values instanceof Float32Array ? r.values : decodeArray(r.values);
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
        stopWord: r.escaped ? "escaped (left the view)" : "diverged",  // escaped: downhill off the map
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

    // The ladder (one live run at several values of a hyperparameter, for scrubbing):
    // each rung is prepared like a live run the first time the slider reaches it.
    let ladder = null;
    const L = payload.ladder;
    if (L && L.run >= 0 && L.run < runs.length && L.rungs.length === L.values.length) {
      const prepared = new Array(L.rungs.length).fill(null);
      ladder = Object.assign({}, L, {
        rung: (k) => prepared[k] || (prepared[k] = prepareRun(L.rungs[k], lift)),
      });
      prepared[L.index] = runs[L.run]; // the current value's path is the run's own
    }

    // The grid of starts (dragging the start): every live run from start (x[i], y[j]),
    // each path thinned to G.frames points, prepared when the drag first reaches it.
    let startGrid = null;
    const G = payload.start_grid;
    if (G && G.runs.length === runs.length) {
      const nx = G.x.length, F = G.frames;
      const cells = new Map();
      const paths = G.runs.map((g) => ({ xy: decodeArray(g.xy), v: decodeArray(g.values), g }));
      startGrid = {
        x: G.x, y: G.y,
        at: (i, j) => {
          const s = j * nx + i;
          if (!cells.has(s)) {
            cells.set(s, paths.map((p, k) => prepareRun({
              label: runs[k].label, color: runs[k].color,
              xy: p.xy.subarray(2 * F * s, 2 * F * (s + 1)), values: p.v.subarray(F * s, F * (s + 1)),
              diverged_at: p.g.diverged_at[s], marker: p.g.markers[s],
            }, lift)));
          }
          return cells.get(s);
        },
      };
    }

    const mark = (m) => ({ x: m.x, y: m.y, h: height(m.value, m.x, m.y) });
    return {
      ladder, startGrid,
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


  Object.assign(P, { FONT, GHOST_OPACITY, THEMES, decodeArray, el, fmt, nice, plural, prepare });
})(window.LLPlayerParts = window.LLPlayerParts || {});
