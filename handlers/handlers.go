// Package handlers is Euterpe's HTTP surface: the route tree, middleware, and
// one file per resource. Handlers hold their dependencies in small structs;
// there is no package state.
package handlers

import (
	"encoding/json"
	"log/slog"
	"net/http"

	"github.com/go-chi/chi/v5/middleware"
)

// writeJSON answers with v as JSON. Encoding happens before the header is
// written so a value that cannot be encoded becomes a clean 500.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, `{"error":"internal server error"}`, http.StatusInternalServerError)
		return
	}
	writeRawJSON(w, status, append(body, '\n'))
}

// writeRawJSON answers with JSON already encoded (newline included).
func writeRawJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// errorJSON is the one shape every JSON error has.
type errorJSON struct {
	Error string `json:"error"`
}

// serverErrorJSON logs the cause with the request's method, path and id, and
// tells the client only that something went wrong on our side.
func serverErrorJSON(log *slog.Logger, w http.ResponseWriter, r *http.Request, msg string, err error) {
	log.ErrorContext(r.Context(), msg,
		"method", r.Method, "path", r.URL.Path,
		"request_id", middleware.GetReqID(r.Context()), "err", err)
	writeJSON(w, http.StatusInternalServerError, errorJSON{Error: msg})
}
