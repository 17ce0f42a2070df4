package handlers

import (
	"errors"
	"net/http"

	"github.com/euterpe-dev/euterpe/export"
	"github.com/euterpe-dev/euterpe/history"
	"github.com/euterpe-dev/euterpe/panels"
	"github.com/euterpe-dev/euterpe/views"
)

// showHistory is the History page: a range of days (a preset or
// ?from=&to=) and its panels. ?format=csv|json answers the listens of the
// range as a file instead (as /export/history.csv does the whole history).
func (h *handler) showHistory(w http.ResponseWriter, r *http.Request) {
	format, ok := h.exportFormat(w, r)
	if !ok {
		return
	}
	in, zone, ok := h.historyInput(w, r)
	if !ok {
		return
	}
	if format != export.HTML {
		span := in.View.Span
		h.streamHistory(w, r, format, export.Span{From: span.Start(), To: span.End()}, zone.Loc, "history-"+spanName(span))
		return
	}
	status, err := h.history.CollectionFor(r.Context(), in.View.UserID)
	if err != nil {
		h.fail(w, r, "history: read collection state", err)
		return
	}
	page := h.render.pageFor(r, "Your history")
	page.Section = views.SectionHistory
	h.render.write(w, r, http.StatusOK, views.HistoryPage(page, panels.HistoryPage(in, zone, status)))
}

// historyInput reads a History request's range (in the user's zone) and
// panel parameters; on bad input it has answered already.
func (h *handler) historyInput(w http.ResponseWriter, r *http.Request) (panels.HistoryInput, history.Zone, bool) {
	p := principalFrom(r.Context())
	v, zone, err := h.history.ViewFor(r.Context(), p.UserID, r.URL.Query())
	if err == nil {
		var in panels.HistoryInput
		if in, err = panels.ParseHistoryInput(h.history, v, r.URL.Query()); err == nil {
			return in, zone, true
		}
	}
	h.historyError(w, r, err)
	return panels.HistoryInput{}, zone, false
}

// historyError answers a History request that failed: 400 naming the
// parameter for bad input, 404 for an unknown item, 500 otherwise.
func (h *handler) historyError(w http.ResponseWriter, r *http.Request, err error) {
	var pe *history.ParamError
	switch {
	case errors.As(err, &pe):
		if wantsJSON(r) {
			writeJSON(w, http.StatusBadRequest, errorJSON{Error: pe.Error()})
			return
		}
		h.render.errorPage(w, r, views.ErrorInfo{Status: http.StatusBadRequest, Title: "Check the address",
			Message: pe.Error() + ".", ActionURL: "/history", ActionLabel: "Back to your history"})
	case errors.Is(err, history.ErrNoSuchItem):
		h.render.errorPage(w, r, views.ErrorInfo{Status: http.StatusNotFound, Title: "Not in your history",
			Message: "There is no such track, artist or album.", ActionURL: "/history", ActionLabel: "Back to your history"})
	default:
		h.fail(w, r, "history failed", err)
	}
}
