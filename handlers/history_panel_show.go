package handlers

import (
	"net/http"

	"github.com/euterpe-dev/euterpe/history"
	"github.com/euterpe-dev/euterpe/panels"
	"github.com/euterpe-dev/euterpe/views"
)

// showHistoryPanel serves one History panel (servePanel), or its data as a
// file named after it and the span.
func (h *handler) showHistoryPanel(w http.ResponseWriter, r *http.Request) {
	servePanel(h, w, r, panelPage[panels.HistoryInput]{
		registry: panels.History(),
		section:  views.SectionHistory,
		input: func(w http.ResponseWriter, r *http.Request, _ panels.Panel[panels.HistoryInput]) (panels.HistoryInput, bool) {
			in, _, ok := h.historyInput(w, r)
			return in, ok
		},
		file: func(p panels.Panel[panels.HistoryInput], in panels.HistoryInput) string {
			return "history-" + p.ID + "-" + spanName(in.View.Span)
		},
	})
}

// spanName says a History range in a file name: "this_year",
// "2026-01-01_2026-03-31".
func spanName(s history.Span) string {
	if s.Period != history.CustomSpan {
		return string(s.Period)
	}
	return s.From.Format("2006-01-02") + "_" + s.To.Format("2006-01-02")
}
