// 우편번호 찾기 on address forms: the Daum/Kakao postcode widget fills the postal code and the road address.
// Progressive enhancement: without JavaScript, or when the widget's script is blocked or offline, the fields are
// typed by hand and the hint under the postal code says so. The script is loaded only on pages with an address
// form ([data-postcode]); it is the one third-party script besides the payment widget.
(function () {
  "use strict";

  var LOAD_TIMEOUT_MS = 6000;
  var loading = null;

  function loadWidget(src) {
    if (window.daum && window.daum.Postcode) return Promise.resolve(window.daum.Postcode);
    if (loading) return loading;
    loading = new Promise(function (resolve, reject) {
      if (!src) { reject(new Error("no postcode script")); return; }
      var script = document.createElement("script");
      var timer = setTimeout(function () { reject(new Error("postcode script timed out")); }, LOAD_TIMEOUT_MS);
      script.src = src;
      script.async = true;
      script.onload = function () {
        clearTimeout(timer);
        if (window.daum && window.daum.Postcode) resolve(window.daum.Postcode);
        else reject(new Error("postcode script has no widget"));
      };
      script.onerror = function () { clearTimeout(timer); reject(new Error("postcode script blocked")); };
      document.head.appendChild(script);
    });
    return loading;
  }

  function roadAddress(data) {
    // The road address (도로명), with the building name in brackets as Korean address forms show it.
    var address = data.roadAddress || data.address || "";
    var extra = [];
    if (data.bname && /[동로가]$/.test(data.bname)) extra.push(data.bname);
    if (data.buildingName && data.apartment === "Y") extra.push(data.buildingName);
    return extra.length ? address + " (" + extra.join(", ") + ")" : address;
  }

  function setUp(box) {
    var postal = document.querySelector(box.dataset.postal);
    var address1 = document.querySelector(box.dataset.address1);
    var address2 = document.querySelector(box.dataset.address2);
    var button = box.querySelector("[data-postcode-open]");
    var hint = box.querySelector("[data-postcode-hint]");
    var form = box.closest("form") || document;
    var layer = form.querySelector("[data-postcode-layer]");
    var frame = layer && layer.querySelector("[data-postcode-frame]");
    if (!postal || !address1 || !button || !hint) return;

    function failed() {
      hint.textContent = hint.dataset.failed;
      hint.classList.add("is-warning");
      box.classList.add("postcode--manual");
      button.disabled = true;
      button.setAttribute("aria-disabled", "true");
    }

    function close() {
      if (!layer) return;
      layer.hidden = true;
      frame.innerHTML = "";
      document.documentElement.classList.remove("has-postcode-layer");
      button.focus();
    }

    function open(Postcode) {
      var widget = new Postcode({
        oncomplete: function (data) {
          postal.value = data.zonecode;
          address1.value = roadAddress(data);
          postal.dispatchEvent(new Event("change", { bubbles: true }));
          close();
          if (address2) address2.focus();
        },
        onclose: function (state) { if (state === "FORCE_CLOSE") close(); },
        width: "100%",
        height: "100%",
      });
      if (layer && frame) {
        layer.hidden = false;
        document.documentElement.classList.add("has-postcode-layer");
        widget.embed(frame, { q: address1.value || "", autoClose: true });
      } else {
        widget.open({ q: address1.value || "" });
      }
    }

    button.hidden = false;
    loadWidget(box.dataset.postcodeSrc).then(function () {
      hint.textContent = hint.dataset.ready;
    }, failed);

    button.addEventListener("click", function () {
      loadWidget(box.dataset.postcodeSrc).then(open, function () {
        failed();
        postal.focus();
      });
    });
    if (layer) {
      layer.addEventListener("click", function (event) {
        if (event.target === layer || event.target.closest("[data-postcode-close]")) close();
      });
      document.addEventListener("keydown", function (event) {
        if (event.key === "Escape" && !layer.hidden) close();
      });
    }
  }

  document.querySelectorAll("[data-postcode]").forEach(setUp);
})();
