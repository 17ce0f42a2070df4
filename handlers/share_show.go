package handlers

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"

	"github.com/euterpe-dev/euterpe/social"
	"github.com/euterpe-dev/euterpe/upstream"
	"github.com/euterpe-dev/euterpe/views"
)

// A share page is rendered at most once a sharedPageTTL per link and
// process: a link sent to a group chat is opened by many at once. The link
// itself is looked up at every request, so a revoked link is gone at once.
const (
	sharedPageTTL     = time.Minute
	sharedPagesCached = 512
)

// showShared is a share link's public page, /s/{token}. It runs outside
// the session: the page is the same for whoever opens it, and it is built
// only from what Euterpe has stored about the link's owner — no Spotify
// client or token is within its reach.
func (h *handler) showShared(k *socialKit, pages *upstream.Cache, limits *shareLimits) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		noIndex(w)
		token := chi.URLParam(r, "token")
		if !limits.allow(w, r, token) {
			h.sharedPage(w, r, http.StatusTooManyRequests, views.SharedTooMany(h.render.demo))
			return
		}
		opened, err := k.shares.Open(r.Context(), token)
		if errors.Is(err, social.ErrNotFound) {
			if limits.misses.missed(w, r) {
				h.sharedPage(w, r, http.StatusTooManyRequests, views.SharedTooMany(h.render.demo))
				return
			}
			h.sharedPage(w, r, http.StatusNotFound, views.SharedNotFound(h.render.demo))
			return
		}
		if err == nil {
			var body []byte
			// The owner's name is the one thing that may change under a
			// link: a new one is a new page.
			body, err = upstream.FetchFor(r.Context(), pages, opened.ID.String(), "page\x00"+opened.OwnerName, sharedPageTTL,
				func(ctx context.Context) ([]byte, error) {
					v, err := k.reader.Load(ctx, opened)
					if err != nil {
						return nil, err
					}
					var buf bytes.Buffer
					err = views.SharedView(views.SharedPage{Demo: h.render.demo, View: v}).Render(ctx, &buf)
					return buf.Bytes(), err
				})
			if err == nil {
				writeHTML(w, http.StatusOK, body)
				return
			}
		}
		p := h.explain(r, "share page failed", err)
		setRetryAfter(w, p)
		h.sharedPage(w, r, p.status, views.SharedUnavailable(h.render.demo))
	}
}

// sharedPage renders one of the share pages' own states.
func (h *handler) sharedPage(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	var buf bytes.Buffer
	if err := c.Render(r.Context(), &buf); err != nil {
		h.log.ErrorContext(r.Context(), "render failed", requestAttrs(r), "err", err)
		status = http.StatusInternalServerError
		buf.Reset()
		buf.WriteString("Something went wrong on our side. Please try again.\n")
	}
	writeHTML(w, status, buf.Bytes())
}

// writeHTML answers a page already rendered. Never stored by the browser or
// anything between: a revoked link must not live on in a cache.
func writeHTML(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
