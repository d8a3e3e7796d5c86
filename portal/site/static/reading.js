/* The reading list: the pages named after '#', either opaque (#r=<base64url of c:slug,m:slug>, what the
   care team sends: it keeps topics off a lock screen) or plain (#condition:asthma,medication:albuterol). */
(function () {
  var catalog = JSON.parse(document.getElementById("reading-catalog").textContent);
  var list = document.getElementById("reading-list");
  var kinds = {c: "condition", m: "medication", r: "resource", t: "topic"};
  function decode(hash) {
    if (hash.indexOf("r=") !== 0) return decodeURIComponent(hash);
    try {
      var text = atob(hash.slice(2).replace(/-/g, "+").replace(/_/g, "/"));
      return decodeURIComponent(escape(text));
    } catch (error) { return ""; }
  }
  var refs = decode(location.hash.slice(1)).split(",").map(function (ref) {
    var parts = ref.trim().split(":");
    return (kinds[parts[0]] || parts[0]) + ":" + parts.slice(1).join(":");
  });
  refs.forEach(function (ref) {
    var page = catalog[ref];
    if (!page) return;
    var item = document.createElement("li"), link = document.createElement("a");
    link.href = page[1];
    link.textContent = page[0];
    item.appendChild(link);
    list.appendChild(item);
  });
  list.hidden = !list.children.length;
  document.getElementById("reading-empty").hidden = !!list.children.length;
})();
