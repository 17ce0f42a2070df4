package stack

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
)

// ApplicationName is how the app labels its connections (database.ApplicationName).
const ApplicationName = "euterpe"

// CreateDatabase makes a database named prefix_<random> on the server at
// adminURL and returns its URL and name.
func CreateDatabase(ctx context.Context, adminURL, prefix string) (dbURL, name string, err error) {
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return "", "", fmt.Errorf("stack: cannot reach PostgreSQL at %s: %w", redact(adminURL), err)
	}
	defer conn.Close(ctx)
	var b [6]byte
	_, _ = rand.Read(b[:])
	name = prefix + "_" + hex.EncodeToString(b[:])
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", "", fmt.Errorf("stack: create database: %w", err)
	}
	u, _ := url.Parse(adminURL)
	u.Path = "/" + name
	return u.String(), name, nil
}

// DropDatabase drops name, closing whatever connections are left on it.
func DropDatabase(ctx context.Context, adminURL, name string) error {
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return fmt.Errorf("stack: drop %s: %w", name, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("stack: drop %s: %w", name, err)
	}
	return nil
}

func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}

const countAppConns = `SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 AND datname = $2`

// AppConnections is how many connections the app holds on dbName now.
func AppConnections(ctx context.Context, conn *pgx.Conn, dbName string) (int, error) {
	var n int
	err := conn.QueryRow(ctx, countAppConns, ApplicationName, dbName).Scan(&n)
	return n, err
}

// TerminateAppConnections kills every backend serving the app on dbName
// and returns how many it killed.
func TerminateAppConnections(ctx context.Context, conn *pgx.Conn, dbName string) (int, error) {
	var n int
	err := conn.QueryRow(ctx, `SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE application_name = $1 AND datname = $2) AS killed`, ApplicationName, dbName).Scan(&n)
	return n, err
}

// ConnWatch samples the app's connection count until stopped and keeps the
// highest.
type ConnWatch struct {
	max, samples, errors atomic.Int64
	stop                 context.CancelFunc
	done                 sync.WaitGroup
}

// WatchConnections polls pg_stat_activity every interval on its own
// connection (which is not the app's: it has no application_name).
func WatchConnections(ctx context.Context, adminURL, dbName string, interval time.Duration) (*ConnWatch, error) {
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return nil, fmt.Errorf("stack: connection watch: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	w := &ConnWatch{stop: cancel}
	w.done.Go(func() {
		defer conn.Close(context.Background())
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			n, err := AppConnections(ctx, conn, dbName)
			if ctx.Err() != nil {
				return
			}
			if err != nil {
				w.errors.Add(1)
				if conn.IsClosed() {
					return
				}
			} else {
				w.samples.Add(1)
				for {
					old := w.max.Load()
					if int64(n) <= old || w.max.CompareAndSwap(old, int64(n)) {
						break
					}
				}
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	})
	return w, nil
}

// Stop ends the watch and returns the highest count seen and the number of
// samples taken.
func (w *ConnWatch) Stop() (peak, samples int) {
	w.stop()
	w.done.Wait()
	return int(w.max.Load()), int(w.samples.Load())
}

// Max is the highest count so far.
func (w *ConnWatch) Max() int { return int(w.max.Load()) }
