// Text size, remembered on this device (localStorage "cgp-text-size": normal, large or larger).
// Loaded in <head> without defer, so the size is set on <html> before the page is first drawn.
// The buttons stay hidden without JavaScript; the browser's own zoom works either way.
(function () {
  "use strict";
  var SIZES = ["normal", "large", "larger"];
  var KEY = "cgp-text-size";
  var root = document.documentElement;

  function stored() {
    try { return localStorage.getItem(KEY); } catch (error) { return null; }  // storage may be blocked
  }
  function apply(size) {
    root.setAttribute("data-text-size", SIZES.indexOf(size) >= 0 ? size : "normal");
  }
  apply(stored());
  window.addEventListener("storage", function (event) { if (event.key === KEY) { apply(event.newValue); } });

  document.addEventListener("DOMContentLoaded", function () {
    var tools = document.querySelector("[data-text-size-tools]");
    if (!tools) { return; }
    var buttons = tools.querySelectorAll("[data-text-size-step]");
    function index() { return Math.max(0, SIZES.indexOf(root.getAttribute("data-text-size"))); }
    function refresh() {
      buttons.forEach(function (button) {
        var next = index() + Number(button.dataset.textSizeStep);
        // aria-disabled, not disabled: the button keeps keyboard focus at the smallest or largest size.
        button.setAttribute("aria-disabled", String(next < 0 || next >= SIZES.length));
      });
    }
    buttons.forEach(function (button) {
      button.addEventListener("click", function () {
        var size = SIZES[index() + Number(button.dataset.textSizeStep)];
        if (!size) { return; }
        apply(size);
        try { localStorage.setItem(KEY, size); } catch (error) { /* kept for this page only */ }
        refresh();
      });
    });
    window.addEventListener("storage", refresh);
    refresh();
    tools.hidden = false;
  });
})();
