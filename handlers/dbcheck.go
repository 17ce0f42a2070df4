package handlers

import (
	"log/slog"
	"net/http"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/euterpe-dev/euterpe/database"
	"github.com/euterpe-dev/euterpe/db"
)

// dbCheckHandler is the seed's database diagnostic: where our tables are, how
// far migrations got, and whether anything of ours leaked into public.
type dbCheckHandler struct {
	log  *slog.Logger
	pool *pgxpool.Pool
}

type dbCheckJSON struct {
	Schema            string   `json:"schema"`
	SchemaExists      bool     `json:"schema_exists"`
	Tables            []string `json:"tables"`
	UsersCount        *int64   `json:"users_count"`
	GooseVersion      int64    `json:"goose_version"`
	PublicSafetyCheck string   `json:"public_safety_check"`
}

func (h *dbCheckHandler) show(w http.ResponseWriter, r *http.Request) {
	d, err := database.Diagnose(r.Context(), h.pool)
	if err != nil {
		serverErrorJSON(h.log, w, r, "database check failed", err)
		return
	}
	body := dbCheckJSON{
		Schema:            database.Schema,
		SchemaExists:      d.SchemaExists,
		Tables:            d.Tables,
		GooseVersion:      d.GooseVersion,
		PublicSafetyCheck: "passed",
	}
	if len(d.PublicClashes) > 0 {
		body.PublicSafetyCheck = "warning: tables named " + strings.Join(d.PublicClashes, ", ") +
			" exist in public; Euterpe uses only euterpe." + strings.Join(d.PublicClashes, ", euterpe.") +
			" and never reads them, but check that no older version wrote there"
	}
	if d.GooseVersion > 0 {
		n, err := db.New(h.pool).CountUsers(r.Context())
		if err != nil {
			serverErrorJSON(h.log, w, r, "database check failed", err)
			return
		}
		body.UsersCount = &n
	}
	writeJSON(w, http.StatusOK, body)
}
