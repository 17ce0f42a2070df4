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
	"github.com/euterpe-dev/euterpe/history"
	"github.com/euterpe-dev/euterpe/ptr"
	"github.com/euterpe-dev/euterpe/spotify"
	"github.com/euterpe-dev/euterpe/upstream"
)

// pollArgs asks for one poll of a user's recently played tracks.
type pollArgs struct {
	UserID uuid.UUID `json:"user_id"`
}

func (pollArgs) Kind() string { return "poll_recently_played" }

func (pollArgs) InsertOpts() river.InsertOpts {
	// A failed poll is not retried by River: the worker reschedules the
	// user itself, and the dispatcher hands them out again when due.
	return river.InsertOpts{Queue: queuePolls, MaxAttempts: 1}
}

type pollWorker struct {
	river.WorkerDefaults[pollArgs]
	deps Deps
}

func (w *pollWorker) Timeout(*river.Job[pollArgs]) time.Duration { return 30 * time.Second }

// Work polls the user if they are due and nobody else is polling them. The
// poll's transaction holds their poll_state row from the call to Spotify to
// the stored plays and the new cursor: if the process dies in between,
// nothing of the poll is kept and the next one starts from the same cursor.
func (w *pollWorker) Work(ctx context.Context, job *river.Job[pollArgs]) error {
	return pgx.BeginFunc(ctx, w.deps.Pool, func(tx pgx.Tx) error {
		return w.poll(ctx, tx, job.Args.UserID)
	})
}

func (w *pollWorker) poll(ctx context.Context, tx pgx.Tx, userID uuid.UUID) error {
	q := db.New(tx)
	now := w.deps.Clock.Now()
	state, err := q.LockDuePoll(ctx, db.LockDuePollParams{UserID: userID, AtTime: now})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil // not due, stopped, or being polled elsewhere
	}
	if err != nil {
		return fmt.Errorf("jobs: lock poll state: %w", err)
	}
	reschedule := func(at time.Time) error {
		return q.ReschedulePoll(ctx, db.ReschedulePollParams{UserID: userID, NextPollAt: at})
	}

	d, err := w.deps.Budget.TakeBackground(ctx)
	if err != nil {
		return err
	}
	switch {
	case !d.PausedUntil.IsZero():
		return reschedule(d.PausedUntil)
	case !d.Granted:
		return reschedule(now.Add(max(d.Wait, time.Second)))
	}

	client, err := w.deps.Auth.ClientForUser(ctx, userID)
	if err == nil {
		var page spotify.CursorPage[spotify.PlayHistory]
		page, err = client.RecentlyPlayedAfter(upstream.Background(ctx), ptr.Deref(state.AfterMs), recentWindow)
		if err == nil {
			return w.store(ctx, tx, q, userID, state, page.Items, now)
		}
	}

	var se *spotify.Error
	switch {
	case errors.Is(err, auth.ErrLoginRequired):
		w.deps.Log.InfoContext(ctx, "polling stopped: the user's Spotify grant ended", "user_id", userID)
		return q.StopPolling(ctx, db.StopPollingParams{UserID: userID, AtTime: now, Reason: new(stoppedGrantEnded)})
	case errors.As(err, &se) && se.Status == http.StatusForbidden:
		w.deps.Log.InfoContext(ctx, "polling stopped: the grant lacks the recently-played scope", "user_id", userID)
		return q.StopPolling(ctx, db.StopPollingParams{UserID: userID, AtTime: now, Reason: new(stoppedScope)})
	case errors.As(err, &se) && se.Status == http.StatusTooManyRequests:
		until := now.Add(max(se.RetryAfter, time.Second))
		if perr := w.deps.Budget.PauseNow(ctx, until); perr != nil {
			return perr
		}
		w.deps.Log.WarnContext(ctx, "Spotify rate limit: polling paused", "until", until)
		return reschedule(until)
	case ctx.Err() != nil:
		return ctx.Err()
	default:
		// Spotify down or slow, or its accounts service: the plays are
		// still there later, while the window holds them.
		w.deps.Log.WarnContext(ctx, "poll failed; trying again later", "user_id", userID, "err", err)
		return reschedule(now.Add(retryAfterFailure))
	}
}

// retryAfterFailure is how long, in the app's clock, a user waits after a
// poll Spotify did not answer properly.
const retryAfterFailure = 5 * time.Minute

// Why polling stopped (poll_state.stopped_reason).
const (
	stoppedGrantEnded = "grant_ended"
	stoppedScope      = "scope_missing"
)

// store records what the poll found and schedules the next one.
func (w *pollWorker) store(ctx context.Context, tx pgx.Tx, q *db.Queries, userID uuid.UUID, state db.LockDuePollRow,
	items []spotify.PlayHistory, now time.Time) error {
	rec, err := history.RecordTx(ctx, tx, userID, history.SourcePoll, history.PlaysFromRecent(items))
	if err != nil {
		return err
	}
	after := ptr.Deref(state.AfterMs)
	if !rec.Newest.IsZero() {
		after = max(after, rec.Newest.UnixMilli())
	}
	// A whole window of new plays after a known cursor: the plays between
	// the cursor and the window's oldest may be lost.
	gap := state.AfterMs != nil && len(items) >= recentWindow
	if gap {
		w.deps.Log.WarnContext(ctx, "a poll found a whole window of new plays: some may have been missed", "user_id", userID)
	}
	p, err := w.pattern(ctx, q, userID, now, after, rec.New)
	if err != nil {
		return err
	}
	next := now.Add(NextPoll(now, p))
	w.deps.Log.DebugContext(ctx, "polled", "user_id", userID, "new_plays", rec.New, "next_poll_at", next)
	return q.FinishPoll(ctx, db.FinishPollParams{UserID: userID, NextPollAt: next, AfterMs: after, AtTime: now, NewPlays: int32(rec.New), Gap: gap})
}

// pattern reads what NextPoll needs.
func (w *pollWorker) pattern(ctx context.Context, q *db.Queries, userID uuid.UUID, now time.Time, afterMS int64, newPlays int) (Pattern, error) {
	p := Pattern{NewLastPoll: newPlays, Loc: time.UTC}
	if afterMS > 0 {
		p.LastPlay = time.UnixMilli(afterMS)
	}
	zones, err := q.GetTimeZones(ctx, userID)
	if err == nil {
		if loc, lerr := time.LoadLocation(zones.SummaryTimeZone); lerr == nil {
			p.Loc = loc
		}
	} else if !errors.Is(err, pgx.ErrNoRows) {
		return p, fmt.Errorf("jobs: read time zone: %w", err)
	}
	local := now.In(p.Loc)
	since := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, -patternDays)
	row, err := q.GetListeningPattern(ctx, db.GetListeningPatternParams{UserID: userID, SinceDay: since})
	if err != nil {
		return p, fmt.Errorf("jobs: read listening pattern: %w", err)
	}
	p.PeakHour = int(row.PeakHourPlays)
	for _, h := range row.ActiveHours {
		if h >= 0 && h < 24 {
			p.ActiveHours[h] = true
		}
	}
	return p, nil
}
