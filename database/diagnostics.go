package database

import (
	"context"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/euterpe-dev/euterpe/db"
)

// OwnTables are the tables Euterpe's migrations create; /db_check looks for
// them in euterpe and warns when tables of the same names sit in public
// (which would mean something once wrote to the wrong schema).
var OwnTables = []string{
	"users", "user_tokens", "sessions", "login_states", "user_preferences",
	// the listening history
	"artists", "albums", "album_artists", "tracks", "track_artists", "play_sources", "plays",
	"play_hours", "play_clock", "play_totals", "listening_sessions", "poll_state", "spotify_budget",
	// imports of Spotify's exports
	"imports", "import_uploads", "import_rows", "import_names", "skips", "spoken_plays", "play_holders",
	// trends: daily snapshots of Spotify's top lists, and each day's top track
	"top_snapshots", "day_top_tracks",
	// sharing and friends
	"shares", "friend_invites", "friendships", "made_playlists",
	// River's
	"river_job", "river_leader", "river_migration", "river_notification", "river_queue",
}

// Diagnostics is what /db_check reports. These catalog reads stay out of
// sqlc on purpose: sqlc's vet rules allow queries on euterpe tables only.
type Diagnostics struct {
	SchemaExists  bool
	Tables        []string
	GooseVersion  int64
	PublicClashes []string
	// UsersCount is nil until the schema is migrated.
	UsersCount *int64
}

// Diagnose reads the catalog. It touches nothing in public beyond listing
// table names there.
func Diagnose(ctx context.Context, pool *Pool) (Diagnostics, error) {
	var d Diagnostics
	err := pool.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)", Schema).Scan(&d.SchemaExists)
	if err != nil {
		return d, fmt.Errorf("database: look up schema: %w", err)
	}
	rows, err := pool.Query(ctx, "SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename", Schema)
	if err != nil {
		return d, fmt.Errorf("database: list tables: %w", err)
	}
	if d.Tables, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
		return d, fmt.Errorf("database: list tables: %w", err)
	}
	rows, err = pool.Query(ctx, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename = ANY($1) ORDER BY tablename", OwnTables)
	if err != nil {
		return d, fmt.Errorf("database: check public: %w", err)
	}
	if d.PublicClashes, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
		return d, fmt.Errorf("database: check public: %w", err)
	}
	if !slices.Contains(d.Tables, "goose_db_version") {
		return d, nil // never migrated: version 0
	}
	err = pool.QueryRow(ctx, "SELECT COALESCE(max(version_id), 0) FROM "+VersionTable).Scan(&d.GooseVersion)
	if err != nil {
		return d, fmt.Errorf("database: read migration version: %w", err)
	}
	if d.GooseVersion > 0 {
		n, err := db.New(pool).CountUsers(ctx)
		if err != nil {
			return d, fmt.Errorf("database: count users: %w", err)
		}
		d.UsersCount = &n
	}
	return d, nil
}
