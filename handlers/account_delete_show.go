package handlers

import (
	"net/http"

	"github.com/euterpe-dev/euterpe/views"
)

// showAccountDelete asks the user to confirm that everything Euterpe holds
// for them should go.
func (h *handler) showAccountDelete(w http.ResponseWriter, r *http.Request) {
	h.render.write(w, r, http.StatusOK, views.DeleteAccountPage(h.render.pageFor(r, "Delete your account")))
}
