package handlers

import (
	"net/http"

	"github.com/euterpe-dev/euterpe/panels"
	"github.com/euterpe-dev/euterpe/trends"
	"github.com/euterpe-dev/euterpe/views"
)

// showTrends is the Trends page: its panels load by themselves.
func (h *handler) showTrends(t *trends.Service) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p := principalFrom(r.Context())
		years, zone, _, err := t.Years(r.Context(), p.UserID)
		if err != nil {
			h.fail(w, r, "trends: read years", err)
			return
		}
		page := h.render.pageFor(r, "Trends")
		page.Section = views.SectionHistory
		h.render.write(w, r, http.StatusOK, views.TrendsPage(page, panels.TrendsPage(years, h.now().In(zone.Loc).Year())))
	}
}

// showTrendPanel serves one Trends panel (servePanel), or its data as a
// file named after it and its range.
func (h *handler) showTrendPanel(t *trends.Service) http.HandlerFunc {
	pg := panelPage[panels.TrendInput]{
		registry: panels.Trends(),
		section:  views.SectionHistory,
		input: func(w http.ResponseWriter, r *http.Request, p panels.Panel[panels.TrendInput]) (panels.TrendInput, bool) {
			tr, err := rangeParam(r, "range", p.Ranged)
			if err != nil {
				h.badRequest(w, r, "The range "+rangeChoices+".")
				return panels.TrendInput{}, false
			}
			pr := principalFrom(r.Context())
			return panels.TrendInput{UserID: pr.UserID, Trends: t, Source: h.source, Listener: h.listener(r), Range: tr}, true
		},
		file: func(p panels.Panel[panels.TrendInput], in panels.TrendInput) string {
			return rangedName("trends-"+p.ID, p.Ranged, in.Range)
		},
	}
	return func(w http.ResponseWriter, r *http.Request) { servePanel(h, w, r, pg) }
}
