/* 동네가게 back office: small progressive enhancements, no framework.
 *
 * 1. The segment condition builder: turns the JSON `definition` field into rows of field / operator / value
 *    chosen from the engine's catalogue (json_script#condition-catalogue), one level of nested groups, and writes
 *    the JSON back on every change. It then fires `crm:definition-changed` on the form; htmx listens for it and
 *    asks the server for the live count. Without this script the JSON field stays visible and the form still
 *    submits; the server validates either way.
 * 2. "/" focuses the page's table search box (inputs with data-crm-search), like many admin tools.
 * 3. Escape closes the team switcher.
 */
(function () {
  "use strict";

  // Korean defaults; the page passes the active language's texts in json_script#crm-builder-text.
  var T = {
    match_all: "모든 조건 (AND)",
    match_any: "하나라도 (OR)",
    match_label_root: "조건을 묶는 방법",
    match_label_group: "이 묶음의 조건을 묶는 방법",
    empty: "아직 조건이 없어요. 아래에서 추가해 주세요.",
    add_condition: "+ 조건 추가",
    add_group: "+ 조건 묶음 추가",
    head_root_before: "다음",
    head_root_after: "을 만족하는 고객",
    head_group_before: "이 묶음은",
    head_group_after: "을 만족해요",
    remove_group: "묶음 지우기",
    field: "조건 항목",
    unknown_field: "알 수 없는 항목",
    op: "비교 방법",
    remove: "이 조건 지우기",
    category: "카테고리",
    value: "값",
    min: "최솟값",
    max: "최댓값",
    yes: "예",
    no: "아니요",
    recent: "최근",
    days_label: "며칠 동안",
    days_during: "일 동안",
    count_label: "몇 번",
    times: "번",
    purchase_days_label: "며칠 동안 (비우면 전체 기간)",
    days_comma: "일,",
    min_spend_label: "최소 금액 (원)",
    won_or_more: "원 이상",
  };
  var textNode = document.getElementById("crm-builder-text");
  if (textNode) {
    try {
      var given = JSON.parse(textNode.textContent);
      Object.keys(given).forEach(function (key) {
        T[key] = given[key];
      });
    } catch (error) {
      /* keep the defaults */
    }
  }

  var MATCH_OPTIONS = [
    { value: "all", label: T.match_all },
    { value: "any", label: T.match_any },
  ];

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) return;
      if (key === "text") node.textContent = value;
      else if (key === "className") node.className = value;
      else if (key.slice(0, 2) === "on") node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    });
    (children || []).forEach(function (child) {
      if (child) node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function isGroup(node) {
    return node && typeof node === "object" && Array.isArray(node.conditions);
  }

  function numberOrNull(text) {
    if (text === "" || text === null || text === undefined) return null;
    var value = Number(text);
    return isFinite(value) ? value : text;
  }

  function Builder(form, mount, textarea, catalogue) {
    this.form = form;
    this.mount = mount;
    this.textarea = textarea;
    this.fields = {};
    this.catalogue = catalogue;
    var self = this;
    catalogue.forEach(function (entry) {
      self.fields[entry.key] = entry;
    });
  }

  Builder.prototype.load = function () {
    var raw = this.textarea.value.trim();
    var parsed;
    try {
      parsed = raw ? JSON.parse(raw) : { match: "all", conditions: [] };
    } catch (error) {
      return false;
    }
    if (!isGroup(parsed)) return false;
    this.state = this.normaliseGroup(parsed, 0);
    return true;
  };

  Builder.prototype.normaliseGroup = function (group, level) {
    var self = this;
    return {
      match: group.match === "any" ? "any" : "all",
      conditions: group.conditions
        .filter(function (child) {
          return child && typeof child === "object";
        })
        .map(function (child) {
          return isGroup(child) && level === 0 ? self.normaliseGroup(child, 1) : child;
        })
        .filter(function (child) {
          return !isGroup(child) || level === 0;
        }),
    };
  };

  Builder.prototype.defaultValue = function (entry, op) {
    switch (entry.type) {
      case "number":
        return op === "between" ? [null, null] : null;
      case "choice":
        return [];
      case "bool":
        return true;
      case "category_views":
        return { category: entry.choices.length ? entry.choices[0].value : null, count: 1, days: 7 };
      case "category_purchase":
        return { category: entry.choices.length ? entry.choices[0].value : null, days: null, min_spend: null };
      case "essential_category":
        return { category: entry.choices.length ? entry.choices[0].value : null };
      default:
        return null;
    }
  };

  Builder.prototype.newCondition = function () {
    var entry = this.catalogue[0];
    var op = entry.ops[0].key;
    return { field: entry.key, op: op, value: this.defaultValue(entry, op) };
  };

  Builder.prototype.serialise = function () {
    this.textarea.value = JSON.stringify(this.state);
    this.form.dispatchEvent(new CustomEvent("crm:definition-changed", { bubbles: true }));
  };

  Builder.prototype.render = function (focusSelector) {
    this.mount.replaceChildren(this.renderGroup(this.state, 0, null));
    if (focusSelector) {
      var target = this.mount.querySelector(focusSelector);
      if (target) target.focus();
    }
  };

  Builder.prototype.renderGroup = function (group, level, parent) {
    var self = this;
    var matchSelect = el(
      "select",
      {
        className: "crm-builder__match",
        "aria-label": level === 0 ? T.match_label_root : T.match_label_group,
        onchange: function (event) {
          group.match = event.target.value;
          self.serialise();
        },
      },
      MATCH_OPTIONS.map(function (option) {
        return el("option", { value: option.value, selected: group.match === option.value, text: option.label });
      })
    );
    var list = el("ol", { className: "crm-builder__rows" });
    group.conditions.forEach(function (child, index) {
      list.appendChild(
        isGroup(child) ? self.renderSubgroup(child, group, index) : self.renderRow(child, group, index, level)
      );
    });
    if (!group.conditions.length) {
      list.appendChild(el("li", { className: "crm-builder__empty muted small", text: T.empty }));
    }
    var actions = el("div", { className: "crm-builder__actions" }, [
      el("button", {
        type: "button",
        className: "crm-btn crm-btn--sm",
        "data-testid": level === 0 ? "add-condition" : "add-subcondition",
        text: T.add_condition,
        onclick: function () {
          group.conditions.push(self.newCondition());
          self.serialise();
          self.render();
          self.focusLastRow(level, group);
        },
      }),
      level === 0
        ? el("button", {
            type: "button",
            className: "crm-btn crm-btn--sm crm-btn--ghost",
            "data-testid": "add-group",
            text: T.add_group,
            onclick: function () {
              group.conditions.push({ match: "any", conditions: [self.newCondition()] });
              self.serialise();
              self.render();
              self.focusLastRow(0, group);
            },
          })
        : null,
    ]);
    var head = el("div", { className: "crm-builder__head" }, [
      el("span", { text: level === 0 ? T.head_root_before : T.head_group_before }),
      matchSelect,
      el("span", { text: level === 0 ? T.head_root_after : T.head_group_after }),
      parent
        ? el("button", {
            type: "button",
            className: "crm-btn crm-btn--sm crm-btn--ghost crm-builder__remove-group",
            text: T.remove_group,
            onclick: function () {
              parent.group.conditions.splice(parent.index, 1);
              self.serialise();
              self.render("[data-testid=add-condition]");
            },
          })
        : null,
    ]);
    return el("div", { className: "crm-builder__group crm-builder__group--level" + level }, [head, list, actions]);
  };

  Builder.prototype.focusLastRow = function (level, group) {
    var groups = this.mount.querySelectorAll(".crm-builder__group");
    var index = 0;
    if (level !== 0) {
      var subgroups = this.state.conditions.filter(isGroup);
      index = subgroups.indexOf(group) + 1;
    }
    var container = groups[index] || groups[0];
    var selects = container.querySelectorAll(":scope > .crm-builder__rows > .crm-builder__row .crm-builder__field");
    if (selects.length) selects[selects.length - 1].focus();
  };

  Builder.prototype.renderSubgroup = function (child, group, index) {
    return el("li", { className: "crm-builder__subgroup" }, [this.renderGroup(child, 1, { group: group, index: index })]);
  };

  Builder.prototype.fieldSelect = function (condition, onchange) {
    var groups = {};
    var order = [];
    this.catalogue.forEach(function (entry) {
      if (!groups[entry.group]) {
        groups[entry.group] = [];
        order.push(entry.group);
      }
      groups[entry.group].push(entry);
    });
    var known = Boolean(this.fields[condition.field]);
    return el(
      "select",
      { className: "crm-builder__field", "aria-label": T.field, onchange: onchange },
      (known ? [] : [el("option", { value: condition.field || "", selected: true, text: T.unknown_field })]).concat(
        order.map(function (name) {
          return el(
            "optgroup",
            { label: name },
            groups[name].map(function (entry) {
              return el("option", { value: entry.key, selected: entry.key === condition.field, text: entry.label });
            })
          );
        })
      )
    );
  };

  Builder.prototype.renderRow = function (condition, group, index, level) {
    var self = this;
    var entry = this.fields[condition.field];
    var row = el("li", { className: "crm-builder__row", "data-testid": "condition-row" });
    var fieldSelect = this.fieldSelect(condition, function (event) {
      var next = self.fields[event.target.value];
      condition.field = next.key;
      condition.op = next.ops[0].key;
      condition.value = self.defaultValue(next, condition.op);
      self.serialise();
      self.rerenderRow(row, condition, group, index, level, ".crm-builder__field");
    });
    row.appendChild(fieldSelect);
    if (entry) {
      var opSelect = el(
        "select",
        {
          className: "crm-builder__op",
          "aria-label": T.op,
          onchange: function (event) {
            var before = condition.op;
            condition.op = event.target.value;
            if ((before === "between") !== (condition.op === "between")) {
              condition.value = self.defaultValue(entry, condition.op);
            }
            self.serialise();
            self.rerenderRow(row, condition, group, index, level, ".crm-builder__op");
          },
        },
        entry.ops.map(function (op) {
          return el("option", { value: op.key, selected: op.key === condition.op, text: op.label });
        })
      );
      row.appendChild(opSelect);
      row.appendChild(this.valueWidget(entry, condition));
    }
    row.appendChild(
      el("button", {
        type: "button",
        className: "crm-builder__remove",
        "aria-label": T.remove,
        title: T.remove,
        text: "×",
        onclick: function () {
          group.conditions.splice(index, 1);
          self.serialise();
          self.render("[data-testid=add-condition]");
        },
      })
    );
    return row;
  };

  Builder.prototype.rerenderRow = function (row, condition, group, index, level, focusSelector) {
    var fresh = this.renderRow(condition, group, index, level);
    row.replaceWith(fresh);
    var target = fresh.querySelector(focusSelector);
    if (target) target.focus();
  };

  Builder.prototype.numberInput = function (entry, value, label, onchange) {
    return el("input", {
      type: "number",
      className: "crm-builder__number num",
      inputmode: entry.integer === false ? "decimal" : "numeric",
      step: entry.integer === false ? "any" : "1",
      min: entry.min,
      max: entry.max,
      value: value === null || value === undefined ? "" : String(value),
      "aria-label": label,
      oninput: function (event) {
        onchange(numberOrNull(event.target.value));
      },
    });
  };

  Builder.prototype.unit = function (entry) {
    return entry.unit ? el("span", { className: "crm-builder__unit", text: entry.unit }) : null;
  };

  Builder.prototype.categorySelect = function (entry, value) {
    var self = this;
    return el(
      "select",
      {
        className: "crm-builder__category",
        "aria-label": T.category,
        onchange: function (event) {
          value.category = numberOrNull(event.target.value);
          self.serialise();
        },
      },
      entry.choices.map(function (choice) {
        return el("option", { value: choice.value, selected: String(choice.value) === String(value.category), text: choice.label });
      })
    );
  };

  Builder.prototype.valueWidget = function (entry, condition) {
    var self = this;
    var changed = function () {
      self.serialise();
    };
    var box = el("span", { className: "crm-builder__value" });
    if (entry.type === "number") {
      if (condition.op === "between") {
        if (!Array.isArray(condition.value)) condition.value = [null, null];
        box.appendChild(
          this.numberInput(entry, condition.value[0], T.min, function (value) {
            condition.value[0] = value;
            changed();
          })
        );
        box.appendChild(el("span", { className: "crm-builder__unit", text: "~" }));
        box.appendChild(
          this.numberInput(entry, condition.value[1], T.max, function (value) {
            condition.value[1] = value;
            changed();
          })
        );
      } else {
        box.appendChild(
          this.numberInput(entry, condition.value, T.value, function (value) {
            condition.value = value;
            changed();
          })
        );
      }
      if (entry.unit) box.appendChild(this.unit(entry));
    } else if (entry.type === "choice") {
      if (!Array.isArray(condition.value)) condition.value = condition.value === null ? [] : [condition.value];
      var chosen = condition.value.map(String);
      var choices = el("span", { className: "crm-builder__choices", role: "group", "aria-label": entry.label });
      entry.choices.forEach(function (choice) {
        var input = el("input", {
          type: "checkbox",
          value: choice.value,
          checked: chosen.indexOf(String(choice.value)) !== -1,
          onchange: function () {
            condition.value = Array.prototype.filter
              .call(choices.querySelectorAll("input:checked"), function () {
                return true;
              })
              .map(function (checkbox) {
                var original = entry.choices.filter(function (c) {
                  return String(c.value) === checkbox.value;
                })[0];
                return original ? original.value : checkbox.value;
              });
            changed();
          },
        });
        choices.appendChild(el("label", { className: "crm-builder__choice" }, [input, el("span", { text: choice.label })]));
      });
      box.appendChild(choices);
    } else if (entry.type === "bool") {
      box.appendChild(
        el(
          "select",
          {
            "aria-label": T.value,
            onchange: function (event) {
              condition.value = event.target.value === "true";
              changed();
            },
          },
          [
            el("option", { value: "true", selected: condition.value !== false, text: T.yes }),
            el("option", { value: "false", selected: condition.value === false, text: T.no }),
          ]
        )
      );
    } else {
      if (!condition.value || typeof condition.value !== "object" || Array.isArray(condition.value)) {
        condition.value = this.defaultValue(entry, condition.op);
      }
      var value = condition.value;
      box.appendChild(this.categorySelect(entry, value));
      if (entry.type === "category_views") {
        box.appendChild(el("span", { className: "crm-builder__unit", text: T.recent }));
        box.appendChild(
          this.numberInput({ integer: true, min: 1, max: 90 }, value.days, T.days_label, function (days) {
            value.days = days;
            changed();
          })
        );
        box.appendChild(el("span", { className: "crm-builder__unit", text: T.days_during }));
        box.appendChild(
          this.numberInput({ integer: true, min: 1 }, value.count, T.count_label, function (count) {
            value.count = count;
            changed();
          })
        );
        box.appendChild(el("span", { className: "crm-builder__unit", text: T.times }));
      } else if (entry.type === "category_purchase") {
        box.appendChild(el("span", { className: "crm-builder__unit", text: T.recent }));
        box.appendChild(
          this.numberInput({ integer: true, min: 1 }, value.days, T.purchase_days_label, function (days) {
            value.days = days;
            changed();
          })
        );
        box.appendChild(el("span", { className: "crm-builder__unit", text: T.days_comma }));
        box.appendChild(
          this.numberInput({ integer: true, min: 0 }, value.min_spend, T.min_spend_label, function (amount) {
            value.min_spend = amount;
            changed();
          })
        );
        box.appendChild(el("span", { className: "crm-builder__unit", text: T.won_or_more }));
      }
    }
    return box;
  };

  function mountBuilder(form) {
    var mount = form.querySelector("[data-crm-builder]");
    var fallback = form.querySelector("[data-crm-json-fallback]");
    var textarea = form.querySelector("textarea[name=definition]");
    var catalogueNode = document.getElementById("condition-catalogue");
    if (!mount || !textarea || !catalogueNode) return;
    var catalogue;
    try {
      catalogue = JSON.parse(catalogueNode.textContent);
    } catch (error) {
      return;
    }
    if (!Array.isArray(catalogue) || !catalogue.length) return;
    var builder = new Builder(form, mount, textarea, catalogue);
    if (!builder.load()) return; // unreadable JSON: leave the text field to fix it by hand
    mount.hidden = false;
    if (fallback) fallback.hidden = true;
    builder.render();
    if (builder.state.conditions.length) {
      // Count what the segment already holds (edit page, or a form shown again with errors). htmx binds its
      // listeners on DOMContentLoaded too, so fire on the next turn, once it has.
      window.setTimeout(function () {
        form.dispatchEvent(new CustomEvent("crm:definition-changed", { bubbles: true }));
      }, 0);
    }
    form.crmBuilder = builder;
  }

  function focusSearchOnSlash(event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    var tag = target && target.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable)) return;
    var search = document.querySelector("[data-crm-search]");
    if (!search) return;
    event.preventDefault();
    search.focus();
    search.select();
  }

  function closeSwitcherOnEscape(event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details.crm-switcher[open]").forEach(function (details) {
      details.open = false;
      var summary = details.querySelector("summary");
      if (summary) summary.focus();
    });
  }

  function init() {
    document.querySelectorAll("form[data-crm-segment-form]").forEach(mountBuilder);
    document.addEventListener("keydown", focusSearchOnSlash);
    document.addEventListener("keydown", closeSwitcherOnEscape);
  }

  // Deferred scripts run before DOMContentLoaded; htmx (loaded first) processes the page on that event, so the
  // builder mounts after it.
  if (document.readyState === "complete") init();
  else document.addEventListener("DOMContentLoaded", init);
})();
