package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/euterpe-dev/euterpe/config"
	"github.com/euterpe-dev/euterpe/database"
	"github.com/euterpe-dev/euterpe/db"
	"github.com/euterpe-dev/euterpe/internal/testdb"
)

// operatorToken is METRICS_TOKEN in these tests: getJSON carries it.
const operatorToken = "operator-token-0123456789abcdef0123456789"

// testServer serves the router over real HTTP with logs captured.
func testServer(t *testing.T, deps Deps) (*httptest.Server, *bytes.Buffer) {
	t.Helper()
	if deps.Config.MetricsToken == "" {
		deps.Config.MetricsToken = operatorToken
	}
	var logs bytes.Buffer
	deps.Log = slog.New(slog.NewTextHandler(&logs, nil))
	if deps.Started.IsZero() {
		deps.Started = time.Now()
	}
	srv := httptest.NewServer(NewRouter(deps))
	t.Cleanup(srv.Close)
	return srv, &logs
}

// getJSON asks as the operator (with the token); anonJSON as anyone.
func getJSON(t *testing.T, url string, into any) *http.Response {
	t.Helper()
	return fetchJSON(t, url, "Bearer "+operatorToken, into)
}

func anonJSON(t *testing.T, url string, into any) *http.Response {
	t.Helper()
	return fetchJSON(t, url, "", into)
}

func fetchJSON(t *testing.T, url, authorization string, into any) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type = %q, body %s", ct, body)
	}
	if err := json.Unmarshal(body, into); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	return res
}

// downPool is a pool whose server does not exist: pgxpool connects lazily,
// so every use fails the way a database outage does.
func downPool(t *testing.T) Deps {
	t.Helper()
	pool, err := database.Open(context.Background(), "postgres://euterpe:hunter2@127.0.0.1:1/nowhere?connect_timeout=1", database.PoolOptions{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return Deps{Pool: pool}
}

func TestHealth(t *testing.T) {
	pool, _ := testdb.Migrated(t)
	srv, _ := testServer(t, Deps{Pool: pool, Version: "test"})
	var body map[string]any
	res := getJSON(t, srv.URL+"/health", &body)
	if res.StatusCode != http.StatusOK || body["status"] != "healthy" || body["database"] != "ok" || body["version"] != "test" {
		t.Fatalf("health = %d %v", res.StatusCode, body)
	}
	for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy"} {
		if res.Header.Get(h) == "" {
			t.Errorf("missing header %s", h)
		}
	}
}

// TestDiagnosticsAnonymously: without the operator's token /health says
// only healthy or degraded and /db_check only the safety verdict; a wrong
// token is no token; and each address is throttled.
func TestDiagnosticsAnonymously(t *testing.T) {
	pool, _ := testdb.Migrated(t)
	srv, _ := testServer(t, Deps{Pool: pool, Version: "test"})
	var health, check map[string]any
	anonJSON(t, srv.URL+"/health", &health)
	if len(health) != 1 || health["status"] != "healthy" {
		t.Errorf("anonymous /health = %v, want the status alone", health)
	}
	fetchJSON(t, srv.URL+"/health", "Bearer "+strings.Repeat("x", len(operatorToken)), &health)
	if len(health) != 1 {
		t.Errorf("/health with a wrong token = %v", health)
	}
	anonJSON(t, srv.URL+"/db_check", &check)
	if len(check) != 1 || check["public_safety_check"] != "passed" {
		t.Errorf("anonymous /db_check = %v, want the verdict alone", check)
	}
	getJSON(t, srv.URL+"/health", &health)
	if health["version"] != "test" || health["goroutines"] == nil || health["pool"] == nil {
		t.Errorf("/health as the operator = %v", health)
	}
	if bp, _ := health["pool"].(map[string]any)["back_pressure"].(map[string]any); bp == nil || bp["limited"] != false {
		t.Errorf("/health as the operator: the pool's back-pressure = %v", health["pool"])
	}
	limited := 0
	for range diagnosticsPerMinute + 5 {
		res, err := http.Get(srv.URL + "/db_check")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode == http.StatusTooManyRequests {
			limited++
		}
	}
	if limited == 0 {
		t.Errorf("%d requests a minute from one address, none refused", diagnosticsPerMinute+5)
	}
	// The operator (a monitor, a benchmark) is not throttled.
	if res := getJSON(t, srv.URL+"/db_check", &check); res.StatusCode != http.StatusOK {
		t.Errorf("the operator was throttled: %d", res.StatusCode)
	}
}

func TestHealthDatabaseDown(t *testing.T) {
	srv, logs := testServer(t, downPool(t))
	var body map[string]any
	res := getJSON(t, srv.URL+"/health", &body)
	if res.StatusCode != http.StatusServiceUnavailable || body["status"] != "degraded" {
		t.Fatalf("health with database down = %d %v", res.StatusCode, body)
	}
	if strings.Contains(logs.String(), "hunter2") {
		t.Fatal("log contains the database password")
	}
}

func TestDBCheck(t *testing.T) {
	pool, _ := testdb.Migrated(t)
	if _, err := db.New(pool).UpsertUser(context.Background(), db.UpsertUserParams{SpotifyUserID: "s1", DisplayName: "One"}); err != nil {
		t.Fatal(err)
	}
	srv, _ := testServer(t, Deps{Pool: pool})
	var body struct {
		Schema       string   `json:"schema"`
		SchemaExists bool     `json:"schema_exists"`
		Tables       []string `json:"tables"`
		UsersCount   *int64   `json:"users_count"`
		GooseVersion int64    `json:"goose_version"`
		Safety       string   `json:"public_safety_check"`
	}
	res := getJSON(t, srv.URL+"/db_check", &body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	if body.Schema != "euterpe" || !body.SchemaExists || body.UsersCount == nil || *body.UsersCount != 1 || body.GooseVersion < 1 || body.Safety != "passed" {
		t.Fatalf("db_check = %+v", body)
	}
	want := map[string]bool{"users": false, "user_tokens": false, "sessions": false, "login_states": false, "user_preferences": false, "goose_db_version": false}
	for _, tb := range body.Tables {
		want[tb] = true
	}
	for tb, ok := range want {
		if !ok {
			t.Errorf("table %s not reported in %v", tb, body.Tables)
		}
	}

	// Something named like ours in public is reported, not ignored.
	if _, err := pool.Exec(context.Background(), "CREATE TABLE public.users (id int)"); err != nil {
		t.Fatal(err)
	}
	getJSON(t, srv.URL+"/db_check", &body)
	if !strings.HasPrefix(body.Safety, "warning") || !strings.Contains(body.Safety, "users") {
		t.Fatalf("public_safety_check = %q with public.users present", body.Safety)
	}
}

func TestDBCheckDatabaseDown(t *testing.T) {
	srv, logs := testServer(t, downPool(t))
	var body map[string]any
	res := getJSON(t, srv.URL+"/db_check", &body)
	// An outage, not a fault: 503 with a retry hint, the cause only logged.
	if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" ||
		body["error"] != "The database is not answering right now. Try again in a moment." {
		t.Fatalf("db_check with database down = %d %v", res.StatusCode, body)
	}
	if !strings.Contains(logs.String(), "database check failed: database unavailable") {
		t.Fatalf("detail not logged: %s", logs)
	}
}

func TestDBCheckUnmigrated(t *testing.T) {
	dbURL := testdb.Create(t)
	pool, err := database.Open(context.Background(), dbURL, database.PoolOptions{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	srv, _ := testServer(t, Deps{Pool: pool})
	var body map[string]any
	res := getJSON(t, srv.URL+"/db_check", &body)
	if res.StatusCode != http.StatusOK || body["schema_exists"] != false || body["users_count"] != nil {
		t.Fatalf("db_check before migrations = %d %v", res.StatusCode, body)
	}
}

func TestSecurityHeadersCSP(t *testing.T) {
	srv, _ := testServer(t, Deps{Pool: downPool(t).Pool, Config: config.Config{Spotify: config.Spotify{APIURL: "http://127.0.0.1:8090/v1"}}})
	res, err := http.Get(srv.URL + "/health")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	csp := res.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "http://127.0.0.1:8090"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	for _, bad := range []string{"unsafe-inline", "unsafe-eval"} {
		if strings.Contains(csp, bad) {
			t.Errorf("CSP allows %s", bad)
		}
	}
	if res.Header.Get("Strict-Transport-Security") != "" {
		t.Error("HSTS sent over plain http")
	}
}
