/* The reading list: the pages named after '#', either opaque (#r=<base64url of c:slug,m:slug>, what the
   care team sends: it keeps topics off a lock screen) or plain (#condition:asthma,medication:albuterol).
   The page holds only the address of each kind of page (#reading-addresses): each chosen page is fetched
   from this site for its title (the service worker keeps it for reading offline on the way), so the
   reading list is the same small page however many pages the site has. A page the site does not have
   (404) is left out; one that cannot be fetched now (offline, never opened) is listed by its address.
   window.readingList: a promise of the listed pages, {link, html} (html: the page, when it was fetched). */
window.readingList = (function () {
  // Another list opened in the same tab changes only what follows '#': draw the page again for it.
  window.addEventListener("hashchange", function () { location.reload(); });
  var addresses = JSON.parse(document.getElementById("reading-addresses").textContent);
  var list = document.getElementById("reading-list");
  var kinds = {c: "condition", m: "medication", r: "resource", t: "topic"};
  var here = document.documentElement.lang, seen = {};
  function decode(hash) {
    if (hash.indexOf("r=") !== 0) return decodeURIComponent(hash);
    try {
      var text = atob(hash.slice(2).replace(/-/g, "+").replace(/_/g, "/"));
      return decodeURIComponent(escape(text));
    } catch (error) { return ""; }
  }
  function named(link, text, lang, dir) {
    link.textContent = text;
    if (lang && lang !== here) { link.lang = lang; link.dir = dir || "ltr"; } else { link.removeAttribute("lang"); link.removeAttribute("dir"); }
  }
  var hash;
  try { hash = decode(location.hash.slice(1)); } catch (error) { hash = ""; }
  var pages = hash.split(",").map(function (ref) {
    var parts = ref.trim().split(":"), kind = kinds[parts[0]] || parts[0], slug = parts.slice(1).join(":");
    if (!Object.prototype.hasOwnProperty.call(addresses, kind) || !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(slug)
        || seen[kind + ":" + slug]) return null;
    seen[kind + ":" + slug] = true;
    var item = document.createElement("li"), link = document.createElement("a");
    link.href = addresses[kind].replace("__slug__", slug);
    // Until the page answers, and if it cannot: the words of its address (which are English).
    named(link, slug.charAt(0).toUpperCase() + slug.slice(1).replace(/-/g, " "), "en");
    item.appendChild(link);
    list.appendChild(item);
    return {item: item, link: link, html: null};
  }).filter(Boolean);
  return Promise.all(pages.map(function (page) {
    return fetch(page.link.href, { credentials: "same-origin" }).then(function (response) {
      if (response.status === 404 || response.status === 410) { page.gone = true; page.item.remove(); return; }
      if (!response.ok) return;
      return response.text().then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        // A guide's or listing's title; a host that answers a missing page with its 404 page and
        // status 200 (a catch-all rewrite) gives a page without one: left out too.
        var heading = doc.getElementById("page-title");
        if (!heading) { page.gone = true; page.item.remove(); return; }
        // The title's language: marked on it or around it (a guide not yet translated), or inside it around
        // all of it (a listing's name not yet translated).
        var inner = heading.querySelector("[lang]");
        var marked = inner && inner.textContent.trim() === heading.textContent.trim() ? inner
          : heading.closest("[lang]") || doc.documentElement;
        named(page.link, heading.textContent.trim(), marked.getAttribute("lang"), marked.getAttribute("dir"));
        page.html = html;
      });
    }).catch(function () {});
  })).then(function () {
    var shown = pages.filter(function (page) { return !page.gone; });
    list.hidden = !shown.length;
    document.getElementById("reading-empty").hidden = !!shown.length;
    return shown;
  });
})();
