package imports

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/euterpe-dev/euterpe/history"
	"github.com/euterpe-dev/euterpe/internal/testcatalog"
	"github.com/euterpe-dev/euterpe/internal/testdb"
	"github.com/euterpe-dev/euterpe/spotify"
)

// euterpeRow is one listen of Euterpe's own history.json, as package
// export writes it (spotifyexport/euterpe_test.go has every field).
type euterpeRow struct {
	Kind          string   `json:"kind"`
	PlayedAt      string   `json:"played_at"`
	MSPlayed      int      `json:"ms_played"`
	TrackURI      string   `json:"track_uri"`
	TrackName     string   `json:"track_name"`
	ArtistURIs    []string `json:"artist_uris"`
	ArtistNames   []string `json:"artist_names"`
	ArtistImages  []string `json:"artist_image_urls"`
	AlbumURI      string   `json:"album_uri"`
	AlbumName     string   `json:"album_name"`
	AlbumImageURL string   `json:"album_image_url"`
	AlbumArtists  []string `json:"album_artist_uris"`
	AlbumNames    []string `json:"album_artist_names"`
}

func euterpeFile(t *testing.T, rows ...euterpeRow) UploadFile {
	t.Helper()
	b, err := json.Marshal(rows)
	if err != nil {
		t.Fatal(err)
	}
	return file("history.json", b)
}

// poisoned is a crafted history.json that names tr with the attacker's
// names and pictures, at times of the attacker's own.
func poisoned(tr spotify.Track, at time.Time, attackerArtist string) euterpeRow {
	return euterpeRow{Kind: "play", PlayedAt: at.Format(time.RFC3339Nano), MSPlayed: 200_000,
		TrackURI: "spotify:track:" + tr.ID, TrackName: "POISONED NAME 0",
		ArtistURIs:   []string{"spotify:artist:" + tr.Artists[0].ID, "spotify:artist:" + attackerArtist},
		ArtistNames:  []string{"Attacker Artist 0", "Attacker Artist 1"},
		ArtistImages: []string{"https://i.scdn.co/image/attacker-chosen", "https://evil.example/a.png"},
		AlbumURI:     "spotify:album:" + tr.Album.ID, AlbumName: "Poisoned Album",
		AlbumImageURL: "https://evil.example/cover.png",
		AlbumArtists:  []string{"spotify:artist:" + attackerArtist}, AlbumNames: []string{"Attacker Artist 1"}}
}

// catalogueSays is everything user's History shows of their tracks,
// artists and albums: names, artists and pictures of the all-time tops.
func catalogueSays(t *testing.T, e *importEnv, user uuid.UUID) string {
	t.Helper()
	ctx := context.Background()
	svc := history.NewService(history.Options{Pool: e.pool})
	b, err := svc.BoundsFor(ctx, user)
	if err != nil {
		t.Fatal(err)
	}
	v := history.View{UserID: user, Bounds: b, Span: history.Span{From: b.First, To: b.Last, Loc: time.UTC, Period: history.AllTime}}
	var sb strings.Builder
	for _, k := range history.Kinds() {
		l, err := svc.Top(ctx, v, k, history.ByPlays, 50)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range l.Items {
			fmt.Fprintf(&sb, "%s %s|%s|%s\n", k, it.Name, it.Detail, it.ImageURL)
		}
	}
	return sb.String()
}

// TestEuterpeImportCannotRewriteTheCatalogue (issue 21, item 3): the
// catalogue is shared, so one user's crafted history.json can neither
// rename, re-credit nor re-picture what another user's History shows; it
// adds only what the catalogue lacks, and those additions give way to
// what Spotify (its API, its own export) says of them.
func TestEuterpeImportCannotRewriteTheCatalogue(t *testing.T) {
	ctx := context.Background()
	e := newImportEnv(t)
	r := rand.New(rand.NewPCG(21, 3))
	c := testcatalog.New(r, 2, 1, 3)
	walt, mallory := testdb.NewUser(t, e.pool, "walt"), testdb.NewUser(t, e.pool, "mallory")
	// Walt's polled plays: tracks from Spotify's API (artists in a track
	// object come without a picture).
	known := c.Tracks[0]
	if _, err := history.NewStore(e.pool).Record(ctx, walt, history.SourcePoll, []history.Play{
		{Track: known, PlayedAt: time.Date(2025, 10, 1, 9, 0, 0, 0, time.UTC), MSPlayed: -1},
		{Track: c.Tracks[1], PlayedAt: time.Date(2025, 10, 1, 9, 10, 0, 0, time.UTC), MSPlayed: -1},
	}); err != nil {
		t.Fatal(err)
	}
	before := catalogueSays(t, e, walt)

	// Mallory renames walt's track, credits her own artists, pictures
	// walt's artist and album; and names a track nobody has yet, with a
	// picture on a host that is not Spotify's.
	attacker := testcatalog.ID(r)
	fresh := c.Tracks[2]
	e.user = mallory
	got := e.run(t, euterpeFile(t,
		poisoned(known, time.Date(2025, 9, 1, 12, 0, 0, 0, time.UTC), attacker),
		poisoned(fresh, time.Date(2025, 9, 1, 12, 10, 0, 0, time.UTC), attacker)))
	if got.State != Done || got.PlaysAdded != 2 {
		t.Fatalf("import: %+v", got)
	}
	after := catalogueSays(t, e, walt)
	if after != before {
		t.Errorf("walt's History changed:\nbefore\n%s\nafter\n%s", before, after)
	}
	for _, bad := range []string{"POISONED", "Attacker", "attacker-chosen", "evil.example"} {
		if strings.Contains(after, bad) {
			t.Errorf("walt's History shows %q:\n%s", bad, after)
		}
	}
	// No picture from another host reached the catalogue at all.
	if n := testdb.Count(t, e.pool, `SELECT (SELECT count(*) FROM euterpe.albums WHERE image_url NOT LIKE 'https://i.scdn.co/%')
		+ (SELECT count(*) FROM euterpe.artists WHERE image_url NOT LIKE 'https://i.scdn.co/%')`); n != 0 {
		t.Errorf("%d pictures from a host that is not Spotify's", n)
	}
	if n := testdb.Count(t, e.pool, "SELECT count(*) FROM euterpe.artists WHERE spotify_id = $1 AND image_url IS NOT NULL", known.Artists[0].ID); n != 0 {
		t.Error("the upload set a picture of an artist the catalogue had")
	}

	// The track nobody had is mallory's naming for now; walt's extended
	// history (Spotify's export of that id) then names it, and Spotify's
	// API after that.
	ext := fmt.Sprintf(`[{"ts":"2025-08-01T10:00:00Z","ms_played":200000,"master_metadata_track_name":%q,"master_metadata_album_artist_name":%q,"master_metadata_album_album_name":%q,"spotify_track_uri":"spotify:track:%s"}]`,
		fresh.Name, fresh.Artists[0].Name, fresh.Album.Name, fresh.ID)
	e.user = walt
	if got := e.run(t, file("Streaming_History_Audio_2025.json", []byte(ext))); got.PlaysAdded != 1 {
		t.Fatalf("walt's extended history: %+v", got)
	}
	says := catalogueSays(t, e, walt)
	want := fmt.Sprintf("tracks %s|%s|", fresh.Name, fresh.Artists[0].Name)
	if !strings.Contains(says, want) || strings.Contains(says, "POISONED") || strings.Contains(says, "Attacker") {
		t.Errorf("after Spotify's export of the track, walt's History shows\n%s\nwant a line %q", says, want)
	}
	if _, err := history.NewStore(e.pool).Record(ctx, walt, history.SourcePoll, []history.Play{{Track: fresh, PlayedAt: time.Date(2025, 10, 2, 9, 0, 0, 0, time.UTC), MSPlayed: -1}}); err != nil {
		t.Fatal(err)
	}
	var name, albumImage string
	var userNamed bool
	if err := e.pool.QueryRow(ctx, `SELECT t.name, COALESCE(al.image_url, ''), t.named_by_user OR al.named_by_user
		FROM euterpe.tracks t JOIN euterpe.albums al ON al.id = t.album_id WHERE t.spotify_id = $1`, fresh.ID).Scan(&name, &albumImage, &userNamed); err != nil {
		t.Fatal(err)
	}
	if name != fresh.Name || albumImage != fresh.Album.Images[0].URL || userNamed {
		t.Errorf("after Spotify's API: %q, album picture %q, named by a user %v", name, albumImage, userNamed)
	}
	// Mallory's artist, whose picture came from her file, loses it once
	// Spotify's API names the artist (in a track object: no picture).
	if _, err := history.NewStore(e.pool).Record(ctx, walt, history.SourcePoll, []history.Play{{Track: spotify.Track{ID: testcatalog.ID(r), Name: "x", DurationMS: 100_000,
		Artists: []spotify.SimplifiedArtist{{ID: attacker, Name: "Real Name"}}}, PlayedAt: time.Date(2025, 10, 3, 9, 0, 0, 0, time.UTC), MSPlayed: -1}}); err != nil {
		t.Fatal(err)
	}
	if n := testdb.Count(t, e.pool, "SELECT count(*) FROM euterpe.artists WHERE spotify_id = $1 AND (image_url IS NOT NULL OR named_by_user OR name <> 'Real Name')", attacker); n != 0 {
		t.Error("Spotify's API did not replace what the upload said of an artist")
	}
}
