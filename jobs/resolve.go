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
	"github.com/riverqueue/river/rivertype"

	"github.com/euterpe-dev/euterpe/auth"
	"github.com/euterpe-dev/euterpe/history"
	"github.com/euterpe-dev/euterpe/spotify"
	"github.com/euterpe-dev/euterpe/upstream"
)

// queueResolve holds the searches for tracks imports named only by title
// and artist: low priority, one at a time per process, each search paid
// from the background share of the Spotify budget.
const queueResolve = "resolve"

// resolveBatch bounds the tracks one job searches; resolveFor bounds the
// time it spends (its summaries are rebuilt after, in the same job).
const (
	resolveBatch = 200
	resolveFor   = 2 * time.Minute
)

// resolveArgs asks for a user's name-only tracks to be searched for.
type resolveArgs struct {
	UserID uuid.UUID `json:"user_id"`
}

func (resolveArgs) Kind() string { return "resolve_tracks" }

func (resolveArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: queueResolve, Priority: 4, MaxAttempts: 5, UniqueOpts: river.UniqueOpts{
		ByArgs: true,
		// Not Completed: an import finishing after a resolve ran needs another.
		ByState: []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStatePending,
			rivertype.JobStateRunning, rivertype.JobStateScheduled, rivertype.JobStateRetryable},
	}}
}

type resolveWorker struct {
	river.WorkerDefaults[resolveArgs]
	deps Deps
}

func (w *resolveWorker) Timeout(*river.Job[resolveArgs]) time.Duration { return 10 * time.Minute }

// Work searches Spotify for a batch of the user's name-only tracks, the
// most played first, as long as the budget allows, and records what it
// found. While tracks are left it snoozes: until the budget refills, or
// Spotify's Retry-After, or at once when the batch merely ran out.
func (w *resolveWorker) Work(ctx context.Context, job *river.Job[resolveArgs]) error {
	userID := job.Args.UserID
	pending, err := w.deps.Store.Unresolved(ctx, userID, w.deps.Clock.Now(), resolveBatch)
	if err != nil || len(pending) == 0 {
		return err
	}
	var client *spotify.Client
	var results []history.Resolution
	var again time.Duration // wall-clock time until the next batch; 0: none
	stopAt := time.Now().Add(resolveFor)
	for i, t := range pending {
		if t.Searched() {
			results = append(results, history.Resolution{Track: t})
			continue
		}
		if t.Artist == "" {
			// Nothing to tell one song of that title from another.
			results = append(results, history.Resolution{Track: t})
			continue
		}
		if time.Now().After(stopAt) || ctx.Err() != nil {
			again = time.Second
			break
		}
		d, err := w.deps.Budget.TakeBackground(ctx)
		if err != nil {
			return err
		}
		if !d.Granted {
			again = max(w.deps.Clock.Real(d.RetryIn(w.deps.Clock.Now())), time.Second)
			break
		}
		if client == nil {
			client, err = w.deps.Auth.ClientForUser(ctx, userID)
			if errors.Is(err, auth.ErrLoginRequired) {
				// Searches need the user's token; a new login enqueues
				// none, but the daily sweep finds them again.
				w.deps.Log.InfoContext(ctx, "resolve: the user's Spotify grant ended", "user_id", userID)
				break
			}
			if err != nil {
				return err
			}
		}
		found, err := client.SearchTracks(upstream.Background(ctx), t.Title, t.Artist)
		var se *spotify.Error
		switch {
		case errors.As(err, &se) && se.Status == http.StatusTooManyRequests:
			until := w.deps.Clock.Now().Add(max(se.RetryAfter, time.Second))
			if perr := w.deps.Budget.PauseNow(ctx, until); perr != nil {
				return perr
			}
			again = max(w.deps.Clock.Real(max(se.RetryAfter, time.Second)), time.Second)
		case errors.Is(err, auth.ErrLoginRequired):
			w.deps.Log.InfoContext(ctx, "resolve: the user's Spotify grant ended", "user_id", userID)
		case err != nil:
			w.deps.Log.WarnContext(ctx, "resolve: search failed; trying again later", "user_id", userID, "err", err)
			again = w.deps.Clock.Real(retryAfterFailure)
		default:
			r := history.Resolution{Track: t}
			if m, ok := t.Match(found); ok {
				r.Found = &m
			}
			results = append(results, r)
			if i == len(pending)-1 && len(pending) == resolveBatch {
				again = time.Second // a full batch: there may be more
			}
			continue
		}
		break
	}
	n, err := w.deps.Store.Resolve(ctx, results, w.deps.Clock.Now())
	if err != nil {
		return err
	}
	w.deps.Log.DebugContext(ctx, "resolved name-only tracks", "user_id", userID, "searched", len(results), "resolved", n)
	if again > 0 {
		return river.JobSnooze(again)
	}
	return nil
}

// resolveSweepArgs is the daily look for users with name-only tracks due a
// search: tracks not found a month ago, and users whose tracks were found
// while they were signed out.
type resolveSweepArgs struct{}

func (resolveSweepArgs) Kind() string { return "resolve_sweep" }

func (resolveSweepArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: queueResolve, MaxAttempts: 1}
}

// resolveSweepEvery is how often the sweep runs, in wall-clock time.
const resolveSweepEvery = 24 * time.Hour

type resolveSweepWorker struct {
	river.WorkerDefaults[resolveSweepArgs]
	deps Deps
}

func (w *resolveSweepWorker) Work(ctx context.Context, job *river.Job[resolveSweepArgs]) error {
	users, err := w.deps.Store.UsersToResolve(ctx, w.deps.Clock.Now())
	if err != nil || len(users) == 0 {
		return err
	}
	params := make([]river.InsertManyParams, len(users))
	for i, u := range users {
		params[i] = river.InsertManyParams{Args: resolveArgs{UserID: u}}
	}
	client, err := river.ClientFromContextSafely[pgx.Tx](ctx)
	if err != nil {
		return err
	}
	if _, err := client.InsertMany(ctx, params); err != nil {
		return fmt.Errorf("jobs: enqueue searches: %w", err)
	}
	return nil
}
