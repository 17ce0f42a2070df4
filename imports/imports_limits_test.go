package imports

import (
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/euterpe-dev/euterpe/internal/testcatalog"
	"github.com/euterpe-dev/euterpe/internal/testdb"
)

// extendedRows is an extended streaming history of n plays of distinct
// tracks, each ending at at(i).
func extendedRows(r *rand.Rand, n int, at func(i int) time.Time) []byte {
	rows := make([]string, n)
	for i := range rows {
		rows[i] = fmt.Sprintf(`{"ts":%q,"ms_played":200000,"master_metadata_track_name":"Song %d","master_metadata_album_artist_name":"Artist","master_metadata_album_album_name":"Album","spotify_track_uri":"spotify:track:%s"}`,
			at(i).Format(time.RFC3339), i, testcatalog.ID(r))
	}
	return []byte("[" + strings.Join(rows, ",") + "]")
}

// TestImportLimits (issue 21, item 11): an import reads at most so many
// rows, a user keeps at most so many plays, and a file with many plays
// ending at one moment is refused; each says so on the import's page and
// adds nothing.
func TestImportLimits(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 11))
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	apart := func(i int) time.Time { return base.Add(time.Duration(i) * 5 * time.Minute) }
	limited := func(t *testing.T, o ImporterOptions) *importEnv {
		e := newImportEnv(t)
		o.Log, o.Pool, o.Now = slog.New(slog.DiscardHandler), e.pool, e.im.now
		e.im = NewImporter(o)
		return e
	}
	refused := func(t *testing.T, e *importEnv, got Import, want string) {
		t.Helper()
		if got.State != Failed || !strings.Contains(got.Error, want) {
			t.Fatalf("state %s, error %q; want a failure saying %q", got.State, got.Error, want)
		}
	}

	t.Run("rows per import", func(t *testing.T) {
		e := limited(t, ImporterOptions{MaxRows: 20})
		got := e.run(t, file("Streaming_History_Audio_2024.json", extendedRows(r, 21, apart)))
		refused(t, e, got, "more than 20 rows")
		if n := testdb.Count(t, e.pool, "SELECT count(*) FROM euterpe.plays"); n != 0 {
			t.Fatalf("%d plays", n)
		}
		if got := e.run(t, file("Streaming_History_Audio_2024.json", extendedRows(r, 20, apart))); got.State != Done || got.PlaysAdded != 20 {
			t.Fatalf("20 rows: %+v", got)
		}
	})

	t.Run("plays per user", func(t *testing.T) {
		e := limited(t, ImporterOptions{MaxUserPlays: 30})
		if got := e.run(t, file("a.json", extendedRows(r, 25, apart))); got.State != Done {
			t.Fatalf("first import: %+v", got)
		}
		later := func(i int) time.Time { return apart(i).AddDate(0, 0, 1) }
		got := e.run(t, file("b.json", extendedRows(r, 6, later)))
		refused(t, e, got, "more than 30 plays")
		if n := testdb.Count(t, e.pool, "SELECT count(*) FROM euterpe.plays"); n != 25 {
			t.Fatalf("%d plays, want the first import's 25", n)
		}
		// Up to the limit is fine, and listens already stored do not count twice.
		if got := e.run(t, file("c.json", extendedRows(r, 5, later))); got.State != Done || got.PlaysAdded != 5 {
			t.Fatalf("up to the limit: %+v", got)
		}
	})

	t.Run("plays at one moment", func(t *testing.T) {
		e := newImportEnv(t) // the default limit
		at := func(i int) time.Time {
			if i < DefaultMaxPlaysAtOneMoment+1 {
				return base // eleven different tracks ending at the same second
			}
			return apart(i)
		}
		got := e.run(t, file("Streaming_History_Audio_2024.json", extendedRows(r, 40, at)))
		refused(t, e, got, "11 plays in this upload end at the same moment (2024-01-01 00:00:00 UTC)")
		if n := testdb.Count(t, e.pool, "SELECT count(*) FROM euterpe.plays"); n != 0 {
			t.Fatalf("%d plays", n)
		}
		// As many as the limit (a second device, a repeated sync) import.
		at10 := func(i int) time.Time {
			if i < DefaultMaxPlaysAtOneMoment {
				return base
			}
			return apart(i)
		}
		if got := e.run(t, file("Streaming_History_Audio_2024.json", extendedRows(r, 40, at10))); got.State != Done || got.PlaysAdded != 40 {
			t.Fatalf("at the limit: %+v", got)
		}
	})
}
