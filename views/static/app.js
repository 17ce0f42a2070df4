// Euterpe's one script besides htmx. The History page shows days and hours
// in the user's time zone, which only the browser knows: when the page was
// drawn in another zone than the browser's, tell the server and reload.
(function () {
  "use strict";
  function syncTimeZone() {
    var el = document.querySelector("[data-time-zone]");
    if (!el || !window.Intl || !window.fetch) return;
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!zone || zone === el.getAttribute("data-time-zone")) return;
    var key = "euterpe-tz-sent:" + zone;
    // One attempt per zone and tab, so a zone the server refuses cannot loop.
    if (sessionStorage.getItem(key)) return;
    sessionStorage.setItem(key, "1");
    fetch("/preferences/time-zone", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "tz=" + encodeURIComponent(zone),
      credentials: "same-origin",
    }).then(function (res) {
      if (res.status === 204) window.location.reload();
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", syncTimeZone);
  } else {
    syncTimeZone();
  }
})();
