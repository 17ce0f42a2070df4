package history

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/euterpe-dev/euterpe/internal/testdb"
)

// The history's two rules are each written once, in the database, and the
// Go side agrees: the same listen within SameListenWindow, a play from 30
// seconds on. The rule is a function the planner inlines, so the duplicate
// check still reads the plays' index by time.
func TestTheRulesOfTheHistory(t *testing.T) {
	pool, _ := testdb.Migrated(t)
	ctx := context.Background()
	var window time.Duration
	if err := pool.QueryRow(ctx, `SELECT extract(epoch FROM euterpe.same_listen_window())::float8 * 1e9`).Scan(&window); err != nil {
		t.Fatal(err)
	}
	if window != SameListenWindow {
		t.Errorf("the database's window is %s, Go's %s", window, SameListenWindow)
	}
	at := time.Date(2026, 3, 29, 0, 59, 50, 0, time.UTC)
	for _, c := range []struct {
		apart time.Duration
		same  bool
	}{{0, true}, {29 * time.Second, true}, {-29 * time.Second, true}, {30 * time.Second, false}, {-30 * time.Second, false}, {time.Hour, false}} {
		var same bool
		if err := pool.QueryRow(ctx, `SELECT euterpe.same_listen($1, $2)`, at.Add(c.apart), at).Scan(&same); err != nil {
			t.Fatal(err)
		}
		if same != c.same {
			t.Errorf("listens %s apart: same %v, want %v", c.apart, same, c.same)
		}
	}
	for ms, play := range map[int32]bool{0: false, 29_999: false, 30_000: true, 200_000: true} {
		var got bool
		if err := pool.QueryRow(ctx, `SELECT euterpe.counts_as_play($1)`, ms).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != play {
			t.Errorf("%d ms counts as a play: %v, want %v", ms, got, play)
		}
	}

	conn, err := pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SET enable_seqscan = off`); err != nil {
		t.Fatal(err)
	}
	rows, err := conn.Query(ctx, `EXPLAIN SELECT 1 FROM euterpe.plays p
		WHERE p.user_id = '00000000-0000-0000-0000-000000000001' AND p.track_id = 1
		  AND euterpe.same_listen(p.played_at, '2026-03-29T00:59:50Z'::timestamptz)`)
	if err != nil {
		t.Fatal(err)
	}
	var plan []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, line)
	}
	if p := strings.Join(plan, "\n"); !strings.Contains(p, "Index Cond") || !strings.Contains(p, "played_at >") || strings.Contains(p, "same_listen(") {
		t.Errorf("the same-listen rule is not inlined into an index range:\n%s", p)
	}
}
