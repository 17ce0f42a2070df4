package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/euterpe-dev/euterpe/auth"
	"github.com/euterpe-dev/euterpe/database"
	"github.com/euterpe-dev/euterpe/history"
	"github.com/euterpe-dev/euterpe/imports"
	"github.com/euterpe-dev/euterpe/internal/testclock"
	"github.com/euterpe-dev/euterpe/spotify"
	"github.com/euterpe-dev/euterpe/spotifyexport"
	"github.com/euterpe-dev/euterpe/upstream"
)

// TestOneMappingOfErrors: every error a request can meet has one answer,
// wrapped or not; what is nobody's fault but ours is a 500 that is logged
// and never shows its cause; an outage is logged as a warning.
func TestOneMappingOfErrors(t *testing.T) {
	now := testclock.Now()
	var logs bytes.Buffer
	h := &handler{now: func() time.Time { return now }, log: slog.New(slog.NewTextHandler(&logs, nil))}
	for _, c := range []struct {
		err    error
		status int
		retry  int
		says   string
		warns  bool
	}{
		{database.ErrBusy, 503, busyRetryAfter, "busy", false},
		{&pgconn.ConnectError{}, 503, busyRetryAfter, "database is not answering", true},
		{&upstream.RateLimitedError{Until: now.Add(12 * time.Second)}, 429, 12, "Spotify asked Euterpe to slow down. Try again in 12 seconds.", false},
		{&upstream.RateLimitedError{Until: now.Add(time.Second), Share: true}, 429, 1, "keeps some for everyone else. Try again in 1 second.", false},
		{auth.ErrSpotifyUnavailable, 503, 0, "login service", false},
		{&spotify.Error{Status: 403}, 403, 0, "Logging out and in again", false},
		{&spotify.Error{Status: 404}, 502, 0, "could not find", false},
		{&spotify.Error{Status: 500}, 502, 0, "not answering properly", true},
		{spotify.ErrMalformed, 502, 0, "not answering properly", true},
		{context.DeadlineExceeded, 502, 0, "not answering properly", true},
		{context.Canceled, 503, 0, "cancelled", false},
		{&history.ParamError{Param: "from", Message: "must be a date"}, 400, 0, "from: must be a date.", false},
		{imports.ErrImportRunning, 409, 0, "already running", false},
		{imports.ErrUploadTooBig, 413, 0, fmt.Sprintf("larger than %d MB", imports.MaxUploadBytes>>20), false},
		{&http.MaxBytesError{Limit: 10}, 413, 0, "larger than", false},
		{imports.ErrUploadNotFound, 404, 0, "no longer in progress", false},
		{imports.ErrBadPiece, 400, 0, "went missing", false},
		{imports.ErrEmptyUpload, 400, 0, "Nothing was uploaded", false},
		{spotifyexport.ErrNotExport, 400, 0, "neither a zip nor a JSON file", false},
	} {
		for _, err := range []error{c.err, fmt.Errorf("somewhere: %w", c.err)} {
			logs.Reset()
			r := httptest.NewRequest(http.MethodGet, "/x", nil)
			p := h.explain(r, "doing it", err)
			if p.status != c.status || p.retryAfter != c.retry || !strings.Contains(p.message, c.says) || p.title == "" {
				t.Errorf("%v: %+v; want %d, retry %d, saying %q", err, p, c.status, c.retry, c.says)
			}
			if warned := strings.Contains(logs.String(), "level=WARN"); warned != c.warns {
				t.Errorf("%v: warned %v, want %v: %s", err, warned, c.warns, logs.String())
			}
			if strings.Contains(logs.String(), "level=ERROR") {
				t.Errorf("%v is the request's or an outage, not a fault: %s", err, logs.String())
			}
		}
	}

	// A fault of ours: a 500, logged, its cause never in the answer.
	logs.Reset()
	secret := errors.New("pq: relation euterpe.secret_table does not exist")
	w := httptest.NewRecorder()
	r := httptest.NewRequest(http.MethodGet, "/x", nil).WithContext(context.WithValue(context.Background(), jsonKey{}, true))
	h.fail(w, r, "could not read a thing", secret)
	var body map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || w.Code != 500 || body["error"] != "could not read a thing" {
		t.Errorf("a fault as JSON: %d %s", w.Code, w.Body)
	}
	if strings.Contains(w.Body.String(), "secret_table") || !strings.Contains(logs.String(), "level=ERROR") || !strings.Contains(logs.String(), "secret_table") {
		t.Errorf("the cause must be logged, not answered: %s / %s", w.Body, logs.String())
	}

	// The JSON API gets the one shape, with retry_after and the header
	// when waiting helps.
	w = httptest.NewRecorder()
	h.fail(w, r, "reading", fmt.Errorf("x: %w", database.ErrBusy))
	body = nil
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || w.Code != 503 || w.Header().Get("Retry-After") != "5" ||
		body["retry_after"] != float64(5) || body["error"] == "" || len(body) != 2 {
		t.Errorf("busy as JSON: %d %v %s", w.Code, w.Header(), w.Body)
	}
	w = httptest.NewRecorder()
	h.fail(w, r, "importing", imports.ErrImportRunning)
	body = nil
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || w.Code != 409 || w.Header().Get("Retry-After") != "" || len(body) != 1 {
		t.Errorf("a conflict as JSON: %d %v %s", w.Code, w.Header(), w.Body)
	}
}
