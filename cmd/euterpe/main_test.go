package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/euterpe-dev/euterpe/database"
	"github.com/euterpe-dev/euterpe/internal/testdb"
	"github.com/euterpe-dev/euterpe/tokencrypt"
)

func mapEnv(m map[string]string) env { return func(k string) string { return m[k] } }

func runCmd(t *testing.T, m map[string]string, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, mapEnv(m), &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestUsage(t *testing.T) {
	for _, args := range [][]string{nil, {"nope"}, {"migrate"}, {"migrate", "sideways"}, {"users"}, {"users", "everyone"}, {"users", "delete"}, {"serve", "extra"}} {
		_, _, err := runCmd(t, nil, args...)
		if err == nil || !strings.Contains(err.Error(), "usage") {
			t.Errorf("run(%q) = %v, want a usage error", args, err)
		}
	}
	out, _, err := runCmd(t, nil, "help")
	if err != nil || !strings.Contains(out, "migrate up|down|status") {
		t.Errorf("help = %q, %v", out, err)
	}
}

func TestKeygen(t *testing.T) {
	out, _, err := runCmd(t, nil, "keygen")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tokencrypt.ParseKeys(strings.TrimSpace(out)); err != nil {
		t.Fatalf("keygen printed %q, not a Fernet key: %v", out, err)
	}
	again, _, _ := runCmd(t, nil, "keygen")
	if again == out {
		t.Fatal("keygen printed the same key twice")
	}
}

func TestMigrateAndUsersCount(t *testing.T) {
	e := map[string]string{"DATABASE_URL": testdb.Create(t)}
	out, _, err := runCmd(t, e, "migrate", "up")
	if err != nil || !strings.Contains(out, "applied") {
		t.Fatalf("migrate up = %q, %v", out, err)
	}
	out, _, err = runCmd(t, e, "migrate", "up")
	if err != nil || !strings.Contains(out, "already up to date") {
		t.Fatalf("second migrate up = %q, %v", out, err)
	}
	out, _, err = runCmd(t, e, "migrate", "status")
	if err != nil || !strings.Contains(out, "00001") || !strings.Contains(out, "applied") {
		t.Fatalf("migrate status = %q, %v", out, err)
	}
	out, _, err = runCmd(t, e, "users", "count")
	if err != nil || out != "Users: 0\n" {
		t.Fatalf("users count = %q, %v", out, err)
	}
	out, _, err = runCmd(t, e, "migrate", "down")
	if err != nil || !strings.Contains(out, "rolled back") {
		t.Fatalf("migrate down = %q, %v", out, err)
	}
}

// TestUsersListAndDelete: the operator lists users with their plays and
// deletes one by either id, everything of theirs with them.
func TestUsersListAndDelete(t *testing.T) {
	dbURL := testdb.Create(t)
	e := map[string]string{"DATABASE_URL": dbURL}
	if _, _, err := runCmd(t, e, "migrate", "up"); err != nil {
		t.Fatal(err)
	}
	pool := connectPool(t, dbURL)
	ctx := context.Background()
	for _, q := range []string{
		`INSERT INTO euterpe.users (id, spotify_user_id, display_name) VALUES
		   ('11111111-1111-1111-1111-111111111111', 'walt', 'Walt Brennan'),
		   ('22222222-2222-2222-2222-222222222222', 'ines', 'Inès Moreau')`,
		`INSERT INTO euterpe.tracks (spotify_id, name) VALUES ('5rVU1YwJ1SfhxKj1WhnUKp', 'Harvest Moon')`,
		`INSERT INTO euterpe.plays (user_id, track_id, played_at, ms_played, source_id)
		 SELECT '11111111-1111-1111-1111-111111111111', t.id, now() - g * interval '10 minutes', 200000, 1
		 FROM euterpe.tracks t, generate_series(1, 3) g`,
	} {
		if _, err := pool.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	out, _, err := runCmd(t, e, "users", "list")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], "ID") || !strings.Contains(lines[1], "walt") ||
		!strings.HasSuffix(strings.TrimSpace(lines[1]), " 3") || !strings.HasSuffix(strings.TrimSpace(lines[2]), " 0") || lines[3] != "2 users" {
		t.Fatalf("users list:\n%s", out)
	}
	out, _, err = runCmd(t, e, "users", "delete", "walt")
	if err != nil || !strings.Contains(out, "3 plays") {
		t.Fatalf("delete by Spotify id: %q %v", out, err)
	}
	if _, _, err := runCmd(t, e, "users", "delete", "22222222-2222-2222-2222-222222222222"); err != nil {
		t.Fatalf("delete by Euterpe id: %v", err)
	}
	var users, plays int
	pool.QueryRow(ctx, "SELECT (SELECT count(*) FROM euterpe.users), (SELECT count(*) FROM euterpe.plays)").Scan(&users, &plays)
	if users != 0 || plays != 0 {
		t.Errorf("%d users and %d plays left", users, plays)
	}
	if _, _, err := runCmd(t, e, "users", "delete", "nobody"); err == nil || !strings.Contains(err.Error(), "users list") {
		t.Errorf("deleting an unknown user: %v", err)
	}
	if _, _, err := runCmd(t, e, "users", "delete"); !errors.Is(err, errUsage) {
		t.Errorf("delete without an id: %v", err)
	}
}

func connectPool(t *testing.T, url string) *database.Pool {
	t.Helper()
	pool, err := database.Open(context.Background(), url, database.PoolOptions{MaxConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

func TestServeRefusesBadConfigBeforeListening(t *testing.T) {
	port := freePort(t)
	_, _, err := runCmd(t, map[string]string{"DATABASE_URL": "postgres://u@127.0.0.1/d", "PORT": port, "ENCRYPTION_KEY": "nope"}, "serve")
	if err == nil {
		t.Fatal("serve started with a bad configuration")
	}
	for _, name := range []string{"ENCRYPTION_KEY", "SECRET_KEY", "SPOTIFY_CLIENT_ID"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error %q does not name %s", err, name)
		}
	}
	if c, err := net.DialTimeout("tcp", "127.0.0.1:"+port, 200*time.Millisecond); err == nil {
		c.Close()
		t.Fatal("something listens on the port after a refused start")
	}
}

func TestServeLifecycle(t *testing.T) {
	key, _ := tokencrypt.GenerateKey()
	port := freePort(t)
	e := map[string]string{
		"DATABASE_URL":         testdb.Create(t),
		"PORT":                 port,
		"SECRET_KEY":           strings.Repeat("k", 40),
		"ENCRYPTION_KEY":       key,
		"SPOTIFY_CLIENT_ID":    "id",
		"SPOTIFY_REDIRECT_URI": "http://127.0.0.1:" + port + "/callback",
	}
	if _, _, err := runCmd(t, e, "migrate", "up"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var logs bytes.Buffer
	go func() { done <- run(ctx, []string{"serve"}, mapEnv(e), &bytes.Buffer{}, &logs) }()

	url := "http://127.0.0.1:" + port + "/health"
	var res *http.Response
	var err error
	for i := 0; i < 100; i++ {
		if res, err = http.Get(url); err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("server never answered: %v", err)
	}
	var body map[string]any
	json.NewDecoder(res.Body).Decode(&body)
	res.Body.Close()
	if res.StatusCode != 200 || body["status"] != "healthy" {
		t.Fatalf("health = %d %v", res.StatusCode, body)
	}

	cancel() // what SIGTERM does through signal.NotifyContext
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v after shutdown", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop within 30 s")
	}
	if !strings.Contains(logs.String(), "stopped") {
		t.Fatalf("no shutdown in logs: %s", logs.String())
	}
}

// TestServeRefusesAnUnmigratedDatabase: serve and worker will not start
// on a database behind the build's migrations (never migrated, or a
// migration short), and say what to run.
func TestServeRefusesAnUnmigratedDatabase(t *testing.T) {
	key, _ := tokencrypt.GenerateKey()
	port := freePort(t)
	e := map[string]string{
		"DATABASE_URL":         testdb.Create(t),
		"PORT":                 port,
		"SECRET_KEY":           strings.Repeat("k", 40),
		"ENCRYPTION_KEY":       key,
		"SPOTIFY_CLIENT_ID":    "id",
		"SPOTIFY_REDIRECT_URI": "http://127.0.0.1:" + port + "/callback",
	}
	check := func(when string) {
		t.Helper()
		for _, cmd := range []string{"serve", "worker"} {
			_, _, err := runCmd(t, e, cmd)
			if err == nil || !strings.Contains(err.Error(), "euterpe migrate up") {
				t.Errorf("%s, %s: %v", when, cmd, err)
			}
		}
		if c, err := net.DialTimeout("tcp", "127.0.0.1:"+port, 200*time.Millisecond); err == nil {
			c.Close()
			t.Fatalf("%s: something listens on the port after a refused start", when)
		}
	}
	check("never migrated")
	if _, _, err := runCmd(t, e, "migrate", "up"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCmd(t, e, "migrate", "down"); err != nil {
		t.Fatal(err)
	}
	check("one migration short")
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return fmt.Sprint(ln.Addr().(*net.TCPAddr).Port)
}

// TestUsersListEscapesControls: a display name is whatever Spotify sent
// (the user chose it), so the operator's terminal gets it with its control
// characters escaped: no clearing the screen, no rewriting the line.
func TestUsersListEscapesControls(t *testing.T) {
	dbURL := testdb.Create(t)
	e := map[string]string{"DATABASE_URL": dbURL}
	if _, _, err := runCmd(t, e, "migrate", "up"); err != nil {
		t.Fatal(err)
	}
	pool := connectPool(t, dbURL)
	const evil = "Walt\x1b[2J\rroot\u009b31m\u202eevil\x7f"
	if _, err := pool.Exec(context.Background(), `INSERT INTO euterpe.users (id, spotify_user_id, display_name) VALUES
		('11111111-1111-1111-1111-111111111111', 'walt', $1), ('22222222-2222-2222-2222-222222222222', 'ines', 'Inès Moreau')`, evil); err != nil {
		t.Fatal(err)
	}
	out, _, err := runCmd(t, e, "users", "list")
	if err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{out, func() string {
		out, _, err := runCmd(t, e, "users", "delete", "walt")
		if err != nil {
			t.Fatal(err)
		}
		return out
	}()} {
		for _, r := range strings.TrimSuffix(out, "\n") {
			if r != '\n' && (r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u202e') {
				t.Errorf("output holds the control character %U:\n%q", r, out)
			}
		}
		if !strings.Contains(out, `Walt\x1b[2J\rroot\u009b31m\u202eevil\x7f`) {
			t.Errorf("the name is not shown escaped:\n%s", out)
		}
	}
	if !strings.Contains(out, "Inès Moreau") {
		t.Errorf("a plain name was changed:\n%s", out)
	}
}
