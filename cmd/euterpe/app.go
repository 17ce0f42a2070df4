package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/euterpe-dev/euterpe/clock"
	"github.com/euterpe-dev/euterpe/config"
	"github.com/euterpe-dev/euterpe/database"
	"github.com/euterpe-dev/euterpe/services"
)

// app is what `serve` and `worker` build from the configuration: the pool,
// the clock and every service (package services), passed down from here;
// nothing is global.
type app struct {
	*services.Services
	log   *slog.Logger
	cfg   config.Config
	pool  *database.Pool
	clock clock.Clock

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
	host, _ := os.Hostname()
	svc, err := services.New(services.Options{Log: log, Pool: pool, Config: cfg, Clock: clk,
		Concurrency: concurrency, ID: "euterpe-" + host + "-" + strconv.Itoa(os.Getpid())})
	if err != nil {
		pool.Close()
		return nil, err
	}
	return &app{Services: svc, log: log, cfg: cfg, pool: pool, clock: clk}, nil
}

// start runs the background work: the jobs, the budget's bookkeeping and
// the session sweep.
func (a *app) start(ctx context.Context) error {
	bg, stop := context.WithCancel(context.WithoutCancel(ctx))
	a.stop = stop
	a.background.Go(func() { a.Budget.Run(bg) })
	a.background.Go(func() { sweep(bg, a.log, a.Auth, a.Importer) })
	if err := a.Jobs.Start(bg); err != nil {
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
	if err := a.Jobs.Stop(sctx); err != nil {
		a.log.Warn("background jobs did not stop cleanly", "err", err)
	}
	if a.stop != nil {
		a.stop()
	}
	a.background.Wait()
	a.pool.Close()
}
