// Offline reading: registers the site's service worker (sw.js at the site's root), says so when the
// device is offline, and on the offline page lists the pages this device kept. Without this
// script (or without service workers) the site is an ordinary website.
(function () {
  "use strict";
  var script = document.currentScript;
  var notice = document.querySelector("[data-offline-notice]");
  var kept = document.querySelector("[data-offline-pages]");

  function showNotice() {
    if (notice && !kept) { notice.hidden = navigator.onLine !== false; }
  }
  window.addEventListener("online", showNotice);
  window.addEventListener("offline", showNotice);
  document.addEventListener("DOMContentLoaded", showNotice);
  showNotice();

  if (!("serviceWorker" in navigator) || !script) { return; }
  var base = script.dataset.base;
  navigator.serviceWorker.register(script.dataset.worker, { scope: base }).catch(function () {});

  // This page was not seen by the worker (the first visit), and a reading list's pages are worth
  // keeping before the patient needs them: ask the worker to keep them.
  navigator.serviceWorker.ready.then(function (registration) {
    var urls = navigator.serviceWorker.controller ? [] : [location.pathname];
    document.querySelectorAll("#reading-list a[href]").forEach(function (link) { urls.push(link.pathname); });
    if (urls.length && registration.active) { registration.active.postMessage({ type: "keep", urls: urls }); }
  });

  if (!kept || !window.caches) { return; }
  // The offline page: list the pages of this language kept on this device, by their titles.
  var folder = base + document.documentElement.lang + "/";
  caches.open(kept.dataset.cache).then(function (cache) {
    return cache.keys().then(function (requests) {
      var pages = requests.map(function (request) { return new URL(request.url); }).filter(function (url) {
        return url.pathname.indexOf(folder) === 0 && url.pathname !== folder && url.pathname !== kept.dataset.self
          && /\/$/.test(url.pathname);
      });
      return Promise.all(pages.map(function (url) {
        return cache.match(url.href).then(function (response) { return response.text(); }).then(function (html) {
          var title = new DOMParser().parseFromString(html, "text/html").title.split(" | ")[0];
          return { href: url.pathname, title: title };
        });
      }));
    });
  }).then(function (pages) {
    pages.sort(function (a, b) { return a.title.localeCompare(b.title); });
    pages.forEach(function (page) {
      var item = document.createElement("li"), link = document.createElement("a");
      link.href = page.href;
      link.textContent = page.title;
      item.appendChild(link);
      kept.appendChild(item);
    });
    document.querySelectorAll("[data-offline-kept]").forEach(function (el) { el.hidden = !pages.length; });
  }).catch(function () {});
})();
