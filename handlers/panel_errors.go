package handlers

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/euterpe-dev/euterpe/analytics"
	"github.com/euterpe-dev/euterpe/auth"
	"github.com/euterpe-dev/euterpe/database"
	"github.com/euterpe-dev/euterpe/export"
	"github.com/euterpe-dev/euterpe/spotify"
	"github.com/euterpe-dev/euterpe/upstream"
	"github.com/euterpe-dev/euterpe/views"
)

// failure is why a panel could not load, in words for the user, with the
// status a non-HTMX client gets and, for a rate limit, when to retry.
type failure struct {
	message    string
	status     int
	retryAfter int // seconds; 0 when not a rate limit
}

// panelFailed answers a panel whose data could not load: the login page
// when the grant is gone, the reason as a file's error when a download was
// asked for, else the panel's error state (with a 200 to htmx, which swaps
// only 2xx answers: the error state is content too).
func (h *handler) panelFailed(w http.ResponseWriter, r *http.Request, page views.Page, format export.Format, id string, ref views.PanelRef, err error) {
	if errors.Is(err, auth.ErrLoginRequired) {
		h.loginRequired(w, r)
		return
	}
	f := h.explain(r, id, err)
	if format != export.HTML {
		exportFailed(w, f.status, f.message)
		return
	}
	status := f.status
	if isHTMX(r) {
		status = http.StatusOK
	}
	h.render.fragment(w, r, status, page, views.PanelError(ref, f.message))
}

// explain turns a panel's load error into a failure. Causes that are not
// Spotify's or the user's are logged.
func (h *handler) explain(r *http.Request, panelID string, err error) failure {
	var rl *upstream.RateLimitedError
	var se *spotify.Error
	switch {
	case errors.As(err, &rl):
		secs := int(rl.RetryAfter(h.now()) / time.Second)
		why := "Spotify asked Euterpe to slow down."
		if rl.Share {
			why = "You have asked Spotify for a lot in the last half minute, and Euterpe keeps some for everyone else."
		}
		return failure{why + " Try again in " + analytics.Count(secs, "second", "seconds") + ".", http.StatusTooManyRequests, secs}
	case errors.Is(err, auth.ErrSpotifyUnavailable):
		return failure{"Spotify's login service is not answering right now. Try again in a moment.", http.StatusServiceUnavailable, 0}
	case errors.As(err, &se) && se.Status == http.StatusForbidden:
		return failure{"Spotify did not allow this for Euterpe. Logging out and in again grants the permissions it needs.", http.StatusForbidden, 0}
	case errors.As(err, &se) && se.Status == http.StatusNotFound:
		return failure{"Spotify could not find this data.", http.StatusBadGateway, 0}
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &se), errors.Is(err, spotify.ErrMalformed):
		h.log.WarnContext(r.Context(), "panel failed: Spotify", requestAttrs(r), "panel", panelID, "err", err)
		return failure{"Spotify is not answering properly right now. Try again in a moment.", http.StatusBadGateway, 0}
	case database.Unavailable(err):
		return failure{"Euterpe is busy for a moment. Try again in a few seconds.", http.StatusServiceUnavailable, 0}
	case errors.Is(err, context.Canceled):
		return failure{"The request was cancelled.", http.StatusServiceUnavailable, 0}
	default:
		h.log.ErrorContext(r.Context(), "panel failed", requestAttrs(r), "panel", panelID, "err", err)
		return failure{"Something went wrong on our side. Try again in a moment.", http.StatusInternalServerError, 0}
	}
}
