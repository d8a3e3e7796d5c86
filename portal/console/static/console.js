/* Console keys: / search, p patient, a assign, e record teaching, r report, ? help; copy buttons. */
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
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button || !navigator.clipboard) return;
    navigator.clipboard.writeText(document.getElementById(button.dataset.copy).textContent.trim());
    button.setAttribute("aria-pressed", "true");
  });
})();
