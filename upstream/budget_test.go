package upstream

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/euterpe-dev/euterpe/spotify"
)

// meteredAPI is a Web API that counts the calls reaching it, behind a
// budget's Meter.
func meteredAPI(t *testing.T, b *Budget) (*http.Client, string, *atomic.Int64) {
	t.Helper()
	var reached atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"id":"someone","display_name":"Someone"}`)
	}))
	t.Cleanup(srv.Close)
	api := srv.URL + "/v1"
	return &http.Client{Transport: b.Meter(http.DefaultTransport, api)}, api, &reached
}

func call(t *testing.T, c *http.Client, ctx context.Context, api string) *http.Response {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, api+"/me", nil)
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res
}

// One user's requests, however many, spend at most their share of the
// window; the calls past it never reach Spotify, answer 429 with when to
// come back, and pause no one else: another user and the background still
// get their calls.
func TestOneUserCannotSpendTheBudget(t *testing.T) {
	clk := &clock{now: time.Date(2026, 3, 29, 0, 59, 50, 0, time.UTC)}
	b := NewBudget(slog.New(slog.DiscardHandler), nil, 100, clk.Now)
	c, api, reached := meteredAPI(t, b)
	alice := ForUser(context.Background(), "alice")

	refused := 0
	for range 200 {
		switch res := call(t, c, alice, api); res.StatusCode {
		case http.StatusOK:
		case http.StatusTooManyRequests:
			refused++
			if d := spotify.ParseRetryAfter(res.Header.Get("Retry-After")); d < time.Second || d > BudgetWindow {
				t.Fatalf("a refused call says Retry-After %q", res.Header.Get("Retry-After"))
			}
		default:
			t.Fatalf("a call answered %d", res.StatusCode)
		}
	}
	if share := b.UserShare(1); reached.Load() != int64(share) || refused != 200-share || share != 50 {
		t.Fatalf("200 calls of one user: %d reached Spotify, %d refused; want their share (%d) and the rest", reached.Load(), refused, share)
	}
	if b.unflushed.Load() != 50 {
		t.Errorf("%d calls counted against the budget, want the 50 made", b.unflushed.Load())
	}
	if !b.pause.IsZero() {
		t.Errorf("a user's spent share paused the app until %s", b.pause)
	}

	// Another user is served, and so is the background.
	if res := call(t, c, ForUser(context.Background(), "bob"), api); res.StatusCode != http.StatusOK {
		t.Errorf("another user's call answered %d", res.StatusCode)
	}
	for range 10 {
		if res := call(t, c, Background(context.Background()), api); res.StatusCode != http.StatusOK {
			t.Fatalf("a background call answered %d", res.StatusCode)
		}
	}
	// With two users active, each has half of what one had.
	if res := call(t, c, alice, api); res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("alice past her share answered %d", res.StatusCode)
	}

	// A window later
	// her share is whole again.
	clk.Add(BudgetWindow + time.Second)
	before := reached.Load()
	for range 60 {
		call(t, c, alice, api)
	}
	if n := reached.Load() - before; n != 50 {
		t.Errorf("a window later, %d of alice's calls reached Spotify, want 50", n)
	}
}

// The share of each user shrinks as more people use the app at once, to
// half the window among them, but never below what a cold dashboard needs.
func TestUserShare(t *testing.T) {
	b := NewBudget(slog.New(slog.DiscardHandler), nil, 100, nil)
	for active, want := range map[int]int{0: 50, 1: 50, 2: 25, 5: 10, 6: 8, 100: 8} {
		if got := b.UserShare(active); got != want {
			t.Errorf("UserShare(%d) = %d, want %d", active, got, want)
		}
	}
	small := NewBudget(slog.New(slog.DiscardHandler), nil, 6, nil)
	if got := small.UserShare(10); got != 3 {
		t.Errorf("with 6 calls a window, UserShare(10) = %d, want 3 (half the window)", got)
	}
}

// A refused call reaches the dashboard as Spotify's 429 would: the cache
// pauses that user alone until their share has room.
func TestSpentShareIsTheUsersRateLimit(t *testing.T) {
	clk := &clock{now: time.Date(2028, 2, 29, 23, 30, 0, 0, time.UTC)}
	b := NewBudget(slog.New(slog.DiscardHandler), nil, 2, clk.Now) // a share of one call
	hc, api, _ := meteredAPI(t, b)
	cache := New(Options{Now: clk.Now})
	src := NewSource(cache)
	l := Listener{UserID: "alice", Client: spotify.NewClient(hc, api, func(context.Context, bool) (string, error) { return "token", nil }, nil)}
	ctx := ForUser(context.Background(), "alice")
	if _, err := src.Me(ctx, l); err != nil {
		t.Fatal(err)
	}
	cache.Forget("alice")
	_, err := src.Me(ctx, l)
	var rl *RateLimitedError
	if !errors.As(err, &rl) || rl.RetryAfter(clk.Now()) < time.Second || !rl.Share {
		t.Fatalf("past the share: %+v, want a rate limit of the user's share", err)
	}
	// While it lasts, the user's calls are not tried, and say why.
	if _, err := src.TopTracks(ctx, l, spotify.ShortTerm); !errors.As(err, &rl) || !rl.Share {
		t.Fatalf("during the pause: %v", err)
	}
}

func TestDecisionRetryIn(t *testing.T) {
	now := time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC)
	if got := (Decision{Wait: 3 * time.Second}).RetryIn(now); got != 3*time.Second {
		t.Errorf("refused for the bucket: %s", got)
	}
	if got := (Decision{Wait: time.Second, PausedUntil: now.Add(time.Minute)}).RetryIn(now); got != time.Minute {
		t.Errorf("paused: %s, want the pause's end", got)
	}
}

// Five people opening cold dashboards at once each get one whole (half the
// window, with their playlists); past it, each refills at their share of
// half the window, so together they never take more than half of it.
func TestSharesRefillAtTheFairRate(t *testing.T) {
	clk := &clock{now: time.Date(2026, 10, 25, 0, 59, 0, 0, time.UTC)}
	b := NewBudget(slog.New(slog.DiscardHandler), nil, 100, clk.Now)
	users := []string{"amara", "dex", "ines", "kiko", "walt"}
	take := func(user string, n int) (passed int) {
		for range n {
			if ok, _ := b.takeShare(user); ok {
				passed++
			}
		}
		return passed
	}
	for _, u := range users {
		if n := take(u, 60); n != 50 {
			t.Errorf("%s's cold dashboard: %d of 60 calls, want 50", u, n)
		}
	}
	total := 0
	for range 10 { // the next 30 seconds, 3 at a time
		clk.Add(3 * time.Second)
		for _, u := range users {
			total += take(u, 20)
		}
	}
	if total > 50 || total < 45 {
		t.Errorf("five users clicking for 30 s made %d calls, want their half of the window (50)", total)
	}
	if ok, wait := b.takeShare("walt"); ok || wait < time.Second || wait > BudgetWindow {
		t.Errorf("past the share: %v, wait %s", ok, wait)
	}
}
