package trends

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/euterpe-dev/euterpe/database"
	"github.com/euterpe-dev/euterpe/db"
	"github.com/euterpe-dev/euterpe/history"
	"github.com/euterpe-dev/euterpe/internal/testdb"
	"github.com/euterpe-dev/euterpe/spotify"
)

// fixture is a user with plays built by hand, in their time zone.
type fixture struct {
	pool  *database.Pool
	svc   *Service
	store *history.Store
	hist  *history.Service
	user  uuid.UUID
	loc   *time.Location
	now   time.Time
}

func newFixture(t *testing.T, zone string, now time.Time) *fixture {
	t.Helper()
	pool, _ := testdb.Migrated(t)
	return newFixtureOn(t, pool, "fixture-user", zone, now)
}

func newFixtureOn(t *testing.T, pool *database.Pool, spotifyUser, zone string, now time.Time) *fixture {
	t.Helper()
	ctx := context.Background()
	u, err := db.New(pool).UpsertUser(ctx, db.UpsertUserParams{SpotifyUserID: spotifyUser, DisplayName: spotifyUser})
	if err != nil {
		t.Fatal(err)
	}
	clock := func() time.Time { return now }
	hist := history.NewService(history.Options{Log: slog.New(slog.DiscardHandler), Pool: pool, Now: clock})
	// With no summaries yet the zone applies at once.
	if _, err := hist.SetTimeZone(ctx, u.ID, zone); err != nil {
		t.Fatal(err)
	}
	loc, _ := time.LoadLocation(zone)
	return &fixture{pool: pool, svc: NewService(pool, hist, clock), store: history.NewStore(pool), hist: hist, user: u.ID, loc: loc, now: now}
}

// The catalogue of the fixtures: Track n is on Album n's…, see tracks.
func sid(prefix byte, n int) string { return fmt.Sprintf("%c%021d", prefix, n) }

func artist(n int) spotify.SimplifiedArtist {
	return spotify.SimplifiedArtist{ID: sid('A', n), Name: fmt.Sprintf("Artist %d", n)}
}

// track is Track n by the artists given, on album "Album n" (or the album
// given) by the first of them.
func track(n, album int, artists ...int) spotify.Track {
	t := spotify.Track{ID: sid('T', n), Name: fmt.Sprintf("Track %d", n), DurationMS: 200_000}
	for _, a := range artists {
		t.Artists = append(t.Artists, artist(a))
	}
	t.Album = spotify.SimplifiedAlbum{ID: sid('L', album), Name: fmt.Sprintf("Album %d", album), AlbumType: "album",
		ReleaseDate: "2020-05-01", ReleaseDatePrecision: "day", Artists: []spotify.SimplifiedArtist{artist(artists[0])}}
	return t
}

// at is a local time "2025-03-01 10:00" in the fixture's zone.
func (f *fixture) at(t *testing.T, local string) time.Time {
	t.Helper()
	ts, err := time.ParseInLocation("2006-01-02 15:04", local, f.loc)
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

// play records plays of 3 minutes each, at the local times given.
func (f *fixture) play(t *testing.T, tr spotify.Track, locals ...string) {
	t.Helper()
	var plays []history.Play
	for _, l := range locals {
		plays = append(plays, history.Play{Track: tr, PlayedAt: f.at(t, l), MSPlayed: 180_000})
	}
	rec, err := f.store.Record(context.Background(), f.user, history.SourcePoll, plays)
	if err != nil || rec.New != len(plays) {
		t.Fatalf("record %d plays of %s: %d new, %v", len(plays), tr.Name, rec.New, err)
	}
}
