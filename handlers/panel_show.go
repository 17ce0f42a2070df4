package handlers

import (
	"net/http"

	"github.com/euterpe-dev/euterpe/panels"
)

// showPanel serves one dashboard panel (servePanel), or its data as a file
// named after it and its range.
func (h *handler) showPanel(w http.ResponseWriter, r *http.Request) {
	servePanel(h, w, r, panelPage[panels.DashboardInput]{
		registry: panels.Dashboard(),
		input: func(w http.ResponseWriter, r *http.Request, p panels.Panel[panels.DashboardInput]) (panels.DashboardInput, bool) {
			tr, err := rangeParam(r, "range", p.Ranged)
			if err != nil {
				h.render.errorPage(w, r, errUnknownRange)
				return panels.DashboardInput{}, false
			}
			return h.dashboard.Input(h.listener(r), tr), true
		},
		file: func(p panels.Panel[panels.DashboardInput], in panels.DashboardInput) string {
			return rangedName(p.ID, p.Ranged, in.Range)
		},
		keep: func(p panels.Panel[panels.DashboardInput], in panels.DashboardInput) (string, string) {
			return in.Listener.UserID, "html" + p.URL(in)
		},
	})
}
