package auth

import (
	"context"
	"log/slog"
	"sync"
	"testing"

	"github.com/euterpe-dev/euterpe/config"
	"github.com/euterpe-dev/euterpe/db"
	"github.com/euterpe-dev/euterpe/internal/testdb"
	"github.com/euterpe-dev/euterpe/tokencrypt"
)

// TestPendingLoginsPerUserUnderRace: however many logins one user begins at
// once, MaxPendingLoginsPerUser of theirs are in progress afterwards, and
// the logins begun signed out are not touched.
func TestPendingLoginsPerUserUnderRace(t *testing.T) {
	ctx := context.Background()
	pool, _ := testdb.Migrated(t)
	key, _ := tokencrypt.GenerateKey()
	keys, _ := tokencrypt.ParseKeys(key)
	s := New(Options{Log: slog.New(slog.DiscardHandler), Pool: pool, Config: config.Config{SecretKeys: []string{"0123456789abcdef0123456789abcdef"}, Keys: keys}})
	u, err := db.New(pool).UpsertUser(ctx, db.UpsertUserParams{SpotifyUserID: "sid", DisplayName: "S"})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, _, err := s.BeginLogin(ctx); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	for range 24 {
		wg.Go(func() {
			if _, _, err := s.BeginAuthorization(ctx, Authorization{UserID: u.ID}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	var mine, anonymous int
	if err := pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE user_id = $1), count(*) FILTER (WHERE user_id IS NULL)
		FROM euterpe.login_states`, u.ID).Scan(&mine, &anonymous); err != nil {
		t.Fatal(err)
	}
	if mine != MaxPendingLoginsPerUser || anonymous != 3 {
		t.Errorf("%d logins of the user in progress (want %d), %d signed out (want 3)", mine, MaxPendingLoginsPerUser, anonymous)
	}
}
