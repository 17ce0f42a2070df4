package database_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/euterpe-dev/euterpe/database"
	"github.com/euterpe-dev/euterpe/database/localdb"
)

// capped is a private PostgreSQL with max_connections 20 (17 for roles
// that are not superusers), ten of them held by another application's
// role: Euterpe's role finds 7 free, fewer than its pool's 15.
func capped(t *testing.T) (url string) {
	t.Helper()
	ctx := context.Background()
	c, err := localdb.StartCluster(ctx, t.TempDir(), localdb.ClusterOptions{Throwaway: true, MaxConnections: 20})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Destroy() })
	admin, err := pgx.Connect(ctx, c.AdminURL)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	for _, q := range []string{"CREATE ROLE other_app LOGIN", "CREATE ROLE euterpe_app LOGIN"} {
		if _, err := admin.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	base := fmt.Sprintf("postgres://%%s@127.0.0.1:%d/postgres?sslmode=disable", c.Port)
	for range 10 {
		other, err := pgx.Connect(ctx, fmt.Sprintf(base, "other_app"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { other.Close(context.Background()) })
	}
	return fmt.Sprintf(base, "euterpe_app")
}

// TestRefusedConnectionsAreBackPressure: 300 clients at once on a pool of
// 15 that the server allows 7: every query is answered, the pool never
// holds more than the server allows, and the refusals are logged once.
func TestRefusedConnectionsAreBackPressure(t *testing.T) {
	url := capped(t)
	var logs bytes.Buffer
	var mu sync.Mutex
	log := slog.New(slog.NewTextHandler(writerFunc(func(b []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return logs.Write(b)
	}), nil))
	pool, err := database.Open(context.Background(), url, database.PoolOptions{MaxConns: 15, Log: log, WaitForConn: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()

	var wg sync.WaitGroup
	errs := make(chan error, 300)
	var peak int32
	var peakMu sync.Mutex
	for range 300 {
		wg.Go(func() {
			var one int
			if err := pool.QueryRow(t.Context(), "SELECT 1 FROM pg_sleep(0.02)").Scan(&one); err != nil {
				errs <- err
			}
			st := pool.Stat()
			peakMu.Lock()
			peak = max(peak, st.AcquiredConns()+st.IdleConns()) // established, not being tried
			peakMu.Unlock()
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("a query failed: %v", err)
	}
	st := pool.State()
	// Refused, the pool stopped trying: a handful of refusals (the first
	// moment's racing attempts), not one per client.
	if peak > 7 || st.Refusals == 0 || st.Refusals > 20 || !st.Limited {
		t.Errorf("peak %d connections (the server allows 7), state %+v", peak, st)
	}
	mu.Lock()
	lines := strings.Count(logs.String(), "the database refuses more connections")
	mu.Unlock()
	if lines != 1 {
		t.Errorf("the refusals were logged %d times in a few seconds, want once:\n%s", lines, logs.String())
	}
}

// TestWaitingIsBounded: a caller that cannot get a held connection within
// the wait gets ErrBusy — nothing else.
func TestWaitingIsBounded(t *testing.T) {
	url := capped(t)
	pool, err := database.Open(context.Background(), url, database.PoolOptions{MaxConns: 15, WaitForConn: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	var wg sync.WaitGroup
	var mu sync.Mutex
	busy, ok := 0, 0
	for range 100 {
		wg.Go(func() {
			_, err := pool.Exec(t.Context(), "SELECT pg_sleep(0.3)")
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				ok++
			case errors.Is(err, database.ErrBusy):
				busy++
			default:
				t.Errorf("a query failed otherwise than busy: %v", err)
			}
		})
	}
	wg.Wait()
	if ok == 0 || busy == 0 || ok > 7*2 {
		t.Errorf("%d answered, %d busy: want a few answered (7 connections) and the rest busy", ok, busy)
	}
	// Transactions and queries over rows give their connection back.
	time.Sleep(time.Second) // let the last sleeps end; not an assertion
	for range 20 {
		err := pgx.BeginFunc(t.Context(), pool, func(tx pgx.Tx) error {
			rows, err := tx.Query(t.Context(), "SELECT generate_series(1, 3)")
			if err != nil {
				return err
			}
			_, err = pgx.CollectRows(rows, pgx.RowTo[int32])
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		rows, err := pool.Query(t.Context(), "SELECT generate_series(1, 3)")
		if err != nil {
			t.Fatal(err)
		}
		if n, err := pgx.CollectRows(rows, pgx.RowTo[int32]); err != nil || len(n) != 3 {
			t.Fatal(n, err)
		}
	}
	if st := pool.Stat(); st.AcquiredConns() != 0 {
		t.Errorf("%d connections still acquired after everything returned", st.AcquiredConns())
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(b []byte) (int, error) { return f(b) }

// TestUnavailable: what an outage or a full server looks like is told apart
// from a query that is wrong.
func TestUnavailable(t *testing.T) {
	for _, c := range []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"busy", fmt.Errorf("wrapped: %w", database.ErrBusy), true},
		{"too many connections", &pgconn.PgError{Code: "53300"}, true},
		{"starting up", &pgconn.PgError{Code: "57P03"}, true},
		{"admin shutdown", &pgconn.PgError{Code: "57P01"}, true},
		{"connection failure", &pgconn.PgError{Code: "08006"}, true},
		{"undefined table", &pgconn.PgError{Code: "42P01"}, false},
		{"unique violation", &pgconn.PgError{Code: "23505"}, false},
		{"plain", errors.New("boom"), false},
	} {
		if got := database.Unavailable(c.err); got != c.want {
			t.Errorf("%s: Unavailable = %v, want %v", c.name, got, c.want)
		}
		if c.err != nil && database.UnavailableMessage(c.err.Error()) != c.want {
			t.Errorf("%s: UnavailableMessage(%q) = %v, want %v", c.name, c.err, !c.want, c.want)
		}
	}
	// A server that is not there at all.
	pool, err := database.Open(context.Background(), "postgres://euterpe@127.0.0.1:1/nowhere?connect_timeout=1", database.PoolOptions{MaxConns: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	_, err = pool.Exec(context.Background(), "SELECT 1")
	if !database.Unavailable(err) || !database.UnavailableMessage(err.Error()) {
		t.Errorf("a server that is not there: Unavailable(%v) = false", err)
	}
}
