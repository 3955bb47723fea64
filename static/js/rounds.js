// 오늘 챙길 단골: j/k move between rows, m opens the message form, n the note form of the focused row.
(function () {
  "use strict";
  function rows() { return Array.prototype.slice.call(document.querySelectorAll("[data-round-row]")); }
  function current(list) {
    var index = list.indexOf(document.activeElement && document.activeElement.closest("[data-round-row]"));
    return index;
  }
  function focusRow(list, index) {
    if (!list.length) { return; }
    var row = list[Math.max(0, Math.min(list.length - 1, index))];
    row.focus();
    row.scrollIntoView({ block: "nearest" });
  }
  function open(row, kind) {
    var details = row && row.querySelector('[data-round-action="' + kind + '"]');
    if (!details) { return; }
    details.open = true;
    var field = details.querySelector("textarea");
    if (field) { field.focus(); field.setSelectionRange(field.value.length, field.value.length); }
  }
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    if (target && (target.tagName === "TEXTAREA" || target.tagName === "INPUT" || target.isContentEditable)) {
      if (event.key === "Escape") { var row = target.closest("[data-round-row]"); if (row) { row.focus(); } }
      return;
    }
    var list = rows();
    var index = current(list);
    if (event.key === "j") { focusRow(list, index + 1); event.preventDefault(); }
    else if (event.key === "k") { focusRow(list, index < 0 ? 0 : index - 1); event.preventDefault(); }
    else if ((event.key === "m" || event.key === "n") && index >= 0) {
      open(list[index], event.key === "m" ? "message" : "note");
      event.preventDefault();
    }
  });
})();
