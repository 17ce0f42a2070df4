package handlers

import "net/http"

// showServiceWorker is /sw.js, at the root so that its scope is the whole
// site. Browsers check it for a new version at every page load; a deploy
// that changes what it keeps changes its bytes, and the new worker replaces
// the old one and its cache.
func (p *pwa) showServiceWorker(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-cache")
	p.serviceWorker.ServeHTTP(w, r)
}
