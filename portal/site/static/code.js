/* Enter your code: ask the API which pages it names (the code in the body, never the URL), then open
   the reading list with the pages encoded after '#r=' so the address names no topic. */
(function () {
  var form = document.getElementById("code-form"), box = document.getElementById("code-message");
  var api = form.dataset.api.replace(/\/$/, ""), read = JSON.parse(form.dataset.read);
  var short = {condition: "c", medication: "m", resource: "r", topic: "t"};
  function say(status) {
    var text = document.getElementById("code-messages").content.querySelector('[data-status="' + status + '"]');
    box.textContent = (text || document.getElementById("code-messages").content.querySelector('[data-status="error"]')).textContent;
    box.hidden = false;
  }
  function opaque(refs) {
    var text = refs.map(function (ref) {
      var parts = ref.split(":");
      return (short[parts[0]] || parts[0]) + ":" + parts.slice(1).join(":");
    }).join(",");
    return btoa(unescape(encodeURIComponent(text))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var code = form.elements.code.value.replace(/[\s._-]/g, "").toUpperCase();
    fetch(api + "/api/v1/public/codes", {method: "POST", credentials: "omit",
                                          headers: {"Content-Type": "application/json"},
                                          body: JSON.stringify({code: code})})
      .then(function (response) {
        if (!response.ok) { say(String(response.status === 422 ? 404 : response.status)); return null; }
        return response.json();
      })
      .then(function (found) {
        if (!found) return;
        var refs = found.items.map(function (item) { return item.ref; });
        location.href = (read[found.language] || read[document.documentElement.lang]) + "#r=" + opaque(refs);
      })
      .catch(function () { say("error"); });
  });
})();
