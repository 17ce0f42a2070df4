package handlers

import (
	"context"
	"errors"
	"net/http"

	"github.com/euterpe-dev/euterpe/auth"
	"github.com/euterpe-dev/euterpe/panels"
)

// analyticsJSON serves one panel's data at the earlier version's JSON path,
// with its ?time_range= parameter.
func (h *handler) analyticsJSON(p panels.Panel[panels.DashboardInput]) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tr, err := rangeParam(r, "time_range", p.Ranged)
		if err != nil {
			writeJSON(w, http.StatusBadRequest, errorJSON{Error: "time_range " + rangeChoices})
			return
		}
		l := h.listener(r)
		err = h.writeKept(w, r, "application/json; charset=utf-8", l.UserID, "json"+p.JSONPath+"?"+string(tr),
			func(ctx context.Context) ([]byte, error) { return h.dashboard.JSON(ctx, p, l, tr) })
		if err != nil {
			if errors.Is(err, auth.ErrLoginRequired) {
				h.loginRequired(w, r)
				return
			}
			writeProblemJSON(w, h.explain(r, "panel failed", err, "panel", p.ID))
		}
	}
}
