// Metric charts (run page and compare page). Each .metric-chart element names its metric (data-key) and runs
// (data-runs, data-labels: JSON arrays). Points come from /ui-api/runs/{run}/metrics/{key}, downsampled on the server
// to at most POINTS; dragging across a chart fetches the exact points of the chosen step range.
(function () {
  "use strict";
  const POINTS = 1000;
  const COLORS = ["#2f7ed8", "#e4572e", "#17a589", "#a259c4", "#f2a900", "#5d6d7e", "#c0392b", "#1abc9c", "#8e44ad", "#d35400"];
  const byId = (id) => document.getElementById(id);
  const controls = {
    x: byId("chart-x-axis"),
    smoothing: byId("chart-smoothing"),
    smoothingValue: byId("chart-smoothing-value"),
    log: byId("chart-log-scale"),
    reset: byId("chart-reset-zoom"),
  };
  const charts = Array.from(document.querySelectorAll(".metric-chart")).map(setup);

  function setup(el) {
    const state = {
      el: el,
      key: el.dataset.key,
      runs: JSON.parse(el.dataset.runs),
      labels: JSON.parse(el.dataset.labels),
      status: el.parentElement.querySelector(".chart-status"),
      data: null,
      range: null,
      plot: null,
      request: 0,
    };
    el.addEventListener("dblclick", () => load(state, null));
    load(state, null);
    return state;
  }

  function metricUrl(runId, key, range) {
    const path = key.split("/").map(encodeURIComponent).join("/");
    let url = "/ui-api/runs/" + encodeURIComponent(runId) + "/metrics/" + path + "?points=" + POINTS;
    if (range) {
      url += "&min_step=" + range[0] + "&max_step=" + range[1];
    }
    return url;
  }

  async function fetchSeries(runId, key, range) {
    const response = await fetch(metricUrl(runId, key, range), { headers: { Accept: "application/json" } });
    if (!response.ok) {
      let message = response.status + " " + response.statusText;
      try { message = (await response.json()).message || message; } catch (e) { /* not JSON */ }
      throw new Error(message);
    }
    return response.json();
  }

  async function load(state, range) {
    const request = ++state.request;
    state.el.dataset.state = "loading";
    state.status.textContent = "Loading…";
    try {
      const data = await Promise.all(state.runs.map((id) => fetchSeries(id, state.key, range)));
      if (request !== state.request) {
        return; // a newer zoom superseded this one
      }
      state.data = data;
      state.range = range;
      render(state);
    } catch (error) {
      state.el.dataset.state = "error";
      state.status.textContent = "Could not load the chart: " + error.message;
    }
  }

  // TensorBoard's debiased exponential moving average; gaps stay gaps.
  function smooth(values, weight) {
    if (weight <= 0) {
      return values;
    }
    let last = 0;
    let count = 0;
    return values.map((v) => {
      if (v === null) {
        return null;
      }
      last = last * weight + (1 - weight) * v;
      count++;
      return last / (1 - Math.pow(weight, count));
    });
  }

  function cssVar(name, fallback) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
  }

  function render(state) {
    const byTime = controls.x && controls.x.value === "time";
    const weight = controls.smoothing ? Number(controls.smoothing.value) : 0;
    const xOf = (series, i) => (byTime ? series.timestamps[i] / 1000 : series.steps[i]);

    // One shared, sorted x array; each run's values placed at its own x positions (null elsewhere).
    const xs = Array.from(new Set(state.data.flatMap((s) => s.steps.map((_, i) => xOf(s, i))))).sort((a, b) => a - b);
    const index = new Map(xs.map((x, i) => [x, i]));
    const columns = state.data.map((s) => {
      const column = new Array(xs.length).fill(null);
      const values = smooth(s.values, weight);
      values.forEach((v, i) => { column[index.get(xOf(s, i))] = v; });
      return column;
    });
    const positive = columns.every((c) => c.every((v) => v === null || v > 0));
    const log = controls.log && controls.log.checked && positive;

    const fg = cssVar("--fg", "#1b1f24");
    const grid = cssVar("--border", "#d5dbe1");
    const axis = { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    const options = {
      width: Math.max(state.el.clientWidth, 320),
      height: 260,
      scales: { x: { time: byTime }, y: { distr: log ? 3 : 1 } },
      axes: [Object.assign({}, axis), Object.assign({}, axis)],
      series: [{ label: byTime ? "time" : "step" }].concat(state.labels.map((label, i) => ({
        label: label,
        stroke: COLORS[i % COLORS.length],
        width: 1.5,
        spanGaps: true,
        points: { show: xs.length < 60 },
      }))),
      cursor: { drag: { x: true, y: false, setScale: false } },
      hooks: { setSelect: [(u) => zoom(state, u)] },
    };
    if (state.plot) {
      state.plot.destroy();
    }
    state.plot = new uPlot(options, [xs].concat(columns), state.el);

    const total = state.data.reduce((n, s) => n + s.total, 0);
    const drawn = state.data.reduce((n, s) => n + s.steps.length, 0);
    state.el.dataset.totalPoints = String(total);
    state.el.dataset.drawnPoints = String(drawn);
    state.el.dataset.state = "ready";
    let text = drawn === total ? total + (total === 1 ? " point" : " points") : drawn + " of " + total + " points (downsampled; drag to zoom in)";
    if (state.range) {
      text += " · steps " + state.range[0] + "–" + state.range[1];
    }
    if (controls.log && controls.log.checked && !positive) {
      text += " · log scale needs positive values";
    }
    state.status.textContent = text;
  }

  function zoom(state, u) {
    if (u.select.width < 2) {
      return;
    }
    const from = u.posToVal(u.select.left, "x");
    const to = u.posToVal(u.select.left + u.select.width, "x");
    u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
    let range;
    if (controls.x && controls.x.value === "time") {
      // Map the chosen time span to the steps of the points inside it.
      const steps = state.data.flatMap((s) => s.steps.filter((_, i) => s.timestamps[i] / 1000 >= from && s.timestamps[i] / 1000 <= to));
      if (steps.length === 0) {
        return;
      }
      range = [Math.min.apply(null, steps), Math.max.apply(null, steps)];
    } else {
      range = [Math.floor(from), Math.ceil(to)];
    }
    load(state, range);
  }

  function rerenderAll() {
    charts.filter((c) => c.data).forEach(render);
  }

  if (controls.x) { controls.x.addEventListener("change", rerenderAll); }
  if (controls.log) { controls.log.addEventListener("change", rerenderAll); }
  if (controls.smoothing) {
    controls.smoothing.addEventListener("input", () => {
      controls.smoothingValue.textContent = controls.smoothing.value;
      rerenderAll();
    });
  }
  if (controls.reset) { controls.reset.addEventListener("click", () => charts.forEach((c) => load(c, null))); }
  let resizeTimer = 0;
  window.addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => charts.forEach((c) => {
      if (c.plot) { c.plot.setSize({ width: Math.max(c.el.clientWidth, 320), height: 260 }); }
    }), 150);
  });
})();
