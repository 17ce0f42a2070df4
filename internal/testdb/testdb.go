// Package testdb gives each test its own PostgreSQL database on the local
// server, so test packages run in parallel without colliding and leave
// nothing behind.
package testdb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/euterpe-dev/euterpe/database"
	"github.com/euterpe-dev/euterpe/db"
)

// AdminURL is the server tests create databases on: TEST_DATABASE_URL, or
// the local server with trust auth that `make test` expects.
func AdminURL() string {
	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// Create makes an empty database that is dropped when the test ends and
// returns its URL.
func Create(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := pgx.Connect(ctx, AdminURL())
	if err != nil {
		t.Fatalf("testdb: cannot reach PostgreSQL at %s (start it, or set TEST_DATABASE_URL): %v", redact(AdminURL()), err)
	}
	defer admin.Close(ctx)

	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "euterpe_test_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("testdb: create database: %v", err)
	}
	t.Cleanup(func() { Drop(t, name) })

	u, _ := url.Parse(AdminURL())
	u.Path = "/" + name
	return u.String()
}

// Drop removes a test database, closing any connection still open to it.
func Drop(t testing.TB, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := pgx.Connect(ctx, AdminURL())
	if err != nil {
		t.Errorf("testdb: drop %s: %v", name, err)
		return
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
		t.Errorf("testdb: drop %s: %v", name, err)
	}
}

// Migrated creates a database, applies every migration and returns a pool
// on it (closed when the test ends) and its URL.
func Migrated(t testing.TB) (*database.Pool, string) {
	t.Helper()
	dbURL := Create(t)
	ctx := context.Background()
	m, err := database.NewMigrator(ctx, dbURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Up(ctx); err != nil {
		t.Fatal(err)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	pool, err := database.Open(ctx, dbURL, database.PoolOptions{MaxConns: 15})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool, dbURL
}

func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return strings.TrimSpace(u.Redacted())
}

// WithMigrated runs fn on a fresh, migrated database named with prefix,
// dropped afterwards, outside a test (the tools withdb and schemadump).
func WithMigrated(ctx context.Context, prefix string, fn func(dbURL string) error) (err error) {
	admin, err := pgx.Connect(ctx, AdminURL())
	if err != nil {
		return fmt.Errorf("connect to %s: %w", redact(AdminURL()), err)
	}
	defer admin.Close(ctx)
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := prefix + hex.EncodeToString(b[:])
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return err
	}
	defer func() {
		if _, derr := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); derr != nil && err == nil {
			err = derr
		}
	}()
	u, _ := url.Parse(AdminURL())
	u.Path = "/" + name
	m, err := database.NewMigrator(ctx, u.String(), nil)
	if err != nil {
		return err
	}
	_, err = m.Up(ctx)
	m.Close()
	if err != nil {
		return err
	}
	return fn(u.String())
}

// NewUser stores a user with that Spotify id and display name and returns
// their id.
func NewUser(t testing.TB, pool *database.Pool, name string) uuid.UUID {
	t.Helper()
	u, err := db.New(pool).UpsertUser(context.Background(), db.UpsertUserParams{SpotifyUserID: name, DisplayName: name})
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// Count answers a query that counts (SELECT count(*) …).
func Count(t testing.TB, pool *database.Pool, query string, args ...any) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
