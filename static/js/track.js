/* 동네가게 behaviour beacon: batches page/category/product/store views, dwell heartbeats, searches, cart
   changes and checkout starts, and sends them with navigator.sendBeacon to POST /api/events/.
   Respects Do-Not-Track / Global Privacy Control (sends nothing). No third parties, no CDN. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) return;
  if (navigator.doNotTrack === "1" || window.doNotTrack === "1" || navigator.globalPrivacyControl === true) return;
  var data = script.dataset;
  var endpoint = data.endpoint || "/api/events/";
  var heartbeat = (parseInt(data.heartbeat, 10) || 15) * 1000;
  var MAX_BATCH = 50;
  var queue = [];

  function num(value) {
    var n = parseInt(value, 10);
    return n > 0 ? n : null;
  }
  function clip(value, size) {
    return (value || "").toString().slice(0, size);
  }
  var utm = "";
  try {
    var params = new URLSearchParams(location.search);
    utm = clip(params.get("utm_source"), 50);
    if (utm) sessionStorage.setItem("dg-utm", utm);
    else utm = sessionStorage.getItem("dg-utm") || "";
  } catch (e) { /* storage blocked: no utm */ }
  var page = { category: num(data.category), product: num(data.product), store: num(data.store) };
  var referrer = "";
  try {
    if (document.referrer && new URL(document.referrer).host !== location.host) referrer = clip(document.referrer, 300);
  } catch (e) { referrer = ""; }

  function event(type, extra) {
    var e = { type: type, ts: Date.now(), path: clip(location.pathname, 300), utm: utm, ref: referrer };
    for (var key in extra) if (Object.prototype.hasOwnProperty.call(extra, key)) e[key] = extra[key];
    return e;
  }
  function flush() {
    while (queue.length) {
      var body = JSON.stringify({ events: queue.splice(0, MAX_BATCH) });
      var sent = false;
      try { sent = navigator.sendBeacon && navigator.sendBeacon(endpoint, body); } catch (e) { sent = false; }
      if (!sent && window.fetch) {
        fetch(endpoint, { method: "POST", body: body, keepalive: true, credentials: "same-origin",
          headers: { "Content-Type": "text/plain;charset=UTF-8" } }).catch(function () {});
      }
    }
  }
  function track(type, extra, now) {
    queue.push(event(type, extra || {}));
    if (now || queue.length >= 20) flush();
  }
  window.dgTrack = track;

  // The page itself: one view event, sent at once so a nudge can answer while the shopper is still here.
  var kind = data.page;
  if (kind === "category" && page.category) track("category_view", { category: page.category }, true);
  else if (kind === "product" && page.product) track("product_view", page, true);
  else if (kind === "store" && page.store) track("store_view", { store: page.store }, true);
  else if (kind === "checkout") track("checkout_start", {}, true);
  else if (kind === "search") {
    var q = "";
    try { q = clip(new URLSearchParams(location.search).get("q"), 100).trim(); } catch (e) { q = ""; }
    if (q) track("search", { q: q }, true); else track("page_view", {}, true);
  } else track("page_view", {}, true);

  // Dwell: a heartbeat while the page is visible.
  var seconds = Math.round(heartbeat / 1000);
  setInterval(function () {
    if (document.visibilityState !== "visible") return;
    track("dwell", { dwell: seconds, category: page.category, product: page.product, store: page.store }, true);
  }, heartbeat);

  // Cart changes: any form posting a product_id to a cart URL.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form || !form.action || form.action.indexOf("cart") === -1) return;
    var field = form.querySelector("[name=product_id]");
    var product = field ? num(field.value) : null;
    var type = /remove|delete/.test(form.action) ? "cart_remove" : "cart_add";
    track(type, { product: product }, true);
  }, true);

  document.addEventListener("visibilitychange", function () { if (document.visibilityState === "hidden") flush(); });
  window.addEventListener("pagehide", flush);
})();
