/* Enter your code: ask the API which pages it names, then open the reading list. */
(function () {
  var form = document.getElementById("code-form"), box = document.getElementById("code-message");
  var api = form.dataset.api.replace(/\/$/, ""), read = JSON.parse(form.dataset.read);
  function say(status) {
    var text = document.getElementById("code-messages").content.querySelector('[data-status="' + status + '"]');
    box.textContent = (text || document.getElementById("code-messages").content.querySelector('[data-status="error"]')).textContent;
    box.hidden = false;
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var code = form.elements.code.value.replace(/[\s._-]/g, "").toUpperCase();
    fetch(api + "/api/v1/public/codes/" + encodeURIComponent(code), {credentials: "omit"})
      .then(function (response) {
        if (!response.ok) { say(String(response.status)); return null; }
        return response.json();
      })
      .then(function (found) {
        if (!found) return;
        var refs = found.items.map(function (item) { return item.ref; }).join(",");
        location.href = (read[found.language] || read[document.documentElement.lang]) + "#" + refs;
      })
      .catch(function () { say("error"); });
  });
})();
