package auth

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/euterpe-dev/euterpe/db"
	"github.com/euterpe-dev/euterpe/internal/testdb"
	"github.com/euterpe-dev/euterpe/tokencrypt"
)

func keyring(t *testing.T, keys ...string) *tokencrypt.Keyring {
	t.Helper()
	list := ""
	for i, k := range keys {
		if i > 0 {
			list += ","
		}
		list += k
	}
	r, err := tokencrypt.ParseKeys(list)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestRotateKeys(t *testing.T) {
	ctx := context.Background()
	pool, _ := testdb.Migrated(t)
	q := db.New(pool)
	k1, _ := tokencrypt.GenerateKey()
	k2, _ := tokencrypt.GenerateKey()
	old := keyring(t, k1)

	// 7 users' tokens written under K1, in batches of 3 to cross batch edges.
	const users = 7
	for i := range users {
		u, err := q.UpsertUser(ctx, db.UpsertUserParams{SpotifyUserID: fmt.Sprint("user", i), DisplayName: "U"})
		if err != nil {
			t.Fatal(err)
		}
		a, _ := old.Encrypt(fmt.Sprint("access-", i))
		r, _ := old.Encrypt(fmt.Sprint("refresh-", i))
		if _, err := q.UpsertUserToken(ctx, db.UpsertUserTokenParams{UserID: u.ID, AccessTokenEncrypted: a, RefreshTokenEncrypted: r,
			ExpiresAt: time.Now().Add(time.Hour), TokenType: "Bearer"}); err != nil {
			t.Fatal(err)
		}
	}
	// One row no key can read.
	u, _ := q.UpsertUser(ctx, db.UpsertUserParams{SpotifyUserID: "lost", DisplayName: "L"})
	if _, err := q.UpsertUserToken(ctx, db.UpsertUserTokenParams{UserID: u.ID, AccessTokenEncrypted: "gAAAAAB-unknown", RefreshTokenEncrypted: "gAAAAAB-unknown",
		ExpiresAt: time.Now(), TokenType: "Bearer"}); err != nil {
		t.Fatal(err)
	}

	both := keyring(t, k2, k1)
	readAll := func(keys *tokencrypt.Keyring) (ok int) {
		rows, err := pool.Query(ctx, "SELECT access_token_encrypted, refresh_token_encrypted FROM euterpe.user_tokens")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var a, r string
			rows.Scan(&a, &r)
			_, ea := keys.Decrypt(a)
			_, er := keys.Decrypt(r)
			if ea == nil && er == nil {
				ok++
			}
		}
		return ok
	}
	if got := readAll(both); got != users {
		t.Fatalf("with K2,K1: %d of %d readable", got, users)
	}
	if got := readAll(keyring(t, k2)); got != 0 {
		t.Fatalf("K2 alone reads %d rows before rotation", got)
	}

	rep, err := RotateKeys(ctx, pool, both, 3)
	if err != nil {
		t.Fatal(err)
	}
	if rep != (RotationReport{Reencrypted: users, Unreadable: 1}) {
		t.Fatalf("first rotation = %+v", rep)
	}
	if got := readAll(keyring(t, k2)); got != users {
		t.Fatalf("after rotation K2 alone reads %d of %d", got, users)
	}
	// Idempotent: a second run changes nothing.
	rep, err = RotateKeys(ctx, pool, both, 3)
	if err != nil {
		t.Fatal(err)
	}
	if rep != (RotationReport{Skipped: users, Unreadable: 1}) {
		t.Fatalf("second rotation = %+v", rep)
	}
	// The plaintexts survived.
	var a string
	pool.QueryRow(ctx, "SELECT access_token_encrypted FROM euterpe.user_tokens t JOIN euterpe.users u ON u.id = t.user_id WHERE u.spotify_user_id = 'user4'").Scan(&a)
	if got, err := keyring(t, k2).Decrypt(a); err != nil || got != "access-4" {
		t.Fatalf("user4 access after rotation = %q, %v", got, err)
	}
}
