package upstream

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/euterpe-dev/euterpe/database"
	"github.com/euterpe-dev/euterpe/db"
	"github.com/euterpe-dev/euterpe/spotify"
)

// BudgetWindow is the span Spotify counts an app's calls over.
const BudgetWindow = 30 * time.Second

// Budget is the app's Spotify call budget, shared by every process through
// the database: Spotify rations calls per developer account over a rolling
// 30 seconds, however many dynos make them. It is a token bucket of
// PerWindow calls refilled continuously. Requests people are waiting for
// spend from it without asking (in batches, once a second); background work
// takes a call only while more than half the bucket is left, so people are
// served first. A 429 pauses background work, in every process and across
// restarts, until its Retry-After.
//
// No one person's requests may spend it all: the calls they drive take at
// most a fair share of half the window (see UserShare), so the other half
// stays for everyone's polls however hard one client clicks.
type Budget struct {
	log       *slog.Logger
	pool      *database.Pool
	perWindow float64
	now       func() time.Time

	unflushed atomic.Int64 // interactive calls not yet written down

	pauseMu sync.Mutex
	pause   time.Time // the longest pause seen, not yet written down

	sharesMu sync.Mutex
	shares   map[string]*userShare // user → their share's bucket
	pruned   time.Time             // when shares last dropped users idle for a window
}

// NewBudget returns the budget of perWindow calls per BudgetWindow. now is
// the app's clock.
func NewBudget(log *slog.Logger, pool *database.Pool, perWindow int, now func() time.Time) *Budget {
	if now == nil {
		now = time.Now
	}
	return &Budget{log: log, pool: pool, perWindow: float64(perWindow), now: now, shares: map[string]*userShare{}}
}

// minUserShare is the fewest request-driven calls a user may make in a
// window however many share it: what a cold dashboard needs.
const minUserShare = 8

// UserShare is how many request-driven Spotify calls one user may make in
// a window when active users (those who made one in the last window, them
// included) share it: half the window divided among them, never fewer than
// minUserShare (nor more than half the window).
func (b *Budget) UserShare(active int) int {
	half := max(int(b.perWindow/2), 1)
	return max(half/max(active, 1), min(minUserShare, half))
}

// userShare is one user's bucket of request-driven calls: it holds up to
// half the window (one cold dashboard, with its playlists, at once) and
// refills at their UserShare a window, so however long someone keeps
// clicking, their calls leave the other half to the polls.
type userShare struct {
	tokens float64
	at     time.Time // when tokens was counted
	last   time.Time // their last call: active while within a window
}

// takeShare counts one request-driven call of user's, or refuses it and
// says when their share has room again.
func (b *Budget) takeShare(user string) (bool, time.Duration) {
	now := b.now()
	capacity := float64(b.UserShare(1))
	b.sharesMu.Lock()
	defer b.sharesMu.Unlock()
	if now.Sub(b.pruned) >= time.Second || now.Before(b.pruned) {
		for u, s := range b.shares {
			if now.Sub(s.last) >= BudgetWindow {
				delete(b.shares, u) // idle: they start again full
			}
		}
		b.pruned = now
	}
	s, ok := b.shares[user]
	if !ok {
		s = &userShare{tokens: capacity, at: now}
		b.shares[user] = s
	}
	active := 0
	for _, o := range b.shares {
		if o == s || now.Sub(o.last) < BudgetWindow {
			active++
		}
	}
	perSecond := float64(b.UserShare(active)) / BudgetWindow.Seconds()
	s.tokens = min(capacity, s.tokens+max(now.Sub(s.at).Seconds(), 0)*perSecond)
	s.at = now
	if s.tokens < 1 {
		return false, max(time.Duration((1-s.tokens)/perSecond*float64(time.Second)), time.Second)
	}
	s.tokens--
	s.last = now
	return true, 0
}

func (b *Budget) perSecond() float64 { return b.perWindow / BudgetWindow.Seconds() }

// Decision is the answer to a background caller.
type Decision struct {
	Granted bool
	// Wait is how long to wait before asking again when not granted.
	Wait time.Duration
	// PausedUntil is set when Spotify asked the app to stop until then.
	PausedUntil time.Time
}

// RetryIn is how long, in the app's clock, a caller refused at now waits
// before asking again: until the pause ends, or until the bucket refills.
func (d Decision) RetryIn(now time.Time) time.Duration {
	if !d.PausedUntil.IsZero() {
		return d.PausedUntil.Sub(now)
	}
	return d.Wait
}

// TakeBackground asks for one background call.
func (b *Budget) TakeBackground(ctx context.Context) (Decision, error) {
	var d Decision
	err := b.update(ctx, func(level float64, paused time.Time, now time.Time) float64 {
		switch floor := b.perWindow / 2; {
		case paused.After(now):
			d.PausedUntil = paused
		case level >= floor+1:
			d.Granted = true
			return level - 1
		default:
			d.Wait = time.Duration((floor + 1 - level) / b.perSecond() * float64(time.Second))
		}
		return level
	})
	return d, err
}

// update runs fn on the refilled level under the row lock and stores what
// it returns.
func (b *Budget) update(ctx context.Context, fn func(level float64, paused, now time.Time) float64) error {
	now := b.now()
	err := pgx.BeginFunc(ctx, b.pool, func(tx pgx.Tx) error {
		q := db.New(tx)
		if err := q.EnsureSpotifyBudget(ctx, db.EnsureSpotifyBudgetParams{Capacity: b.perWindow, AtTime: now}); err != nil {
			return err
		}
		row, err := q.LockSpotifyBudget(ctx)
		if err != nil {
			return err
		}
		elapsed := max(now.Sub(row.RefilledAt).Seconds(), 0)
		level := min(b.perWindow, row.Tokens+elapsed*b.perSecond())
		var paused time.Time
		if row.PausedUntil != nil {
			paused = *row.PausedUntil
		}
		return q.SetSpotifyBudget(ctx, db.SetSpotifyBudgetParams{Tokens: fn(level, paused, now), AtTime: now})
	})
	if err != nil {
		return fmt.Errorf("upstream: Spotify budget: %w", err)
	}
	return nil
}

// Spent records interactive calls; Flush writes them down.
func (b *Budget) Spent(calls int) { b.unflushed.Add(int64(calls)) }

// Pause records a 429's Retry-After for every process; Flush writes it down
// (and PauseNow at once).
func (b *Budget) Pause(until time.Time) {
	b.pauseMu.Lock()
	if until.After(b.pause) {
		b.pause = until
	}
	b.pauseMu.Unlock()
}

// PauseNow writes a pause down at once: background work about to retry
// must see it.
func (b *Budget) PauseNow(ctx context.Context, until time.Time) error {
	if err := b.update(ctx, func(level float64, _, _ time.Time) float64 { return level }); err != nil {
		return err
	}
	if err := db.New(b.pool).PauseSpotify(ctx, until); err != nil {
		return fmt.Errorf("upstream: pause Spotify: %w", err)
	}
	return nil
}

// PausedUntil is when background work may call Spotify again (zero when it
// may now).
func (b *Budget) PausedUntil(ctx context.Context) (time.Time, error) {
	t, err := db.New(b.pool).GetSpotifyPause(ctx)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && !t.After(b.now())) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("upstream: read Spotify pause: %w", err)
	}
	return t, nil
}

// Flush writes down the interactive calls and the pause recorded since the
// last flush.
func (b *Budget) Flush(ctx context.Context) error {
	calls := b.unflushed.Swap(0)
	b.pauseMu.Lock()
	pause := b.pause
	b.pause = time.Time{}
	b.pauseMu.Unlock()
	if calls == 0 && pause.IsZero() {
		return nil
	}
	if calls > 0 {
		if err := b.update(ctx, func(level float64, _, _ time.Time) float64 { return level - float64(calls) }); err != nil {
			b.unflushed.Add(calls) // counted next time
			return err
		}
	}
	if !pause.IsZero() {
		if err := b.PauseNow(ctx, pause); err != nil {
			b.Pause(pause)
			return err
		}
	}
	return nil
}

// Run flushes once a second until ctx ends, then once more.
func (b *Budget) Run(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			fctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			_ = b.Flush(fctx)
			cancel()
			return
		case <-t.C:
			if err := b.Flush(ctx); err != nil && ctx.Err() == nil {
				b.log.Warn("could not record Spotify calls in the shared budget", "err", err)
			}
		}
	}
}

// backgroundKey marks a request whose call was taken from the budget
// already.
type backgroundKey struct{}

// Background marks ctx as background work that took its call with
// TakeBackground, so Meter does not count it again.
func Background(ctx context.Context) context.Context {
	return context.WithValue(ctx, backgroundKey{}, true)
}

// userKey carries the signed-in user whose request drives a call.
type userKey struct{}

// ForUser marks ctx as a request of user's: the Spotify calls made for it
// come from their share of the budget.
func ForUser(ctx context.Context, user string) context.Context {
	return context.WithValue(ctx, userKey{}, user)
}

// Meter wraps the transport of the Spotify HTTP client: it counts Web API
// calls (those under apiURL) against the budget and records every 429's
// Retry-After as a pause. A call a user's request drives past their share
// is not made: it answers 429 with the Retry-After of their share, as
// Spotify would, and pauses nobody else.
func (b *Budget) Meter(next http.RoundTripper, apiURL string) http.RoundTripper {
	prefix := strings.TrimRight(apiURL, "/") + "/"
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		api := strings.HasPrefix(r.URL.String(), prefix)
		if api && r.Context().Value(backgroundKey{}) == nil {
			if user, ok := r.Context().Value(userKey{}).(string); ok {
				if ok, wait := b.takeShare(user); !ok {
					return shareSpent(r, wait), nil
				}
			}
			b.Spent(1)
		}
		res, err := next.RoundTrip(r)
		if err == nil && api && res.StatusCode == http.StatusTooManyRequests {
			b.Pause(b.now().Add(spotify.ParseRetryAfter(res.Header.Get("Retry-After"))))
		}
		return res, err
	})
}

// shareSpentMessage is the message of the 429 a spent share answers, by
// which the cache tells it from Spotify's own.
const shareSpentMessage = "This listener's share of the app's Spotify calls is spent for now."

// shareSpent is the answer to a call past its user's share: a 429 in
// Spotify's shape, made here.
func shareSpent(r *http.Request, wait time.Duration) *http.Response {
	if r.Body != nil {
		_ = r.Body.Close()
	}
	body := `{"error":{"status":429,"message":"` + shareSpentMessage + `"}}`
	return &http.Response{
		Status: "429 Too Many Requests", StatusCode: http.StatusTooManyRequests,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{
			"Content-Type": {"application/json; charset=utf-8"},
			"Retry-After":  {strconv.Itoa(int((wait + time.Second - 1) / time.Second))},
		},
		Body: io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body)), Request: r,
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
