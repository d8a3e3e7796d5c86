/* The reading list: the pages named after '#' (condition:asthma,medication:albuterol), as links. */
(function () {
  var catalog = JSON.parse(document.getElementById("reading-catalog").textContent);
  var list = document.getElementById("reading-list");
  var refs = decodeURIComponent(location.hash.slice(1)).split(",");
  refs.forEach(function (ref) {
    var page = catalog[ref.trim()];
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
