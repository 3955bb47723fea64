/* 1:1 문의: the live conversation (shopper and staff), the staff inbox list, and the 문의하기 sheet.
 *
 * The socket is a fast path, never the record: every message is stored with a per-conversation seq before the
 * server acknowledges it. On every (re)connect the page sends {type: "hello", last_seq} and the server sends what
 * came after, once, in order; a message typed while offline waits in the outbox under its idempotency key and is
 * sent again after the reconnect, so a resend after a timeout is stored once. Reconnects back off 0.5 s → 10 s.
 */
(function () {
  "use strict";

  function wsUrl(path) {
    return (location.protocol === "https:" ? "wss://" : "ws://") + location.host + path;
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function timeLabel(iso) {
    try {
      return new Date(iso).toLocaleTimeString("ko-KR", { hour: "numeric", minute: "2-digit", timeZone: "Asia/Seoul" });
    } catch (e) {
      return "";
    }
  }

  function Backoff() {
    this.attempt = 0;
  }
  Backoff.prototype.next = function () {
    var delay = Math.min(10000, 500 * Math.pow(2, this.attempt));
    this.attempt += 1;
    return delay / 2 + Math.random() * (delay / 2);
  };
  Backoff.prototype.reset = function () {
    this.attempt = 0;
  };

  /* ---- one conversation ------------------------------------------------------------------------------------- */
  function Chat(root) {
    this.root = root;
    this.side = root.dataset.side;
    this.log = root.querySelector("[data-chat-log]");
    this.input = root.querySelector("[data-chat-input]");
    this.status = root.querySelector("[data-chat-status]");
    this.typing = root.querySelector("[data-chat-typing]");
    this.error = root.querySelector("[data-chat-error]");
    this.internal = root.querySelector("[data-chat-internal]");
    this.outbox = new Map(); // key -> {body, internal, li}
    this.backoff = new Backoff();
    this.readSeq = parseInt(root.dataset.readSeq || "0", 10);
    this.lastSeq = 0;
    var items = this.log.querySelectorAll("[data-seq]");
    if (items.length) this.lastSeq = parseInt(items[items.length - 1].dataset.seq, 10);
    this.bind();
    this.markRead();
    this.connect();
    this.scroll();
  }

  Chat.prototype.bind = function () {
    var self = this;
    root_on(this.root.querySelector("[data-chat-form]"), "submit", function (event) {
      event.preventDefault();
      self.send();
    });
    root_on(this.input, "keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        self.send();
      }
    });
    var lastTyping = 0;
    root_on(this.input, "input", function () {
      var now = Date.now();
      if (now - lastTyping > 2000 && self.isOpen()) {
        lastTyping = now;
        self.ws.send(JSON.stringify({ type: "typing" }));
      }
    });
    var saved = this.root.querySelector("[data-chat-saved]");
    root_on(saved, "change", function () {
      if (saved.value) {
        self.input.value = saved.value;
        self.input.focus();
        saved.value = "";
      }
    });
    var image = this.root.querySelector("[data-chat-image]");
    root_on(image, "change", function () {
      if (image.files && image.files[0]) self.sendImage(image.files[0]);
      image.value = "";
    });
    document.addEventListener("visibilitychange", function () {
      if (!document.hidden) self.markRead();
    });
  };

  function root_on(el, name, fn) {
    if (el) el.addEventListener(name, fn);
  }

  Chat.prototype.isOpen = function () {
    return this.ws && this.ws.readyState === WebSocket.OPEN && this.ready;
  };

  Chat.prototype.connect = function () {
    var self = this;
    this.ready = false;
    this.ws = new WebSocket(wsUrl(this.root.dataset.ws));
    this.ws.onopen = function () {
      self.ws.send(JSON.stringify({ type: "hello", last_seq: self.lastSeq }));
    };
    this.ws.onmessage = function (event) {
      self.receive(JSON.parse(event.data));
    };
    this.ws.onclose = function (event) {
      self.ready = false;
      if (event.code === 4401 || event.code === 4404) return; // not allowed: retrying would not help
      self.showStatus(self.root.dataset.labelOffline);
      setTimeout(function () {
        self.connect();
      }, self.backoff.next());
    };
  };

  Chat.prototype.receive = function (data) {
    if (data.type === "chat.ready") {
      this.ready = true;
      this.backoff.reset();
      this.showStatus("");
      var self = this;
      this.outbox.forEach(function (item, key) {
        self.transmit(key, item);
      });
      this.markRead();
    } else if (data.type === "chat.message") {
      this.append(data);
    } else if (data.type === "chat.ack") {
      this.acknowledge(data.key, data.seq);
    } else if (data.type === "chat.error") {
      var pending = this.outbox.get(data.key);
      if (pending && pending.li) pending.li.remove();
      this.outbox.delete(data.key);
      this.showError(data.detail);
    } else if (data.type === "chat.typing") {
      this.showTyping();
    } else if (data.type === "chat.read") {
      this.readSeq = Math.max(this.readSeq, data.seq);
      this.paintRead();
    } else if (data.type === "chat.status") {
      var chip = document.querySelector("[data-chat-state]");
      if (chip) chip.className = "chat-chip chat-chip--" + data.status;
      if (this.side === "customer" && data.status === "resolved") location.reload();
    }
  };

  Chat.prototype.append = function (m) {
    if (m.seq <= this.lastSeq) return; // delivered already (the page's first render or an earlier socket)
    this.lastSeq = m.seq;
    var pending = m.key ? this.outbox.get(m.key) : null;
    if (pending && m.sender === this.side) {
      this.outbox.delete(m.key);
      if (pending.li) pending.li.remove();
    }
    var old = m.key ? this.log.querySelector('[data-key="' + CSS.escape(m.key) + '"]') : null;
    if (old && m.sender === this.side) old.remove();
    this.log.appendChild(this.render(m));
    if (this.typing) this.typing.hidden = true;
    this.scroll();
    if (m.sender !== this.side) this.markRead();
  };

  Chat.prototype.render = function (m) {
    var li = document.createElement("li");
    var mine = m.sender === this.side;
    li.className = "chat-msg chat-msg--" + m.sender + (m.internal ? " chat-msg--internal" : "") + (mine ? " is-mine" : "");
    li.dataset.testid = "chat-message";
    li.setAttribute("data-testid", "chat-message");
    if (m.seq) li.dataset.seq = m.seq;
    if (m.key) li.dataset.key = m.key;
    if (m.internal) this.tag(li, "chat-msg__tag", this.root.dataset.labelInternal);
    if (m.sender === "staff" && this.side === "customer" && m.sender_name) this.tag(li, "chat-msg__who", m.sender_name);
    if (m.sender === "system") this.tag(li, "chat-msg__who", this.root.dataset.labelSystem);
    var bubble = document.createElement("div");
    bubble.className = "chat-msg__bubble";
    if (m.image) {
      var img = document.createElement("img");
      img.src = m.image;
      img.alt = "";
      bubble.appendChild(img);
    }
    if (m.body) {
      var p = document.createElement("p");
      p.textContent = m.body;
      bubble.appendChild(p);
    }
    li.appendChild(bubble);
    var time = document.createElement("time");
    time.className = "chat-msg__time";
    time.textContent = m.pending ? this.root.dataset.labelSending : timeLabel(m.created_at);
    li.appendChild(time);
    return li;
  };

  Chat.prototype.tag = function (li, cls, text) {
    var span = document.createElement("span");
    span.className = cls;
    span.textContent = text;
    li.appendChild(span);
  };

  Chat.prototype.send = function () {
    var body = this.input.value.trim();
    if (!body) return;
    var key = newKey();
    var item = { body: body, internal: !!(this.internal && this.internal.checked) };
    item.li = this.render({ sender: this.side, body: body, key: key, internal: item.internal, pending: true });
    item.li.classList.add("is-pending");
    this.log.appendChild(item.li);
    this.outbox.set(key, item);
    this.input.value = "";
    this.showError("");
    this.scroll();
    if (this.isOpen()) this.transmit(key, item);
  };

  Chat.prototype.transmit = function (key, item) {
    var self = this;
    this.ws.send(JSON.stringify({ type: "message", body: item.body, key: key, internal: item.internal }));
    clearTimeout(item.timer);
    item.timer = setTimeout(function () {
      // No ack in time: drop the socket; the reconnect resends under the same key (stored once).
      if (self.outbox.has(key) && self.ws) self.ws.close();
    }, 8000);
  };

  Chat.prototype.acknowledge = function (key, seq) {
    var item = this.outbox.get(key);
    if (!item) return;
    clearTimeout(item.timer);
    if (item.li) {
      item.li.classList.remove("is-pending");
      item.li.dataset.seq = seq;
    }
  };

  Chat.prototype.sendImage = function (file) {
    var self = this;
    var form = new FormData();
    form.append("image", file);
    form.append("key", newKey());
    if (this.internal && this.internal.checked) form.append("internal", "1");
    fetch(this.root.dataset.api, {
      method: "POST",
      body: form,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken() },
    })
      .then(function (response) {
        return response.json().then(function (data) {
          if (!response.ok) self.showError(data.detail || "");
        });
      })
      .catch(function () {
        self.showError(self.root.dataset.labelOffline);
      });
  };

  Chat.prototype.markRead = function () {
    if (document.hidden || !this.isOpen()) return;
    this.ws.send(JSON.stringify({ type: "read", seq: this.lastSeq }));
  };

  Chat.prototype.paintRead = function () {
    var self = this;
    this.log.querySelectorAll(".chat-msg.is-mine[data-seq]").forEach(function (li) {
      if (parseInt(li.dataset.seq, 10) <= self.readSeq && !li.querySelector(".chat-msg__read")) {
        self.tag(li, "chat-msg__read", self.root.dataset.labelRead);
      }
    });
  };

  Chat.prototype.showTyping = function () {
    if (!this.typing) return;
    var typing = this.typing;
    typing.hidden = false;
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(function () {
      typing.hidden = true;
    }, 4000);
  };

  Chat.prototype.showStatus = function (text) {
    this.status.textContent = text;
    this.status.hidden = !text;
  };

  Chat.prototype.showError = function (text) {
    this.error.textContent = text || "";
    this.error.hidden = !text;
  };

  Chat.prototype.scroll = function () {
    this.log.scrollTop = this.log.scrollHeight;
  };

  /* ---- the staff inbox list: rows appear and move up, and unread dots go, without reload ------------------- */
  function Inbox(root) {
    this.root = root;
    this.rows = root.querySelector("[data-inbox-rows]");
    this.backoff = new Backoff();
    this.connect();
  }

  Inbox.prototype.connect = function () {
    var self = this;
    var ws = new WebSocket(wsUrl(this.root.dataset.ws));
    ws.onmessage = function (event) {
      var data = JSON.parse(event.data);
      if (data.type === "inbox.ready") self.backoff.reset();
      if (data.type === "inbox.update") self.update(data);
      if (data.type === "inbox.read") self.markRead(data);
    };
    ws.onclose = function (event) {
      if (event.code === 4401 || event.code === 4404) return;
      setTimeout(function () {
        self.connect();
      }, self.backoff.next());
    };
  };

  Inbox.prototype.update = function (data) {
    var link = this.rows.querySelector('[data-conversation="' + data.conversation + '"]');
    var empty = this.rows.querySelector("[data-inbox-empty]");
    if (empty) empty.remove();
    var li;
    if (link) {
      li = link.parentElement;
    } else {
      li = document.createElement("li");
      link = document.createElement("a");
      link.className = "inbox-row";
      link.href = data.url;
      link.dataset.conversation = data.conversation;
      link.setAttribute("data-testid", "inbox-row");
      var top = document.createElement("span");
      top.className = "inbox-row__top";
      var who = document.createElement("strong");
      who.textContent = data.customer_name;
      top.appendChild(who);
      link.appendChild(top);
      if (data.context_label) {
        var about = document.createElement("span");
        about.className = "inbox-row__about";
        about.textContent = data.context_label;
        link.appendChild(about);
      }
      var excerpt = document.createElement("span");
      excerpt.className = "inbox-row__excerpt";
      excerpt.dataset.excerpt = "";
      link.appendChild(excerpt);
      li.appendChild(link);
    }
    link.querySelector("[data-excerpt]").textContent = data.excerpt;
    link.classList.toggle("is-unread", data.staff_read_seq < data.last_seq);
    this.rows.insertBefore(li, this.rows.firstChild);
  };

  Inbox.prototype.markRead = function (data) {
    // Someone of the team read the conversation (this tab, another tab, a colleague): the dot goes, the row stays.
    var link = this.rows.querySelector('[data-conversation="' + data.conversation + '"]');
    if (link) link.classList.toggle("is-unread", data.staff_read_seq < data.last_seq);
  };

  /* ---- 문의하기: a sheet over the page (an iframe of the embedded 문의 page) -------------------------------- */
  function openSheet(url) {
    var dialog = document.getElementById("chat-sheet");
    if (!dialog) {
      dialog = document.createElement("dialog");
      dialog.id = "chat-sheet";
      dialog.className = "chat-sheet";
      dialog.setAttribute("data-testid", "chat-sheet");
      var close = document.createElement("button");
      close.type = "button";
      close.className = "chat-sheet__close";
      close.setAttribute("aria-label", "닫기");
      close.textContent = "×";
      close.addEventListener("click", function () {
        dialog.close();
      });
      dialog.appendChild(close);
      var frame = document.createElement("iframe");
      frame.title = "1:1 문의";
      dialog.appendChild(frame);
      dialog.addEventListener("click", function (event) {
        if (event.target === dialog) dialog.close();
      });
      document.body.appendChild(dialog);
    }
    dialog.querySelector("iframe").src = url;
    dialog.showModal();
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-chat-sheet]") : null;
    // Only a signed-in shopper gets the sheet (the account menu is there); a visitor follows the link to log in.
    if (!button || !document.querySelector(".account-menu") || typeof HTMLDialogElement !== "function") return;
    event.preventDefault();
    openSheet(button.dataset.chatSheet);
  });

  function start() {
    document.querySelectorAll("[data-chat]").forEach(function (root) {
      root.chat = new Chat(root);
    });
    document.querySelectorAll("[data-inbox]").forEach(function (root) {
      root.inbox = new Inbox(root);
    });
    document.querySelectorAll("[data-key-field]").forEach(function (field) {
      field.value = newKey();
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
