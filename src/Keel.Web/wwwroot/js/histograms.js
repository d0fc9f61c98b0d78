// Bar charts of histograms and category counts (dataset profiles; reference vs current on the monitoring page).
// Reads data-labels (JSON string array) and data-series (JSON [{label, values}]) from each .histogram-chart, draws
// with the vendored uPlot, and marks the element data-state="ready" (or "empty"). No inline script: CSP.
(function () {
  "use strict";
  const COLORS = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759"];

  function cssVar(name, fallback) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
  }

  function parse(text) {
    try { return JSON.parse(text || "[]"); } catch { return []; }
  }

  function draw(el) {
    const labels = parse(el.dataset.labels);
    const series = parse(el.dataset.series);
    if (labels.length === 0 || series.length === 0 || typeof uPlot === "undefined") {
      el.dataset.state = "empty";
      return null;
    }
    const n = series.length;
    const fg = cssVar("--fg", "#1b1f24");
    const grid = cssVar("--border", "#d5dbe1");
    // At most ~12 labels on the axis; long bin labels tilt so they do not overlap.
    const step = Math.max(1, Math.ceil(labels.length / 12));
    const longest = labels.reduce((m, l) => Math.max(m, String(l).length), 0);
    const tilt = longest > 8 && labels.length > 4;
    const xs = labels.map((_, i) => i);
    const options = {
      width: Math.max(el.clientWidth, 280),
      height: 220,
      scales: {
        x: { time: false, range: [-0.5, labels.length - 0.5] },
        y: { range: (u, min, max) => [0, max > 0 ? max * 1.08 : 1] },
      },
      axes: [
        {
          stroke: fg, grid: { show: false }, ticks: { stroke: grid, width: 1 },
          splits: () => xs.filter((i) => i % step === 0),
          values: (u, splits) => splits.map((i) => (labels[i] === undefined ? "" : String(labels[i]).slice(0, 18))),
          rotate: tilt ? -30 : 0,
          size: tilt ? 70 : 40,
        },
        { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } },
      ],
      series: [{ label: el.dataset.kind === "categories" ? "value" : "bin", value: (u, i) => (i == null ? "" : labels[i]) }]
        .concat(series.map((s, i) => ({
          label: s.label,
          stroke: COLORS[i % COLORS.length],
          fill: COLORS[i % COLORS.length] + "aa",
          width: 1,
          points: { show: false },
          paths: uPlot.paths.bars({ size: [n > 1 ? 0.42 : 0.85, 120], align: n > 1 ? (i === 0 ? -1 : 1) : 0 }),
        }))),
      legend: { show: n > 1 },
      cursor: { drag: { x: false, y: false } },
    };
    const plot = new uPlot(options, [xs].concat(series.map((s) => s.values)), el);
    el.dataset.state = "ready";
    return plot;
  }

  const charts = Array.from(document.querySelectorAll(".histogram-chart")).map((el) => ({ el: el, plot: draw(el) }));
  let timer = 0;
  window.addEventListener("resize", () => {
    clearTimeout(timer);
    timer = setTimeout(() => charts.forEach((c) => {
      if (c.plot) { c.plot.setSize({ width: Math.max(c.el.clientWidth, 280), height: 220 }); }
    }), 150);
  });
})();
