/* The survey editor's question rows (templates/crm/survey_form.html): add a row from the formset's empty form,
 * remove one by ticking its DELETE box and hiding it. Without this script the page still works: the rows the
 * server rendered stay, each with a visible "이 질문 빼기" box; the server validates either way.
 */
(function () {
  "use strict";

  function start() {
    var rows = document.querySelector("[data-survey-questions]");
    if (!rows) return;
    var form = rows.closest("form");
    var total = form.querySelector("input[name$='-TOTAL_FORMS']");
    var max = parseInt(form.querySelector("input[name$='-MAX_NUM_FORMS']").value, 10);
    var template = form.querySelector("template[data-survey-question-template]");
    var add = form.querySelector("[data-survey-add]");

    function shown() {
      return rows.querySelectorAll("[data-survey-question]:not([hidden])").length;
    }

    function refresh() {
      add.disabled = shown() >= max;
    }

    function enhance(row) {
      var box = row.querySelector("input[name$='-DELETE']");
      var remove = row.querySelector("[data-survey-remove]");
      row.querySelector("[data-survey-delete-label]").hidden = true;
      remove.hidden = false;
      if (box.checked) row.hidden = true;
      remove.addEventListener("click", function () {
        box.checked = true;
        row.hidden = true;
        refresh();
        add.focus();
      });
    }

    rows.querySelectorAll("[data-survey-question]").forEach(enhance);
    add.hidden = false;
    add.addEventListener("click", function () {
      if (shown() >= max) return;
      var index = parseInt(total.value, 10);
      var holder = document.createElement("div");
      holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index)).trim();
      var row = holder.firstElementChild;
      rows.appendChild(row);
      total.value = String(index + 1);
      enhance(row);
      refresh();
      row.querySelector("input[type=text]").focus();
    });
    refresh();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
