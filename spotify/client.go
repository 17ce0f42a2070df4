package spotify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"
)

// maxResponseBytes bounds what one Web API answer may take in memory; the
// largest real page (50 full track objects) is well under 1 MiB.
const maxResponseBytes = 8 << 20

// ErrMalformed means Spotify answered 2xx with a body that is not the JSON
// the endpoint documents.
var ErrMalformed = errors.New("spotify: malformed response")

// TokenFunc supplies the access token for a call. force asks for a new one
// (the previous was refused with 401), at most once per call.
type TokenFunc func(ctx context.Context, force bool) (string, error)

// Client calls the Web API for one user.
type Client struct {
	http     *http.Client
	base     string
	token    TokenFunc
	rejected func(context.Context) error
}

// NewClient returns a client for the API at baseURL (e.g.
// https://api.spotify.com/v1), authorised by token. rejected, when not nil,
// is called when Spotify refuses even a freshly refreshed token (the grant
// is gone), and its error is returned instead of the 401.
func NewClient(httpClient *http.Client, baseURL string, token TokenFunc, rejected func(context.Context) error) *Client {
	return &Client{http: httpClient, base: strings.TrimRight(baseURL, "/"), token: token, rejected: rejected}
}

// Me is GET /me.
func (c *Client) Me(ctx context.Context) (User, error) {
	var u User
	return u, c.get(ctx, "/me", nil, &u)
}

// TopTracks is GET /me/top/tracks for one range, up to 50 (Spotify's page
// size limit).
func (c *Client) TopTracks(ctx context.Context, tr TimeRange, limit int) (Page[Track], error) {
	var p Page[Track]
	return p, c.get(ctx, "/me/top/tracks", topQuery(tr, limit), &p)
}

// TopArtists is GET /me/top/artists for one range.
func (c *Client) TopArtists(ctx context.Context, tr TimeRange, limit int) (Page[Artist], error) {
	var p Page[Artist]
	return p, c.get(ctx, "/me/top/artists", topQuery(tr, limit), &p)
}

func topQuery(tr TimeRange, limit int) url.Values {
	return url.Values{"time_range": {string(tr)}, "limit": {strconv.Itoa(limit)}}
}

// RecentlyPlayed is GET /me/player/recently-played: the last limit plays.
func (c *Client) RecentlyPlayed(ctx context.Context, limit int) (CursorPage[PlayHistory], error) {
	var p CursorPage[PlayHistory]
	return p, c.get(ctx, "/me/player/recently-played", url.Values{"limit": {strconv.Itoa(limit)}}, &p)
}

// RecentlyPlayedAfter is GET /me/player/recently-played?after=: the plays
// after the Unix time afterMS (exclusive), newest first, at most limit (50)
// — and only those still among the last 50, which is all Spotify keeps.
// afterMS 0 asks for the newest plays.
func (c *Client) RecentlyPlayedAfter(ctx context.Context, afterMS int64, limit int) (CursorPage[PlayHistory], error) {
	q := url.Values{"limit": {strconv.Itoa(limit)}}
	if afterMS > 0 {
		q.Set("after", strconv.FormatInt(afterMS, 10))
	}
	var p CursorPage[PlayHistory]
	return p, c.get(ctx, "/me/player/recently-played", q, &p)
}

// SearchLimit is the most results GET /search gives a page (since 2026).
const SearchLimit = 10

// SearchTracks is GET /search?type=track for a title by an artist (empty
// for any artist): up to SearchLimit tracks, the closest first. Quotes in
// the names are dropped, since they would end Spotify's filter phrases.
func (c *Client) SearchTracks(ctx context.Context, title, artist string) ([]Track, error) {
	phrase := func(field, v string) string {
		v = strings.Join(strings.Fields(strings.ReplaceAll(v, `"`, " ")), " ")
		if v == "" {
			return ""
		}
		return field + `:"` + v + `"`
	}
	q := strings.TrimSpace(phrase("track", title) + " " + phrase("artist", artist))
	if q == "" {
		return nil, nil
	}
	var res struct {
		Tracks Page[Track] `json:"tracks"`
	}
	err := c.get(ctx, "/search", url.Values{"q": {q}, "type": {"track"}, "limit": {strconv.Itoa(SearchLimit)}}, &res)
	return res.Tracks.Items, err
}

// MyPlaylists reads every page of GET /me/playlists.
func (c *Client) MyPlaylists(ctx context.Context) ([]SimplifiedPlaylist, error) {
	return allPages[SimplifiedPlaylist](ctx, c, "/me/playlists", url.Values{}, 0)
}

// PlaylistItems reads every page of GET /playlists/{id}/items, not just the
// first. total is the item count the playlist object announced (0 when
// unknown): with it, every page is requested at once.
func (c *Client) PlaylistItems(ctx context.Context, playlistID string, total int) ([]PlaylistItem, error) {
	q := url.Values{"fields": {"items(item(id,type,is_local),track(id,type,is_local)),next,total,limit,offset,href,previous"}}
	return allPages[PlaylistItem](ctx, c, "/playlists/"+url.PathEscape(playlistID)+"/items", q, total)
}

const (
	// pageLimit is Spotify's largest page for these endpoints.
	pageLimit = 50
	// maxPages bounds a walk, whatever total a server claims.
	maxPages = 200
	// pageFanOut is how many pages of one list are requested at a time.
	pageFanOut = 8
)

// allPages reads a paged list by offset, the pages in parallel: in one wave
// when the total is known beforehand, otherwise after the first page has
// told it. A server that sends fewer items than it announced ends the list
// early rather than looping.
func allPages[T any](ctx context.Context, c *Client, path string, q url.Values, total int) ([]T, error) {
	pageURL := func(offset int) string {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set("limit", strconv.Itoa(pageLimit))
		v.Set("offset", strconv.Itoa(offset))
		return c.base + path + "?" + v.Encode()
	}
	var first []T
	start := 0
	if total <= 0 {
		var p Page[T]
		if err := c.getURL(ctx, pageURL(0), &p); err != nil {
			return nil, err
		}
		if p.Total <= len(p.Items) || len(p.Items) == 0 {
			return p.Items, nil
		}
		first, total, start = p.Items, p.Total, 1
	}
	pages := min((total+pageLimit-1)/pageLimit, maxPages)
	results := make([][]T, pages)
	if start == 1 {
		results[0] = first
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(pageFanOut)
	for i := start; i < pages; i++ {
		g.Go(func() error {
			var p Page[T]
			if err := c.getURL(gctx, pageURL(i*pageLimit), &p); err != nil {
				return err
			}
			results[i] = p.Items // each goroutine its own index
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	all := make([]T, 0, total)
	for _, r := range results {
		all = append(all, r...)
	}
	return all, nil
}

func (c *Client) get(ctx context.Context, path string, q url.Values, into any) error {
	u := c.base + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return c.getURL(ctx, u, into)
}

// getURL performs one GET with the user's token. A 401 gets one retry with a
// fresh token; whatever the second answer is, it is final.
func (c *Client) getURL(ctx context.Context, rawURL string, into any) error {
	if !strings.HasPrefix(rawURL, c.base+"/") {
		// A "next" link pointing elsewhere would carry the user's token there.
		return fmt.Errorf("%w: paging link outside the API", ErrMalformed)
	}
	return c.call(ctx, http.MethodGet, rawURL, nil, into)
}

// call makes one request with the user's token (a JSON body when payload
// is not nil). A 401 gets one retry with a fresh token: Spotify did nothing
// with a refused call, so sending it again is safe even for a write;
// whatever the second answer is, it is final.
func (c *Client) call(ctx context.Context, method, rawURL string, payload []byte, into any) error {
	for attempt := 0; ; attempt++ {
		tok, err := c.token(ctx, attempt > 0)
		if err != nil {
			return err
		}
		err = c.do(ctx, method, rawURL, tok, payload, into)
		var apiErr *Error
		if errors.As(err, &apiErr) && apiErr.Status == http.StatusUnauthorized {
			if attempt == 0 {
				continue
			}
			if c.rejected != nil {
				return c.rejected(ctx)
			}
		}
		return err
	}
}

// do sends one request and decodes the answer into into (nil: the answer's
// body is not read for data).
func (c *Client) do(ctx context.Context, method, rawURL, token string, payload []byte, into any) error {
	var body io.Reader
	if payload != nil {
		body = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, method, rawURL, body)
	if err != nil {
		return fmt.Errorf("spotify: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "application/json")
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("spotify: request failed: %w", redactURLError(err))
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, maxResponseBytes+1))
	if err != nil {
		return fmt.Errorf("spotify: reading response: %w", err)
	}
	if len(b) > maxResponseBytes {
		return fmt.Errorf("%w: larger than %d bytes", ErrMalformed, maxResponseBytes)
	}
	if res.StatusCode >= 300 {
		return responseError(res, b)
	}
	if into == nil {
		return nil
	}
	if err := json.Unmarshal(b, into); err != nil {
		return fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	return nil
}

// responseError reads Spotify's {"error":{"status","message"}} envelope,
// falling back to the HTTP status when the body is something else (a proxy's
// HTML page, say).
func responseError(res *http.Response, body []byte) error {
	var env ErrorResponse
	e := &Error{Status: res.StatusCode}
	if json.Unmarshal(body, &env) == nil && env.Error.Message != "" {
		e.Message = env.Error.Message
	} else {
		e.Message = http.StatusText(res.StatusCode)
	}
	if res.StatusCode == http.StatusTooManyRequests {
		e.RetryAfter = ParseRetryAfter(res.Header.Get("Retry-After"))
	}
	return e
}

// MaxRetryAfter caps a Retry-After: Spotify's QUOTA_EXCEEDED answers may
// ask for hours, but nothing it sends should silence an app for days.
const MaxRetryAfter = 24 * time.Hour

// ParseRetryAfter reads seconds (what Spotify sends) or an HTTP date, and
// falls back to a minute when the header is missing or nonsense.
func ParseRetryAfter(v string) time.Duration {
	if s, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && s >= 0 {
		// Compared in seconds first: a huge value would overflow a Duration.
		return time.Duration(min(s, int(MaxRetryAfter/time.Second))) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return min(d, MaxRetryAfter)
		}
		return 0
	}
	return time.Minute
}

// redactURLError drops the URL from a transport error: the message stays
// useful in logs without carrying query strings around.
func redactURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: %w", ue.Op, ue.Err)
	}
	return err
}
