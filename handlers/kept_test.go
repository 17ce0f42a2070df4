package handlers

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/euterpe-dev/euterpe/internal/testclock"
)

// TestWriteKept: an answer is made once per user and key while kept, once
// more for the other encoding, and a failure is not kept.
func TestWriteKept(t *testing.T) {
	h := &handler{kept: newKeptAnswers(testclock.Now)}
	made := 0
	page := []byte("<section>" + string(bytes.Repeat([]byte("a song "), 200)) + "</section>")
	build := func(context.Context) ([]byte, error) { made++; return page, nil }
	get := func(user string, gz bool) []byte {
		t.Helper()
		r := httptest.NewRequest(http.MethodGet, "/panels/x", nil)
		if gz {
			r.Header.Set("Accept-Encoding", "gzip")
		}
		w := httptest.NewRecorder()
		if err := h.writeKept(w, r, "text/html; charset=utf-8", user, "html/panels/x", build); err != nil {
			t.Fatal(err)
		}
		if (w.Header().Get("Content-Encoding") == "gzip") != gz || w.Header().Get("Content-Type") != "text/html; charset=utf-8" {
			t.Fatalf("headers %v", w.Header())
		}
		if !gz {
			return w.Body.Bytes()
		}
		zr, err := gzip.NewReader(w.Body)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(zr)
		return b
	}
	for range 3 {
		if !bytes.Equal(get("walt", true), page) {
			t.Fatal("the gzipped answer is not the page")
		}
	}
	if made != 1 {
		t.Errorf("made %d times for one user and key, want 1", made)
	}
	if !bytes.Equal(get("walt", false), page) || made != 2 {
		t.Errorf("plain: made %d times, want 2 (one per encoding)", made)
	}
	if get("ines", true); made != 3 {
		t.Errorf("another user: made %d times, want 3", made)
	}
	h.kept.Forget("walt")
	if get("walt", true); made != 4 {
		t.Errorf("after forgetting walt: made %d times, want 4", made)
	}
	boom := errors.New("spotify is down")
	r := httptest.NewRequest(http.MethodGet, "/panels/y", nil)
	fails := 0
	for range 2 {
		err := h.writeKept(httptest.NewRecorder(), r, "text/html", "walt", "html/panels/y", func(context.Context) ([]byte, error) { fails++; return nil, boom })
		if !errors.Is(err, boom) {
			t.Fatalf("err %v", err)
		}
	}
	if fails != 2 {
		t.Errorf("a failure was kept: made %d times, want 2", fails)
	}
}
