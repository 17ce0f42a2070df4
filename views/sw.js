// Euterpe's service worker, served at /sw.js for the whole site. The server
// puts this build's BUILD before it: the cache's name and what it holds.
//
// It keeps the app's shell (the stylesheet, the scripts, the mark) and the
// offline page, and nothing else. Pages, panels, JSON, exports and shared
// pages hold someone's listening, and a phone may be shared: they always go
// to the network and are never stored. A page asked for while the network
// is gone gets the offline page instead.
/* global BUILD */
"use strict";

const CACHE_PREFIX = "euterpe-";

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(BUILD.cache);
      // Past the HTTP cache, and without cookies: the offline page is
      // nobody's, even when asked for by someone signed in.
      await cache.addAll(
        BUILD.precache.map((url) => new Request(url, { cache: "reload", credentials: "omit" })),
      );
      // The shell's URLs carry content hashes, so pages still open under
      // the previous worker keep working: the new one may take over at once.
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(
        names.filter((name) => name.startsWith(CACHE_PREFIX) && name !== BUILD.cache).map((name) => caches.delete(name)),
      );
      // Pages are never cached, so a navigation waits for the network
      // anyway: let it start while the worker boots.
      if (self.registration.navigationPreload) {
        await self.registration.navigationPreload.enable();
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(navigate(event));
    return;
  }
  if (url.pathname.startsWith(BUILD.base + "/static/")) {
    event.respondWith(shell(request));
  }
  // Anything else (htmx fragments, JSON, exports) is left to the browser:
  // the network, never a cache.
});

// navigate answers a page from the network only, and with the offline page
// when there is no network.
async function navigate(event) {
  try {
    const preloaded = await event.preloadResponse;
    if (preloaded) return preloaded;
    return await fetch(event.request);
  } catch (err) {
    const offline = await caches.match(BUILD.offline, { cacheName: BUILD.cache });
    if (offline) return offline;
    throw err;
  }
}

// shell answers a static file from the cache when this build keeps it.
async function shell(request) {
  const cached = await caches.match(request, { cacheName: BUILD.cache });
  return cached || fetch(request);
}
