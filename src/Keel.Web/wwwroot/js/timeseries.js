// Line charts over time for the monitoring page: drift scores per feature, drifted share, quality vs baseline, latency.
// Reads data-x (JSON Unix seconds), data-series (JSON [{label, values}]) and an optional data-threshold (drawn dashed)
// from each .timeseries-chart, draws with the vendored uPlot and sets data-state="ready" (or "empty"). CSP: no inline script.
(function () {
  "use strict";
  const COLORS = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948"];

  function cssVar(name, fallback) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
  }

  function parse(text) {
    try { return JSON.parse(text || "[]"); } catch { return []; }
  }

  function draw(el) {
    const xs = parse(el.dataset.x);
    const series = parse(el.dataset.series);
    if (xs.length === 0 || series.length === 0 || typeof uPlot === "undefined") {
      el.dataset.state = "empty";
      el.textContent = "No points in this range.";
      return null;
    }
    const fg = cssVar("--fg", "#1b1f24");
    const grid = cssVar("--border", "#d5dbe1");
    const danger = cssVar("--danger", "#b42318");
    const axis = { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    const columns = series.map((s) => s.values);
    const defs = series.map((s, i) => ({
      label: s.label,
      stroke: COLORS[i % COLORS.length],
      width: 1.8,
      spanGaps: true,
      points: { show: xs.length < 80, size: 5 },
    }));
    const threshold = el.dataset.threshold === undefined || el.dataset.threshold === "" ? null : Number(el.dataset.threshold);
    if (threshold !== null && Number.isFinite(threshold)) {
      columns.push(xs.map(() => threshold));
      defs.push({ label: "threshold", stroke: danger, width: 1.2, dash: [6, 4], points: { show: false } });
    }
    const options = {
      width: Math.max(el.clientWidth, 300),
      height: 200,
      scales: { x: { time: true } },
      // The rest of the UI prints times in UTC; keep the axis in UTC too.
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
      axes: [Object.assign({}, axis), Object.assign({}, axis)],
      series: [{ label: "time" }].concat(defs),
      cursor: { drag: { x: true, y: false } },
    };
    const plot = new uPlot(options, [xs].concat(columns), el);
    el.dataset.state = "ready";
    el.dataset.points = String(xs.length);
    return plot;
  }

  const charts = Array.from(document.querySelectorAll(".timeseries-chart")).map((el) => ({ el: el, plot: draw(el) }));
  let timer = 0;
  window.addEventListener("resize", () => {
    clearTimeout(timer);
    timer = setTimeout(() => charts.forEach((c) => {
      if (c.plot) { c.plot.setSize({ width: Math.max(c.el.clientWidth, 300), height: 200 }); }
    }), 150);
  });
})();
