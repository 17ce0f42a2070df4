package handlers

import (
	"crypto/subtle"
	"net/http"
	"strings"
)

// isOperator reports whether r carries the operator's token
// (Authorization: Bearer METRICS_TOKEN), compared in constant time. Without
// a token configured nobody is the operator.
func (h *handler) isOperator(r *http.Request) bool {
	if h.operatorToken == "" {
		return false
	}
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && subtle.ConstantTimeCompare([]byte(got), []byte(h.operatorToken)) == 1
}

// unlessOperator applies limit to everyone but the operator (a monitor, a
// benchmark).
func (h *handler) unlessOperator(limit func(http.Handler) http.Handler) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		limited := limit(next)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if h.isOperator(r) {
				next.ServeHTTP(w, r)
				return
			}
			limited.ServeHTTP(w, r)
		})
	}
}

// showMetrics serves Prometheus's scrape to the operator's token, and to
// anyone else the 404 of a page that does not exist.
func (h *handler) showMetrics(metrics http.Handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !h.isOperator(r) {
			h.render.errorPage(w, r, errNotFound)
			return
		}
		metrics.ServeHTTP(w, r)
	}
}
