package database_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/euterpe-dev/euterpe/db"
)

func ptr[T any](v T) *T { return &v }

func TestUpsertUserKeepsCreatedAt(t *testing.T) {
	ctx := context.Background()
	q := db.New(openMigrated(t))

	first, err := q.UpsertUser(ctx, db.UpsertUserParams{SpotifyUserID: "spotify-1", DisplayName: "Ada", Email: ptr("ada@example.com")})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(10 * time.Millisecond)
	second, err := q.UpsertUser(ctx, db.UpsertUserParams{SpotifyUserID: "spotify-1", DisplayName: "Ada L."})
	if err != nil {
		t.Fatal(err)
	}
	if second.ID != first.ID {
		t.Fatalf("upsert made a second user: %s then %s", first.ID, second.ID)
	}
	if !second.CreatedAt.Equal(first.CreatedAt) {
		t.Errorf("created_at moved: %v -> %v", first.CreatedAt, second.CreatedAt)
	}
	if !second.UpdatedAt.After(first.UpdatedAt) {
		t.Errorf("updated_at did not move: %v -> %v", first.UpdatedAt, second.UpdatedAt)
	}
	if second.DisplayName != "Ada L." || second.Email != nil {
		t.Errorf("profile not updated: %+v", second)
	}
	n, err := q.CountUsers(ctx)
	if err != nil || n != 1 {
		t.Fatalf("CountUsers = %d, %v; want 1", n, err)
	}
}

func TestTokenLifecycle(t *testing.T) {
	ctx := context.Background()
	pool := openMigrated(t)
	q := db.New(pool)
	u, err := q.UpsertUser(ctx, db.UpsertUserParams{SpotifyUserID: "spotify-2", DisplayName: "Bo"})
	if err != nil {
		t.Fatal(err)
	}
	exp := time.Now().Add(time.Hour).Truncate(time.Microsecond)
	tok, err := q.UpsertUserToken(ctx, db.UpsertUserTokenParams{
		UserID: u.ID, AccessTokenEncrypted: "enc-a", RefreshTokenEncrypted: "enc-r",
		ExpiresAt: exp, TokenType: "Bearer", Scope: "user-top-read",
	})
	if err != nil {
		t.Fatal(err)
	}
	if !tok.ExpiresAt.Equal(exp) {
		t.Errorf("expires_at = %v, want %v", tok.ExpiresAt, exp)
	}
	// A second login replaces the row rather than adding one.
	if _, err := q.UpsertUserToken(ctx, db.UpsertUserTokenParams{
		UserID: u.ID, AccessTokenEncrypted: "enc-a2", RefreshTokenEncrypted: "enc-r2",
		ExpiresAt: exp, TokenType: "Bearer", Scope: "user-top-read",
	}); err != nil {
		t.Fatal(err)
	}

	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	locked, err := db.New(tx).GetUserTokenForUpdate(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if locked.AccessTokenEncrypted != "enc-a2" {
		t.Fatalf("token = %+v", locked)
	}
	updated, err := db.New(tx).UpdateUserTokenAfterRefresh(ctx, db.UpdateUserTokenAfterRefreshParams{
		UserID: u.ID, AccessTokenEncrypted: "enc-a3", RefreshTokenEncrypted: locked.RefreshTokenEncrypted,
		ExpiresAt: exp.Add(time.Hour), Scope: locked.Scope,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if updated.RefreshTokenEncrypted != "enc-r2" || updated.AccessTokenEncrypted != "enc-a3" {
		t.Fatalf("after refresh: %+v", updated)
	}

	if n, err := q.DeleteUserToken(ctx, u.ID); err != nil || n != 1 {
		t.Fatalf("DeleteUserToken = %d, %v", n, err)
	}
	if _, err := q.GetUserToken(ctx, u.ID); !errors.Is(err, pgx.ErrNoRows) {
		t.Fatalf("token after delete: %v", err)
	}

	// Deleting the user takes the tokens with it.
	if _, err := q.UpsertUserToken(ctx, db.UpsertUserTokenParams{
		UserID: u.ID, AccessTokenEncrypted: "x", RefreshTokenEncrypted: "y", ExpiresAt: exp, TokenType: "Bearer",
	}); err != nil {
		t.Fatal(err)
	}
	if n, err := q.DeleteUser(ctx, u.ID); err != nil || n != 1 {
		t.Fatalf("DeleteUser = %d, %v", n, err)
	}
	if _, err := q.GetUserToken(ctx, u.ID); !errors.Is(err, pgx.ErrNoRows) {
		t.Fatalf("token outlived its user: %v", err)
	}
	if _, err := q.GetUser(ctx, uuid.New()); !errors.Is(err, pgx.ErrNoRows) {
		t.Fatalf("GetUser(unknown) err = %v", err)
	}
}

func TestConstraints(t *testing.T) {
	ctx := context.Background()
	q := db.New(openMigrated(t))
	if _, err := q.UpsertUser(ctx, db.UpsertUserParams{SpotifyUserID: "", DisplayName: "x"}); err == nil {
		t.Error("empty spotify_user_id accepted")
	}
	if _, err := q.UpsertUserToken(ctx, db.UpsertUserTokenParams{
		UserID: uuid.New(), AccessTokenEncrypted: "a", RefreshTokenEncrypted: "r", ExpiresAt: time.Now(), TokenType: "Bearer",
	}); err == nil {
		t.Error("token for a user that does not exist accepted")
	}
}
