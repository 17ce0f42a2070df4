package imports

import (
	"context"
	"slices"
	"testing"

	"github.com/euterpe-dev/euterpe/internal/testdb"
)

// TestStatesAreTheDatabases: the Go states are exactly the ones the
// database's check allows, and the active ones exactly those its
// one-import-at-a-time index counts.
func TestStatesAreTheDatabases(t *testing.T) {
	pool, _ := testdb.Migrated(t)
	ctx := context.Background()
	user := testdb.NewUser(t, pool, "states")
	for _, s := range States() {
		if s.Active() && s.Terminal() {
			t.Errorf("%s is both active and ended", s)
		}
		if s.Label() == "" {
			t.Errorf("%s has no label", s)
		}
		// The check takes it, and the active ones stand in the way of a
		// second active import.
		tx, err := pool.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO euterpe.imports (user_id, state, upload_name, upload_bytes) VALUES ($1, $2, 'a.zip', 1)`, user, string(s)); err != nil {
			t.Errorf("the database refuses state %s: %v", s, err)
		} else {
			_, err := tx.Exec(ctx, `INSERT INTO euterpe.imports (user_id, state, upload_name, upload_bytes) VALUES ($1, 'queued', 'b.zip', 1)`, user)
			if blocked := err != nil; blocked != s.Active() {
				t.Errorf("state %s: a second, queued import blocked %v, want %v (%v)", s, blocked, s.Active(), err)
			}
		}
		_ = tx.Rollback(ctx)
	}
	if _, err := pool.Exec(ctx, `INSERT INTO euterpe.imports (user_id, state, upload_name, upload_bytes) VALUES ($1, 'paused', 'a.zip', 1)`, user); err == nil {
		t.Error("the database takes a state Go does not know")
	}
	var active []State
	for _, s := range States() {
		if s.Active() {
			active = append(active, s)
		}
	}
	if !slices.Equal(active, ActiveStates()) {
		t.Errorf("ActiveStates() = %v, the active ones are %v", ActiveStates(), active)
	}
}
