// Share button: the phone's share sheet (Web Share API: 카카오톡, 문자, ...) where there is one, else copy the link.
// Progressive enhancement: the button stays hidden without JavaScript.
(function () {
  "use strict";

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var field = document.createElement("textarea");
      field.value = text;
      field.setAttribute("readonly", "");
      field.style.position = "fixed";
      field.style.opacity = "0";
      document.body.appendChild(field);
      field.select();
      try {
        document.execCommand("copy") ? resolve() : reject(new Error("copy refused"));
      } catch (error) {
        reject(error);
      } finally {
        field.remove();
      }
    });
  }

  function say(box, key) {
    var status = box.querySelector("[data-share-status]");
    if (!status) return;
    status.textContent = status.dataset[key] || "";
    clearTimeout(status._timer);
    status._timer = setTimeout(function () { status.textContent = ""; }, 4000);
  }

  function setUp(box) {
    box.hidden = false;
    var button = box.querySelector("[data-share-button]");
    button.addEventListener("click", function () {
      var url = new URL(box.dataset.shareUrl || location.href, location.href).href;
      var data = { title: box.dataset.shareTitle || document.title, text: box.dataset.shareText || "", url: url };
      if (navigator.share && (!navigator.canShare || navigator.canShare(data))) {
        navigator.share(data).catch(function (error) {
          if (error && error.name === "AbortError") return; // the shopper closed the sheet
          copy(url).then(function () { say(box, "copied"); }, function () { say(box, "failed"); });
        });
        return;
      }
      copy(url).then(function () { say(box, "copied"); }, function () { say(box, "failed"); });
    });
  }

  document.querySelectorAll("[data-share]").forEach(setUp);
})();
