package handlers

import (
	"context"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/go-chi/httprate"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/euterpe-dev/euterpe/auth"
	"github.com/euterpe-dev/euterpe/config"
	"github.com/euterpe-dev/euterpe/db"
	"github.com/euterpe-dev/euterpe/upstream"
	"github.com/euterpe-dev/euterpe/views"
)

// Deps is what the HTTP layer needs from the process that hosts it.
type Deps struct {
	Log    *slog.Logger
	Pool   *pgxpool.Pool
	Config config.Config
	Auth   *auth.Service
	Source *upstream.Source
	// Demo marks every page: the Spotify behind this app is simulated.
	Demo    bool
	Version string
	// Started is when the process started, for /health's uptime.
	Started time.Time
	Now     func() time.Time
}

// NewRouter is the whole HTTP API in one place.
func NewRouter(d Deps) http.Handler {
	if d.Now == nil {
		d.Now = time.Now
	}
	rd := &renderer{log: d.Log, demo: d.Demo}
	health := &healthHandler{log: d.Log, pool: d.Pool, started: d.Started, version: d.Version}
	dbCheck := &dbCheckHandler{log: d.Log, pool: d.Pool}
	authH := &authHandler{auth: d.Auth, cookies: newCookieNames(d.Config.SecureCookies()), render: rd, source: d.Source}
	account := &accountHandler{auth: authH}
	dash := &dashboardHandler{auth: authH, source: d.Source, queries: db.New(d.Pool), now: d.Now}

	// Go's cross-origin protection refuses state-changing requests that a
	// browser marks as coming from another site (Sec-Fetch-Site / Origin).
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rd.errorPage(w, r, errForbidden)
	}))

	r := chi.NewRouter()
	r.Use(middleware.RequestID)
	r.Use(middleware.RealIP)
	r.Use(accessLog(d.Log))
	r.Use(recoverer(d.Log))
	r.Use(securityHeaders(d.Config.SecureCookies(), imageOrigins(d.Config)))
	r.Use(limitBody(1 << 20))
	r.Use(cop.Handler)
	r.NotFound(func(w http.ResponseWriter, r *http.Request) { rd.errorPage(w, r, errNotFound) })
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) { rd.errorPage(w, r, errMethod) })

	r.Get("/health", health.show)
	r.Get("/db_check", dbCheck.show)
	r.Handle("/static/*", staticFiles())

	r.Group(func(r chi.Router) {
		r.Use(authH.withPrincipal)
		r.Get("/", dash.home)
		r.Get("/login", authH.login)
		r.Get("/callback", authH.callback)
		r.Post("/logout", authH.logout)

		// Signed-in pages and panels; each user may make so many requests a
		// minute, so one client cannot spend the app's Spotify quota.
		r.Group(func(r chi.Router) {
			r.Use(authH.requirePage)
			r.Use(perUserLimit(d.Config.RateLimitPerMinute, rd))
			r.Get("/account/delete", account.confirmDelete)
			r.Post("/account/delete", account.delete)
			r.Get("/panels/{panel}", dash.panel)
		})

		// The JSON API of the earlier version, same paths and parameters.
		r.Group(func(r chi.Router) {
			r.Use(markJSON)
			r.Use(requireJSON)
			r.Use(perUserLimit(d.Config.RateLimitPerMinute, rd))
			for _, a := range analyticsList {
				r.Get(a.jsonPath, dash.jsonFor(a))
			}
		})
	})
	return r
}

// perUserLimit caps each signed-in user's requests per minute.
func perUserLimit(perMinute int, rd *renderer) func(http.Handler) http.Handler {
	return httprate.Limit(perMinute, time.Minute,
		httprate.WithKeyFuncs(func(r *http.Request) (string, error) {
			return principalFrom(r.Context()).UserID.String(), nil
		}),
		httprate.WithLimitHandler(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "60")
			if wantsJSON(r) {
				writeJSON(w, http.StatusTooManyRequests, retryJSON{Error: "Too many requests. Try again in a minute.", RetryAfter: 60})
				return
			}
			rd.errorPage(w, r, errTooMany)
		}),
	)
}

// jsonKey marks requests to the JSON API, so shared code (the login
// redirect, the rate limiter) answers them in JSON.
type jsonKey struct{}

func markJSON(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), jsonKey{}, true)))
	})
}

func wantsJSON(r *http.Request) bool {
	v, _ := r.Context().Value(jsonKey{}).(bool)
	return v
}

// limitBody caps request bodies: Euterpe's forms are a few bytes.
func limitBody(n int64) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r.Body = http.MaxBytesReader(w, r.Body, n)
			next.ServeHTTP(w, r)
		})
	}
}

// staticFiles serves the embedded assets. Pages link them with a content
// hash (views.AssetURL), so a versioned URL may be cached for a year.
func staticFiles() http.Handler {
	sub, err := fs.Sub(views.Static, "static")
	if err != nil {
		panic(err) // the embed directive guarantees the directory
	}
	files := http.StripPrefix("/static/", http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r) // no directory listings
			return
		}
		if r.URL.Query().Has("v") {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "public, max-age=3600")
		}
		files.ServeHTTP(w, r)
	})
}

// imageOrigins are where album art may load from: Spotify's image CDNs, or
// the simulator when the app talks to one.
func imageOrigins(c config.Config) []string {
	origins := []string{"https://i.scdn.co", "https://mosaic.scdn.co", "https://*.spotifycdn.com"}
	if c.Spotify.APIURL != config.DefaultAPIURL {
		if o := originOf(c.Spotify.APIURL); o != "" {
			origins = append(origins, o)
		}
	}
	return origins
}
