package database_test

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/euterpe-dev/euterpe/database"
	"github.com/euterpe-dev/euterpe/db"
	"github.com/euterpe-dev/euterpe/internal/testdb"
)

func newMigrator(t *testing.T, dbURL string) *database.Migrator {
	t.Helper()
	m, err := database.NewMigrator(context.Background(), dbURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func connect(t *testing.T, dbURL string) *pgx.Conn {
	t.Helper()
	c, err := pgx.Connect(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

func tablesIn(t *testing.T, c *pgx.Conn, schema string) []string {
	t.Helper()
	rows, _ := c.Query(context.Background(), "SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY 1", schema)
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return names
}

func TestMigrateUpDownUp(t *testing.T) {
	ctx := context.Background()
	dbURL := testdb.Create(t)
	m := newMigrator(t, dbURL)
	if got := m.MaxOpenConns(); got > 2 {
		t.Fatalf("migrator may open %d connections, want at most 2", got)
	}

	applied, err := m.Up(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(applied) == 0 {
		t.Fatal("first up applied nothing")
	}
	c := connect(t, dbURL)
	want := append([]string{"goose_db_version"}, database.OwnTables...)
	slices.Sort(want)
	if got := tablesIn(t, c, "euterpe"); !slices.Equal(got, want) {
		t.Fatalf("tables after up = %v, want %v", got, want)
	}

	again, err := m.Up(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(again) != 0 {
		t.Fatalf("second up applied %d migrations, want none", len(again))
	}

	for range applied {
		if _, err := m.Down(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if got := tablesIn(t, c, "euterpe"); !slices.Equal(got, []string{"goose_db_version"}) {
		t.Fatalf("tables after down = %v, want only the version table", got)
	}
	// Down leaves no function, type or sequence of ours behind either.
	var leftovers []string
	rows, _ := c.Query(ctx, `SELECT 'function ' || proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'euterpe'
		UNION ALL SELECT 'type ' || typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
		WHERE n.nspname = 'euterpe' AND t.typtype <> 'c' AND t.typname NOT LIKE '\_%' AND t.typrelid = 0
		UNION ALL SELECT 'sequence ' || relname FROM pg_class r JOIN pg_namespace n ON n.oid = r.relnamespace
		WHERE n.nspname = 'euterpe' AND r.relkind = 'S' AND r.relname NOT LIKE 'goose%'`)
	leftovers, err = pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil || len(leftovers) > 0 {
		t.Fatalf("after down: %v left in euterpe (%v)", leftovers, err)
	}
	if _, err := m.Up(ctx); err != nil {
		t.Fatal(err)
	}
	if got := tablesIn(t, c, "euterpe"); !slices.Equal(got, want) {
		t.Fatalf("tables after up again = %v, want %v", got, want)
	}
	st, err := m.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range st {
		if s.State != "applied" {
			t.Errorf("migration %d state %q after up", s.Source.Version, s.State)
		}
	}
}

func TestConcurrentUpAppliesOnce(t *testing.T) {
	ctx := context.Background()
	dbURL := testdb.Create(t)
	const n = 4
	var wg sync.WaitGroup
	counts := make([]int, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			m, err := database.NewMigrator(ctx, dbURL, nil)
			if err != nil {
				errs[i] = err
				return
			}
			defer m.Close()
			res, err := m.Up(ctx)
			counts[i], errs[i] = len(res), err
		})
	}
	wg.Wait()
	total := 0
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("migrator %d: %v", i, errs[i])
		}
		total += counts[i]
	}
	c := connect(t, dbURL)
	var rows int
	if err := c.QueryRow(ctx, "SELECT count(*) FROM euterpe.goose_db_version WHERE version_id > 0").Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if total != rows || rows == 0 {
		t.Fatalf("%d concurrent ups applied %d migrations in all, version table has %d rows: each must apply once", n, total, rows)
	}
}

// otherApp is what the application that owns public has in the database.
const otherApp = `
CREATE TABLE public.books (id serial PRIMARY KEY, title text NOT NULL);
INSERT INTO public.books (title) VALUES ('Dune'), ('Emma');
CREATE TABLE public.users (id serial PRIMARY KEY, name text NOT NULL);
INSERT INTO public.users (name) VALUES ('librarian');
CREATE TABLE public.user_tokens (id serial PRIMARY KEY, token text NOT NULL);
INSERT INTO public.user_tokens (token) VALUES ('their-token');
CREATE TABLE public.goose_db_version (id serial PRIMARY KEY, version_id bigint NOT NULL, is_applied boolean NOT NULL, tstamp timestamp DEFAULT now());
INSERT INTO public.goose_db_version (version_id, is_applied) VALUES (0, true), (1, true), (2, true);
`

// snapshotPublic renders every table in public with all its rows, plus every
// other kind of object there, so that any change shows up as a difference.
func snapshotPublic(t *testing.T, c *pgx.Conn) string {
	t.Helper()
	ctx := context.Background()
	out := ""
	rows, _ := c.Query(ctx, `SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = 'public' ORDER BY 1`)
	objs, err := pgx.CollectRows(rows, pgx.RowToStructByPos[struct {
		Name string
		Kind string
	}])
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range objs {
		out += fmt.Sprintf("%s(%s)\n", o.Name, o.Kind)
		if o.Kind != "r" {
			continue
		}
		var body string
		q := fmt.Sprintf("SELECT COALESCE(string_agg(t::text, ';' ORDER BY t::text), '') FROM public.%s t", pgx.Identifier{o.Name}.Sanitize())
		if err := c.QueryRow(ctx, q).Scan(&body); err != nil {
			t.Fatal(err)
		}
		out += "  " + body + "\n"
	}
	var fns int
	if err := c.QueryRow(ctx, `SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'`).Scan(&fns); err != nil {
		t.Fatal(err)
	}
	return out + fmt.Sprintf("functions: %d\n", fns)
}

func TestSchemaIsolation(t *testing.T) {
	ctx := context.Background()
	dbURL := testdb.Create(t)
	admin := connect(t, dbURL)
	if _, err := admin.Exec(ctx, otherApp); err != nil {
		t.Fatal(err)
	}
	// Euterpe's role may create schemas in the database but nothing in public.
	role := "euterpe_app_" + fmt.Sprint(time.Now().UnixNano())
	u, _ := url.Parse(dbURL)
	dbName := u.Path[1:]
	for _, q := range []string{
		"CREATE ROLE " + role + " LOGIN",
		"GRANT CONNECT, CREATE ON DATABASE " + dbName + " TO " + role,
		"REVOKE CREATE ON SCHEMA public FROM PUBLIC",
		"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM " + role,
	} {
		if _, err := admin.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	t.Cleanup(func() {
		testdb.Drop(t, dbName)
		c, err := pgx.Connect(context.Background(), testdb.AdminURL())
		if err == nil {
			c.Exec(context.Background(), "DROP ROLE IF EXISTS "+role)
			c.Close(context.Background())
		}
	})
	before := snapshotPublic(t, admin)

	appURL := *u
	appURL.User = url.User(role)
	m := newMigrator(t, appURL.String())
	if _, err := m.Up(ctx); err != nil {
		t.Fatalf("migrate up as a role without CREATE on public: %v", err)
	}
	if _, err := m.Up(ctx); err != nil {
		t.Fatal(err)
	}

	if after := snapshotPublic(t, admin); after != before {
		t.Fatalf("public changed:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	want := append([]string{"goose_db_version"}, database.OwnTables...)
	slices.Sort(want)
	if got := tablesIn(t, admin, "euterpe"); !slices.Equal(got, want) {
		t.Fatalf("euterpe tables = %v, want %v", got, want)
	}
	var owner string
	if err := admin.QueryRow(ctx, "SELECT tableowner FROM pg_tables WHERE schemaname='euterpe' AND tablename='users'").Scan(&owner); err != nil {
		t.Fatal(err)
	}
	if owner != role {
		t.Fatalf("euterpe.users owned by %q, want the app role %q", owner, role)
	}

	// The app's queries work as that role and land in euterpe.
	pool, err := database.Open(ctx, appURL.String(), database.PoolOptions{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if _, err := db.New(pool).UpsertUser(ctx, db.UpsertUserParams{SpotifyUserID: "sid", DisplayName: "Ada"}); err != nil {
		t.Fatal(err)
	}
	if after := snapshotPublic(t, admin); after != before {
		t.Fatalf("public changed by a query:\n%s", after)
	}
	d, err := database.Diagnose(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(d.PublicClashes, []string{"user_tokens", "users"}) {
		t.Fatalf("PublicClashes = %v, want the other app's users and user_tokens", d.PublicClashes)
	}
	if d.GooseVersion < 1 || !d.SchemaExists {
		t.Fatalf("diagnostics = %+v", d)
	}
}

func openMigrated(t *testing.T) *database.Pool {
	pool, _ := testdb.Migrated(t)
	return pool
}

// TestRiverSeesItsSchemaCurrent: River's tables come from goose migrations
// generated from River's own (internal/cmd/rivermigrations); River's
// migrator, asked about the migrated database, has nothing left to apply.
func TestRiverSeesItsSchemaCurrent(t *testing.T) {
	ctx := context.Background()
	pool, _ := testdb.Migrated(t)
	m, err := rivermigrate.New(riverpgxv5.New(pool.Pool), &rivermigrate.Config{Schema: database.Schema})
	if err != nil {
		t.Fatal(err)
	}
	res, err := m.Validate(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !res.OK {
		t.Fatalf("River finds its schema behind: %v (generate the missing versions with internal/cmd/rivermigrations)", res.Messages)
	}
}
