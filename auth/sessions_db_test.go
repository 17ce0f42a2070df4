package auth

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/euterpe-dev/euterpe/config"
	"github.com/euterpe-dev/euterpe/db"
	"github.com/euterpe-dev/euterpe/internal/testdb"
	"github.com/euterpe-dev/euterpe/tokencrypt"
)

func TestSessionTimeouts(t *testing.T) {
	ctx := context.Background()
	pool, _ := testdb.Migrated(t)
	key, _ := tokencrypt.GenerateKey()
	keys, _ := tokencrypt.ParseKeys(key)
	s := New(Options{Log: slog.New(slog.DiscardHandler), Pool: pool, Config: config.Config{SecretKeys: []string{"0123456789abcdef0123456789abcdef"}, Keys: keys}})
	u, err := db.New(pool).UpsertUser(ctx, db.UpsertUserParams{SpotifyUserID: "sid", DisplayName: "S"})
	if err != nil {
		t.Fatal(err)
	}
	newSession := func() string {
		id, err := s.CreateSession(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	live := func(id string) bool {
		_, err := s.Principal(ctx, id)
		if err != nil && !errors.Is(err, ErrNoSession) {
			t.Fatal(err)
		}
		return err == nil
	}

	id := newSession()
	if !live(id) {
		t.Fatal("a new session is not live")
	}
	// Idle: not used for longer than the idle timeout.
	if _, err := pool.Exec(ctx, "UPDATE euterpe.sessions SET idle_expires_at = now() - interval '1 second' WHERE id_hash = $1", s.mac("session", id)); err != nil {
		t.Fatal(err)
	}
	if live(id) {
		t.Fatal("an idle-expired session still works")
	}

	// Use pushes the idle deadline forward once it is stale.
	id = newSession()
	if _, err := pool.Exec(ctx, "UPDATE euterpe.sessions SET idle_expires_at = now() + interval '1 hour' WHERE id_hash = $1", s.mac("session", id)); err != nil {
		t.Fatal(err)
	}
	if !live(id) {
		t.Fatal("session not live")
	}
	var hours float64
	pool.QueryRow(ctx, "SELECT extract(epoch FROM idle_expires_at - now()) / 3600 FROM euterpe.sessions WHERE id_hash = $1", s.mac("session", id)).Scan(&hours)
	if hours < 23 {
		t.Fatalf("idle deadline not extended on use: %.1f h left", hours)
	}

	// Absolute: however active, a session ends.
	if _, err := pool.Exec(ctx, "UPDATE euterpe.sessions SET expires_at = now() - interval '1 second' WHERE id_hash = $1", s.mac("session", id)); err != nil {
		t.Fatal(err)
	}
	if live(id) {
		t.Fatal("a session past its absolute timeout still works")
	}
	if err := s.SweepExpired(ctx); err != nil {
		t.Fatal(err)
	}
	var n int
	pool.QueryRow(ctx, "SELECT count(*) FROM euterpe.sessions").Scan(&n)
	if n != 0 {
		t.Fatalf("%d expired sessions left after the sweep", n)
	}
}

// TestSecretKeyRotation: with SECRET_KEY=NEW,OLD a session made under OLD
// keeps working and moves to NEW on its next use, so it survives OLD's
// removal; a session made under a key no longer listed does not work.
func TestSecretKeyRotation(t *testing.T) {
	ctx := context.Background()
	pool, _ := testdb.Migrated(t)
	key, _ := tokencrypt.GenerateKey()
	keys, _ := tokencrypt.ParseKeys(key)
	oldKey, newKey := strings.Repeat("o", 32), strings.Repeat("n", 32)
	service := func(secrets ...string) *Service {
		return New(Options{Log: slog.New(slog.DiscardHandler), Pool: pool, Config: config.Config{SecretKeys: secrets, Keys: keys}})
	}
	u, err := db.New(pool).UpsertUser(ctx, db.UpsertUserParams{SpotifyUserID: "sid", DisplayName: "S"})
	if err != nil {
		t.Fatal(err)
	}
	before := service(oldKey)
	used, err := before.CreateSession(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	unused, err := before.CreateSession(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	during := service(newKey, oldKey)
	for _, id := range []string{used, unused} {
		if _, err := during.Principal(ctx, id); err != nil {
			t.Fatalf("a session made under the old key, during the rotation: %v", err)
		}
	}
	after := service(newKey)
	if _, err := after.Principal(ctx, used); err != nil {
		t.Errorf("a session used during the rotation, after it: %v", err)
	}
	// unused was used during the rotation too; a third one made under the
	// old key and never used while both were listed is gone.
	stale, _ := before.CreateSession(ctx, u.ID)
	if _, err := after.Principal(ctx, stale); !errors.Is(err, ErrNoSession) {
		t.Errorf("a session under a key no longer listed: %v", err)
	}
	// Ending a session works under any listed key.
	if err := during.EndSession(ctx, unused); err != nil {
		t.Fatal(err)
	}
	if _, err := after.Principal(ctx, unused); !errors.Is(err, ErrNoSession) {
		t.Errorf("an ended session: %v", err)
	}
}
