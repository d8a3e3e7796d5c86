/* Console keys: / search, p patient, a assign, e record teaching, r report, ? help; copy buttons; an
   interpreter's language ticks the language barrier. */
(function () {
  function typing(el) { return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName)); }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(document.activeElement)) return;
    if (event.key === "?") { var d = document.getElementById("shortcuts"); if (d && d.showModal) d.showModal(); event.preventDefault(); return; }
    if (event.key === "r") { var report = document.querySelector("a[accesskey=r]"); if (report) report.click(); return; }
    var target = document.querySelector('[data-shortcut="' + event.key + '"]');
    if (!target) return;
    event.preventDefault();
    if (target.tagName === "BUTTON") target.click(); else target.focus();
  });
  // An interpreter means a language barrier: tick it (visibly; it can be unticked) unless barriers are chosen.
  function interpreter(event) {
    if (event.target.id !== "interpreter_language" || !event.target.value.trim()) return;
    var language = document.getElementById("barriers-language");
    if (language && !document.querySelector("input[name=barriers]:checked")) language.checked = true;
  }
  document.addEventListener("input", interpreter);
  document.addEventListener("change", interpreter);
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button || !navigator.clipboard) return;
    navigator.clipboard.writeText(document.getElementById(button.dataset.copy).textContent.trim());
    button.setAttribute("aria-pressed", "true");
  });
})();

/* Session timeout: warn before the idle limit with "Stay signed in" (pings the server); when the session
   ends, keep the page's unsaved entries in sessionStorage (never passwords) and fill them in again after
   signing in on the same page. The server enforces the limits either way; this only helps. */
(function () {
  var body = document.body, statusUrl = body.dataset.session, loginUrl = body.dataset.login || "/console/login";
  var PREFIX = "portal-unsaved:", PENDING = "portal-pending:";
  var isLogin = !!document.querySelector("form input[autocomplete=current-password]") && !statusUrl;

  function kept(element) {
    return element.name && element.name !== "csrf_token" && !/^(password|hidden|file|submit|button)$/.test(element.type);
  }
  function snapshot() {
    var forms = [];
    Array.prototype.forEach.call(document.forms, function (form, index) {
      if (form.method.toLowerCase() !== "post" || form.querySelector("input[type=password]")) return;
      var fields = [];
      Array.prototype.forEach.call(form.elements, function (element) {
        if (!kept(element)) return;
        if (element.type === "checkbox" || element.type === "radio") fields.push([element.name, element.value, element.checked]);
        else if (element.tagName === "SELECT" && element.multiple) fields.push([element.name, Array.prototype.filter.call(element.options, function (o) { return o.selected; }).map(function (o) { return o.value; })]);
        else fields.push([element.name, element.value]);
      });
      if (fields.length) forms.push({ index: index, fields: fields });
    });
    return forms;
  }
  function store(prefix, path) {
    try { sessionStorage.setItem(prefix + path, JSON.stringify(snapshot())); } catch (e) { /* storage full or off */ }
  }
  function restore(path) {
    var saved = sessionStorage.getItem(PREFIX + path);
    if (!saved) return;
    sessionStorage.removeItem(PREFIX + path);
    JSON.parse(saved).forEach(function (entry) {
      var form = document.forms[entry.index];
      if (!form) return;
      entry.fields.forEach(function (field) {
        Array.prototype.forEach.call(form.elements, function (element) {
          if (element.name !== field[0] || !kept(element)) return;
          if (element.type === "checkbox" || element.type === "radio") { if (element.value === field[1]) element.checked = field[2]; }
          else if (Array.isArray(field[1])) Array.prototype.forEach.call(element.options, function (o) { o.selected = field[1].indexOf(o.value) >= 0; });
          else element.value = field[1];
        });
      });
    });
  }
  var here = location.pathname + location.search;

  if (isLogin) {
    // A form sent after the session ended landed here: keep its entries for after signing in.
    for (var i = 0; i < sessionStorage.length; i++) {
      var key = sessionStorage.key(i);
      if (key.indexOf(PENDING) !== 0) continue;
      var path = key.slice(PENDING.length);
      sessionStorage.setItem(PREFIX + path, sessionStorage.getItem(key));
      sessionStorage.removeItem(key);
      var form = document.querySelector("form.stack");
      if (form && !form.querySelector("input[name=next]")) {
        var next = document.createElement("input");
        next.type = "hidden"; next.name = "next"; next.value = path;
        form.appendChild(next);
      }
    }
    return;
  }
  if (!statusUrl) return;
  for (var j = sessionStorage.length - 1; j >= 0; j--) {  // the last form sent went through
    if (sessionStorage.key(j).indexOf(PENDING) === 0) sessionStorage.removeItem(sessionStorage.key(j));
  }
  restore(here);
  document.addEventListener("submit", function (event) {
    if (event.target.method.toLowerCase() === "post" && !event.target.querySelector("input[type=password]")) store(PENDING, here);
  });

  var dialog = document.getElementById("session-warning"), timer = null;
  function token() { var input = document.querySelector("input[name=csrf_token]"); return input ? input.value : ""; }
  function ended() {
    store(PREFIX, here);
    location.href = loginUrl + "?next=" + encodeURIComponent(here);
  }
  function schedule(left, warn) {
    clearTimeout(timer);
    if (left <= 0) { ended(); return; }
    if (left > warn) {
      if (dialog && dialog.open) dialog.close();
      timer = setTimeout(check, (left - warn) * 1000);
    } else {
      if (dialog && !dialog.open && dialog.showModal) dialog.showModal();
      timer = setTimeout(check, left * 1000 + 1000);
    }
  }
  function ask(options) {
    options.credentials = "same-origin"; options.redirect = "manual";
    options.headers = { "Accept": "application/json", "X-CSRFToken": token() };
    return fetch(statusUrl, options).then(function (response) {
      if (!response.ok || (response.headers.get("Content-Type") || "").indexOf("json") < 0) throw new Error("ended");
      return response.json();
    }).then(function (data) { schedule(data.seconds_left, data.warn_seconds); }, ended);
  }
  function check() { ask({ method: "GET" }); }
  var stay = document.getElementById("stay-signed-in");
  if (stay) stay.addEventListener("click", function () { ask({ method: "POST" }); });
  schedule(Number(body.dataset.left || 0), Number(body.dataset.warn || 120));
})();
