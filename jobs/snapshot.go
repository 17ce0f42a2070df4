package jobs

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/euterpe-dev/euterpe/auth"
	"github.com/euterpe-dev/euterpe/db"
	"github.com/euterpe-dev/euterpe/spotify"
	"github.com/euterpe-dev/euterpe/trends"
	"github.com/euterpe-dev/euterpe/upstream"
)

// Daily snapshots of each user's top lists: the six lists Spotify ranks
// (tracks and artists, short, medium and long term), once a day per user
// whose grant Spotify still honours, six calls from the background share of
// the budget. Exactly one snapshot per user and day, however many processes
// run: River inserts one job per user and day (unique by its arguments,
// whatever its state), and should two runs still meet, the table's primary
// key and its fill-only-what-is-missing upsert keep one snapshot.

// queueSnapshots holds the snapshots and their dispatcher: one at a time
// per process, behind polls in the budget's queue of background work.
const queueSnapshots = "snapshots"

// snapshotDispatchEvery is how often, in the app's clock, the leader looks
// for users without a snapshot of their today.
const snapshotDispatchEvery = 15 * time.Minute

// snapshotBatch bounds the users one dispatch hands out.
const snapshotBatch = 1000

// snapshotArgs asks for a user's snapshot of a day (their local date,
// YYYY-MM-DD).
type snapshotArgs struct {
	UserID uuid.UUID `json:"user_id"`
	Day    string    `json:"day"`
}

func (snapshotArgs) Kind() string { return "snapshot_top_lists" }

func (snapshotArgs) InsertOpts() river.InsertOpts {
	// Unique by user and day in every state but cancelled and discarded
	// (River's default), completed included: a day's snapshot is asked for
	// once.
	return river.InsertOpts{Queue: queueSnapshots, Priority: 3, MaxAttempts: 5, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

type snapshotWorker struct {
	river.WorkerDefaults[snapshotArgs]
	deps   Deps
	trends *trends.Service
}

func (w *snapshotWorker) Timeout(*river.Job[snapshotArgs]) time.Duration { return time.Minute }

// Work fetches the lists the day's snapshot lacks, one budgeted call each,
// storing each as it comes: when the budget runs dry or Spotify asks for a
// pause, the job snoozes and its next run fetches only what is missing. A
// day that is over is left as it is.
func (w *snapshotWorker) Work(ctx context.Context, job *river.Job[snapshotArgs]) error {
	userID := job.Args.UserID
	day, err := time.Parse(time.DateOnly, job.Args.Day)
	if err != nil {
		return river.JobCancel(fmt.Errorf("jobs: snapshot of %q: %w", job.Args.Day, err))
	}
	today, err := w.trends.LocalToday(ctx, userID)
	if err != nil {
		return err
	}
	if !today.Equal(day) {
		return nil // the lists of a day gone by cannot be had any more
	}
	snap, _, err := w.trends.SnapshotFor(ctx, userID, day)
	if err != nil {
		return err
	}
	var client *spotify.Client
	for _, l := range trends.Lists() {
		if snap.Items(l) != nil {
			continue
		}
		d, err := w.deps.Budget.TakeBackground(ctx)
		if err != nil {
			return err
		}
		if !d.Granted {
			return river.JobSnooze(max(w.deps.Clock.Real(d.RetryIn(w.deps.Clock.Now())), time.Second))
		}
		if client == nil {
			client, err = w.deps.Auth.ClientForUser(ctx, userID)
			if errors.Is(err, auth.ErrLoginRequired) {
				w.deps.Log.InfoContext(ctx, "snapshot skipped: the user's Spotify grant ended", "user_id", userID)
				return nil
			}
			if err != nil {
				return err
			}
		}
		var f trends.Fetched
		bg := upstream.Background(ctx)
		if l.Kind == trends.TopTracks {
			var page spotify.Page[spotify.Track]
			if page, err = client.TopTracks(bg, l.Range, upstream.TopLimit); err == nil {
				f.Tracks = map[spotify.TimeRange][]spotify.Track{l.Range: page.Items}
			}
		} else {
			var page spotify.Page[spotify.Artist]
			if page, err = client.TopArtists(bg, l.Range, upstream.TopLimit); err == nil {
				f.Artists = map[spotify.TimeRange][]spotify.Artist{l.Range: page.Items}
			}
		}
		var se *spotify.Error
		switch {
		case err == nil:
		case errors.Is(err, auth.ErrLoginRequired):
			w.deps.Log.InfoContext(ctx, "snapshot skipped: the user's Spotify grant ended", "user_id", userID)
			return nil
		case errors.As(err, &se) && se.Status == http.StatusForbidden:
			w.deps.Log.InfoContext(ctx, "snapshot skipped: the grant lacks the top-items scope", "user_id", userID)
			return nil
		case errors.As(err, &se) && se.Status == http.StatusTooManyRequests:
			until := w.deps.Clock.Now().Add(max(se.RetryAfter, time.Second))
			if perr := w.deps.Budget.PauseNow(ctx, until); perr != nil {
				return perr
			}
			return river.JobSnooze(max(w.deps.Clock.Real(max(se.RetryAfter, time.Second)), time.Second))
		default:
			return fmt.Errorf("jobs: snapshot %s: %w", l, err) // River tries again later
		}
		if err := w.trends.SaveSnapshot(ctx, userID, day, w.deps.Clock.Now(), f); err != nil {
			return err
		}
	}
	w.deps.Log.DebugContext(ctx, "top lists snapshot taken", "user_id", userID, "day", job.Args.Day)
	return nil
}

// snapshotDispatchArgs is the periodic look for users due a snapshot.
type snapshotDispatchArgs struct{}

func (snapshotDispatchArgs) Kind() string { return "dispatch_snapshots" }

func (snapshotDispatchArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: queueSnapshots, MaxAttempts: 1}
}

type snapshotDispatchWorker struct {
	river.WorkerDefaults[snapshotDispatchArgs]
	deps Deps
}

// Work enqueues a snapshot of their today for every user without one;
// River leaves out those whose day has a job already.
func (w *snapshotDispatchWorker) Work(ctx context.Context, job *river.Job[snapshotDispatchArgs]) error {
	due, err := db.New(w.deps.Pool).ListUsersDueSnapshot(ctx, db.ListUsersDueSnapshotParams{AtTime: w.deps.Clock.Now(), MaxUsers: snapshotBatch})
	if err != nil || len(due) == 0 {
		return err
	}
	params := make([]river.InsertManyParams, len(due))
	for i, u := range due {
		params[i] = river.InsertManyParams{Args: snapshotArgs{UserID: u.UserID, Day: u.Day.Format(time.DateOnly)}}
	}
	client, err := river.ClientFromContextSafely[pgx.Tx](ctx)
	if err != nil {
		return err
	}
	if _, err := client.InsertMany(ctx, params); err != nil {
		return fmt.Errorf("jobs: enqueue snapshots: %w", err)
	}
	return nil
}

// snapshotDispatchInterval is snapshotDispatchEvery in wall-clock time.
func (r *Runner) snapshotDispatchInterval() time.Duration {
	return max(r.deps.Clock.Real(snapshotDispatchEvery), time.Second)
}
