// 토스페이먼츠 payment widget on the checkout page (the only page that loads it).
// 1. Load the SDK from Toss (only Toss can serve it) and draw the payment methods and the agreement.
// 2. On submit, post the form with fetch(): the server places the order (stock reserved) and answers with the
//    order to pay, whose amount is the server's, never the page's.
// 3. widgets.requestPayment() opens Toss's window; Toss sends the shopper back to the success or fail URL, where
//    the server confirms. Offline or blocked, the page says so and the order form stays as it was.
(function () {
  "use strict";

  var LOAD_TIMEOUT_MS = 8000;
  var root = document.querySelector("[data-toss-widget]");
  if (!root) return;
  var form = root.closest("form");
  var statusLine = root.querySelector("[data-toss-status]");
  var offline = root.querySelector("[data-toss-offline]");
  var errorLine = root.querySelector("[data-toss-error]");
  var buttons = form.querySelectorAll("button[type=submit]:not([name])");
  var widgets = null;

  function setBusy(busy) {
    buttons.forEach(function (button) { button.disabled = busy; });
  }

  function showError(message, changes) {
    errorLine.textContent = message;
    if (changes && changes.length) {
      var list = document.createElement("ul");
      changes.forEach(function (change) {
        var item = document.createElement("li");
        item.textContent = change;
        list.appendChild(item);
      });
      errorLine.appendChild(list);
    }
    errorLine.hidden = false;
  }

  function loadSdk(src) {
    return new Promise(function (resolve, reject) {
      if (window.TossPayments) { resolve(window.TossPayments); return; }
      var script = document.createElement("script");
      var timer = setTimeout(function () { reject(new Error("toss sdk timed out")); }, LOAD_TIMEOUT_MS);
      script.src = src;
      script.async = true;
      script.onload = function () {
        clearTimeout(timer);
        if (window.TossPayments) resolve(window.TossPayments);
        else reject(new Error("toss sdk has no TossPayments"));
      };
      script.onerror = function () { clearTimeout(timer); reject(new Error("toss sdk blocked")); };
      document.head.appendChild(script);
    });
  }

  setBusy(true);
  loadSdk(root.dataset.tossScript)
    .then(function (TossPayments) {
      widgets = TossPayments(root.dataset.clientKey).widgets({ customerKey: root.dataset.customerKey });
      return widgets.setAmount({ currency: "KRW", value: Number(root.dataset.amount) }).then(function () {
        return Promise.all([
          widgets.renderPaymentMethods({ selector: "#toss-payment-methods", variantKey: "DEFAULT" }),
          widgets.renderAgreement({ selector: "#toss-agreement", variantKey: "AGREEMENT" }),
        ]);
      });
    })
    .then(function () {
      statusLine.hidden = true;
      setBusy(false);
    })
    .catch(function () {
      statusLine.hidden = true;
      offline.hidden = false;
      root.classList.add("toss-pay--offline");
    });

  form.addEventListener("submit", function (event) {
    // 할인 적용하기 and other named buttons re-render the page on the server; only paying goes to the widget.
    if (event.submitter && event.submitter.name) return;
    event.preventDefault();
    if (!widgets) return;
    errorLine.hidden = true;
    errorLine.textContent = "";
    setBusy(true);
    fetch(form.action || window.location.href, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) { return response.json(); })
      .then(function (answer) {
        if (answer.redirect) { window.location.href = answer.redirect; return null; }
        if (answer.resubmit) { form.submit(); return null; }
        if (!answer.payment) { showError(answer.detail, answer.changes); setBusy(false); return null; }
        var pay = answer.payment;
        return widgets.setAmount({ currency: "KRW", value: pay.amount }).then(function () {
          return widgets.requestPayment({
            orderId: pay.orderId,
            orderName: pay.orderName,
            customerName: pay.customerName,
            successUrl: pay.successUrl,
            failUrl: pay.failUrl,
          });
        });
      })
      .catch(function () {
        setBusy(false);
      });
  });
})();
