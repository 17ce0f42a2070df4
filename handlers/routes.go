package handlers

import (
	"cmp"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/euterpe-dev/euterpe/auth"
	"github.com/euterpe-dev/euterpe/config"
	"github.com/euterpe-dev/euterpe/database"
	"github.com/euterpe-dev/euterpe/history"
	"github.com/euterpe-dev/euterpe/imports"
	"github.com/euterpe-dev/euterpe/metrics"
	"github.com/euterpe-dev/euterpe/panels"
	"github.com/euterpe-dev/euterpe/social"
	"github.com/euterpe-dev/euterpe/trends"
	"github.com/euterpe-dev/euterpe/upstream"
	"github.com/euterpe-dev/euterpe/views"
)

// Deps is what the HTTP layer needs from the process that hosts it.
type Deps struct {
	Log       *slog.Logger
	Pool      *database.Pool
	Config    config.Config
	Auth      *auth.Service
	Source    *upstream.Source
	Dashboard *panels.Service
	History   *history.Service
	Importer  *imports.Importer
	Trends    *trends.Service
	Social    social.Services
	// Metrics, when set, counts every request and serves /metrics to the
	// operator's token.
	Metrics *metrics.Metrics
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
	h := &handler{
		log:           d.Log,
		render:        &renderer{log: d.Log, demo: d.Demo, now: d.Now},
		auth:          d.Auth,
		cookies:       newCookieNames(d.Config.SecureCookies(), d.Config.BasePath()),
		base:          d.Config.BasePath(),
		source:        d.Source,
		kept:          newKeptAnswers(d.Now),
		dashboard:     d.Dashboard,
		history:       d.History,
		importer:      d.Importer,
		pool:          d.Pool,
		operatorToken: d.Config.MetricsToken,
		started:       d.Started,
		version:       d.Version,
		now:           d.Now,
	}
	if d.Demo {
		// The simulated Spotify writes demo exports (POST /history/import/demo).
		h.demoSimURL = strings.TrimSuffix(d.Config.Spotify.APIURL, "/v1")
	}
	h.logins = newAddressLimiter(cmp.Or(d.Config.LoginRatePerMinute, config.DefaultLoginRate), h.render)
	perUser := perUserLimit(d.Config.RateLimitPerMinute, h.render, h.limitedPanel)

	// Go's cross-origin protection refuses state-changing requests that a
	// browser marks as coming from another site (Sec-Fetch-Site / Origin).
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.render.errorPage(w, r, errForbidden)
	}))

	r := chi.NewRouter()
	if d.Metrics != nil {
		r.Use(d.Metrics.HTTP(r))
	}
	r.Use(knownMethods)
	r.Use(middleware.RequestID)
	r.Use(clientAddr(d.Config.ProxyHops))
	r.Use(accessLog(d.Log))
	r.Use(recoverer(d.Log))
	r.Use(securityHeaders(d.Config.SecureCookies(), imageOrigins(d.Config)))
	r.Use(cop.Handler)
	r.Use(compress())
	r.NotFound(func(w http.ResponseWriter, r *http.Request) { h.render.errorPage(w, r, errNotFound) })
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) { h.render.errorPage(w, r, errMethod) })

	r.Handle("/static/*", staticFiles())
	// The installable web app: the same for everyone, outside the session.
	pwa := newPWA(d.Demo, h.base)
	r.Get("/manifest.webmanifest", pwa.showManifest)
	r.Get("/sw.js", pwa.showServiceWorker)
	r.Get(views.OfflinePath, pwa.showOffline)
	// Diagnostics: the details only for the operator's token, and every
	// address throttled (flooding /db_check slowed everyone).
	diagnostics := h.unlessOperator(perAddressLimit(diagnosticsPerMinute, h.render))
	r.With(markJSON, diagnostics).Get("/health", h.showHealth)
	r.With(markJSON, diagnostics).Get("/db_check", h.showDBCheck)
	if d.Metrics != nil {
		r.Get("/metrics", h.showMetrics(d.Metrics.Handler()))
	}
	kit := newSocialKit(d.Social, d.Trends, d.Config)
	h.shareRoutes(r, kit, d.Config)

	// Pages: each request knows its signed-in user, if any.
	r.Group(func(r chi.Router) {
		r.Use(h.withPrincipal)
		r.Group(func(r chi.Router) {
			r.Use(limitBody(1 << 20)) // forms are a few bytes
			// The dashboard spends the signed-in user's budget like every
			// page; the landing page spends nobody's.
			r.With(signedInOnly(perUser)).Get("/", h.showDashboard)
			// Each starts a login or calls Spotify's token endpoint for
			// whoever asks: limited per client address (h.logins; a login
			// spends it where it begins, beginAuthorization).
			r.Get("/login", h.login)
			r.With(addressBudget(h.logins)).Get("/callback", h.callback)
			r.Post("/logout", h.logout)
			h.inviteRoutes(r, kit)
		})

		// Signed-in pages and panels; each user may make so many requests a
		// minute, so one client cannot spend the app's Spotify quota.
		r.Group(func(r chi.Router) {
			r.Use(h.requirePage)
			r.Use(perUser)
			// An export's upload, streamed into the database, has a limit
			// of its own.
			r.With(limitBody(imports.MaxUploadBytes+1<<20)).Post("/history/import", h.createImport)
			r.With(limitBody(imports.UploadPiece+1<<20)).Put("/history/import/uploads/{id}/files/{file}/pieces/{piece}", h.putUploadPiece)

			r.Group(func(r chi.Router) {
				r.Use(limitBody(1 << 20))
				r.Get("/account/delete", h.showAccountDelete)
				r.Post("/account/delete", h.deleteAccount)
				r.Get("/panels/{panel}", h.showPanel)

				r.Get("/history", h.showHistory)
				r.Get("/history/panels/{panel}", h.showHistoryPanel)
				r.Get("/history/time-zone", h.showTimeZoneStatus)
				r.Get("/history/{kind}/{id}", h.showHistoryItem)
				r.Post("/preferences/time-zone", h.saveTimeZone)

				r.Get("/history/import", h.showImportForm)
				r.Post("/history/import/demo", h.createDemoImport)
				r.Post("/history/import/uploads", h.beginUpload)
				r.Post("/history/import/uploads/{id}/done", h.finishUpload)
				r.Get("/history/imports", h.listImports)
				r.Get("/history/imports/{id}", h.showImport)
				r.Post("/history/imports/{id}/cancel", h.cancelImport)
				r.Post("/history/imports/{id}/delete", h.deleteImport)
				h.trendRoutes(r, d.Trends)
				h.socialRoutes(r, kit)
			})
		})
	})

	// The JSON API of the earlier version, same paths and parameters. It is
	// marked JSON before the session is looked up, so every answer, errors
	// included, is JSON.
	r.Group(func(r chi.Router) {
		r.Use(markJSON)
		r.Use(limitBody(1 << 20))
		r.Use(h.withPrincipal)
		r.Use(requireJSON)
		r.Use(perUser)
		for _, p := range panels.Dashboard().All() {
			r.Get(p.JSONPath, h.analyticsJSON(p))
		}
		r.Get("/history.json", h.historyJSON)
	})
	return underBase(h.base, r)
}
