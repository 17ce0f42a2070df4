package handlers

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/a-h/templ"

	"github.com/euterpe-dev/euterpe/auth"
	"github.com/euterpe-dev/euterpe/views"
)

// renderer is the one way HTML leaves the app. An HTMX request (not a
// boosted navigation) gets the fragment alone; anything else gets it inside
// the layout. Both paths render the same component, into a buffer first, so
// a failed render becomes a clean error page rather than half a page.
type renderer struct {
	log  *slog.Logger
	demo bool
	now  func() time.Time
}

// signInWarning is how long before a user's Spotify sign-in runs out every
// page starts asking them to sign in again.
const signInWarning = 14 * 24 * time.Hour

// isHTMX reports whether r wants a fragment.
func isHTMX(r *http.Request) bool {
	return r.Header.Get("HX-Request") == "true" && r.Header.Get("HX-Boosted") != "true"
}

// pageFor fills the layout's data for this request.
func (rd *renderer) pageFor(r *http.Request, title string) views.Page {
	p := views.Page{Title: title, Demo: rd.demo}
	if pr := principalFrom(r.Context()); pr != nil {
		p.User = &views.NavUser{Name: pr.DisplayName}
		if !pr.AuthorizedAt.IsZero() {
			if ends := pr.AuthorizedAt.Add(auth.RefreshTokenLifetime); !rd.now().Before(ends.Add(-signInWarning)) {
				p.SignInBy = ends.UTC()
			}
		}
	}
	return p
}

// fragment renders c alone for HTMX and inside the layout otherwise.
func (rd *renderer) fragment(w http.ResponseWriter, r *http.Request, status int, p views.Page, c templ.Component) {
	if isHTMX(r) {
		rd.write(w, r, status, c)
		return
	}
	rd.write(w, r, status, templ.ComponentFunc(func(ctx context.Context, w2 io.Writer) error {
		return views.Layout(p).Render(templ.WithChildren(ctx, c), w2)
	}))
}

func (rd *renderer) write(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	var buf bytes.Buffer
	if err := c.Render(r.Context(), &buf); err != nil {
		rd.log.ErrorContext(r.Context(), "render failed", requestAttrs(r), "err", err)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte("Something went wrong on our side. Please try again.\n"))
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Add("Vary", "HX-Request")
	// Pages show one person's listening: never cached, so the back button
	// after logout cannot bring them back.
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// errorPage answers with a friendly page in the app's layout (a fragment for
// HTMX), never with raw error text.
func (rd *renderer) errorPage(w http.ResponseWriter, r *http.Request, e views.ErrorInfo) {
	rd.write(w, r, e.Status, views.ErrorPage(rd.pageFor(r, e.Title), e))
}

// The error pages, with words a person can act on.
var (
	errInternal = views.ErrorInfo{Status: http.StatusInternalServerError, Title: "Something went wrong",
		Message: "That one is on us. Please try again in a moment.", ActionURL: "/", ActionLabel: "Back to your dashboard"}
	errNotFound = views.ErrorInfo{Status: http.StatusNotFound, Title: "Page not found",
		Message: "There is nothing at this address.", ActionURL: "/", ActionLabel: "Go to your dashboard"}
	errMethod = views.ErrorInfo{Status: http.StatusMethodNotAllowed, Title: "Not allowed",
		Message: "This address does not accept that kind of request.", ActionURL: "/", ActionLabel: "Go to your dashboard"}
	errForbidden = views.ErrorInfo{Status: http.StatusForbidden, Title: "Request refused",
		Message: "This request came from another site, so it was refused to protect your account.", ActionURL: "/", ActionLabel: "Go to your dashboard"}
	errUnknownRange = views.ErrorInfo{Status: http.StatusBadRequest, Title: "Unknown time range",
		Message: "The range " + rangeChoices + ".", ActionURL: "/", ActionLabel: "Back to your dashboard"}
	errTooMany = views.ErrorInfo{Status: http.StatusTooManyRequests, Title: "Slow down a little",
		Message: "That was a lot of requests in a short time. Please wait a minute and try again.", ActionURL: "/", ActionLabel: "Back to your dashboard"}
)
