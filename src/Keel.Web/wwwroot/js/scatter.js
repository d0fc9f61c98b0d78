// Compare page: a scatter of one parameter (x) against one metric (y), one point per run. Numeric parameters use a
// numeric axis; others are placed in order of first appearance and labelled with their values.
(function () {
  "use strict";
  const el = document.getElementById("scatter");
  if (!el) {
    return;
  }
  const status = document.getElementById("scatter-status");
  const points = JSON.parse(el.dataset.points).filter((p) => p.x !== null && p.y !== null);
  if (points.length === 0) {
    status.textContent = "No run has both values.";
    return;
  }
  const numeric = points.every((p) => p.x.trim() !== "" && isFinite(Number(p.x)));
  const categories = Array.from(new Set(points.map((p) => p.x)));
  const xOf = (p) => (numeric ? Number(p.x) : categories.indexOf(p.x));
  const sorted = points.slice().sort((a, b) => xOf(a) - xOf(b));
  const style = getComputedStyle(document.documentElement);
  const fg = style.getPropertyValue("--fg").trim() || "#1b1f24";
  const grid = style.getPropertyValue("--border").trim() || "#d5dbe1";
  const axis = { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
  const xAxis = Object.assign({ label: el.dataset.xLabel }, axis);
  if (!numeric) {
    xAxis.values = (u, splits) => splits.map((v) => (Number.isInteger(v) && categories[v] !== undefined ? categories[v] : ""));
  }
  // Categories sit half a slot from the edges; numbers get a tenth of their span.
  function padded(min, max) {
    const pad = numeric ? ((max - min) * 0.1 || Math.abs(min) * 0.1 || 1) : 0.5;
    return [min - pad, max + pad];
  }
  const options = {
    width: Math.max(el.clientWidth, 320),
    height: 280,
    scales: { x: { time: false, range: (u, min, max) => padded(min, max) } },
    axes: [xAxis, Object.assign({ label: el.dataset.yLabel }, axis)],
    legend: { show: false },
    series: [{}, { label: el.dataset.yLabel, stroke: "#2f7ed8", paths: () => null, points: { show: true, size: 9, fill: "#2f7ed8" } }],
  };
  new uPlot(options, [sorted.map(xOf), sorted.map((p) => p.y)], el);
  el.dataset.state = "ready";
  status.textContent = sorted.map((p) => p.label + ": " + el.dataset.xLabel + "=" + p.x + ", " + el.dataset.yLabel + "=" + p.y).join(" · ");
})();
