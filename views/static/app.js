// Euterpe's one script besides htmx. It registers the service worker (which
// makes Euterpe installable and shows the offline page when the network is
// gone), makes the offline page's Try again work, and on the History page
// tells the server the browser's time zone.
(function () {
  "use strict";

  // The path Euterpe is served under ("" at a host's root; BASE_URL's path
  // behind a proxy at a sub-path), which every page names.
  var base = document.documentElement.getAttribute("data-base") || "";

  // The History page shows days and hours in the user's time zone, which
  // only the browser knows: when the page was drawn in another zone than the
  // browser's, tell the server and reload.
  function syncTimeZone() {
    var el = document.querySelector("[data-time-zone]");
    if (!el || !window.Intl || !window.fetch) return;
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!zone || zone === el.getAttribute("data-time-zone")) return;
    var key = "euterpe-tz-sent:" + zone;
    // One attempt per zone and tab, so a zone the server refuses cannot loop.
    if (sessionStorage.getItem(key)) return;
    sessionStorage.setItem(key, "1");
    fetch(base + "/preferences/time-zone", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "tz=" + encodeURIComponent(zone),
      credentials: "same-origin",
    }).then(function (res) {
      if (res.status === 204) window.location.reload();
    });
  }

  // Every page load asks for the worker's script again (past the HTTP cache;
  // the server answers 304 while it is the same), so a deploy reaches
  // installed apps at their next page load rather than whenever the browser
  // gets round to it.
  function registerServiceWorker() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker
      .register(base + "/sw.js", { scope: base + "/", updateViaCache: "none" })
      .then(function (registration) {
        // Offline, the check fails; the worker in place goes on serving.
        return registration.update().catch(function () {});
      })
      .catch(function (err) {
        console.warn("Euterpe works without its service worker, which did not register:", err);
      });
  }

  // The offline page tries again on a click, and by itself once the browser
  // is back online.
  function offlinePage() {
    document.querySelectorAll("[data-reload]").forEach(function (button) {
      button.addEventListener("click", function () {
        window.location.reload();
      });
    });
    if (document.querySelector("[data-offline]")) {
      window.addEventListener("online", function () {
        window.location.reload();
      });
    }
  }

  function ready() {
    offlinePage();
    syncTimeZone();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
  // After the page's own requests: the worker's first install fetches the
  // shell, which should not compete with them.
  if (document.readyState === "complete") {
    registerServiceWorker();
  } else {
    window.addEventListener("load", registerServiceWorker);
  }
})();
