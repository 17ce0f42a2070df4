package jobs

import (
	"context"

	"github.com/google/uuid"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/euterpe-dev/euterpe/history"
)

// rebuildArgs asks for a user's summaries to be rebuilt in their time zone.
type rebuildArgs struct {
	UserID uuid.UUID `json:"user_id"`
}

func (rebuildArgs) Kind() string { return "rebuild_summaries" }

func (rebuildArgs) InsertOpts() river.InsertOpts {
	// One waiting rebuild per user is enough: it reads the zone when it
	// runs, and again when it is done. A finished rebuild does not stand in
	// the way of the next change of zone.
	return river.InsertOpts{Queue: queuePolls, UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning, rivertype.JobStateScheduled}}}
}

type rebuildWorker struct {
	river.WorkerDefaults[rebuildArgs]
	store *history.Store
}

// Work rebuilds until the summaries are in the zone the user last chose (it
// may change again while a rebuild runs).
func (w *rebuildWorker) Work(ctx context.Context, job *river.Job[rebuildArgs]) error {
	return w.store.RebuildSummaries(ctx, job.Args.UserID)
}
