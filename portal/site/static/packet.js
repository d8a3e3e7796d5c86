/* The printable packet: once reading.js has listed the chosen pages (window.readingList: each fetched
   from this same site, or fetched here if it could not be then), take each page's article and put them
   one after another, each starting a new sheet of paper. Ids are prefixed per page so the joined
   document stays valid. No server does anything but serve the pages. */
window.readingList.then(function (chosen) {
  var packet = document.getElementById("packet"), status = document.getElementById("packet-status");
  if (!chosen.length) return;
  status.textContent = packet.dataset.loading;
  function prefixed(node, prefix) {
    node.querySelectorAll("[id]").forEach(function (el) { el.id = prefix + el.id; });
    ["aria-labelledby", "aria-describedby", "for"].forEach(function (name) {
      node.querySelectorAll("[" + name + "]").forEach(function (el) {
        el.setAttribute(name, el.getAttribute(name).split(/\s+/).map(function (id) { return prefix + id; }).join(" "));
      });
    });
    node.querySelectorAll('a[href^="#"]').forEach(function (a) { a.setAttribute("href", "#" + prefix + a.getAttribute("href").slice(1)); });
    node.querySelectorAll(".no-print, .print-action, script").forEach(function (el) { el.remove(); });
    return node;
  }
  function fetched(entry) {  // the page as reading.js fetched it, or fetched now if it could not be then
    if (entry.html !== null) return Promise.resolve(entry.html);
    return fetch(entry.link.href, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.text();
    });
  }
  Promise.all(chosen.map(function (entry, index) {
    var link = entry.link;
    return fetched(entry).then(function (html) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      var body = doc.querySelector("main article") || doc.querySelector("main");
      var page = document.createElement("article");
      page.className = "packet-page";
      page.setAttribute("aria-labelledby", "p" + index + "-packet-title");
      Array.prototype.forEach.call(body.childNodes, function (child) { page.appendChild(document.importNode(child, true)); });
      var heading = page.querySelector("h1");
      if (heading) heading.id = "packet-title"; else page.removeAttribute("aria-labelledby");
      // Every guide has its "When to get help": name each such region with its page, so they stay apart.
      page.querySelectorAll("section[aria-labelledby]").forEach(function (section) {
        var label = page.querySelector("#" + CSS.escape(section.getAttribute("aria-labelledby")));
        section.removeAttribute("aria-labelledby");
        if (label) section.setAttribute("aria-label", label.textContent.trim() + " (" + link.textContent + ")");
      });
      return prefixed(page, "p" + index + "-");
    });
  })).then(function (pages) {
    pages.forEach(function (page) { packet.appendChild(page); });
    status.textContent = packet.dataset.ready;
  }).catch(function () { status.textContent = packet.dataset.failed; });
});
