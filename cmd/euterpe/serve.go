package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/euterpe-dev/euterpe/auth"
	"github.com/euterpe-dev/euterpe/config"
	"github.com/euterpe-dev/euterpe/handlers"
	"github.com/euterpe-dev/euterpe/imports"
)

// defaultMemoryLimit is the soft heap limit when GOMEMLIMIT is unset.
const defaultMemoryLimit = 40 << 20

// shutdownGrace is how long requests in flight may take to finish after
// SIGTERM: Heroku sends SIGKILL 30 s after SIGTERM.
const shutdownGrace = 25 * time.Second

func serveCmd(ctx context.Context, args []string, getenv env, stderr io.Writer) error {
	if len(args) != 0 {
		return fmt.Errorf("%w: euterpe serve takes no arguments; it reads the environment", errUsage)
	}
	started := time.Now()
	cfg, err := config.Load(getenv)
	// Report every problem at once, not one per deploy.
	if err = errors.Join(err, cfg.ValidateServe()); err != nil {
		return fmt.Errorf("configuration:\n%w", err)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort("", strconv.Itoa(cfg.Port)))
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	return serve(ctx, cfg, ln, stderr, started, serveOptions{getenv: getenv})
}

// sweep deletes expired sessions, abandoned logins and abandoned uploads
// every quarter hour; any dyno may do it, the deletes are idempotent.
func sweep(ctx context.Context, log *slog.Logger, a *auth.Service, im *imports.Importer) {
	t := time.NewTicker(15 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := a.SweepExpired(ctx); err != nil && ctx.Err() == nil {
				log.Warn("session sweep failed", "err", err)
			}
			if _, err := im.SweepAbandoned(ctx); err != nil && ctx.Err() == nil {
				log.Warn("upload sweep failed", "err", err)
			}
		}
	}
}

// serveOptions are what differs between `serve` and `demo`.
type serveOptions struct {
	demo   bool
	getenv env
}

// serve runs the web server (and, unless WORKER_CONCURRENCY is 0, the
// background jobs) on ln until ctx ends, then drains it.
func serve(ctx context.Context, cfg config.Config, ln net.Listener, stderr io.Writer, started time.Time, opts serveOptions) error {
	// A soft memory limit keeps the heap near what the app needs instead of
	// letting it double between collections under bursts; GOMEMLIMIT, when
	// set, wins (the runtime reads it itself).
	if opts.getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
	a, err := newApp(ctx, cfg, stderr, cfg.WorkerConcurrency)
	if err != nil {
		ln.Close()
		return err
	}
	if err := a.start(ctx); err != nil {
		ln.Close()
		return err
	}
	defer a.close()

	srv := &http.Server{
		Handler: handlers.NewRouter(handlers.Deps{
			Log: a.log, Pool: a.pool, Config: cfg, Auth: a.Auth, Source: a.Source,
			Dashboard: a.Dashboard,
			History:   a.History,
			Importer:  a.Importer,
			Trends:    a.Trends,
			Social:    a.Social,
			Metrics:   a.Metrics,
			Demo:      opts.demo, Version: version, Started: started, Now: a.clock.Now,
		}),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(a.log.Handler(), slog.LevelWarn),
	}
	a.log.Info("listening", "addr", "http://"+ln.Addr().String(), "version", version, "workers", cfg.WorkerConcurrency)
	if err := runServer(ctx, srv, ln, func() { a.log.Info("shutting down: finishing requests in flight") }); err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	a.log.Info("stopped")
	return nil
}
