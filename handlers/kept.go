package handlers

import (
	"bytes"
	"compress/gzip"
	"context"
	"net/http"
	"time"

	"github.com/euterpe-dev/euterpe/upstream"
)

// A warm dashboard answer is made from data already cached (Spotify's
// lists, the moves), so it is kept made: a panel's fragment or a JSON
// twin, gzipped for the clients that take gzip (every browser), per user
// for keptTTL. A warm panel is then the session's lookup and a copy: no
// analytic, no rendering, no compression (issue 23).
//
// The kept answers have a cache of their own: in upstream's they would
// evict the Spotify responses, and cost quota.
const (
	// keptTTL is how long an answer is kept: as long as the JSON twins'
	// encoding (panels' encodedTTL), well within the lists' 5 minutes.
	keptTTL = 30 * time.Second
	// keptMax bounds the answers kept across users: a gzipped panel is
	// 1–10 kB, so a few MB at most.
	keptMax = 1024
)

func newKeptAnswers(now func() time.Time) *upstream.Cache {
	return upstream.New(upstream.Options{TTL: keptTTL, MaxEntries: keptMax, Now: now})
}

// writeKept answers 200 with the body build gives, kept for user under key
// (which must name everything the body depends on besides the user): the
// gzipped body to a client that takes gzip, the plain one otherwise (chi's
// compressor leaves an answer with a Content-Encoding alone). An error of
// build is returned, and nothing written.
func (h *handler) writeKept(w http.ResponseWriter, r *http.Request, contentType, user, key string, build func(context.Context) ([]byte, error)) error {
	gz := acceptsGzip(r.Header)
	if gz {
		key = "gzip\x00" + key
	}
	body, err := upstream.FetchFor(r.Context(), h.kept, user, key, keptTTL, func(ctx context.Context) ([]byte, error) {
		b, err := build(ctx)
		if err != nil || !gz {
			return b, err
		}
		var buf bytes.Buffer
		zw, err := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
		if err != nil {
			return nil, err
		}
		if _, err := zw.Write(b); err != nil {
			return nil, err
		}
		if err := zw.Close(); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	})
	if err != nil {
		return err
	}
	hd := w.Header()
	hd.Set("Content-Type", contentType)
	hd.Set("Cache-Control", "no-store")
	hd.Add("Vary", "Accept-Encoding")
	if gz {
		hd.Set("Content-Encoding", "gzip")
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
	return nil
}

// forget drops what is cached for user, the Spotify responses and the
// answers kept (a logout, the account deleted).
func (h *handler) forget(user string) {
	h.source.Cache().Forget(user)
	h.kept.Forget(user)
}

// playlistsChanged forgets the user's playlists and what was made from
// them, once Euterpe wrote a playlist to their account: the playlist panel
// and its JSON twin show it at once (in this process).
func (h *handler) playlistsChanged(user string) {
	h.source.PlaylistsChanged(user)
	var kept []string
	for _, k := range []string{"json/top_playlists", "html/panels/top-playlists"} {
		kept = append(kept, k, "gzip\x00"+k)
	}
	h.kept.ForgetResources(user, kept...)
}
