// Small SVG charts for the back-office dashboards: no library, no build. Every <figure data-chart="ID"> is drawn from
// the JSON in <script id="ID">: {type: "line"|"bar", unit: "int"|"won"|"percent", labels: [...],
// series: [{name, values}], secondary?: {unit, name, values}} (secondary: dots on a right-hand axis, bar charts only).
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var COLORS = ["#ff6b35", "#3b6fd8", "#1f9d6b", "#8b5cf6", "#0ea5a4", "#e5484d", "#b45309", "#5f6670"];
  // The SVG is drawn at the figure's own width (one unit = one CSS pixel), so labels stay 12 px on any screen.
  var W = 720, H = 280, PAD = { top: 20, right: 56, bottom: 40, left: 64 };
  var compact = new Intl.NumberFormat(document.documentElement.lang || "ko", { notation: "compact", maximumFractionDigits: 1 });
  var whole = new Intl.NumberFormat(document.documentElement.lang || "ko");

  function format(value, unit, short) {
    if (value === null || value === undefined) { return "—"; }
    if (unit === "percent") { return (Math.round(value * 10) / 10) + "%"; }
    if (unit === "won") { return "₩" + (short ? compact.format(value) : whole.format(value)); }
    return short ? compact.format(value) : whole.format(value);
  }

  function el(name, attrs, parent) {
    var node = document.createElementNS(NS, name);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (parent) { parent.appendChild(node); }
    return node;
  }

  function text(parent, x, y, content, attrs) {
    var node = el("text", Object.assign({ x: x, y: y }, attrs || {}), parent);
    node.textContent = content;
    return node;
  }

  function niceMax(max, unit) {
    if (max <= 0) { return unit === "percent" ? 100 : 10; }
    var step = Math.pow(10, Math.floor(Math.log10(max)));
    var candidates = [1, 2, 2.5, 5, 10];
    for (var i = 0; i < candidates.length; i += 1) {
      if (candidates[i] * step >= max) { return candidates[i] * step; }
    }
    return 10 * step;
  }

  function maxOf(series) {
    var max = 0;
    series.forEach(function (s) { s.values.forEach(function (v) { if (v !== null && v > max) { max = v; } }); });
    return max;
  }

  function axis(svg, top, unit, side) {
    var innerH = H - PAD.top - PAD.bottom;
    for (var i = 0; i <= 4; i += 1) {
      var y = PAD.top + innerH - (innerH * i) / 4;
      if (side === "left") {
        el("line", { x1: PAD.left, x2: W - PAD.right, y1: y, y2: y, class: "chart__grid" }, svg);
        text(svg, PAD.left - 8, y + 4, format((top * i) / 4, unit, true), { "text-anchor": "end", class: "chart__tick" });
      } else {
        text(svg, W - PAD.right + 8, y + 4, format((top * i) / 4, unit, true), { "text-anchor": "start", class: "chart__tick" });
      }
    }
  }

  function xLabels(svg, labels, xAt) {
    var every = Math.max(1, Math.ceil(labels.length / Math.max(2, Math.floor((W - PAD.left - PAD.right) / 70))));
    labels.forEach(function (label, i) {
      if (i % every !== 0 && i !== labels.length - 1) { return; }
      var room = Math.max(4, Math.floor((W - PAD.left - PAD.right) / Math.max(1, labels.length) / 12));
      var shown = label.length > room ? label.slice(0, room - 1) + "…" : label;
      var node = text(svg, xAt(i), H - PAD.bottom + 18, shown, { "text-anchor": "middle", class: "chart__tick" });
      el("title", {}, node).textContent = label;
    });
  }

  function drawLine(svg, data) {
    var innerW = W - PAD.left - PAD.right, innerH = H - PAD.top - PAD.bottom;
    var top = niceMax(maxOf(data.series), data.unit);
    var n = data.labels.length;
    var xAt = function (i) { return PAD.left + (n > 1 ? (innerW * i) / (n - 1) : innerW / 2); };
    var yAt = function (v) { return PAD.top + innerH - (innerH * v) / top; };
    axis(svg, top, data.unit, "left");
    xLabels(svg, data.labels, xAt);
    data.series.forEach(function (s, si) {
      var color = COLORS[si % COLORS.length];
      var points = [];
      s.values.forEach(function (v, i) { if (v !== null) { points.push(xAt(i) + "," + yAt(v)); } });
      el("polyline", { points: points.join(" "), fill: "none", stroke: color, "stroke-width": 2.5, class: "chart__line" }, svg);
      s.values.forEach(function (v, i) {
        if (v === null) { return; }
        var dot = el("circle", { cx: xAt(i), cy: yAt(v), r: 3.5, fill: color, class: "chart__dot" }, svg);
        el("title", {}, dot).textContent = s.name + " · " + data.labels[i] + ": " + format(v, data.unit, false);
      });
    });
  }

  function drawBar(svg, data) {
    var innerW = W - PAD.left - PAD.right, innerH = H - PAD.top - PAD.bottom;
    var top = niceMax(maxOf(data.series), data.unit);
    var n = Math.max(1, data.labels.length), k = data.series.length;
    var band = innerW / n, barW = Math.min(36, (band * 0.7) / k);
    var xAt = function (i) { return PAD.left + band * i + band / 2; };
    axis(svg, top, data.unit, "left");
    xLabels(svg, data.labels, xAt);
    data.series.forEach(function (s, si) {
      var color = COLORS[si % COLORS.length];
      s.values.forEach(function (v, i) {
        if (v === null) { return; }
        var h = (innerH * v) / top;
        var x = xAt(i) - (barW * k) / 2 + barW * si;
        var bar = el("rect", { x: x, y: PAD.top + innerH - h, width: Math.max(1, barW - 2), height: h, fill: color, rx: 2, class: "chart__bar" }, svg);
        el("title", {}, bar).textContent = s.name + " · " + data.labels[i] + ": " + format(v, data.unit, false);
        text(svg, x + (barW - 2) / 2, PAD.top + innerH - h - 6, format(v, data.unit, true), { "text-anchor": "middle", class: "chart__value" });
      });
    });
    if (data.secondary) {
      var second = data.secondary, top2 = niceMax(maxOf([second]), second.unit);
      axis(svg, top2, second.unit, "right");
      second.values.forEach(function (v, i) {
        if (v === null) { return; }
        var dot = el("circle", { cx: xAt(i), cy: PAD.top + innerH - (innerH * v) / top2, r: 5, fill: "#1f2328", class: "chart__dot" }, svg);
        el("title", {}, dot).textContent = second.name + " · " + data.labels[i] + ": " + format(v, second.unit, false);
      });
    }
  }

  function legend(figure, data) {
    var list = document.createElement("ul");
    list.className = "chart__legend";
    var entries = data.series.map(function (s, i) { return { name: s.name, color: COLORS[i % COLORS.length] }; });
    if (data.secondary) { entries.push({ name: data.secondary.name, color: "#1f2328", dot: true }); }
    entries.forEach(function (entry) {
      var item = document.createElement("li");
      var swatch = document.createElement("span");
      swatch.className = "chart__swatch" + (entry.dot ? " chart__swatch--dot" : "");
      swatch.style.background = entry.color;
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(entry.name));
      list.appendChild(item);
    });
    figure.appendChild(list);
  }

  function draw(figure) {
    var source = document.getElementById(figure.getAttribute("data-chart"));
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    if (!data.labels || !data.labels.length) { return; }
    while (figure.firstChild) { figure.removeChild(figure.firstChild); }
    W = Math.max(300, Math.round(figure.clientWidth || 720));
    H = W < 480 ? 240 : 280;
    PAD.right = data.secondary ? 56 : 16;
    var svg = el("svg", { viewBox: "0 0 " + W + " " + H, role: "img", class: "chart", "aria-label": figure.getAttribute("aria-label") || "" });
    el("line", { x1: PAD.left, x2: W - PAD.right, y1: H - PAD.bottom, y2: H - PAD.bottom, class: "chart__axis" }, svg);
    if (data.type === "line") { drawLine(svg, data); } else { drawBar(svg, data); }
    figure.appendChild(svg);
    legend(figure, data);
    figure.setAttribute("data-drawn", "true");
  }

  function drawAll() { Array.prototype.forEach.call(document.querySelectorAll("figure[data-chart]"), draw); }
  var lastWidth = window.innerWidth, pending = null;
  window.addEventListener("resize", function () {
    if (window.innerWidth === lastWidth) { return; }
    lastWidth = window.innerWidth;
    clearTimeout(pending);
    pending = setTimeout(drawAll, 150);
  });
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", drawAll); } else { drawAll(); }
})();
