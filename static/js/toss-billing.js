// 토스페이먼츠 자동결제: the 정기배송 page registers the shopper's card once with requestBillingAuth(); Toss sends the
// shopper back to the success URL with authKey and customerKey, where the server issues and keeps the billing key.
// The SDK is loaded only when the shopper asks to register a card.
(function () {
  "use strict";

  var root = document.querySelector("[data-toss-billing]");
  if (!root) return;
  var button = root.querySelector("[data-toss-billing-button]");
  var errorLine = root.querySelector("[data-toss-error]");

  function loadSdk(src) {
    return new Promise(function (resolve, reject) {
      if (window.TossPayments) { resolve(window.TossPayments); return; }
      var script = document.createElement("script");
      var timer = setTimeout(function () { reject(new Error("toss sdk timed out")); }, 8000);
      script.src = src;
      script.async = true;
      script.onload = function () { clearTimeout(timer); window.TossPayments ? resolve(window.TossPayments) : reject(new Error("no sdk")); };
      script.onerror = function () { clearTimeout(timer); reject(new Error("toss sdk blocked")); };
      document.head.appendChild(script);
    });
  }

  button.addEventListener("click", function () {
    button.disabled = true;
    errorLine.hidden = true;
    loadSdk(root.dataset.tossScript)
      .then(function (TossPayments) {
        var payment = TossPayments(root.dataset.clientKey).payment({ customerKey: root.dataset.customerKey });
        var request = { method: "CARD", successUrl: root.dataset.successUrl, failUrl: root.dataset.failUrl, customerName: root.dataset.customerName };
        if (root.dataset.customerEmail) request.customerEmail = root.dataset.customerEmail;
        return payment.requestBillingAuth(request);
      })
      .catch(function () {
        errorLine.hidden = false;
        button.disabled = false;
      });
  });
})();
