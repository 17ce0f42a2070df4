package panels

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/euterpe-dev/euterpe/database"
	"github.com/euterpe-dev/euterpe/db"
	"github.com/euterpe-dev/euterpe/internal/testcatalog"
	"github.com/euterpe-dev/euterpe/internal/testclock"
	"github.com/euterpe-dev/euterpe/internal/testdb"
	"github.com/euterpe-dev/euterpe/spotify"
	"github.com/euterpe-dev/euterpe/trends"
	"github.com/euterpe-dev/euterpe/upstream"
)

// queryCounter counts the queries a pool runs.
type queryCounter struct{ n atomic.Int64 }

func (c *queryCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	c.n.Add(1)
	return ctx
}

func (c *queryCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// TestWarmMovementReadsNothing: a live top list's moves are computed once
// for the list as Spotify gave it and kept with it, so the warm panel reads
// neither the user's day nor the snapshots nor the catalogue; another
// order is another list, computed afresh; another user's are their own.
func TestWarmMovementReadsNothing(t *testing.T) {
	ctx := context.Background()
	pool, dbURL := testdb.Migrated(t)
	var queries queryCounter
	traced, err := database.Open(ctx, dbURL, database.PoolOptions{MaxConns: 2, Tracer: &queries})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(traced.Close)

	r := rand.New(rand.NewPCG(7, 7))
	var artists []spotify.Artist
	for i := range 4 {
		artists = append(artists, spotify.Artist{ID: testcatalog.ID(r), Name: fmt.Sprintf("Artist %d", i)})
	}
	walt, ines := testdb.NewUser(t, pool, "walt"), testdb.NewUser(t, pool, "ines")
	today := testclock.Now().UTC().Truncate(24 * time.Hour)
	ten := today.AddDate(0, 0, -10)
	if err := trends.NewService(pool, nil, testclock.Now).SaveSnapshots(ctx, walt, []trends.DaySnapshot{{Day: ten, TakenAt: ten.Add(9 * time.Hour),
		Fetched: trends.Fetched{Artists: map[spotify.TimeRange][]spotify.Artist{spotify.ShortTerm: artists[:3]}}}}); err != nil {
		t.Fatal(err)
	}

	s := New(slog.New(slog.DiscardHandler), upstream.NewSource(upstream.New(upstream.Options{Now: testclock.Now})), db.New(traced), testclock.Now)
	list := trends.List{Kind: trends.TopArtists, Range: spotify.ShortTerm}
	live := []spotify.Artist{artists[2], artists[0], artists[1], artists[3]}
	in := s.Input(upstream.Listener{UserID: walt.String()}, spotify.ShortTerm)

	cold := in.movement(ctx, list, live)
	if queries.n.Load() == 0 {
		t.Fatal("the cold moves read nothing")
	}
	if m := cold[artists[2].ID].Week; m == nil || m.Kind != trends.MoveUp || m.Places != 2 {
		t.Fatalf("artist 2 was 3rd ten days ago and is 1st: %+v", cold[artists[2].ID])
	}
	if m := cold[artists[3].ID].Week; m == nil || m.Kind != trends.MoveNew {
		t.Fatalf("artist 3 is new: %+v", cold[artists[3].ID])
	}
	queries.n.Store(0)
	if warm := in.movement(ctx, list, live); !reflect.DeepEqual(warm, cold) || queries.n.Load() != 0 {
		t.Errorf("warm: %d queries, same moves %v", queries.n.Load(), reflect.DeepEqual(warm, cold))
	}

	reordered := []spotify.Artist{artists[0], artists[1], artists[2]}
	if m := in.movement(ctx, list, reordered)[artists[0].ID].Week; queries.n.Load() == 0 || m == nil || m.Kind != trends.MoveSame {
		t.Errorf("another order: %d queries, artist 0 %+v; want it computed afresh, the same place", queries.n.Load(), m)
	}
	other := s.Input(upstream.Listener{UserID: ines.String()}, spotify.ShortTerm).movement(ctx, list, live)
	if m := other[artists[2].ID]; m.Week != nil || m.Month != nil {
		t.Errorf("ines has no snapshots, yet: %+v", m)
	}
}
