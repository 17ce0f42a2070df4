package upstream

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/euterpe-dev/euterpe/spotify"
)

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func TestFetchCachesPerUserAndResource(t *testing.T) {
	clk := &clock{now: time.Unix(1e9, 0)}
	c := New(Options{TTL: time.Minute, Now: clk.Now})
	var calls atomic.Int64
	fetch := func(v string) func(context.Context) (string, error) {
		return func(context.Context) (string, error) { calls.Add(1); return v, nil }
	}
	ctx := context.Background()
	a1, _ := Fetch(ctx, c, "alice", "top", fetch("alice-top"))
	a2, _ := Fetch(ctx, c, "alice", "top", fetch("WRONG"))
	b1, _ := Fetch(ctx, c, "bob", "top", fetch("bob-top"))
	if a1 != "alice-top" || a2 != "alice-top" || b1 != "bob-top" || calls.Load() != 2 {
		t.Fatalf("a1=%s a2=%s b1=%s calls=%d", a1, a2, b1, calls.Load())
	}
	clk.Add(time.Minute)
	if v, _ := Fetch(ctx, c, "alice", "top", fetch("alice-new")); v != "alice-new" || calls.Load() != 3 {
		t.Fatalf("after TTL: %s, %d calls", v, calls.Load())
	}
	Fetch(ctx, c, "bob", "top", fetch("bob-top")) // refill after the TTL
	c.Forget("alice")
	if v, _ := Fetch(ctx, c, "alice", "top", fetch("alice-again")); v != "alice-again" {
		t.Fatalf("after Forget: %s", v)
	}
	if v, _ := Fetch(ctx, c, "bob", "top", fetch("WRONG")); v != "bob-top" {
		t.Fatal("Forget(alice) dropped bob's entry")
	}
}

func TestFetchCollapsesConcurrentCalls(t *testing.T) {
	c := New(Options{})
	var calls atomic.Int64
	release := make(chan struct{})
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			v, err := Fetch(context.Background(), c, "u", "r", func(context.Context) (int, error) {
				calls.Add(1)
				<-release
				return 42, nil
			})
			if err != nil || v != 42 {
				t.Errorf("got %d, %v", v, err)
			}
		})
	}
	time.Sleep(50 * time.Millisecond)
	close(release)
	wg.Wait()
	if calls.Load() != 1 {
		t.Fatalf("%d upstream calls for 50 concurrent identical requests", calls.Load())
	}
}

func TestFetchErrorsAreNotCached(t *testing.T) {
	c := New(Options{})
	boom := errors.New("boom")
	if _, err := Fetch(context.Background(), c, "u", "r", func(context.Context) (int, error) { return 0, boom }); !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	if v, err := Fetch(context.Background(), c, "u", "r", func(context.Context) (int, error) { return 7, nil }); err != nil || v != 7 {
		t.Fatalf("after an error: %d, %v", v, err)
	}
}

func TestRateLimitPausesOnlyThatUser(t *testing.T) {
	clk := &clock{now: time.Unix(1e9, 0)}
	c := New(Options{Now: clk.Now})
	var calls atomic.Int64
	limited := func(context.Context) (int, error) {
		calls.Add(1)
		return 0, &spotify.Error{Status: 429, Message: "API rate limit exceeded", RetryAfter: 30 * time.Second}
	}
	ok := func(context.Context) (int, error) { calls.Add(1); return 1, nil }
	_, err := Fetch(context.Background(), c, "u", "a", limited)
	var rl *RateLimitedError
	if !errors.As(err, &rl) || rl.RetryAfter(clk.Now()) != 30*time.Second {
		t.Fatalf("err = %v", err)
	}
	// Another resource for the same user: no call while paused.
	if _, err := Fetch(context.Background(), c, "u", "b", ok); !errors.As(err, &rl) || calls.Load() != 1 {
		t.Fatalf("paused user still calls Spotify: %v, %d calls", err, calls.Load())
	}
	if v, err := Fetch(context.Background(), c, "other", "a", ok); err != nil || v != 1 {
		t.Fatal("another user was paused too")
	}
	clk.Add(31 * time.Second)
	if v, err := Fetch(context.Background(), c, "u", "b", ok); err != nil || v != 1 {
		t.Fatalf("after Retry-After: %d, %v", v, err)
	}
}

func TestCacheIsBounded(t *testing.T) {
	c := New(Options{MaxEntries: 10})
	for i := range 100 {
		Fetch(context.Background(), c, "u", fmt.Sprint(i), func(context.Context) (int, error) { return i, nil })
	}
	if c.Len() != 10 {
		t.Fatalf("Len = %d, want 10", c.Len())
	}
	// The most recent survive.
	v, _ := Fetch(context.Background(), c, "u", "99", func(context.Context) (int, error) { return -1, nil })
	if v != 99 {
		t.Fatalf("most recent entry evicted")
	}
}

func TestWaiterCancellationDoesNotAbortTheCall(t *testing.T) {
	c := New(Options{})
	started := make(chan struct{})
	finish := make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-started
		cancel()
		close(finish)
	}()
	_, err := Fetch(ctx, c, "u", "r", func(fctx context.Context) (int, error) {
		close(started)
		<-finish
		if fctx.Err() != nil {
			return 0, fctx.Err()
		}
		return 5, nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled waiter got %v", err)
	}
	time.Sleep(20 * time.Millisecond)
	if v, _ := Fetch(context.Background(), c, "u", "r", func(context.Context) (int, error) { return -1, nil }); v != 5 {
		t.Fatalf("the call was aborted with its first waiter: %d", v)
	}
}

func BenchmarkFetchWarm(b *testing.B) {
	c := New(Options{})
	ctx := context.Background()
	Fetch(ctx, c, "u", "r", func(context.Context) (int, error) { return 1, nil })
	b.ReportAllocs()
	for b.Loop() {
		Fetch(ctx, c, "u", "r", func(context.Context) (int, error) { return 1, nil })
	}
}
