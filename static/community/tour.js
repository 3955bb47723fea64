/* 집들이 reader: counts the view once (the server keeps one per visitor and day) and closes the pin's product
   sheet. The sheet itself is filled by htmx (the pin posts to the server, which also remembers the tour on the
   cart so a purchase can be credited to it). No third parties. */
(function () {
  "use strict";
  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) { return ""; }
  }
  var tour = document.getElementById("tour");
  var viewUrl = tour && tour.dataset.viewUrl;
  if (viewUrl && window.fetch) {
    fetch(viewUrl, { method: "POST", credentials: "same-origin", keepalive: true, headers: { "X-CSRFToken": csrfToken() } })
      .catch(function () { /* a lost view is fine */ });
  }
  var sheet = document.getElementById("pin-sheet");
  if (!sheet) return;
  var opener = null;
  function close() {
    if (!sheet.firstElementChild) return;
    sheet.innerHTML = "";
    if (opener) opener.focus();
    opener = null;
  }
  document.addEventListener("click", function (event) {
    var pin = event.target.closest(".pin[hx-post]");
    if (pin) opener = pin;
    if (event.target.closest("[data-pin-close]")) close();
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") close();
  });
  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target !== sheet) return;
    var first = sheet.querySelector(".pin-sheet__close");
    if (first) first.focus();
  });
})();
