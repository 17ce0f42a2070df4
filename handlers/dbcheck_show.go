package handlers

import (
	"net/http"
	"strings"

	"github.com/euterpe-dev/euterpe/database"
)

// dbCheckJSON is /db_check's answer.
type dbCheckJSON struct {
	Schema            string   `json:"schema"`
	SchemaExists      bool     `json:"schema_exists"`
	Tables            []string `json:"tables"`
	UsersCount        *int64   `json:"users_count"`
	GooseVersion      int64    `json:"goose_version"`
	PublicSafetyCheck string   `json:"public_safety_check"`
}

// showDBCheck is the seed's database diagnostic: where our tables are, how
// far migrations got, and whether anything of ours leaked into public.
func (h *handler) showDBCheck(w http.ResponseWriter, r *http.Request) {
	d, err := database.Diagnose(r.Context(), h.pool)
	if err != nil {
		h.serverError(w, r, "database check failed", err)
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
	writeJSON(w, http.StatusOK, body)
}
