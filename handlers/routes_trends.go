package handlers

import (
	"github.com/go-chi/chi/v5"

	"github.com/euterpe-dev/euterpe/trends"
)

// trendRoutes are the signed-in pages of trends over time and the
// downloads (issue 13):
//
//	GET /trends                   the Trends page; its panels at
//	GET /trends/panels/{panel}    monthly, artist-share, discovery, standing (?format=csv|json)
//	GET /year                     → the current year's review
//	GET /year/{yyyy}              a year in review (?format=csv|json)
//	GET /export/history.csv       the whole history, every listen a row
//	GET /export/all.zip           "Download my data": everything Euterpe stores about the user
//
// Every panel and history view also answers ?format=csv|json (the
// handlers of /panels and /history).
func (h *handler) trendRoutes(r chi.Router, t *trends.Service) {
	r.Get("/trends", h.showTrends(t))
	r.Get("/trends/panels/{panel}", h.showTrendPanel(t))
	r.Get("/year", h.showCurrentYear())
	r.Get("/year/{year}", h.showYear(t))
	r.Get("/export/history.csv", h.exportHistoryCSV)
	r.Get("/export/all.zip", h.exportAll)
}
