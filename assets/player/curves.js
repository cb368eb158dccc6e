/*
 * Loss Landscape Lab player, part 4: the curves under the player (loss, gradient norm,
 * distance, learning rate), drawn with the player's own plotly.js so that a page loads
 * plotly.js once (Streamlit's bundle would bring a second copy of ~4.7 MB for
 * st.plotly_chart). The figures are plain Plotly dicts built in Python (figures.static);
 * this file only shows them in tabs, one at a time, in the player's theme.
 */
(function (P) {
  "use strict";
  const { THEMES, el } = P;

  /**
   * Tabs of curves. `set(curves, themeName)` takes a list of
   * {label, figure, log_figure (optional), log (bool)} and a key (same key: nothing to do).
   */
  class Curves {
    constructor(root) {
      this.root = root;
      this.key = null;
      this.active = 0;
      this.logs = {}; // tab label -> the user's log-scale choice, kept across new figures
      this.drawn = 0; // charts drawn (tests and benchmarks)
      root.classList.add("llp-curves");
      this.bar = el("div", "llp-tabs");
      this.bar.setAttribute("role", "tablist");
      this.logLabel = el("label", "llp-log");
      this.logBox = el("input");
      this.logBox.type = "checkbox";
      this.logLabel.append(this.logBox, document.createTextNode(" log scale"));
      this.logLabel.title = "Show the y axis on a logarithmic scale";
      this.chart = el("div", "llp-curve");
      root.append(this.bar, this.chart);
      this.logBox.addEventListener("change", () => {
        const c = this.curves && this.curves[this.active];
        if (!c) return;
        this.logs[c.label] = this.logBox.checked;
        this.draw();
      });
    }

    set(curves, key, themeName) {
      if (!Array.isArray(curves) || !curves.length) {
        this.root.style.display = "none";
        this.curves = null;
        this.key = null;
        return;
      }
      this.root.style.display = "";
      if (key === this.key && themeName === this.themeName) return;
      const label = this.curves && this.curves[this.active] && this.curves[this.active].label;
      this.curves = curves;
      this.key = key;
      this.themeName = themeName;
      this.root.classList.toggle("llp-dark", themeName === "dark");
      const keep = curves.findIndex((c) => c.label === label);
      this.active = keep >= 0 ? keep : 0;
      this.bar.textContent = "";
      this.tabs = curves.map((c, i) => {
        const tab = el("button", "llp-tab", c.label);
        tab.type = "button";
        tab.setAttribute("role", "tab");
        tab.addEventListener("click", () => this.select(i));
        this.bar.append(tab);
        return tab;
      });
      this.bar.append(this.logLabel);
      this.select(this.active);
    }

    select(i) {
      this.active = i;
      this.tabs.forEach((t, j) => t.setAttribute("aria-selected", String(i === j)));
      this.draw();
    }

    draw() {
      const c = this.curves[this.active];
      const canLog = !!c.log_figure;
      this.logLabel.style.display = canLog ? "" : "none";
      const log = canLog && (c.label in this.logs ? this.logs[c.label] : !!c.log);
      this.logBox.checked = log;
      const fig = log ? c.log_figure : c.figure;
      const t = THEMES[this.themeName] || THEMES.light;
      const layout = Object.assign({}, fig.layout, {
        paper_bgcolor: t.bg, plot_bgcolor: t.bg, autosize: true, height: undefined,
        font: Object.assign({}, fig.layout.font || {}, { color: t.text }),
      });
      for (const axis of ["xaxis", "yaxis"]) {
        layout[axis] = Object.assign({}, fig.layout[axis] || {}, { gridcolor: t.grid, linecolor: t.grid });
      }
      const cfg = { displaylogo: false, responsive: true,
                    modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d", "toggleSpikelines"] };
      return Plotly.react(this.chart, fig.data, layout, cfg).then(() => {
        this.drawn++;
        this.root.dataset.drawn = `${this.key}:${this.active}:${log ? "log" : "linear"}`;
        if (window.performance && performance.mark) performance.mark("llp-curves");
      });
    }
  }

  Object.assign(P, { Curves });
})(window.LLPlayerParts = window.LLPlayerParts || {});
