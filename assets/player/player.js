/*
 * Loss Landscape Lab: the animation player.
 *
 * Three files (model.js, figures.js, this one), no build step, no dependency beyond plotly.js. The same code runs
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
(function (P) {
  "use strict";
  const { decodeArray, el, fmt, nice, plural, prepare, buildFigures, MapOverlay } = P;

  // ---------------------------------------------------------------- player

  const SPEEDS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000];
  // 3-D pacing (see Player.request3d): a redraw costing more than FAST_3D_MS is followed
  // by a breather of GAP_FACTOR times its cost, so the 3-D chart takes at most a third of
  // the main thread; after a key press the 3-D chart waits KEY_QUIET_MS for the next key.
  const FAST_3D_MS = 25, GAP_FACTOR = 2, KEY_QUIET_MS = 150;
  // A 3-D redraw's cost: its own time plus each of the next WATCH_FRAMES animation frames'
  // delay beyond WATCH_SLACK_MS (software WebGL blocks when the canvas is composited).
  const WATCH_FRAMES = 3, WATCH_SLACK_MS = 20, MAX_GAP_MS = 2000;
  // A press this close to the start marker (px) drags it (when the grid of starts is here).
  const START_GRAB_PX = 18;

  /**
   * True when WebGL is rasterized in software (SwiftShader, llvmpipe, Microsoft Basic
   * Render: headless Chromium, a classroom PC or a VM without GPU acceleration).
   */
  let software = null;
  function softwareWebGL() {
    if (software !== null) return software;
    software = false;
    try {
      const gl = document.createElement("canvas").getContext("webgl");
      const info = gl && gl.getExtension("WEBGL_debug_renderer_info");
      const name = info ? String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL)) : "";
      software = /swiftshader|llvmpipe|softpipe|software|basic render/i.test(name);
      const lose = gl && gl.getExtension("WEBGL_lose_context");
      if (lose) lose.loseContext(); // give the context back at once (browsers cap them)
    } catch (err) {
      software = false;
    }
    return software;
  }

  /**
   * With software WebGL, plotly's 3-D scene is created without multisampling: plotly asks
   * for 4x MSAA and already draws at twice the CSS resolution, which the browser then
   * scales down (itself an anti-aliasing); without the MSAA a redraw of the default scene
   * costs about half as much in SwiftShader (measured: ~300 -> ~150 ms) and looks the
   * same. Only WebGL canvases inside a player's 3-D chart are affected; plotly creates the
   * canvas inside the chart before it asks for the context.
   */
  function plainerContexts() {
    const proto = window.HTMLCanvasElement && HTMLCanvasElement.prototype;
    if (!proto || proto.getContext.llpWrapped) return;
    const original = proto.getContext;
    const wrapped = function (type, attrs) {
      if (typeof type === "string" && type.indexOf("webgl") >= 0 && this.closest &&
          this.closest(".llp-3d") && softwareWebGL()) {
        attrs = Object.assign({}, attrs || {}, { antialias: false });
      }
      return original.call(this, type, attrs);
    };
    wrapped.llpWrapped = true;
    proto.getContext = wrapped;
  }

  class Player {
    /**
     * @param {HTMLElement} root container to fill
     * @param {object} opts {onValue(value), autoplay: bool, height: px or null (fill root)}
     */
    constructor(root, opts) {
      plainerContexts();
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
      // 3-D redraw pacing, see request3d. stats: counters for tests and benchmarks.
      this.next3d = 0;        // performance.now() before which the 3-D chart does not redraw
      this.gap3d = 0;         // breather after the last 3-D redraw (ms)
      this.cost3d = 0;        // measured cost of the last 3-D redraw (ms)
      this.busy3d = false;    // a 3-D redraw is still being rendered (not yet measured)
      this.dirty3d = false;   // the 3-D chart is behind the current frame
      this.hold3d = false;    // the pointer is down on a control: the 3-D chart waits
      this.timer3d = null;
      // map / d3: frames drawn on each chart; costs: measured 3-D redraw costs (ms); input:
      // delay from each input event (click, key, slider) to its handler (ms).
      this.stats = { map: 0, d3: 0, costs: [], input: [] };
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
      // The ladder: drag a run's hyperparameter and its path follows, no round trip.
      this.scrubRow = el("div", "llp-scrub");
      this.scrubRow.title = "Drag to see this run's path at other values at once; release to keep the value";
      this.scrubRun = el("select", "llp-scrub-run");
      this.scrubRun.setAttribute("aria-label", "run to scrub");
      this.scrubName = el("select", "llp-scrub-name");
      this.scrubName.setAttribute("aria-label", "hyperparameter to scrub");
      this.scrubLo = el("span", "llp-scrub-end");
      this.scrubRange = el("input", "llp-scrub-range");
      this.scrubRange.type = "range";
      this.scrubRange.step = "1";
      this.scrubRange.setAttribute("aria-label", "hyperparameter value");
      this.scrubTicks = el("datalist");
      this.scrubTicks.id = `llp-scrub-ticks-${Math.random().toString(36).slice(2)}`;
      this.scrubRange.setAttribute("list", this.scrubTicks.id);
      this.scrubHi = el("span", "llp-scrub-end");
      this.scrubOut = el("output", "llp-scrub-value");
      this.startBtn = el("button", "llp-btn llp-start-btn", "◆ drag start");
      this.startBtn.type = "button";
      this.startBtn.title = "Drag the start ◆ on the map and every path follows (from a grid of " +
        "starts computed once); release to start there";
      this.scrubRow.append(el("span", "llp-scrub-head", "drag"), this.scrubRun, this.scrubName,
                           this.scrubLo, this.scrubRange, this.scrubTicks, this.scrubHi, this.scrubOut,
                           this.startBtn);
      this.scrubRow.style.display = "none";
      this.legend = el("div", "llp-legend");
      this.note = el("div", "llp-note");
      r.append(this.titleEl, this.charts, bar, this.scrubRow, this.legend, this.note);
      this.scrubRange.addEventListener("input", (e) => {
        this.noteInput(e);
        this.scrubTo(parseInt(this.scrubRange.value, 10));
      });
      this.scrubRange.addEventListener("change", () => this.commitScrub());
      this.startBtn.addEventListener("click", () => {
        if (this.model) this.send({ event: "startgrid", on: !this.model.startGrid });
      });
      this.onDragMove = this.onDragMove.bind(this);
      this.onDragEnd = this.onDragEnd.bind(this);
      this.scrubRun.addEventListener("change", () => this.pickScrub(parseInt(this.scrubRun.value, 10), null));
      this.scrubName.addEventListener("change", () =>
        this.pickScrub(parseInt(this.scrubRun.value, 10), this.scrubName.value));

      this.playBtn.addEventListener("click", (e) => { this.noteInput(e); this.toggle(); });
      this.prevBtn.addEventListener("click", (e) => { this.noteInput(e); this.stepBy(-1); });
      this.nextBtn.addEventListener("click", (e) => { this.noteInput(e); this.stepBy(1); });
      this.slider.addEventListener("input", (e) => {
        this.noteInput(e);
        this.pause(false);
        this.show(parseInt(this.slider.value, 10));
      });
      this.slider.addEventListener("change", () => this.sendStep());
      // While the pointer is down on a control (dragging the step slider), the 3-D chart
      // waits: with software WebGL one 3-D redraw blocks the page for 100+ ms, which would
      // make the slider stutter. It catches up on release.
      bar.addEventListener("pointerdown", () => { this.hold3d = true; });
      window.addEventListener("pointerup", () => this.release3d(), true);
      window.addEventListener("pointercancel", () => this.release3d(), true);
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
        this.noteInput(e);
        // Keys come in bursts (a held arrow): the 3-D chart waits until they pause.
        this.next3d = Math.max(this.next3d, performance.now() + KEY_QUIET_MS);
        action();
      }
    }

    /** Record how long an input event waited for its handler (stats.input, ms). */
    noteInput(e) {
      if (!e || !(e.timeStamp > 0)) return;
      const lag = performance.now() - e.timeStamp;
      if (!(lag >= 0 && lag < 60000)) return; // another clock (very old browsers): skip
      const input = this.stats.input;
      input.push(Math.round(lag * 10) / 10);
      if (input.length > 200) input.splice(0, input.length - 200);
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
                     plotGlPixelRatio: softwareWebGL() ? 1 : 2,
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
      this.busy3d = false;
      this.watch = null;
      // The map first (SVG, cheap), then the 3-D scene: creating a WebGL scene blocks the
      // page for a while (seconds with software WebGL), so the map is on screen and
      // playable before that starts. The pause lets the browser paint it (a timer, not
      // requestAnimationFrame, which never fires in a background tab).
      return Plotly.react(this.gd2, figs.d2.data, figs.d2.layout, cfg2)
        .then(() => {
          if (!current()) return false;
          if (first) this.bindPlotEvents();
          this.model = model;
          this.buildScrub(model);
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
          P.bindCameraClamp(this.gd3); // a drag never turns the surface upside down
          this.ready3d = true;
          this.next3d = 0;
          this.firstD3 = this.stats.d3 + 1; // the next 3-D redraw is the scene's first
          this.request3d();
          this.root.dataset.ready = payload.id; // for tests and pages: this payload is drawn
          if (window.performance && performance.mark) performance.mark("llp-ready");
          return true;
        });
    }

    bindPlotEvents() {
      this.gd2.addEventListener("pointerdown", (e) => this.onDragDown(e), true);
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
        return { row, label, status, text: null, diverged: null };
      });
      const keyRow = el("div", "llp-run llp-keys");
      const k1 = el("span", "llp-key", "◆ start");
      const k2 = el("span", "llp-key llp-key-min", "★ minimum");
      const stopped = model.runs.concat(model.ghosts).filter((r) => r.divergedAt >= 0);
      const k3 = el("span", "llp-key", stopped.every((r) => r.stopWord !== "diverged") ? "✕ left the view" : "✕ diverged");
      keyRow.append(k1);
      if (model.minima.length) keyRow.append(k2);
      if (stopped.length) keyRow.append(k3);
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
            (g.divergedAt >= 0 ? ` (${g.stopWord} at step ${g.divergedAt.toLocaleString("en-US")})` : "");
          item.append(sw, el("span", "llp-ghost-label", text));
          group.append(item);
        }
        this.legend.append(group);
      }
    }

    // ------------------------------------------------------------ the ladder

    buildScrub(model) {
      const L = model.ladder;
      this.scrubRow.style.display = L ? "" : "none";
      this.startBtn.setAttribute("aria-pressed", String(!!model.startGrid));
      this.startBtn.classList.toggle("llp-on", !!model.startGrid);
      this.drag = null;
      if (!L) return;
      this.scrubRun.textContent = "";
      for (const o of L.options) {
        const opt = el("option", null, o.label);
        opt.value = String(o.run);
        this.scrubRun.append(opt);
      }
      this.scrubRun.value = String(L.run);
      this.scrubName.textContent = "";
      const mine = L.options.find((o) => o.run === L.run);
      for (const name of mine ? mine.names : [L.name]) {
        const opt = el("option", null, name);
        opt.value = name;
        this.scrubName.append(opt);
      }
      this.scrubName.value = L.name;
      this.scrubRange.min = "0";
      this.scrubRange.max = String(L.values.length - 1);
      this.scrubRange.value = String(L.index);
      this.scrubTicks.textContent = "";
      L.values.forEach((v, k) => {
        const o = el("option");
        o.value = String(k);
        o.label = nice(v);
        this.scrubTicks.append(o);
      });
      this.scrubLo.textContent = nice(L.values[0]);
      this.scrubHi.textContent = nice(L.values[L.values.length - 1]);
      this.scrubK = L.index;
      this.showScrubValue(L.index);
    }

    showScrubValue(k) {
      const L = this.model.ladder;
      this.scrubOut.textContent = `${L.name} = ${nice(L.values[k])}`;
      this.scrubRow.classList.toggle("llp-scrub-moved", k !== L.index);
    }

    /** Show rung k of the ladder in place of its run: map now, 3-D when it can. */
    scrubTo(k) {
      const m = this.model, L = m && m.ladder;
      if (!L || !(k >= 0 && k < L.values.length) || k === this.scrubK) return;
      this.scrubK = k;
      const rung = L.rung(k);
      m.runs[L.run] = rung;
      this.legendRows[L.run].label.textContent = rung.label;
      this.showScrubValue(k);
      this.redraw(this.frame);
    }

    /** Draw frame f again after the model's runs changed (show skips a frame it drew). */
    redraw(f) {
      this.frame = -1;
      this.overlay.frame = -1;
      this.show(f);
    }

    // Dragging the start: the paths of the nearest start of the grid, drawn whole.

    /** A press near the start marker (capture phase, before Plotly) starts a drag. */
    onDragDown(e) {
      const m = this.model, ov = this.overlay;
      if (!m || !m.startGrid || !m.start || !ov.axes || e.button !== 0) return;
      const box = this.gd2.getBoundingClientRect();
      const dx = e.clientX - box.left - ov.px(m.start.x), dy = e.clientY - box.top - ov.py(m.start.y);
      if (Math.hypot(dx, dy) > START_GRAB_PX) return;
      e.preventDefault(); // no pan, zoom or click from Plotly (no compatibility mouse events)
      e.stopPropagation();
      this.noteInput(e);
      this.pause(false);
      this.drag = { cell: null, start: null };
      window.addEventListener("pointermove", this.onDragMove, true);
      window.addEventListener("pointerup", this.onDragEnd, true);
      window.addEventListener("pointercancel", this.onDragEnd, true);
    }

    onDragMove(e) {
      const m = this.model, ov = this.overlay, G = m && m.startGrid;
      if (!this.drag || !G || !ov.axes) return;
      e.preventDefault();
      this.noteInput(e);
      const a = ov.axes, box = this.gd2.getBoundingClientRect();
      const x = a.x0 + ((e.clientX - box.left - a.xo) / a.xl) * (a.x1 - a.x0);
      const y = a.y1 - ((e.clientY - box.top - a.yo) / a.yl) * (a.y1 - a.y0);
      const near = (g, v) => Math.min(g.length - 1, Math.max(0, Math.round(((v - g[0]) / (g[g.length - 1] - g[0])) * (g.length - 1))));
      const i = near(G.x, x), j = near(G.y, y);
      const cell = `${i},${j}`;
      if (cell === this.drag.cell) return;
      this.drag.cell = cell;
      this.drag.start = [G.x[i], G.y[j]];
      m.runs = G.at(i, j);
      Plotly.restyle(this.gd2, { x: [[G.x[i]]], y: [[G.y[j]]] }, [m.base + 2 * m.runs.length]);
      this.redraw(m.frames - 1); // whole paths: where each run goes from here
      this.root.dataset.startCell = cell; // for tests: the paths drawn start there
    }

    /** Release: start there (one rerun, the exact runs from that start). */
    onDragEnd() {
      window.removeEventListener("pointermove", this.onDragMove, true);
      window.removeEventListener("pointerup", this.onDragEnd, true);
      window.removeEventListener("pointercancel", this.onDragEnd, true);
      const d = this.drag;
      this.drag = null;
      if (!d || !d.start) return;
      const round = (v) => Number(v.toPrecision(4));
      this.send({ event: "start", start: d.start.map(round) });
    }

    /** Release: keep the value (one rerun: scene, link, summary table). */
    commitScrub() {
      const L = this.model && this.model.ladder;
      if (!L || this.scrubK === L.index) return;
      this.send({ event: "hparam", run: L.run, name: L.name, value: L.values[this.scrubK] });
    }

    /** Another run or hyperparameter: one rerun brings its ladder. */
    pickScrub(run, name) {
      const L = this.model && this.model.ladder;
      if (!L) return;
      const o = L.options.find((q) => q.run === run);
      if (!o) return;
      const chosen = name && o.names.includes(name) ? name : o.names.includes(L.name) ? L.name : o.names[0];
      this.send({ event: "scrub", run, name: chosen });
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
      const now = performance.now();
      if (this.lastLoop !== undefined) this.watch3d(now - this.lastLoop);
      this.lastLoop = now;
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
      this.stats.map++;
      this.request3d();
      this.updateLabels(f);
    }

    /**
     * Redraw the 3-D chart now, or as soon as the renderer has had its breather. WebGL
     * speed varies by orders of magnitude: with a GPU a frame of the scene costs a few ms;
     * with software rendering (SwiftShader in headless Chromium, or a classroom PC without
     * GPU acceleration) plotly's surface costs 100-300 ms a frame, and that time blocks
     * the page (the compositor waits for the rasterizer), which would freeze the map, the
     * controls and the keyboard too. So the 3-D chart is decoupled from the map:
     *   - at most one 3-D redraw is in flight: the next one waits until the last one has
     *     been rendered and measured (measure3d);
     *   - its cost is measured from the start of the redraw to the first animation frame
     *     after it, with performance.now() in that callback (the callback's own timestamp
     *     is the frame's start, which can precede a redraw made in the same frame: that
     *     was measured as a negative cost and turned the throttle off);
     *   - a redraw costing more than FAST_3D_MS is followed by a breather of GAP_FACTOR x
     *     its cost, during which the map and the labels run at full rate;
     *   - while the pointer is down on a control, or a key burst is under way, the 3-D
     *     chart waits; the latest frame is always drawn in the end (dirty3d), so pausing
     *     or scrubbing ends on the exact step.
     */
    request3d() {
      this.dirty3d = true;
      this.pump3d();
    }

    pump3d() {
      if (!this.ready3d || !this.dirty3d || this.busy3d || this.hold3d) return;
      const wait = this.next3d - performance.now();
      if (wait > 0) {
        if (!this.timer3d) {
          this.timer3d = setTimeout(() => {
            this.timer3d = null;
            this.pump3d();
          }, wait);
        }
        return;
      }
      this.draw3d();
    }

    release3d() {
      if (!this.hold3d) return;
      this.hold3d = false;
      this.pump3d();
    }

    /**
     * Start measuring a 3-D redraw whose own (synchronous) part took `sync` ms. Software
     * WebGL renders when the browser composites the canvas, and that can block the page
     * one or two frames later, not in the redraw itself. So the cost is the synchronous
     * part plus every animation frame's delay beyond WATCH_SLACK_MS over the next
     * WATCH_FRAMES frames (loop calls watch3d); until then no other 3-D redraw starts.
     */
    measure3d(sync) {
      this.busy3d = true;
      this.watch = { sync, frames: 0, extra: 0, first: this.stats.d3 === this.firstD3 };
    }

    /** Called by loop with the time since the previous animation frame. */
    watch3d(interval) {
      const w = this.watch;
      if (!w) return;
      w.extra += Math.max(0, interval - WATCH_SLACK_MS);
      if (++w.frames < WATCH_FRAMES) return;
      this.watch = null;
      const cost = w.sync + w.extra;
      this.cost3d = cost;
      // The first redraw of a new scene also compiles shaders and uploads the surface: its
      // cost says little about the next ones, so its breather is short.
      const cap = w.first ? MAX_GAP_MS / 4 : MAX_GAP_MS;
      this.gap3d = cost > FAST_3D_MS ? Math.min(GAP_FACTOR * cost, cap) : 0;
      this.next3d = Math.max(this.next3d, performance.now() + this.gap3d);
      const costs = this.stats.costs;
      costs.push(Math.round(cost));
      if (costs.length > 200) costs.splice(0, costs.length - 200);
      this.busy3d = false;
      this.pump3d(); // a frame that waited (a pause, a scrub) is drawn now or after the gap
    }

    draw3d() {
      const m = this.model;
      if (!m || this.frame < 0) return;
      const t0 = performance.now();
      this.dirty3d = false;
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
      this.stats.d3++;
      this.measure3d(performance.now() - t0);
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
        const text = passed ? `${r.stopWord} at step ${r.divergedAt.toLocaleString("en-US")}` : `loss ${fmt(k >= 0 ? r.v[k] : NaN)}`;
        if (text !== row.text) {
          row.status.textContent = text;
          row.text = text;
        }
        if (passed !== row.diverged) {
          row.row.classList.toggle(r.stopWord === "diverged" ? "llp-diverged" : "llp-escaped", passed);
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
    let curvesHeight = 0;
    let sent = null;
    const curves = P.Curves ? new P.Curves(document.getElementById("llp-curves")) : null;
    // Below 720 px of width the charts stack (player.css): give them room by growing the frame.
    const fitFrame = () => {
      if (!height) return;
      const h = window.innerWidth < 720 ? Math.round(height * 1.7) : height;
      const total = h + curvesHeight;
      if (total === sent) return;
      sent = total;
      document.documentElement.style.setProperty("--llp-height", `${h}px`);
      document.documentElement.style.setProperty("--llp-curves-height", `${curvesHeight}px`);
      post("streamlit:setFrameHeight", { height: total });
    };
    window.addEventListener("resize", fitFrame);
    window.addEventListener("message", (event) => {
      const msg = event.data;
      if (!msg || msg.type !== "streamlit:render") return;
      const args = msg.args || {};
      const wantCurves = curves && Array.isArray(args.curves) && args.curves.length ? args.curves_height || 340 : 0;
      if ((args.height && args.height !== height) || wantCurves !== curvesHeight) {
        height = args.height || height;
        curvesHeight = wantCurves;
        fitFrame();
      }
      let theme = args.theme || null;
      if (theme === "auto") theme = msg.theme && msg.theme.base === "dark" ? "dark" : "light";
      try {
        const player = render(args.payload, {
          theme, autoplay: !!args.autoplay,
          onValue: (value) => post("streamlit:setComponentValue", { value, dataType: "json" }),
        });
        // After the map (drawn first), before the 3-D scene (created after a short pause).
        if (curves) curves.set(args.curves, args.curves_key, player.themeName || theme || "light");
      } catch (err) {
        document.getElementById("llp-root").textContent = String(err && err.message ? err.message : err);
        throw err;
      }
    });
    post("streamlit:componentReady", { apiVersion: 1 });
  }

  // current(): the live player, for tests and for pages that want to drive it.
  window.LLPlayer = { render, connectStreamlit, decodeArray, prepare, buildFigures, Player, current: () => instance };
})(window.LLPlayerParts = window.LLPlayerParts || {});
