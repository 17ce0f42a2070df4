package handlers

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/euterpe-dev/euterpe/export"
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
			h.serverError(w, r, "trends: read years", err)
			return
		}
		page := h.render.pageFor(r, "Trends")
		page.Section = views.SectionHistory
		h.render.write(w, r, http.StatusOK, views.TrendsPage(page, panels.TrendsPage(years, h.now().In(zone.Loc).Year())))
	}
}

// showTrendPanel serves one Trends panel (an HTMX partial, or inside the
// layout), or its data as a file with ?format=csv|json.
func (h *handler) showTrendPanel(t *trends.Service) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, ok := panels.Trends().Lookup(chi.URLParam(r, "panel"))
		if !ok {
			h.unknownPanel(w, r, chi.URLParam(r, "panel"), panels.Trends().IDs())
			return
		}
		format, ok := h.exportFormat(w, r)
		if !ok {
			return
		}
		tr, err := rangeParam(r, "range", p.Ranged)
		if err != nil {
			h.badRequest(w, r, "The range "+rangeChoices+".")
			return
		}
		pr := principalFrom(r.Context())
		in := panels.TrendInput{UserID: pr.UserID, Trends: t, Source: h.source, Listener: h.listener(r), Range: tr}
		data, err := p.Load(r.Context(), in)
		if err == nil && format != export.HTML {
			what := "trends-" + p.ID
			if p.Ranged {
				what += "-" + string(tr)
			}
			h.writeExport(w, r, format, what, data)
			return
		}
		page := h.render.pageFor(r, p.Title)
		page.Section = views.SectionHistory
		if err != nil {
			h.panelFailed(w, r, page, format, p.ID, p.Ref(in), err)
			return
		}
		h.render.fragment(w, r, http.StatusOK, page, p.View(in, data))
	}
}
