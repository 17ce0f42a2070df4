package handlers

import (
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/euterpe-dev/euterpe/panels"
	"github.com/euterpe-dev/euterpe/spotify"
	"github.com/euterpe-dev/euterpe/views"
)

// limitedMessage is what a panel says when its user's requests are over the
// limit for the minute.
const limitedMessage = "You have made a lot of requests in the last minute. Try again in a minute."

// limitedPanel answers an htmx panel request refused by the per-user limit
// with that panel's own error state and retry button (200: htmx swaps only
// 2xx), as any other failure of a panel. It reports whether it answered.
func (h *handler) limitedPanel(w http.ResponseWriter, r *http.Request) bool {
	if !isHTMX(r) {
		return false
	}
	id := chi.URLParam(r, "panel")
	switch {
	case strings.HasPrefix(r.URL.Path, "/panels/"):
		return limitedRanged(h, w, r, panels.Dashboard(), id, func(tr spotify.TimeRange) panels.DashboardInput {
			return panels.DashboardInput{Range: tr}
		})
	case strings.HasPrefix(r.URL.Path, "/trends/panels/"):
		return limitedRanged(h, w, r, panels.Trends(), id, func(tr spotify.TimeRange) panels.TrendInput {
			return panels.TrendInput{Range: tr}
		})
	case strings.HasPrefix(r.URL.Path, "/history/panels/"):
		p, ok := panels.History().Lookup(id)
		if !ok {
			return false
		}
		// Reading the range costs one query; a bad one answers as usual.
		in, _, ok := h.historyInput(w, r)
		if ok {
			h.render.fragment(w, r, http.StatusOK, h.render.pageFor(r, p.Title), views.PanelError(p.Ref(in), limitedMessage))
		}
		return true
	}
	return false
}

// limitedRanged answers for a panel of reg that takes a time range: false
// when the request names no such panel or range (it is answered as usual).
func limitedRanged[In any](h *handler, w http.ResponseWriter, r *http.Request, reg panels.Registry[In], id string, in func(spotify.TimeRange) In) bool {
	p, ok := reg.Lookup(id)
	if !ok {
		return false
	}
	tr, err := rangeParam(r, "range", p.Ranged)
	if err != nil {
		return false
	}
	h.render.fragment(w, r, http.StatusOK, h.render.pageFor(r, p.Title), views.PanelError(p.Ref(in(tr)), limitedMessage))
	return true
}
