package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/euterpe-dev/euterpe/auth"
	"github.com/euterpe-dev/euterpe/clock"
	"github.com/euterpe-dev/euterpe/config"
	"github.com/euterpe-dev/euterpe/database"
	"github.com/euterpe-dev/euterpe/history"
	"github.com/euterpe-dev/euterpe/jobs"
	"github.com/euterpe-dev/euterpe/metrics"
	"github.com/euterpe-dev/euterpe/spotify"
	"github.com/euterpe-dev/euterpe/upstream"
)

// app is what `serve` and `worker` build from the configuration: the pool,
// the clock, the Spotify budget and client, the token service, the history
// and the background jobs. Everything is passed down from here; nothing is
// global.
type app struct {
	log      *slog.Logger
	cfg      config.Config
	pool     *database.Pool
	clock    clock.Clock
	budget   *upstream.Budget
	auth     *auth.Service
	store    *history.Store
	history  *history.Service
	importer *history.Importer
	jobs     *jobs.Runner
	// cache holds Spotify's responses per user (serve's); metrics counts
	// everything the process does.
	cache   *upstream.Cache
	metrics *metrics.Metrics

	background sync.WaitGroup
	stop       context.CancelFunc
}

// newApp connects and wires. concurrency is how many jobs this process
// works at once (0: it only enqueues them).
func newApp(ctx context.Context, cfg config.Config, stderr io.Writer, concurrency int) (*app, error) {
	log := newLogger(stderr, cfg.OnHeroku)
	clk, err := clock.Parse(cfg.Clock)
	if err != nil {
		return nil, fmt.Errorf("EUTERPE_CLOCK: %w", err)
	}
	pool, err := database.Open(ctx, cfg.DatabaseURL, database.PoolOptions{MaxConns: cfg.DBMaxConns, MinConns: min(5, cfg.DBMaxConns), Log: log})
	if err != nil {
		return nil, err
	}
	// A schema behind this build would answer 500s: refuse to start,
	// saying what to run.
	if _, _, err := database.CheckSchema(ctx, pool); err != nil {
		pool.Close()
		return nil, err
	}
	a := &app{log: log, cfg: cfg, pool: pool, clock: clk}
	a.budget = upstream.NewBudget(log, pool, cfg.SpotifyCallsPer30s, clk.Now)
	a.cache = upstream.New(upstream.Options{Now: clk.Now})
	a.metrics = metrics.New(metrics.Sources{Log: log, Pool: pool, Now: clk.Now, Cache: a.cache.Stats, PausedUntil: a.budget.PausedUntil})
	spotifyHTTP := &http.Client{
		Timeout: 10 * time.Second,
		// Every Web API call counts against the app's shared budget, and a
		// 429 pauses the background work of every process. The metrics
		// count the calls that reach Spotify, not those a user's spent
		// share refused.
		Transport: a.budget.Meter(a.metrics.Spotify(&http.Transport{
			Proxy:               http.ProxyFromEnvironment,
			MaxIdleConns:        100,
			MaxIdleConnsPerHost: 50,
			IdleConnTimeout:     90 * time.Second,
			TLSHandshakeTimeout: 5 * time.Second,
			ForceAttemptHTTP2:   true,
		}, cfg.Spotify.APIURL), cfg.Spotify.APIURL),
	}
	// auth enrols a user in polling inside its login transaction, and the
	// runner needs auth's clients: the hook reaches the runner once built.
	a.auth = auth.New(auth.Options{Log: log, Pool: pool, Config: cfg, HTTP: spotifyHTTP, Now: clk.Now,
		OnLogin: func(ctx context.Context, tx pgx.Tx, userID uuid.UUID) error { return a.jobs.EnrollTx(ctx, tx, userID) }})
	a.store = history.NewStore(pool)
	a.history = history.NewService(history.Options{Log: log, Pool: pool, Now: clk.Now,
		ZoneChanged: func(ctx context.Context, tx pgx.Tx, userID uuid.UUID) error {
			return a.jobs.RebuildSummariesTx(ctx, tx, userID)
		}})
	a.importer = history.NewImporter(history.ImporterOptions{Log: log, Pool: pool, Now: clk.Now,
		ImageURLs: spotify.NewImageURLs(cfg.Spotify.APIURL, config.DefaultAPIURL),
		Enqueue:   func(ctx context.Context, tx pgx.Tx, id uuid.UUID) error { return a.jobs.EnqueueImportTx(ctx, tx, id) },
		EnqueueDelete: func(ctx context.Context, tx pgx.Tx, id uuid.UUID) error {
			return a.jobs.EnqueueDeleteImportTx(ctx, tx, id)
		}})
	host, _ := os.Hostname()
	a.jobs, err = jobs.New(jobs.Deps{
		Log: log, Pool: pool, Auth: a.auth, Store: a.store, Importer: a.importer, Budget: a.budget, Clock: clk,
		Concurrency: concurrency, ID: "euterpe-" + host + "-" + strconv.Itoa(os.Getpid()),
		JobDone: a.metrics.JobDone,
	})
	if err != nil {
		pool.Close()
		return nil, err
	}
	return a, nil
}

// start runs the background work: the jobs, the budget's bookkeeping and
// the session sweep.
func (a *app) start(ctx context.Context) error {
	bg, stop := context.WithCancel(context.WithoutCancel(ctx))
	a.stop = stop
	a.background.Go(func() { a.budget.Run(bg) })
	a.background.Go(func() { sweep(bg, a.log, a.auth, a.importer) })
	if err := a.jobs.Start(bg); err != nil {
		a.close()
		return err
	}
	return nil
}

// close stops the jobs (letting those in flight finish for a while), the
// background loops, and then the pool they all use.
func (a *app) close() {
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := a.jobs.Stop(sctx); err != nil {
		a.log.Warn("background jobs did not stop cleanly", "err", err)
	}
	if a.stop != nil {
		a.stop()
	}
	a.background.Wait()
	a.pool.Close()
}
