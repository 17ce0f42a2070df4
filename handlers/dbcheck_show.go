package handlers

import (
	"net/http"
	"strings"

	"github.com/euterpe-dev/euterpe/database"
)

// dbCheckJSON is /db_check's answer: the seed's safety verdict for anyone,
// the rest for the operator's token only.
type dbCheckJSON struct {
	Schema            string   `json:"schema"`
	SchemaExists      bool     `json:"schema_exists"`
	Tables            []string `json:"tables"`
	UsersCount        *int64   `json:"users_count"`
	GooseVersion      int64    `json:"goose_version"`
	PublicSafetyCheck string   `json:"public_safety_check"`
}

// verdictJSON is what anyone may know of the database and the process.
type verdictJSON struct {
	Status            string `json:"status,omitempty"`
	PublicSafetyCheck string `json:"public_safety_check,omitempty"`
}

// showDBCheck is the seed's database diagnostic: where our tables are, how
// far migrations got, and whether anything of ours leaked into public.
func (h *handler) showDBCheck(w http.ResponseWriter, r *http.Request) {
	d, err := database.Diagnose(r.Context(), h.pool)
	if err != nil {
		h.fail(w, r, "database check failed", err)
		return
	}
	body := dbCheckJSON{
		Schema:            database.Schema,
		SchemaExists:      d.SchemaExists,
		Tables:            d.Tables,
		GooseVersion:      d.GooseVersion,
		UsersCount:        d.UsersCount,
		PublicSafetyCheck: "passed",
	}
	if len(d.PublicClashes) > 0 {
		body.PublicSafetyCheck = "warning: tables named " + strings.Join(d.PublicClashes, ", ") +
			" exist in public; Euterpe uses only euterpe." + strings.Join(d.PublicClashes, ", euterpe.") +
			" and never reads them, but check that no older version wrote there"
	}
	if !h.isOperator(r) {
		writeJSON(w, http.StatusOK, verdictJSON{PublicSafetyCheck: body.PublicSafetyCheck})
		return
	}
	writeJSON(w, http.StatusOK, body)
}
