/* 동네가게 live feed: a WebSocket per page (ws/feed/). Subscribes first, then fetches the current items
   partial (register-then-fetch), shows a toast for each new nudge, and falls back to polling the partial
   every ~20 s when WebSockets are unavailable. Reconnects with backoff. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) return;
  var feedUrl = script.dataset.feedUrl || "/feed/";
  var POLL_MS = window.dgPollMs || parseInt(script.dataset.pollMs, 10) || 20000;
  var box = document.getElementById("feed-toasts");
  var badge = document.getElementById("feed-unread-badge");
  var known = {};
  var primed = false;
  var socket = null;
  var attempts = 0;
  var pollTimer = null;

  // Greeting: dismiss for today (cookie read by the server, so it stays hidden on the next page).
  document.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest("[data-greeting-dismiss]");
    if (!button) return;
    var card = button.closest("[data-greeting-key]");
    if (!card) return;
    var end = new Date(); end.setHours(23, 59, 59, 0);
    document.cookie = "dg_greet_off=" + encodeURIComponent(card.dataset.greetingKey) + "; expires=" + end.toUTCString() + "; path=/; SameSite=Lax";
    card.remove();
  });

  function text(value) { return (value || "").toString(); }
  function ensureBox() {
    if (!box) {
      box = document.createElement("div");
      box.id = "feed-toasts"; box.className = "feed-toasts"; box.setAttribute("aria-live", "polite");
      document.body.appendChild(box);
    }
    return box;
  }
  function bumpBadge() {
    if (!badge) {
      var link = document.querySelector('a[href="' + feedUrl + '"].icon-link');
      if (!link) return;
      badge = document.createElement("span"); badge.className = "count-badge"; badge.id = "feed-unread-badge";
      badge.textContent = "0"; link.appendChild(badge);
    }
    var n = parseInt(badge.textContent, 10) || 0;
    badge.textContent = n >= 99 ? "99+" : String(n + 1);
  }
  function csrfToken() {
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    var body = document.body.getAttribute("hx-headers");
    try { return body ? JSON.parse(body)["X-CSRFToken"] : ""; } catch (e) { return ""; }
  }
  function reportSeen(id) {
    if (!window.fetch || !/^[0-9]+$/.test(String(id))) return;
    fetch(feedUrl + "items/" + id + "/seen/", { method: "POST", credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken() } }).catch(function () {});
  }
  function toast(item) {
    if (known[item.id]) return;
    known[item.id] = true;
    var el = document.createElement("a");
    el.className = "feed-toast";
    el.href = item.link ? feedUrl + "items/" + item.id + "/go/" : feedUrl;
    el.setAttribute("role", "status");
    el.dataset.testid = "feed-toast";
    var title = document.createElement("strong");
    title.textContent = (item.ad_label ? item.ad_label + " " : "") + text(item.title);
    el.appendChild(title);
    if (item.body) { var body = document.createElement("span"); body.textContent = text(item.body); el.appendChild(body); }
    if (item.coupon_text) {
      var coupon = document.createElement("span"); coupon.className = "feed-toast__coupon";
      coupon.textContent = text(item.coupon_text);
      el.appendChild(coupon);
    }
    if (item.ad_sender) {
      var sender = document.createElement("small"); sender.className = "feed-toast__sender";
      sender.textContent = text(item.ad_sender);
      el.appendChild(sender);
    }
    var close = document.createElement("button");
    close.type = "button"; close.className = "feed-toast__close"; close.setAttribute("aria-label", "×"); close.textContent = "×";
    close.addEventListener("click", function (e) { e.preventDefault(); el.remove(); });
    el.appendChild(close);
    ensureBox().appendChild(el);
    reportSeen(item.id);
    setTimeout(function () { el.classList.add("is-leaving"); setTimeout(function () { el.remove(); }, 400); }, 9000);
    bumpBadge();
  }

  // Fetch the current items partial: replace the list on the feed page, toast unread items we have not seen.
  function refresh() {
    return fetch(feedUrl + "?partial=1", { credentials: "same-origin", headers: { "HX-Request": "true" } })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) {
        if (!html) return;
        var doc = new DOMParser().parseFromString(html, "text/html");
        var list = document.querySelector("[data-feed-items]");
        var fresh = doc.querySelector("[data-feed-items]");
        if (list && fresh) list.replaceWith(fresh);
        doc.querySelectorAll("[data-feed-item]").forEach(function (node) {
          var id = node.dataset.feedItem;
          if (!primed) { known[id] = true; return; }
          if (!known[id] && node.classList.contains("is-unread")) {
            var title = node.querySelector(".feed-item__title");
            var body = node.querySelector(".feed-item__body");
            toast({ id: id, title: title ? title.textContent : "", body: body ? body.textContent : "" });
          }
        });
        primed = true;
      })
      .catch(function () {});
  }
  function startPolling() {
    if (pollTimer) return;
    pollTimer = setInterval(refresh, POLL_MS);
  }
  function stopPolling() { if (pollTimer) { clearInterval(pollTimer); pollTimer = null; } }

  function connect() {
    if (!("WebSocket" in window)) { refresh(); startPolling(); return; }
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    try { socket = new WebSocket(scheme + location.host + "/ws/feed/"); } catch (e) { startPolling(); return; }
    socket.onmessage = function (message) {
      var data;
      try { data = JSON.parse(message.data); } catch (e) { return; }
      if (data.type === "feed.ready") { attempts = 0; stopPolling(); refresh(); return; }
      if (data.type === "feed.item") {
        if (data.toast) toast(data); else known[data.id] = true;
        if (document.querySelector("[data-feed-items]")) refresh();
      }
    };
    socket.onclose = function () {
      socket = null;
      startPolling();
      var delay = Math.min(30000, 1000 * Math.pow(2, attempts++)) + Math.random() * 500;
      setTimeout(connect, delay);
    };
  }
  window.dgLive = { refresh: refresh, isConnected: function () { return !!socket && socket.readyState === 1; } };
  connect();
})();
