// Package services builds every service of Euterpe once, from the
// configuration, and hands them to whoever serves: the web router and the
// background jobs in `serve`, the jobs alone in `worker`, and the handlers'
// tests, which use this same wiring rather than retyping it.
package services

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/euterpe-dev/euterpe/auth"
	"github.com/euterpe-dev/euterpe/clock"
	"github.com/euterpe-dev/euterpe/config"
	"github.com/euterpe-dev/euterpe/database"
	"github.com/euterpe-dev/euterpe/db"
	"github.com/euterpe-dev/euterpe/history"
	"github.com/euterpe-dev/euterpe/imports"
	"github.com/euterpe-dev/euterpe/jobs"
	"github.com/euterpe-dev/euterpe/metrics"
	"github.com/euterpe-dev/euterpe/panels"
	"github.com/euterpe-dev/euterpe/social"
	"github.com/euterpe-dev/euterpe/spotify"
	"github.com/euterpe-dev/euterpe/trends"
	"github.com/euterpe-dev/euterpe/upstream"
)

// Options are what the process decides beyond the configuration.
type Options struct {
	Log    *slog.Logger
	Pool   *database.Pool
	Config config.Config
	Clock  clock.Clock
	// Concurrency is how many background jobs this process works at once
	// (0: it only enqueues them); ID names it among River's clients.
	Concurrency int
	ID          string
	// SpotifyCallsPer30s overrides the configuration's budget (tests).
	SpotifyCallsPer30s int
	// Transport is under the Spotify client's metering (default
	// http.Transport tuned for Spotify's API).
	Transport http.RoundTripper
}

// Services are the app's services, each built once.
type Services struct {
	Log    *slog.Logger
	Pool   *database.Pool
	Config config.Config
	Clock  clock.Clock

	// Budget is the app's Spotify budget; Cache and Source the per-user
	// cache of Spotify's answers; Metrics counts everything the process
	// does.
	Budget  *upstream.Budget
	Cache   *upstream.Cache
	Source  *upstream.Source
	Metrics *metrics.Metrics

	Auth      *auth.Service
	Store     *history.Store
	History   *history.Service
	Importer  *imports.Importer
	Trends    *trends.Service
	Dashboard *panels.Service
	Social    social.Services
	Jobs      *jobs.Runner
}

// New wires every service. The hooks between them (a login enrols the user
// in polling, a change of zone and an import enqueue their jobs) reach the
// job runner once it is built.
func New(o Options) (*Services, error) {
	s := &Services{Log: o.Log, Pool: o.Pool, Config: o.Config, Clock: o.Clock}
	clk, log, pool, cfg := o.Clock, o.Log, o.Pool, o.Config
	perWindow := cfg.SpotifyCallsPer30s
	if o.SpotifyCallsPer30s > 0 {
		perWindow = o.SpotifyCallsPer30s
	}
	s.Budget = upstream.NewBudget(log, pool, perWindow, clk.Now)
	s.Cache = upstream.New(upstream.Options{Now: clk.Now})
	s.Source = upstream.NewSource(s.Cache)
	s.Metrics = metrics.New(metrics.Sources{Log: log, Pool: pool, Now: clk.Now, Cache: s.Cache.Stats, PausedUntil: s.Budget.PausedUntil})
	transport := o.Transport
	if transport == nil {
		transport = &http.Transport{
			Proxy:               http.ProxyFromEnvironment,
			MaxIdleConns:        100,
			MaxIdleConnsPerHost: 50,
			IdleConnTimeout:     90 * time.Second,
			TLSHandshakeTimeout: 5 * time.Second,
			ForceAttemptHTTP2:   true,
		}
	}
	spotifyHTTP := &http.Client{
		Timeout: 10 * time.Second,
		// Every Web API call counts against the app's shared budget, and a
		// 429 pauses the background work of every process. The metrics
		// count the calls that reach Spotify, not those a user's spent
		// share refused.
		Transport: s.Budget.Meter(s.Metrics.Spotify(transport, cfg.Spotify.APIURL), cfg.Spotify.APIURL),
	}
	s.Auth = auth.New(auth.Options{Log: log, Pool: pool, Config: cfg, HTTP: spotifyHTTP, Now: clk.Now,
		OnLogin: func(ctx context.Context, tx pgx.Tx, userID uuid.UUID) error { return s.Jobs.EnrollTx(ctx, tx, userID) }})
	s.Store = history.NewStore(pool)
	s.History = history.NewService(history.Options{Log: log, Pool: pool, Now: clk.Now,
		ZoneChanged: func(ctx context.Context, tx pgx.Tx, userID uuid.UUID) error {
			return s.Jobs.RebuildSummariesTx(ctx, tx, userID)
		}})
	s.Importer = imports.NewImporter(imports.ImporterOptions{Log: log, Pool: pool, Now: clk.Now,
		ImageURLs: spotify.NewImageURLs(cfg.Spotify.APIURL, config.DefaultAPIURL),
		Enqueue:   func(ctx context.Context, tx pgx.Tx, id uuid.UUID) error { return s.Jobs.EnqueueImportTx(ctx, tx, id) },
		EnqueueDelete: func(ctx context.Context, tx pgx.Tx, id uuid.UUID) error {
			return s.Jobs.EnqueueDeleteImportTx(ctx, tx, id)
		}})
	s.Trends = trends.NewService(pool, s.History, clk.Now)
	s.Dashboard = panels.New(log, s.Source, db.New(pool), clk.Now)
	s.Social = social.NewServices(pool, s.History, s.Trends, clk.Now)
	var err error
	s.Jobs, err = jobs.New(jobs.Deps{
		Log: log, Pool: pool, Auth: s.Auth, Store: s.Store, Importer: s.Importer, Trends: s.Trends, Budget: s.Budget, Clock: clk,
		Concurrency: o.Concurrency, ID: o.ID, JobDone: s.Metrics.JobDone,
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}
