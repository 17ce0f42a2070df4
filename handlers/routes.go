package handlers

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/euterpe-dev/euterpe/config"
)

// Deps is what the HTTP layer needs from the process that hosts it.
type Deps struct {
	Log     *slog.Logger
	Pool    *pgxpool.Pool
	Config  config.Config
	Version string
	// Started is when the process started, for /health's uptime.
	Started time.Time
}

// NewRouter is the whole HTTP API in one place.
func NewRouter(d Deps) http.Handler {
	health := &healthHandler{log: d.Log, pool: d.Pool, started: d.Started, version: d.Version}
	dbCheck := &dbCheckHandler{log: d.Log, pool: d.Pool}

	r := chi.NewRouter()
	r.Use(middleware.RequestID)
	r.Use(middleware.RealIP)
	r.Use(accessLog(d.Log))
	r.Use(recoverer(d.Log))
	r.Use(securityHeaders(d.Config.SecureCookies(), imageOrigins(d.Config)))

	r.Get("/health", health.show)
	r.Get("/db_check", dbCheck.show)
	return r
}

// imageOrigins are where album art may load from: Spotify's image CDNs, or
// the simulator when the app talks to one.
func imageOrigins(c config.Config) []string {
	origins := []string{"https://i.scdn.co", "https://*.spotifycdn.com"}
	if c.Spotify.APIURL != config.DefaultAPIURL {
		if o := originOf(c.Spotify.APIURL); o != "" {
			origins = append(origins, o)
		}
	}
	return origins
}
