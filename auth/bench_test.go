package auth

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/euterpe-dev/euterpe/config"
	"github.com/euterpe-dev/euterpe/db"
	"github.com/euterpe-dev/euterpe/internal/testdb"
	"github.com/euterpe-dev/euterpe/tokencrypt"
)

// benchSession makes a migrated database with one signed-in user whose
// access token is valid for an hour, and returns the service and the
// session id from the user's cookie.
func benchSession(b *testing.B) (*Service, string) {
	b.Helper()
	ctx := context.Background()
	pool, _ := testdb.Migrated(b)
	key, err := tokencrypt.GenerateKey()
	if err != nil {
		b.Fatal(err)
	}
	keys, err := tokencrypt.ParseKeys(key)
	if err != nil {
		b.Fatal(err)
	}
	s := New(Options{
		Log:  slog.New(slog.NewTextHandler(io.Discard, nil)),
		Pool: pool,
		Config: config.Config{SecretKeys: []string{strings.Repeat("s", 40)}, Keys: keys, Spotify: config.Spotify{
			ClientID: "id", RedirectURI: "http://127.0.0.1:8080/callback",
			AccountsURL: "http://127.0.0.1:1", APIURL: "http://127.0.0.1:1/v1", // never called
		}},
	})
	q := db.New(pool)
	u, err := q.UpsertUser(ctx, db.UpsertUserParams{SpotifyUserID: "bench", DisplayName: "Bench"})
	if err != nil {
		b.Fatal(err)
	}
	// Spotify's access tokens are about 200 characters.
	access, _ := keys.Encrypt(strings.Repeat("A", 200))
	refresh, _ := keys.Encrypt(strings.Repeat("R", 130))
	if _, err := q.UpsertUserToken(ctx, db.UpsertUserTokenParams{UserID: u.ID, AccessTokenEncrypted: access,
		RefreshTokenEncrypted: refresh, ExpiresAt: time.Now().Add(time.Hour), TokenType: "Bearer"}); err != nil {
		b.Fatal(err)
	}
	id, err := s.CreateSession(ctx, u.ID)
	if err != nil {
		b.Fatal(err)
	}
	return s, id
}

// BenchmarkPrincipal is what every signed-in request pays before its
// handler runs: the cookie check, the HMAC, and the one-round-trip session
// lookup on a real PostgreSQL.
func BenchmarkPrincipal(b *testing.B) {
	s, id := benchSession(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Principal(ctx, id); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPrincipalAndAccessToken adds what a request that calls Spotify
// pays on top: decrypting the stored access token (no refresh: it is valid).
func BenchmarkPrincipalAndAccessToken(b *testing.B) {
	s, id := benchSession(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		p, err := s.Principal(ctx, id)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.AccessToken(ctx, p, false); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPrincipalParallel is the session lookup from many requests at
// once over the pool (15 connections), as under load.
func BenchmarkPrincipalParallel(b *testing.B) {
	s, id := benchSession(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.SetParallelism(8)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := s.Principal(ctx, id); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkDecryptAccessToken isolates the Fernet decryption of one
// stored token.
func BenchmarkDecryptAccessToken(b *testing.B) {
	key, _ := tokencrypt.GenerateKey()
	keys, _ := tokencrypt.ParseKeys(key)
	enc, _ := keys.Encrypt(strings.Repeat("A", 200))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := keys.Decrypt(enc); err != nil {
			b.Fatal(err)
		}
	}
}
