package jobs

import (
	"context"

	"github.com/riverqueue/river"
)

// outcomes are the job events worth counting, by the outcome they report.
var outcomes = map[river.EventKind]string{
	river.EventKindJobCompleted: "completed",
	river.EventKindJobFailed:    "failed",
	river.EventKindJobSnoozed:   "snoozed",
	river.EventKindJobCancelled: "cancelled",
}

// reportJobs passes every job this process works to Deps.JobDone until ctx
// ends (or River closes the subscription when it stops).
func (r *Runner) reportJobs(ctx context.Context) {
	if r.deps.JobDone == nil {
		return
	}
	kinds := make([]river.EventKind, 0, len(outcomes))
	for k := range outcomes {
		kinds = append(kinds, k)
	}
	events, cancel := r.client.Subscribe(kinds...)
	go func() {
		defer cancel()
		for {
			select {
			case <-ctx.Done():
				return
			case e, ok := <-events:
				if !ok {
					return
				}
				if e.Job == nil {
					continue
				}
				var wait float64
				if e.JobStats != nil {
					wait = e.JobStats.QueueWaitDuration.Seconds()
				}
				r.deps.JobDone(e.Job.Kind, outcomes[e.Kind], wait)
			}
		}
	}()
}
