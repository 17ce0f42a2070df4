// Package jobs is Euterpe's background work, on River (riverqueue/river)
// with its tables in the euterpe schema: polling each user's recently played
// tracks into the listening history, rebuilding a user's summaries when
// their time zone changes, and a daily snapshot of each user's top lists.
// Any number of processes may run it against one database: a periodic
// dispatcher, run by River's elected leader, hands out the users who are
// due, and a poll holds its user's row locked for its whole length.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/euterpe-dev/euterpe/auth"
	"github.com/euterpe-dev/euterpe/clock"
	"github.com/euterpe-dev/euterpe/database"
	"github.com/euterpe-dev/euterpe/db"
	"github.com/euterpe-dev/euterpe/history"
	"github.com/euterpe-dev/euterpe/imports"
	"github.com/euterpe-dev/euterpe/trends"
	"github.com/euterpe-dev/euterpe/upstream"
)

// Queues: polls, and the dispatcher on its own so it is never stuck behind
// a queue of polls.
const (
	queuePolls    = river.QueueDefault
	queueDispatch = "dispatch"
)

// dispatchEvery is how often, in the app's clock, the dispatcher looks for
// users who are due.
const dispatchEvery = 30 * time.Second

// Deps are what the workers need.
type Deps struct {
	Log      *slog.Logger
	Pool     *database.Pool
	Auth     *auth.Service
	Store    *history.Store
	Importer *imports.Importer
	// Trends is the app's (the daily snapshots of the top lists).
	Trends *trends.Service
	Budget *upstream.Budget
	Clock  clock.Clock
	// Concurrency is how many jobs this process works at once; 0 makes a
	// client that only inserts jobs (a web process beside worker dynos).
	Concurrency int
	// ID names this process among River's clients (logs, leadership).
	ID string
	// JobDone, when set, hears of every job this process works: its kind,
	// outcome (completed, failed, snoozed, cancelled) and queue wait in
	// seconds (metrics).
	JobDone func(kind, outcome string, queueWaitSeconds float64)
}

// Runner is River's client with Euterpe's workers.
type Runner struct {
	client *river.Client[pgx.Tx]
	deps   Deps
}

// New builds the River client. Start runs it.
func New(d Deps) (*Runner, error) {
	if d.Clock == nil {
		d.Clock = clock.System{}
	}
	r := &Runner{deps: d}
	workers := river.NewWorkers()
	river.AddWorker(workers, &pollWorker{deps: d})
	river.AddWorker(workers, &dispatchWorker{deps: d, redispatchAfter: r.dispatchInterval() * 2})
	river.AddWorker(workers, &rebuildWorker{store: d.Store})
	river.AddWorker(workers, &importWorker{importer: d.Importer, pool: d.Pool})
	river.AddWorker(workers, &resolveWorker{deps: d})
	river.AddWorker(workers, &resolveSweepWorker{deps: d})
	river.AddWorker(workers, &deleteImportWorker{importer: d.Importer})
	river.AddWorker(workers, &snapshotWorker{deps: d, trends: d.Trends})
	river.AddWorker(workers, &snapshotDispatchWorker{deps: d})

	cfg := &river.Config{
		ID:     d.ID,
		Schema: database.Schema,
		Logger: slog.New(quietHandler{d.Log.Handler(), slog.LevelWarn}).With("component", "river"),
		// A job a crashed process left running is retried (and, being
		// idempotent, finds its work done or its user free) after this,
		// which must exceed the longest job's timeout (an import's). Polls
		// do not wait for it: the dispatcher hands a user out again.
		RescueStuckJobsAfter: importTimeout + 5*time.Minute,
		JobTimeout:           time.Minute,
		// Poll for jobs rather than LISTEN: a listener holds a connection of
		// its own beyond the pool's, and the database's connections are
		// counted (DB_MAX_CONNS, shared with another application). A job
		// waits up to a second longer to start.
		PollOnly: true,
		// Finished jobs are kept an hour, enough to look into; the
		// dispatcher alone makes one every 30 seconds.
		CompletedJobRetentionPeriod: time.Hour,
		Workers:                     workers,
	}
	if d.Concurrency > 0 {
		cfg.Queues = map[string]river.QueueConfig{
			queuePolls:     {MaxWorkers: d.Concurrency},
			queueDispatch:  {MaxWorkers: 1},
			queueImports:   {MaxWorkers: 1},
			queueResolve:   {MaxWorkers: 1},
			queueSnapshots: {MaxWorkers: 1},
			queueSummaries: {MaxWorkers: 1},
		}
		cfg.PeriodicJobs = []*river.PeriodicJob{
			river.NewPeriodicJob(river.PeriodicInterval(r.dispatchInterval()),
				func() (river.JobArgs, *river.InsertOpts) { return dispatchArgs{}, nil },
				&river.PeriodicJobOpts{RunOnStart: true}),
			river.NewPeriodicJob(river.PeriodicInterval(resolveSweepEvery),
				func() (river.JobArgs, *river.InsertOpts) { return resolveSweepArgs{}, nil }, nil),
			river.NewPeriodicJob(river.PeriodicInterval(r.snapshotDispatchInterval()),
				func() (river.JobArgs, *river.InsertOpts) { return snapshotDispatchArgs{}, nil },
				&river.PeriodicJobOpts{RunOnStart: true}),
		}
	}
	client, err := river.NewClient(riverpgxv5.New(d.Pool.Pool), cfg)
	if err != nil {
		return nil, fmt.Errorf("jobs: River client: %w", err)
	}
	r.client = client
	return r, nil
}

// dispatchInterval is dispatchEvery in wall-clock time, at least a second
// (a simulation's clock may run a thousand times faster).
func (r *Runner) dispatchInterval() time.Duration {
	return max(r.deps.Clock.Real(dispatchEvery), time.Second)
}

// Start runs the workers (none for an insert-only client).
func (r *Runner) Start(ctx context.Context) error {
	if r.deps.Concurrency == 0 {
		return nil
	}
	if err := r.client.Start(ctx); err != nil {
		return fmt.Errorf("jobs: start: %w", err)
	}
	r.reportJobs(ctx)
	return nil
}

// Stop lets jobs in flight finish until ctx ends, then cancels them.
func (r *Runner) Stop(ctx context.Context) error {
	if r.deps.Concurrency == 0 {
		return nil
	}
	err := r.client.Stop(ctx)
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		// Jobs still running are cancelled; River retries them later.
		return r.client.StopAndCancel(context.Background())
	}
	return err
}

// EnrollTx starts (or, after a new login, resumes) polling userID at once,
// in the transaction that stored their tokens: auth.Options.OnLogin.
func (r *Runner) EnrollTx(ctx context.Context, tx pgx.Tx, userID uuid.UUID) error {
	if err := db.New(tx).EnrollPolling(ctx, db.EnrollPollingParams{UserID: userID, AtTime: r.deps.Clock.Now()}); err != nil {
		return fmt.Errorf("jobs: enroll: %w", err)
	}
	if _, err := r.client.InsertTx(ctx, tx, pollArgs{UserID: userID}, nil); err != nil {
		return fmt.Errorf("jobs: enroll: %w", err)
	}
	return nil
}

// RebuildSummariesTx enqueues the rebuild of userID's summaries in their new
// time zone, in the transaction that stored it: history.Options.ZoneChanged.
func (r *Runner) RebuildSummariesTx(ctx context.Context, tx pgx.Tx, userID uuid.UUID) error {
	if _, err := r.client.InsertTx(ctx, tx, rebuildArgs{UserID: userID}, nil); err != nil {
		return fmt.Errorf("jobs: enqueue rebuild: %w", err)
	}
	return nil
}

// quietHandler passes on records from a level up: River reports routine
// bookkeeping at Info every few seconds, which would drown the app's log.
type quietHandler struct {
	slog.Handler
	min slog.Level
}

func (h quietHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

// Handle drops River's reports of a database that cannot serve right now
// (its pool refused a connection, the server is full, down or restarting):
// River retries on its next poll, and the pool says so once a minute —
// logged by River they would be an error line per queue per second.
func (h quietHandler) Handle(ctx context.Context, r slog.Record) error {
	unavailable := false
	r.Attrs(func(a slog.Attr) bool {
		switch v := a.Value.Any().(type) {
		case error:
			unavailable = database.Unavailable(v) || database.UnavailableMessage(v.Error())
		case string:
			unavailable = (a.Key == "err" || a.Key == "error") && database.UnavailableMessage(v)
		}
		return !unavailable
	})
	if unavailable {
		return nil
	}
	return h.Handler.Handle(ctx, r)
}

func (h quietHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return quietHandler{h.Handler.WithAttrs(attrs), h.min}
}

func (h quietHandler) WithGroup(name string) slog.Handler {
	return quietHandler{h.Handler.WithGroup(name), h.min}
}
