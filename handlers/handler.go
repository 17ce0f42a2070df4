// Package handlers is Euterpe's HTTP surface: the route tree (routes.go),
// middleware, and one file per action, each a method on the one handler
// struct. There is no package state.
package handlers

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/go-chi/httprate"

	"github.com/euterpe-dev/euterpe/auth"
	"github.com/euterpe-dev/euterpe/database"
	"github.com/euterpe-dev/euterpe/history"
	"github.com/euterpe-dev/euterpe/imports"
	"github.com/euterpe-dev/euterpe/panels"
	"github.com/euterpe-dev/euterpe/upstream"
)

// handler holds what the actions depend on, and nothing else.
type handler struct {
	log     *slog.Logger
	render  *renderer
	auth    *auth.Service
	cookies cookieNames
	source  *upstream.Source
	// kept holds warm dashboard answers made (kept.go).
	kept      *upstream.Cache
	dashboard *panels.Service
	history   *history.Service
	importer  *imports.Importer
	// base is the path the site is served under ("" at a host's root):
	// config.BasePath.
	base string
	// demoSimURL is the simulated Spotify's address in demo mode ("" else).
	demoSimURL string
	pool       *database.Pool
	// operatorToken (METRICS_TOKEN) opens the diagnostics' details; ""
	// keeps them closed.
	operatorToken string
	// logins is each client address's budget of logins begun (and of
	// /callback): LOGIN_RATE_PER_MINUTE.
	logins  *httprate.RateLimiter
	started time.Time
	version string
	now     func() time.Time
}

// requestAttrs name the request in every log line about it. The path is
// logged without its query: /callback's query holds the OAuth code.
func requestAttrs(r *http.Request) slog.Attr {
	return slog.Group("",
		slog.String("method", r.Method),
		slog.String("path", loggedPath(r)),
		slog.String("request_id", middleware.GetReqID(r.Context())))
}

// secretPrefixes are the paths whose next segment is a secret token (a
// share link, an invite): a request under one that matches no route is
// logged as the prefix alone.
var secretPrefixes = []string{"/s/", "/friends/join/"}

// loggedPath is r's path as the logs have it: a route whose pattern holds a
// {token} (a bearer secret: whoever has it may open the link) is logged as
// its pattern with the token redacted, and so is anything under a
// secretPrefix; other paths as they are.
func loggedPath(r *http.Request) string {
	if rc := chi.RouteContext(r.Context()); rc != nil {
		if p := rc.RoutePattern(); strings.Contains(p, "{token}") {
			return strings.ReplaceAll(p, "{token}", "{redacted}")
		}
	}
	for _, prefix := range secretPrefixes {
		if strings.HasPrefix(r.URL.Path, prefix) {
			return prefix + "{redacted}"
		}
	}
	return r.URL.Path
}

// busyRetryAfter is the Retry-After of a 503 for want of a database
// connection (database.Unavailable), in seconds.
const busyRetryAfter = 5

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

// retryJSON is a JSON error the client may retry after RetryAfter seconds.
type retryJSON struct {
	Error      string `json:"error"`
	RetryAfter int    `json:"retry_after"`
}
