package handlers

import "net/http"

// showOffline is the page the service worker keeps for when the network is
// gone. It names no one, whoever asks: the worker stores it on the device.
func (p *pwa) showOffline(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-cache")
	p.offline.ServeHTTP(w, r)
}
