// Care Guide Portal's service worker: pages a patient opened stay readable without a connection.
// It keeps only this site's own files (never another origin's, never the console or the API):
// static files cache-first (their cache is named after their version), pages network-first with
// the saved copy as the fallback, and an offline page for a page never opened on this device.
"use strict";
const SETTINGS = {{ settings|tojson }};
const STATIC_CACHE = SETTINGS.caches + "static:" + SETTINGS.version;
const PAGES_CACHE = SETTINGS.caches + "pages";
const OWN_PATHS = [SETTINGS.base + "static/", SETTINGS.base + "pagefind/", SETTINGS.base + "pagefind-delta/",
  SETTINGS.base + "404.html"]
  .concat(SETTINGS.languages.map((lang) => SETTINGS.base + lang + "/"));

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    await (await caches.open(STATIC_CACHE)).addAll(SETTINGS.shell.map((url) => new Request(url, { cache: "reload" })));
    await (await caches.open(PAGES_CACHE)).addAll(SETTINGS.pages.map((url) => new Request(url, { cache: "reload" })));
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith(SETTINGS.caches + "static:") && name !== STATIC_CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

// Is this a file of the site (and not, say, the console on the same host)?
function ours(url) {
  return url.origin === self.location.origin
    && (url.pathname === SETTINGS.base || OWN_PATHS.some((path) => url.pathname.startsWith(path)));
}

// The address a page is kept under: no query string, so filters and tracking never pile up copies.
function key(url) {
  return url.origin + url.pathname;
}

function keepable(response) {
  return response && response.ok && response.type === "basic"
    && !/no-store/i.test(response.headers.get("Cache-Control") || "");
}

async function cacheFirst(request) {
  const cache = await caches.open(STATIC_CACHE);
  const saved = await cache.match(request, { ignoreSearch: true });
  if (saved) return saved;
  const response = await fetch(request);
  if (keepable(response)) await cache.put(key(new URL(request.url)), response.clone());
  return response;
}

function offlinePage(url) {
  const lang = url.pathname.slice(SETTINGS.base.length).split("/")[0];
  return SETTINGS.offline[lang] || SETTINGS.offline[SETTINGS.languages[0]];
}

async function networkFirst(request) {
  const url = new URL(request.url);
  const cache = await caches.open(PAGES_CACHE);
  try {
    const response = await fetch(request);
    if (keepable(response)) await cache.put(key(url), response.clone());
    return response;
  } catch (error) {
    const saved = await cache.match(key(url), { ignoreSearch: true });
    if (saved) return saved;
    if (request.mode === "navigate") {
      const notice = await cache.match(offlinePage(url));
      if (notice) return notice;
    }
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || !ours(url)) return; // the browser handles it as if we were not here
  event.respondWith(url.pathname.startsWith(SETTINGS.base + "static/") ? cacheFirst(request) : networkFirst(request));
});

// A page asks to keep itself (opened before this worker was running) or the pages of a reading list.
self.addEventListener("message", (event) => {
  if (!event.data || event.data.type !== "keep" || !Array.isArray(event.data.urls)) return;
  event.waitUntil((async () => {
    const cache = await caches.open(PAGES_CACHE);
    for (const address of event.data.urls) {
      const url = new URL(address, self.location.href);
      if (!ours(url) || url.pathname.startsWith(SETTINGS.base + "static/")) continue;
      try {
        const response = await fetch(key(url));
        if (keepable(response)) await cache.put(key(url), response);
      } catch (error) {
        // offline or gone: keep what was saved before
      }
    }
  })());
});
