package handlers

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/euterpe-dev/euterpe/export"
	"github.com/euterpe-dev/euterpe/history"
	"github.com/euterpe-dev/euterpe/panels"
	"github.com/euterpe-dev/euterpe/views"
)

// showHistoryPanel serves one History panel as an HTMX partial (or, opened
// directly, inside the layout). A panel that fails shows its error state
// with a Retry button; the others are unaffected.
//
// ?format=csv|json answers the panel's data as a file instead.
func (h *handler) showHistoryPanel(w http.ResponseWriter, r *http.Request) {
	p, ok := panels.History().Lookup(chi.URLParam(r, "panel"))
	if !ok {
		h.unknownPanel(w, r, chi.URLParam(r, "panel"), panels.History().IDs())
		return
	}
	format, ok := h.exportFormat(w, r)
	if !ok {
		return
	}
	in, _, ok := h.historyInput(w, r)
	if !ok {
		return
	}
	page := h.render.pageFor(r, p.Title)
	page.Section = views.SectionHistory
	data, err := p.Load(r.Context(), in)
	if err == nil && format != export.HTML {
		h.writeExport(w, r, format, "history-"+p.ID+"-"+spanName(in.View.Span), data)
		return
	}
	if err != nil {
		h.panelFailed(w, r, page, format, p.ID, p.Ref(in), err)
		return
	}
	h.render.fragment(w, r, http.StatusOK, page, p.View(in, data))
}

// spanName says a History range in a file name: "this_year",
// "2026-01-01_2026-03-31".
func spanName(s history.Span) string {
	if s.Period != history.CustomSpan {
		return string(s.Period)
	}
	return s.From.Format("2006-01-02") + "_" + s.To.Format("2006-01-02")
}
