package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/euterpe-dev/euterpe/analytics"
	"github.com/euterpe-dev/euterpe/auth"
	"github.com/euterpe-dev/euterpe/database"
	"github.com/euterpe-dev/euterpe/history"
	"github.com/euterpe-dev/euterpe/imports"
	"github.com/euterpe-dev/euterpe/spotify"
	"github.com/euterpe-dev/euterpe/spotifyexport"
	"github.com/euterpe-dev/euterpe/upstream"
	"github.com/euterpe-dev/euterpe/views"
)

// problem is what an error means to the person whose request met it: the
// status, a heading and words for them, and when to try again.
type problem struct {
	status     int
	title      string // an error page's heading
	message    string // the words for the person, on a page, in a panel or as JSON
	retryAfter int    // seconds; 0 when trying again soon will not help
	// outage, when set, is logged as a warning: the request did nothing
	// wrong, but the operator wants to know (the database down, Spotify
	// answering badly).
	outage string
}

// problemOf is the one mapping from the errors a request can meet to what
// it answers. ok is false for an error that is nobody's fault but ours: a
// 500 whose cause is logged and never shown.
func (h *handler) problemOf(err error) (p problem, ok bool) {
	var rl *upstream.RateLimitedError
	var se *spotify.Error
	var pe *history.ParamError
	var tooBig *http.MaxBytesError
	const tryAgain = " Upload the zip Spotify sent you, or the JSON files in it."
	switch {
	case errors.Is(err, database.ErrBusy):
		// Back-pressure, not an outage: the pool logs refusals once a minute.
		return problem{http.StatusServiceUnavailable, "Busy for a moment",
			"Euterpe is busy for a moment. Try again in a few seconds.", busyRetryAfter, ""}, true
	case database.Unavailable(err):
		return problem{http.StatusServiceUnavailable, "Back in a moment",
			"The database is not answering right now. Try again in a moment.", busyRetryAfter, "database unavailable"}, true
	case errors.As(err, &rl):
		secs := max(1, int(rl.RetryAfter(h.now())/time.Second))
		why := "Spotify asked Euterpe to slow down."
		if rl.Share {
			why = "You have asked Spotify for a lot in the last half minute, and Euterpe keeps some for everyone else."
		}
		return problem{http.StatusTooManyRequests, "Slow down a little",
			why + " Try again in " + analytics.Count(secs, "second", "seconds") + ".", secs, ""}, true
	case errors.Is(err, auth.ErrSpotifyUnavailable):
		return problem{http.StatusServiceUnavailable, "Spotify did not answer",
			"Spotify's login service is not answering right now. Try again in a moment.", 0, ""}, true
	case errors.As(err, &se) && se.Status == http.StatusForbidden:
		return problem{http.StatusForbidden, "Not allowed by Spotify",
			"Spotify did not allow this for Euterpe. Logging out and in again grants the permissions it needs.", 0, ""}, true
	case errors.As(err, &se) && se.Status == http.StatusNotFound:
		return problem{http.StatusBadGateway, "Not on Spotify", "Spotify could not find this data.", 0, ""}, true
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &se), errors.Is(err, spotify.ErrMalformed):
		return problem{http.StatusBadGateway, "Spotify is not answering properly",
			"Spotify is not answering properly right now. Try again in a moment.", 0, "Spotify"}, true
	case errors.Is(err, context.Canceled):
		return problem{http.StatusServiceUnavailable, "Cancelled", "The request was cancelled.", 0, ""}, true
	case errors.As(err, &pe):
		return problem{http.StatusBadRequest, "Check the address", pe.Error() + ".", 0, ""}, true
	case errors.Is(err, imports.ErrImportRunning):
		return problem{http.StatusConflict, "An import is running",
			"An import is already running. A new one can start when it ends.", 0, ""}, true
	case errors.Is(err, imports.ErrUploadTooBig), errors.As(err, &tooBig):
		return problem{http.StatusRequestEntityTooLarge, "Too large",
			fmt.Sprintf("That upload is larger than %d MB. Spotify's zips are far smaller: upload the zip as Spotify sent it.", imports.MaxUploadBytes>>20), 0, ""}, true
	case errors.Is(err, imports.ErrUploadNotFound):
		return problem{http.StatusNotFound, "No such upload", "This upload is no longer in progress: start again.", 0, ""}, true
	case errors.Is(err, imports.ErrBadPiece):
		return problem{http.StatusBadRequest, "Part of the upload is missing",
			"Part of the upload went missing on the way: start again.", 0, ""}, true
	case errors.Is(err, imports.ErrEmptyUpload):
		return problem{http.StatusBadRequest, "Nothing was uploaded",
			"Nothing was uploaded. Choose the zip Spotify sent you, or the JSON files in it.", 0, ""}, true
	case errors.Is(err, spotifyexport.ErrNotExport):
		return problem{http.StatusBadRequest, "Not an export", "That is neither a zip nor a JSON file." + tryAgain, 0, ""}, true
	}
	return problem{}, false
}

// explain is err as a problem, logged: an outage as a warning, a fault of
// ours as an error (then the problem is a plain 500). what names what
// failed, attrs say more of it.
func (h *handler) explain(r *http.Request, what string, err error, attrs ...any) problem {
	p, ok := h.problemOf(err)
	args := append([]any{requestAttrs(r), "err", err}, attrs...)
	switch {
	case !ok:
		h.log.ErrorContext(r.Context(), what, args...)
		return problem{http.StatusInternalServerError, "Something went wrong",
			"Something went wrong on our side. Try again in a moment.", 0, ""}
	case p.outage != "":
		h.log.WarnContext(r.Context(), what+": "+p.outage, args...)
	}
	return p
}

// fail answers a request that met err: the login page when the user's
// grant is gone, else the problem err is, as JSON to the JSON API and as
// the error page to a browser. A fault of ours is a 500 whose JSON names
// only what failed (what, a fixed text); the cause is logged, never shown.
func (h *handler) fail(w http.ResponseWriter, r *http.Request, what string, err error) {
	if errors.Is(err, auth.ErrLoginRequired) {
		h.loginRequired(w, r)
		return
	}
	h.answer(w, r, what, h.explain(r, what, err))
}

// answer answers p, explained already (what as in fail).
func (h *handler) answer(w http.ResponseWriter, r *http.Request, what string, p problem) {
	if p.status == http.StatusInternalServerError {
		if wantsJSON(r) {
			writeJSON(w, http.StatusInternalServerError, errorJSON{Error: what})
			return
		}
		h.render.errorPage(w, r, errInternal)
		return
	}
	if p.status == http.StatusBadRequest {
		h.badRequest(w, r, p.message)
		return
	}
	if wantsJSON(r) {
		writeProblemJSON(w, p)
		return
	}
	setRetryAfter(w, p)
	h.render.errorPage(w, r, views.ErrorInfo{Status: p.status, Title: p.title, Message: p.message,
		ActionURL: "/", ActionLabel: "Back to your dashboard"})
}

// writeProblemJSON answers p in the one shape of a JSON error, with
// retry_after (and the header) when trying again later helps.
func writeProblemJSON(w http.ResponseWriter, p problem) {
	setRetryAfter(w, p)
	if p.retryAfter > 0 {
		writeJSON(w, p.status, retryJSON{Error: p.message, RetryAfter: p.retryAfter})
		return
	}
	writeJSON(w, p.status, errorJSON{Error: p.message})
}

func setRetryAfter(w http.ResponseWriter, p problem) {
	if p.retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(p.retryAfter))
	}
}
