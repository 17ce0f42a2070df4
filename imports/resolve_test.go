package imports

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/euterpe-dev/euterpe/history"
	"github.com/euterpe-dev/euterpe/internal/testcatalog"
	"github.com/euterpe-dev/euterpe/internal/testdb"
	"github.com/euterpe-dev/euterpe/spotify"
)

// TestResolvingNameOnlyTracks follows account data's name-only tracks
// through a search's three outcomes: a track the catalogue lacks becomes
// that Spotify track in place; a track the catalogue has (polled, credited
// first to another artist) takes the plays over, dropping the one the poll
// already had; a track Spotify does not know waits a month. Every total
// follows.
func TestResolvingNameOnlyTracks(t *testing.T) {
	ctx := context.Background()
	e := newImportEnv(t)
	s := history.NewStore(e.pool)
	r := rand.New(rand.NewPCG(11, 11))
	artist := func(name string) spotify.SimplifiedArtist {
		return spotify.SimplifiedArtist{ID: testcatalog.ID(r), Name: name}
	}
	lorde, khalid := artist("Lorde"), artist("Khalid")
	album := spotify.SimplifiedAlbum{ID: testcatalog.ID(r), Name: "Melodrama", AlbumType: "album", Artists: []spotify.SimplifiedArtist{lorde}}
	greenLight := spotify.Track{ID: testcatalog.ID(r), Name: "Green Light", DurationMS: 234_000, Album: album,
		Artists: []spotify.SimplifiedArtist{lorde}}
	// "Lovely" is credited to Billie Eilish first; account data names Khalid.
	billie := artist("Billie Eilish")
	lovely := spotify.Track{ID: testcatalog.ID(r), Name: "lovely (with Khalid)", DurationMS: 200_000,
		Album:   spotify.SimplifiedAlbum{ID: testcatalog.ID(r), Name: "lovely", AlbumType: "single", Artists: []spotify.SimplifiedArtist{billie, khalid}},
		Artists: []spotify.SimplifiedArtist{billie, khalid}}
	polled := time.Date(2023, 3, 1, 9, 0, 20, 0, time.UTC)
	if _, err := s.Record(ctx, e.user, history.SourcePoll, []history.Play{{Track: lovely, PlayedAt: polled, MSPlayed: -1}}); err != nil {
		t.Fatal(err)
	}

	acct := `[
{"endTime":"2023-02-01 20:00","artistName":"Lorde","trackName":"Green Light","msPlayed":234000},
{"endTime":"2023-02-02 20:00","artistName":"Lorde","trackName":"Green Light","msPlayed":234000},
{"endTime":"2023-03-01 09:00","artistName":"Khalid","trackName":"lovely","msPlayed":200000},
{"endTime":"2023-03-05 09:00","artistName":"Khalid","trackName":"lovely","msPlayed":200000},
{"endTime":"2023-03-05 09:10","artistName":"Khalid","trackName":"lovely","msPlayed":10000},
{"endTime":"2023-03-06 09:00","artistName":"Nobody","trackName":"Unreleased Demo","msPlayed":100000}
]`
	got := e.run(t, file("StreamingHistory_music_0.json", []byte(acct)))
	if got.PlaysAdded != 5 || got.Unmatched != 5 {
		t.Fatalf("import: %+v", got)
	}
	now := time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)
	pending, err := s.Unresolved(ctx, e.user, now, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(pending) != 3 || pending[0].Title != "Green Light" || pending[0].Artist != "Lorde" {
		t.Fatalf("pending: %+v", pending)
	}
	// Each search answers with near misses around the track itself.
	decoy := spotify.Track{ID: testcatalog.ID(r), Name: "Green Light - Live", Album: album, Artists: []spotify.SimplifiedArtist{lorde}}
	answers := map[string][]spotify.Track{"Green Light": {decoy, greenLight}, "lovely": {greenLight, lovely}, "Unreleased Demo": {decoy}}
	var results []history.Resolution
	for _, p := range pending {
		res := history.Resolution{Track: p}
		if m, ok := p.Match(answers[p.Title]); ok {
			res.Found = &m
		}
		results = append(results, res)
	}
	if results[0].Found == nil || results[0].Found.ID != greenLight.ID || results[1].Found == nil || results[1].Found.ID != lovely.ID || results[2].Found != nil {
		t.Fatalf("matches: %+v", results)
	}
	n, err := s.Resolve(ctx, results, now)
	if err != nil || n != 2 {
		t.Fatalf("resolved %d, %v", n, err)
	}

	// Green Light is that Spotify track now, with its album and artist.
	if n := testdb.Count(t, e.pool, `SELECT count(*) FROM euterpe.plays p JOIN euterpe.tracks t ON t.id = p.track_id
		WHERE t.spotify_id = $1 AND t.album_id IS NOT NULL`, greenLight.ID); n != 2 {
		t.Errorf("Green Light has %d plays on the Spotify track, want 2", n)
	}
	// lovely: the 09:00 minute was the poll's play; the other moved over,
	// and so did the skip.
	if n := testdb.Count(t, e.pool, `SELECT count(*) FROM euterpe.plays p JOIN euterpe.tracks t ON t.id = p.track_id
		WHERE t.spotify_id = $1`, lovely.ID); n != 2 {
		t.Errorf("lovely has %d plays, want the polled one and one more", n)
	}
	if n := testdb.Count(t, e.pool, `SELECT count(*) FROM euterpe.skips s JOIN euterpe.tracks t ON t.id = s.track_id
		WHERE t.spotify_id = $1`, lovely.ID); n != 1 {
		t.Errorf("lovely has %d skips, want 1", n)
	}
	if n := testdb.Count(t, e.pool, "SELECT count(*) FROM euterpe.plays"); n != 5 {
		t.Errorf("%d plays in all, want 5 (1 polled + 5 imported - 1 duplicate)", n)
	}
	// The totals agree with the plays: per track, and per artist.
	for _, c := range []struct {
		kind, name string
		plays      int
	}{{"t", "Green Light", 2}, {"t", "lovely (with Khalid)", 2}, {"a", "Lorde", 2}, {"a", "Billie Eilish", 2}, {"a", "Khalid", 2}, {"t", "Unreleased Demo", 1}} {
		table := map[string]string{"t": "tracks", "a": "artists"}[c.kind]
		got := testdb.Count(t, e.pool, `SELECT COALESCE(sum(pt.plays), 0) FROM euterpe.play_totals pt JOIN euterpe.`+table+` x ON x.id = pt.item_id
			WHERE pt.user_id = $1 AND pt.kind = $2 AND pt.period = 'a' AND x.name = $3`, e.user, c.kind, c.name)
		if got != c.plays {
			t.Errorf("all-time plays of %s %q: %d, want %d", c.kind, c.name, got, c.plays)
		}
	}

	// Nothing is due now; the demo nobody released is searched for again
	// a month later.
	if pending, _ := s.Unresolved(ctx, e.user, now, 10); len(pending) != 0 {
		t.Errorf("still pending: %+v", pending)
	}
	later, _ := s.Unresolved(ctx, e.user, now.Add(history.SearchAgainAfter+time.Hour), 10)
	if len(later) != 1 || later[0].Title != "Unreleased Demo" {
		t.Errorf("a month later: %+v", later)
	}

	// Another import naming lovely by Khalid lands on the Spotify track at
	// once: no name-only plays, nothing to search.
	more := `[{"endTime":"2023-04-01 10:00","artistName":"Khalid","trackName":"lovely","msPlayed":200000}]`
	if got := e.run(t, file("StreamingHistory_music_1.json", []byte(more))); got.PlaysAdded != 1 || got.Unmatched != 0 {
		t.Errorf("second import: %+v", got)
	}
}
