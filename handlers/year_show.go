package handlers

import (
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/euterpe-dev/euterpe/export"
	"github.com/euterpe-dev/euterpe/panels"
	"github.com/euterpe-dev/euterpe/trends"
	"github.com/euterpe-dev/euterpe/views"
)

// showYear is a year in review, /year/{yyyy}: any year the history covers
// and the current one. ?format=csv|json answers it as a file. A year that
// is not one of those is a 400 that says which years there are.
func (h *handler) showYear(t *trends.Service) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		format, ok := h.exportFormat(w, r)
		if !ok {
			return
		}
		p := principalFrom(r.Context())
		years, zone, bounds, err := t.Years(r.Context(), p.UserID)
		if err != nil {
			h.fail(w, r, "year in review: read years", err)
			return
		}
		year, err := trends.ParseYear(chi.URLParam(r, "year"), years)
		if err != nil {
			h.fail(w, r, "year in review: the year", err)
			return
		}
		y, err := t.YearInReview(r.Context(), p.UserID, zone, bounds, year)
		if err != nil {
			h.fail(w, r, "year in review", err)
			return
		}
		if format != export.HTML {
			h.writeExport(w, r, format, "year-"+strconv.Itoa(year), y)
			return
		}
		page := h.render.pageFor(r, "Your "+strconv.Itoa(year))
		page.Section = views.SectionHistory
		base := "/year/" + strconv.Itoa(year)
		h.render.write(w, r, http.StatusOK, views.YearPage(page, views.YearData{Year: y, Years: panels.YearLinks(years, year),
			JSONURL: base + "?format=json", CSVURL: base + "?format=csv"}))
	}
}

// showCurrentYear sends /year to this year's review.
func (h *handler) showCurrentYear() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p := principalFrom(r.Context())
		zone, err := h.history.ZoneFor(r.Context(), p.UserID)
		if err != nil {
			h.fail(w, r, "year in review: read time zone", err)
			return
		}
		http.Redirect(w, r, "/year/"+strconv.Itoa(h.now().In(zone.Loc).Year()), http.StatusSeeOther)
	}
}
