// Package database opens Euterpe's connection pool and migrates its schema.
// Everything Euterpe stores lives in the `euterpe` schema of a database it
// shares with another application.
package database

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Schema is the only schema Euterpe creates or changes anything in.
const Schema = "euterpe"

// ApplicationName labels Euterpe's connections in pg_stat_activity, so its
// share of the database can be counted apart from the other application's.
const ApplicationName = "euterpe"

// PoolOptions are the knobs that differ between the server and tests.
type PoolOptions struct {
	// MaxConns caps the pool (DB_MAX_CONNS, at most 15).
	MaxConns int32
	// MinConns are kept open even when idle (the seed's pool_size of 5).
	MinConns int32
	// The back-pressure's knobs: where refusals are logged, how long a
	// caller waits for a held connection and how long the pool stops
	// growing after a refusal (defaults DefaultWaitForConn and
	// DefaultGrowthPause).
	Log         *slog.Logger
	WaitForConn time.Duration
	GrowthPause time.Duration
	// Tracer, when set, sees every query (the bench times them).
	Tracer pgx.QueryTracer
}

// Open connects a pool shaped like the seed's SQLAlchemy settings:
// pool_size 5 + max_overflow 10 become MinConns 5 and MaxConns 15 (bursts
// shrink back after a minute idle); pool_recycle 300 s becomes a 5-minute
// lifetime with jitter, so connections are not all replaced at once;
// pool_pre_ping becomes pgxpool's ping of any connection idle for a second or
// more before it is handed out, with a timeout so a dead server cannot hang a
// request. The pool has back-pressure (see Pool): when the server refuses
// connections, callers wait for those held.
func Open(ctx context.Context, url string, opts PoolOptions) (*Pool, error) {
	cfg, err := poolConfig(url, opts)
	if err != nil {
		return nil, err
	}
	p := &Pool{log: opts.Log, waitForConn: cmp.Or(opts.WaitForConn, DefaultWaitForConn),
		growthPause: cmp.Or(opts.GrowthPause, DefaultGrowthPause), released: make(chan struct{})}
	cfg.BeforeConnect = func(context.Context, *pgx.ConnConfig) error {
		if !p.growing() {
			return errNotGrowing
		}
		return nil
	}
	if p.Pool, err = pgxpool.NewWithConfig(ctx, cfg); err != nil {
		return nil, fmt.Errorf("database: open pool: %w", err)
	}
	return p, nil
}

func poolConfig(url string, opts PoolOptions) (*pgxpool.Config, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// pgx's parse errors can quote the URL, password included.
		return nil, fmt.Errorf("database: DATABASE_URL cannot be parsed as a connection string")
	}
	cfg.MaxConns = opts.MaxConns
	cfg.MinConns = min(opts.MinConns, opts.MaxConns)
	cfg.MaxConnLifetime = 5 * time.Minute
	cfg.MaxConnLifetimeJitter = 30 * time.Second
	cfg.MaxConnIdleTime = time.Minute
	cfg.HealthCheckPeriod = 15 * time.Second
	cfg.PingTimeout = 2 * time.Second
	cfg.ConnConfig.ConnectTimeout = 5 * time.Second
	rp := cfg.ConnConfig.RuntimeParams
	rp["application_name"] = ApplicationName
	// Every query names its schema; an unqualified name must never reach
	// the other application's tables through public.
	rp["search_path"] = Schema
	// No query of ours runs long; a stuck one must not pin a connection.
	rp["statement_timeout"] = "15s"
	rp["idle_in_transaction_session_timeout"] = "30s"
	if opts.Tracer != nil {
		cfg.ConnConfig.Tracer = opts.Tracer
	}
	return cfg, nil
}
