package handlers

import (
	"net/http"
	"time"

	"github.com/euterpe-dev/euterpe/history"
)

// historyJSON is the History page's data in one answer, for the same
// parameters: totals, the top tracks, artists and albums, every day of the
// range, the listening clock and the sessions.
type historyJSONBody struct {
	TimeZone string           `json:"time_zone"`
	From     string           `json:"from"`
	To       string           `json:"to"`
	Totals   history.Totals   `json:"totals"`
	Top      historyTopJSON   `json:"top"`
	Days     []history.Day    `json:"days"`
	Clock    history.Clock    `json:"clock"`
	Sessions history.Sessions `json:"sessions"`
}

type historyTopJSON struct {
	Tracks  history.TopList `json:"tracks"`
	Artists history.TopList `json:"artists"`
	Albums  history.TopList `json:"albums"`
}

// historyJSON serves /history.json?period=…|from=…&to=…[&by=plays|minutes].
func (h *handler) historyJSON(w http.ResponseWriter, r *http.Request) {
	p := principalFrom(r.Context())
	ctx := r.Context()
	v, _, err := h.history.ViewFor(ctx, p.UserID, r.URL.Query())
	if err != nil {
		h.historyError(w, r, err)
		return
	}
	by, err := history.ParseMeasure(r.URL.Query())
	if err != nil {
		h.historyError(w, r, err)
		return
	}
	body := historyJSONBody{TimeZone: v.Span.Loc.String(), From: v.Span.From.Format(time.DateOnly), To: v.Span.To.Format(time.DateOnly)}
	fail := func(err error) { h.historyError(w, r, err) }
	if body.Totals, err = h.history.Totals(ctx, v); err != nil {
		fail(err)
		return
	}
	for _, t := range []struct {
		kind history.Kind
		into *history.TopList
	}{{history.Tracks, &body.Top.Tracks}, {history.Artists, &body.Top.Artists}, {history.Albums, &body.Top.Albums}} {
		if *t.into, err = h.history.Top(ctx, v, t.kind, by, history.TopLimit); err != nil {
			fail(err)
			return
		}
	}
	if body.Days, err = h.history.Days(ctx, p.UserID, v.Span.From, v.Span.To); err != nil {
		fail(err)
		return
	}
	if body.Clock, err = h.history.ClockFor(ctx, v); err != nil {
		fail(err)
		return
	}
	if body.Sessions, err = h.history.SessionsFor(ctx, v, 10); err != nil {
		fail(err)
		return
	}
	writeJSON(w, http.StatusOK, body)
}
