package handlers

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/euterpe-dev/euterpe/export"
	"github.com/euterpe-dev/euterpe/history"
	"github.com/euterpe-dev/euterpe/views"
)

// showHistoryItem is the page of a track, an artist or an album: plays over
// time, first and last listen, rank.
//
// ?format=csv|json answers the item as a file (CSV: its plays per month).
func (h *handler) showHistoryItem(w http.ResponseWriter, r *http.Request) {
	kind, ok := history.ParseKind(chi.URLParam(r, "kind"))
	if !ok {
		h.render.errorPage(w, r, errNotFound)
		return
	}
	format, ok := h.exportFormat(w, r)
	if !ok {
		return
	}
	id, err := history.ParseItemID(chi.URLParam(r, "id"))
	if err != nil {
		h.historyError(w, r, err)
		return
	}
	p := principalFrom(r.Context())
	zone, err := h.history.ZoneFor(r.Context(), p.UserID)
	if err != nil {
		h.fail(w, r, "history: read time zone", err)
		return
	}
	item, err := h.history.ItemFor(r.Context(), p.UserID, zone.Loc, kind, id)
	if err != nil {
		h.historyError(w, r, err)
		return
	}
	if format != export.HTML {
		h.writeExport(w, r, format, "history-"+string(kind)+"-"+item.Name, item)
		return
	}
	page := h.render.pageFor(r, item.Name)
	page.Section = views.SectionHistory
	h.render.write(w, r, http.StatusOK, views.ItemPage(page, views.ItemData{Item: item, BackURL: "/history"}))
}
