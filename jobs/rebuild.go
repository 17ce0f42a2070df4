package jobs

import (
	"context"
	"time"

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

// queueSummaries has the rebuilds of summaries, one at a time: a user who
// changes zone in a loop keeps neither the polls waiting nor other users'
// rebuilds.
const queueSummaries = "summaries"

// rebuildAgainIn is how long a rebuild that found the zone changed under
// it waits before the next round, letting others' rebuilds go first and
// gathering further changes into one.
const rebuildAgainIn = 2 * time.Second

func (rebuildArgs) InsertOpts() river.InsertOpts {
	// One rebuild per user is waiting or running at a time: it reads the
	// zone when it runs, and again when it is done. A finished rebuild does
	// not stand in the way of the next change of zone.
	return river.InsertOpts{Queue: queueSummaries, UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning, rivertype.JobStateScheduled}}}
}

type rebuildWorker struct {
	river.WorkerDefaults[rebuildArgs]
	store *history.Store
}

// Work rebuilds once; if the user chose another zone meanwhile, the same
// job goes again after the others waiting (a snooze keeps it the one job
// of this user, so changes keep gathering into it).
func (w *rebuildWorker) Work(ctx context.Context, job *river.Job[rebuildArgs]) error {
	current, err := w.store.RebuildSummariesOnce(ctx, job.Args.UserID)
	if err != nil || current {
		return err
	}
	return river.JobSnooze(rebuildAgainIn)
}
