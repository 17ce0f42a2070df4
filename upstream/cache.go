// Package upstream stands between the dashboard and Spotify: a per-user cache
// of decoded Web API responses with a short TTL and a bounded size, one
// upstream call for any number of concurrent identical requests, and a
// per-user pause after Spotify answers 429, honouring its Retry-After.
package upstream

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/euterpe-dev/euterpe/spotify"
)

// RateLimitedError means Spotify asked us to back off for this user; no call
// is made for them until Until.
type RateLimitedError struct {
	Until time.Time
	// Share is set when it was this user's share of the app's Spotify
	// budget that ran out (Budget.Meter), not Spotify that refused.
	Share bool
}

func (e *RateLimitedError) Error() string {
	return fmt.Sprintf("upstream: Spotify rate limit, retry after %s", e.Until.Format(time.RFC3339))
}

// RetryAfter is how long the caller should wait, at least a second.
func (e *RateLimitedError) RetryAfter(now time.Time) time.Duration {
	return max(e.Until.Sub(now).Round(time.Second), time.Second)
}

// Options size the cache.
type Options struct {
	TTL        time.Duration // how long a response is reused; default 5 minutes
	MaxEntries int           // across all users, least recently used evicted first; default 2048
	// FetchTimeout bounds one upstream call made on behalf of every waiter.
	FetchTimeout time.Duration // default 15 s
	Now          func() time.Time
}

// Cache is safe for concurrent use. Entries are keyed by user + resource, so
// one user's data is never served to another.
type Cache struct {
	opts Options

	mu      sync.Mutex
	entries map[string]*list.Element // key → element holding *entry
	lru     *list.List               // front = most recently used
	paused  map[string]userPause     // user → no upstream calls until
	calls   singleflight.Group

	hits, misses atomic.Uint64
}

// Stats are the lookups the cache answered and those it did not, so far.
func (c *Cache) Stats() (hits, misses uint64) { return c.hits.Load(), c.misses.Load() }

// userPause is a user's pause: until when, and whether their own share of
// the budget (rather than Spotify) asked for it.
type userPause struct {
	until time.Time
	share bool
}

type entry struct {
	key     string
	value   any
	expires time.Time
}

// New returns an empty cache.
func New(o Options) *Cache {
	if o.TTL == 0 {
		o.TTL = 5 * time.Minute
	}
	if o.MaxEntries == 0 {
		o.MaxEntries = 2048
	}
	if o.FetchTimeout == 0 {
		o.FetchTimeout = 15 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Cache{opts: o, entries: map[string]*list.Element{}, lru: list.New(), paused: map[string]userPause{}}
}

// Fetch returns the cached value for user+resource, or calls fetch once for
// all concurrent callers and caches a success. resource must name the
// endpoint and every parameter that changes its answer.
func Fetch[T any](ctx context.Context, c *Cache, user, resource string, fetch func(context.Context) (T, error)) (T, error) {
	return FetchFor(ctx, c, user, resource, c.opts.TTL, fetch)
}

// FetchFor is Fetch with its own TTL, for values derived from cached
// responses (an encoded analytic), which should not outlive them by much.
func FetchFor[T any](ctx context.Context, c *Cache, user, resource string, ttl time.Duration, fetch func(context.Context) (T, error)) (T, error) {
	var zero T
	key := user + "\x00" + resource
	if v, ok := c.lookup(key); ok {
		return v.(T), nil
	}
	if err := c.pausedFor(user); err != nil {
		return zero, err
	}
	ch := c.calls.DoChan(key, func() (any, error) {
		// One call serves every waiter: it must not die with the first
		// caller's request, but it has its own deadline.
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.opts.FetchTimeout)
		defer cancel()
		v, err := fetch(fctx)
		if err != nil {
			var se *spotify.Error
			if errors.As(err, &se) && se.Status == 429 {
				return nil, c.pause(user, se.RetryAfter, se.Message == shareSpentMessage)
			}
			return nil, err
		}
		c.store(key, v, ttl)
		return v, nil
	})
	select {
	case res := <-ch:
		if res.Err != nil {
			return zero, res.Err
		}
		return res.Val.(T), nil
	case <-ctx.Done():
		return zero, ctx.Err()
	}
}

func (c *Cache) lookup(key string) (any, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[key]
	if !ok {
		c.misses.Add(1)
		return nil, false
	}
	e := el.Value.(*entry)
	if !c.opts.Now().Before(e.expires) {
		c.lru.Remove(el)
		delete(c.entries, key)
		c.misses.Add(1)
		return nil, false
	}
	c.lru.MoveToFront(el)
	c.hits.Add(1)
	return e.value, true
}

func (c *Cache) store(key string, v any, ttl time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	exp := c.opts.Now().Add(ttl)
	if el, ok := c.entries[key]; ok {
		el.Value = &entry{key: key, value: v, expires: exp}
		c.lru.MoveToFront(el)
		return
	}
	c.entries[key] = c.lru.PushFront(&entry{key: key, value: v, expires: exp})
	for c.lru.Len() > c.opts.MaxEntries {
		last := c.lru.Back()
		c.lru.Remove(last)
		delete(c.entries, last.Value.(*entry).key)
	}
}

// pause records Spotify's Retry-After for user and returns the error every
// caller sees until it passes.
func (c *Cache) pause(user string, retryAfter time.Duration, share bool) error {
	if retryAfter <= 0 {
		retryAfter = time.Second
	}
	until := c.opts.Now().Add(retryAfter)
	c.mu.Lock()
	if p := c.paused[user]; until.After(p.until) {
		c.paused[user] = userPause{until: until, share: share}
	}
	p := c.paused[user]
	c.mu.Unlock()
	return &RateLimitedError{Until: p.until, Share: p.share}
}

func (c *Cache) pausedFor(user string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.paused[user]
	if !ok {
		return nil
	}
	if !c.opts.Now().Before(p.until) {
		delete(c.paused, user)
		return nil
	}
	return &RateLimitedError{Until: p.until, Share: p.share}
}

// Forget drops everything cached for user (logout, account deletion).
func (c *Cache) Forget(user string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	prefix := user + "\x00"
	for key, el := range c.entries {
		if len(key) >= len(prefix) && key[:len(prefix)] == prefix {
			c.lru.Remove(el)
			delete(c.entries, key)
		}
	}
	delete(c.paused, user)
}

// Len is the number of cached responses.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Len()
}
