package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/euterpe-dev/euterpe/db"
)

// dispatchArgs is the periodic hand-out of due users: River's elected
// leader inserts one every dispatchEvery, whichever process that is.
type dispatchArgs struct{}

func (dispatchArgs) Kind() string { return "dispatch_polls" }

func (dispatchArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: queueDispatch, MaxAttempts: 1}
}

// dispatchBatch bounds the users handed out at once; the rest wait for the
// next round.
const dispatchBatch = 500

type dispatchWorker struct {
	river.WorkerDefaults[dispatchArgs]
	deps Deps
	// redispatchAfter is how long a dispatched user waits, in wall-clock
	// time, before being handed out again when their poll never ran (its
	// worker died before starting it).
	redispatchAfter time.Duration
}

// Work claims the users who are due and inserts a poll for each, in one
// transaction, so a user is never marked dispatched without a job.
func (w *dispatchWorker) Work(ctx context.Context, job *river.Job[dispatchArgs]) error {
	tx, err := w.deps.Pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("jobs: dispatch: %w", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op after Commit
	users, err := db.New(tx).ClaimDuePolls(ctx, db.ClaimDuePollsParams{
		AtTime:            w.deps.Clock.Now(),
		RedispatchSeconds: w.redispatchAfter.Seconds(),
		MaxUsers:          dispatchBatch,
	})
	if err != nil {
		return fmt.Errorf("jobs: dispatch: %w", err)
	}
	if len(users) == 0 {
		return tx.Rollback(ctx)
	}
	params := make([]river.InsertManyParams, len(users))
	for i, u := range users {
		params[i] = river.InsertManyParams{Args: pollArgs{UserID: u}}
	}
	client, err := river.ClientFromContextSafely[pgx.Tx](ctx)
	if err != nil {
		return fmt.Errorf("jobs: dispatch: %w", err)
	}
	if _, err := client.InsertManyFastTx(ctx, tx, params); err != nil {
		return fmt.Errorf("jobs: dispatch: %w", err)
	}
	return tx.Commit(ctx)
}
