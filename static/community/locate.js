// 동네 인증: ask the browser for its position once, post latitude/longitude to the server, show its answer.
// The server measures the distance to the 동's centroid and keeps only the verified 동; nothing is stored here.
(function () {
  "use strict";
  var form = document.getElementById("locate-form");
  if (!form) return;
  var status = form.querySelector("[data-testid=locate-status]");
  var button = form.querySelector("button[type=submit]");

  function say(text, isError) {
    status.textContent = text;
    status.classList.toggle("is-error", !!isError);
  }

  function send(latitude, longitude) {
    var data = new FormData(form);
    data.set("latitude", latitude.toFixed(6));
    data.set("longitude", longitude.toFixed(6));
    return fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch", Accept: "application/json" },
    }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) throw new Error(body.detail || status.dataset.msgFailed);
        say(body.detail, false);
        if (body.redirect) window.setTimeout(function () { window.location.assign(body.redirect); }, 900);
      });
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!("geolocation" in navigator)) {
      say(status.dataset.msgUnsupported, true);
      return;
    }
    button.disabled = true;
    say(status.dataset.msgLocating, false);
    navigator.geolocation.getCurrentPosition(
      function (position) {
        send(position.coords.latitude, position.coords.longitude)
          .catch(function (error) { say(error.message || status.dataset.msgFailed, true); })
          .then(function () { button.disabled = false; });
      },
      function (error) {
        button.disabled = false;
        say(error.code === 1 ? status.dataset.msgDenied : status.dataset.msgFailed, true);
      },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
    );
  });
})();
