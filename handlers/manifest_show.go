package handlers

import "net/http"

// showManifest is the web app manifest every page links. Its icons' URLs
// change with their content, so browsers revalidate it (an ETag makes that
// a 304).
func (p *pwa) showManifest(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-cache")
	p.manifest.ServeHTTP(w, r)
}
