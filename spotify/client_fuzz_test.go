package spotify

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
)

// fixedResponse answers every request with one canned response.
type fixedResponse struct {
	status     int
	retryAfter string
	body       string
}

func (f fixedResponse) RoundTrip(r *http.Request) (*http.Response, error) {
	h := http.Header{"Content-Type": {"application/json"}}
	if f.retryAfter != "" {
		h.Set("Retry-After", f.retryAfter)
	}
	return &http.Response{StatusCode: f.status, Header: h, Body: io.NopCloser(strings.NewReader(f.body)), Request: r}, nil
}

// FuzzClientResponse feeds the Web API client whatever Spotify (or a proxy
// in front of it) might answer: any status, any Retry-After, any body. The
// client must not panic; an error status becomes an *Error with that status,
// and a Retry-After only on a 429, bounded to MaxRetryAfter; a 2xx it cannot
// decode is ErrMalformed. It also walks pages, where a body's "next" link
// must never take the user's token outside the API.
func FuzzClientResponse(f *testing.F) {
	f.Add(200, "", `{"items":[{"id":"t1","name":"Song"}],"total":1,"next":null}`)
	f.Add(429, "30", `{"error":{"status":429,"message":"API rate limit exceeded"}}`)
	f.Add(429, "Wed, 21 Oct 2015 07:28:00 GMT", ``)
	f.Add(429, "-1", `{"error":`)
	f.Add(429, "99999999999999999999", `<html>busy</html>`)
	f.Add(503, "", `<html><body>Service Unavailable</body></html>`)
	f.Add(401, "", `{"error":{"status":401,"message":"The access token expired"}}`)
	f.Add(200, "", `{"items":[{"id":"p"}],"next":"https://evil.example/v1/me/playlists?offset=50"}`)
	f.Add(200, "", `{"items":null,"next":null}`)
	f.Add(204, "", ``)
	f.Fuzz(func(t *testing.T, status int, retryAfter, body string) {
		if status < 200 || status > 599 {
			status = 200 + (status%400+400)%400
		}
		hc := &http.Client{Transport: fixedResponse{status: status, retryAfter: retryAfter, body: body}}
		c := NewClient(hc, "https://api.test/v1", func(context.Context, bool) (string, error) { return "token", nil }, nil)
		ctx := context.Background()

		_, err := c.TopTracks(ctx, ShortTerm, 50)
		checkClientError(t, status, err)
		_, err = c.MyPlaylists(ctx)
		checkClientError(t, status, err)
	})
}

func checkClientError(t *testing.T, status int, err error) {
	t.Helper()
	var se *Error
	switch {
	case status >= 300:
		if !errors.As(err, &se) || se.Status != status {
			t.Fatalf("status %d gave %v, want *Error with that status", status, err)
		}
		if status == http.StatusTooManyRequests {
			if se.RetryAfter < 0 || se.RetryAfter > MaxRetryAfter {
				t.Fatalf("Retry-After became %s", se.RetryAfter)
			}
		} else if se.RetryAfter != 0 {
			t.Fatalf("status %d carries a Retry-After %s", status, se.RetryAfter)
		}
	case err != nil && !errors.Is(err, ErrMalformed) && !strings.Contains(err.Error(), "more than"):
		t.Fatalf("status %d: %v, want success or ErrMalformed", status, err)
	}
}
