/* 집들이 editor (phone first, no framework): tap a photo to pin a product at that spot (x/y in percent of the
   photo), pick the product from the search box; photos upload as soon as they are chosen. Everything else is
   plain forms enhanced by htmx, so the editor also works without this script. Event delegation keeps it working
   after htmx swaps the photo list. */
(function () {
  "use strict";
  function round(value) { return Math.round(Math.min(100, Math.max(0, value)) * 100) / 100; }

  function closeAll(except) {
    document.querySelectorAll("[data-pin-form]").forEach(function (form) {
      if (form === except) return;
      form.hidden = true;
      var card = form.closest(".editor-photo");
      var marker = card && card.querySelector("[data-pin-marker]");
      if (marker) marker.hidden = true;
    });
  }

  document.addEventListener("click", function (event) {
    var frame = event.target.closest("[data-pin-frame]");
    if (frame) {
      var rect = frame.getBoundingClientRect();
      var x = round(((event.clientX - rect.left) / rect.width) * 100);
      var y = round(((event.clientY - rect.top) / rect.height) * 100);
      var card = frame.closest(".editor-photo");
      var form = card.querySelector("[data-pin-form]");
      var marker = frame.querySelector("[data-pin-marker]");
      closeAll(form);
      form.querySelector("[data-pin-x]").value = x;
      form.querySelector("[data-pin-y]").value = y;
      marker.style.left = x + "%";
      marker.style.top = y + "%";
      marker.hidden = false;
      form.hidden = false;
      var search = form.querySelector("input[type=search]");
      if (search) search.focus({ preventScroll: true });
      form.scrollIntoView({ block: "nearest", behavior: "smooth" });
      return;
    }
    if (event.target.closest("[data-pin-cancel]")) closeAll(null);
  });

  // Enter in the product search looks for products; it must not submit the pin without a product.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter") return;
    var search = event.target.closest("[data-pin-form] input[type=search]");
    if (!search) return;
    event.preventDefault();
    if (window.htmx) window.htmx.trigger(search, "search");
  });

  // Choosing photos uploads them right away (the 올리기 button stays for browsers without this script).
  function markAuto() {
    document.querySelectorAll("[data-photo-upload]").forEach(function (form) { form.classList.add("is-auto"); });
  }
  markAuto();
  document.body.addEventListener("htmx:afterSwap", markAuto);
  document.addEventListener("change", function (event) {
    var input = event.target.closest("[data-photo-upload] input[type=file]");
    if (!input || !input.files || !input.files.length) return;
    var form = input.form;
    if (form.requestSubmit) form.requestSubmit(); else form.submit();
  });
})();
