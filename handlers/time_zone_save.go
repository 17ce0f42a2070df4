package handlers

import (
	"errors"
	"net/http"

	"github.com/euterpe-dev/euterpe/history"
)

// saveTimeZone stores the time zone the user's browser reports
// (POST tz=Europe/Paris, sent by the History page's script). 204 when stored;
// the page then reloads to show days and hours in it.
func (h *handler) saveTimeZone(w http.ResponseWriter, r *http.Request) {
	p := principalFrom(r.Context())
	_, err := h.history.SetTimeZone(r.Context(), p.UserID, r.PostFormValue("tz"))
	var pe *history.ParamError
	switch {
	case errors.As(err, &pe):
		writeJSON(w, http.StatusBadRequest, errorJSON{Error: pe.Error()})
	case err != nil:
		h.fail(w, r, "could not store time zone", err)
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}

// showTimeZoneStatus answers the History page while its figures move to the
// user's new zone: 204 while they do, then HX-Refresh so the page reloads.
func (h *handler) showTimeZoneStatus(w http.ResponseWriter, r *http.Request) {
	p := principalFrom(r.Context())
	zone, err := h.history.ZoneFor(r.Context(), p.UserID)
	if err != nil {
		h.fail(w, r, "could not read time zone", err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	if zone.Rebuilding() {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	w.Header().Set("HX-Refresh", "true")
	w.WriteHeader(http.StatusOK)
}
