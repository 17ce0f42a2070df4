package drill

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/euterpe-dev/euterpe/bench/stack"
)

// TestAnotherApplicationTakesTheSlots: the application Euterpe shares its
// database with takes every connection slot the server has left while
// 300 clients use Euterpe. Refused connections are back-pressure: requests
// wait for the connections Euterpe already holds, or get 503 — never a 500
// or a dropped connection —, the refusal is logged once, not per request,
// and once the other application lets go Euterpe serves as before.
func TestAnotherApplicationTakesTheSlots(t *testing.T) {
	e := newEnv(t, envOptions{appEnv: map[string]string{"DB_MAX_CONNS": "15"}})
	browsers := e.login(stack.Listeners...)
	e.warm(browsers)
	ctx := t.Context()
	admin := connect(t, cluster.AdminURL)

	role := "otherapp_" + strings.TrimPrefix(e.dbName, "drill_")
	if _, err := admin.Exec(ctx, "CREATE ROLE "+role+" LOGIN"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = admin.Exec(context.Background(), "DROP ROLE IF EXISTS "+role) })

	// The other application takes every slot an ordinary role may have
	// (the reserved ones stay for superusers, as on Heroku).
	otherURL := strings.Replace(e.dbURL, "postgres@", role+"@", 1)
	if otherURL == e.dbURL {
		t.Fatalf("cannot tell the user in %s", e.dbURL)
	}
	held := fillSlots(t, otherURL, 500)
	// And the superusers' reserved slots, so Euterpe (a superuser here)
	// cannot grow either.
	reserved := fillSlots(t, cluster.AdminURL, 50)
	var euterpeHeld int
	if err := admin.QueryRow(ctx, "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND usename = 'postgres'", e.dbName).Scan(&euterpeHeld); err != nil {
		t.Fatal(err)
	}
	t.Logf("the other application holds %d connections (+%d reserved); Euterpe holds %d of its 15", len(held), len(reserved), euterpeHeld)

	reqs := append(sessionRequests(browsers, "/top_songs", false), sessionRequests(browsers, "/panels/top-artists?range=long_term", true)...)
	res := stack.Load{BaseURL: e.app.URL, Clients: 300, Duration: 4 * time.Second, Requests: reqs,
		OK: func(status int, _ []byte) bool { return status == http.StatusOK }}.Run(ctx)
	e.alive()
	statuses := res.Statuses()
	t.Logf("%d requests, %.0f/s, p99 %s (statuses %v)", res.Count(), res.PerSecond(), res.Percentile(99), statuses)
	for status, n := range statuses {
		if status != http.StatusOK && status != http.StatusServiceUnavailable {
			t.Errorf("%d requests answered %d: a refused connection must mean waiting or 503", n, status)
		}
	}
	if statuses[http.StatusOK] == 0 {
		t.Error("no request was served from the connections Euterpe holds")
	}
	logs := withoutAccessLog(e.app.Logs())
	if n := strings.Count(logs, "the database refuses more connections"); n > 2 || (n == 0 && euterpeHeld < 15) {
		t.Errorf("the refusal was logged %d times in seconds, want once a minute", n)
	}
	if strings.Contains(logs, "level=ERROR") {
		t.Errorf("back-pressure logged as errors:\n%s", tail(logs, 20))
	}

	// The other application lets go: Euterpe serves as before.
	for _, c := range append(held, reserved...) {
		c.Close(ctx)
	}
	if _, err := e.waitServing(browsers[0], 35*time.Second); err != nil {
		t.Error(err)
	}
	after := stack.Load{BaseURL: e.app.URL, Clients: 50, Duration: 2 * time.Second, Requests: reqs}.Run(ctx)
	if n := after.Errors(); n > 0 {
		t.Errorf("after the other application let go, %d of %d requests failed (statuses %v)", n, after.Count(), after.Statuses())
	}
}

// fillSlots opens connections to url until the server refuses one for want
// of slots (SQLSTATE 53300), at most limit.
func fillSlots(t *testing.T, url string, limit int) []*pgx.Conn {
	t.Helper()
	var held []*pgx.Conn
	t.Cleanup(func() {
		for _, c := range held {
			c.Close(context.Background())
		}
	})
	for range limit {
		c, err := pgx.Connect(t.Context(), url)
		if err != nil {
			var pe *pgconn.PgError
			if !errors.As(err, &pe) || pe.Code != "53300" {
				t.Fatalf("connection %d: %v", len(held)+1, err)
			}
			return held
		}
		held = append(held, c)
	}
	t.Fatalf("the server took %d connections and refused none", limit)
	return nil
}
