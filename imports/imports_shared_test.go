package imports

import (
	"context"
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

// TestDeletingAnImportKeepsPlaysOthersHold (issue 21, item 4): a play
// belongs to every import that contained it and to the poll if it was
// polled; deleting an import removes only the plays nothing else holds.
// The poll and two imports (account data to the minute, extended history
// to the second) hold overlapping plays; whatever order they came in, and
// whichever import goes first, what remains is exactly what the others
// hold, and the summaries count just that.
func TestDeletingAnImportKeepsPlaysOthersHold(t *testing.T) {
	ctx := context.Background()
	e := newImportEnv(t)
	r := rand.New(rand.NewPCG(21, 4))
	track := spotify.Track{ID: testcatalog.ID(r), Name: "Space Song", DurationMS: 320_000,
		Album:   spotify.SimplifiedAlbum{ID: testcatalog.ID(r), Name: "Depression Cherry", Artists: []spotify.SimplifiedArtist{{ID: testcatalog.ID(r), Name: "Beach House"}}},
		Artists: []spotify.SimplifiedArtist{{ID: testcatalog.ID(r), Name: "Beach House"}}}
	// Seven listens an hour apart (the poll's exact times); who holds
	// which: the poll P, the account data A, the extended history X.
	base := time.Date(2024, 3, 5, 8, 0, 40, 0, time.UTC)
	holders := []string{"P", "PA", "PAX", "A", "AX", "X", "PX"}
	at := func(i int) time.Time { return base.Add(time.Duration(i) * time.Hour) }
	var polled []history.Play
	var acct, ext []string
	for i, h := range holders {
		if strings.Contains(h, "P") {
			polled = append(polled, history.Play{Track: track, PlayedAt: at(i), MSPlayed: -1})
		}
		if strings.Contains(h, "A") { // 08:00 is the poll's 08:00:40, placed at 08:00:30
			acct = append(acct, fmt.Sprintf(`{"endTime":%q,"artistName":"Beach House","trackName":"Space Song","msPlayed":300000}`,
				at(i).Format("2006-01-02 15:04")))
		}
		if strings.Contains(h, "X") { // 12 s after the poll's time
			ext = append(ext, fmt.Sprintf(`{"ts":%q,"ms_played":300000,"master_metadata_track_name":"Space Song","master_metadata_album_artist_name":"Beach House","master_metadata_album_album_name":"Depression Cherry","spotify_track_uri":"spotify:track:%s"}`,
				at(i).Add(12*time.Second).Format(time.RFC3339), track.ID))
		}
	}
	files := map[string]UploadFile{}
	remaining := func(gone string) int { // listens some holder not gone still has
		n := 0
		for _, h := range holders {
			if strings.Trim(h, gone) != "" {
				n++
			}
		}
		return n
	}
	for _, arrival := range []string{"PAX", "PXA", "APX", "AXP", "XPA", "XAP"} {
		for _, deletion := range []string{"AX", "XA"} {
			t.Run(arrival+"/delete-"+deletion, func(t *testing.T) {
				e.user = testdb.NewUser(t, e.pool, "u-"+arrival+deletion)
				files["A"] = file("StreamingHistory_music_0.json", []byte("["+strings.Join(acct, ",")+"]"))
				files["X"] = file("Streaming_History_Audio_2024.json", []byte("["+strings.Join(ext, ",")+"]"))
				ids := map[byte]uuid.UUID{}
				for _, who := range []byte(arrival) {
					if who == 'P' {
						if _, err := history.NewStore(e.pool).Record(ctx, e.user, history.SourcePoll, polled); err != nil {
							t.Fatal(err)
						}
						continue
					}
					got := e.run(t, files[string(who)])
					if got.State != Done {
						t.Fatalf("import %c: %+v", who, got)
					}
					ids[who] = got.ID
				}
				e.checkPlays(t, len(holders), "after every arrival")
				gone := ""
				for _, who := range []byte(deletion) {
					if ok, err := e.im.Delete(ctx, e.user, ids[who]); err != nil || !ok {
						t.Fatalf("Delete %c: %v %v", who, ok, err)
					}
					if err := e.im.RunDelete(ctx, ids[who]); err != nil {
						t.Fatal(err)
					}
					gone += string(who)
					e.checkPlays(t, remaining(gone), "after deleting "+gone)
				}
			})
		}
	}
}

// checkPlays checks the user has want plays, each listen once, and that
// the summaries count exactly those.
func (e *importEnv) checkPlays(t *testing.T, want int, when string) {
	t.Helper()
	if n := testdb.Count(t, e.pool, "SELECT count(*) FROM euterpe.plays WHERE user_id = $1", e.user); n != want {
		t.Fatalf("%s: %d plays, want %d", when, n, want)
	}
	if n := testdb.Count(t, e.pool, "SELECT COALESCE(sum(plays), 0) FROM euterpe.play_hours WHERE user_id = $1", e.user); n != want {
		t.Fatalf("%s: the hours count %d plays, want %d", when, n, want)
	}
	if n := testdb.Count(t, e.pool, `SELECT COALESCE(sum(plays), 0) FROM euterpe.play_totals
		WHERE user_id = $1 AND kind = 't' AND period = 'a'`, e.user); n != want {
		t.Fatalf("%s: the totals count %d plays, want %d", when, n, want)
	}
}

// TestDeletingAEuterpeImportKeepsPlaysOthersHold: Euterpe's own export,
// imported back, holds the plays it meets the same way: deleting the
// import that stored one leaves it, and deleting the export then takes
// only what nothing else holds.
func TestDeletingAEuterpeImportKeepsPlaysOthersHold(t *testing.T) {
	ctx := context.Background()
	e := newImportEnv(t)
	r := rand.New(rand.NewPCG(21, 44))
	tr := spotify.Track{ID: testcatalog.ID(r), Name: "Myth", DurationMS: 260_000,
		Album:   spotify.SimplifiedAlbum{ID: testcatalog.ID(r), Name: "Bloom", Artists: []spotify.SimplifiedArtist{{ID: testcatalog.ID(r), Name: "Beach House"}}},
		Artists: []spotify.SimplifiedArtist{{ID: testcatalog.ID(r), Name: "Beach House"}}}
	at := func(i int) time.Time {
		return time.Date(2025, 2, 1, 10, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Hour)
	}
	// The poll has listen 0, the extended history 2 and 3, then Euterpe's
	// export 0, 1 and 2.
	if _, err := history.NewStore(e.pool).Record(ctx, e.user, history.SourcePoll, []history.Play{{Track: tr, PlayedAt: at(0), MSPlayed: -1}}); err != nil {
		t.Fatal(err)
	}
	var ext []string
	for _, i := range []int{2, 3} {
		ext = append(ext, fmt.Sprintf(`{"ts":%q,"ms_played":200000,"master_metadata_track_name":"Myth","master_metadata_album_artist_name":"Beach House","master_metadata_album_album_name":"Bloom","spotify_track_uri":"spotify:track:%s"}`,
			at(i).Format(time.RFC3339), tr.ID))
	}
	extended := e.run(t, file("Streaming_History_Audio_2025.json", []byte("["+strings.Join(ext, ",")+"]")))
	if extended.PlaysAdded != 2 {
		t.Fatalf("the extended history: %+v", extended)
	}
	var rows []euterpeRow
	for i := range 3 {
		rows = append(rows, euterpeRow{Kind: "play", PlayedAt: at(i).Add(5 * time.Second).Format(time.RFC3339Nano), MSPlayed: 200_000,
			TrackURI: "spotify:track:" + tr.ID, TrackName: tr.Name, ArtistURIs: []string{"spotify:artist:" + tr.Artists[0].ID},
			ArtistNames: []string{"Beach House"}, ArtistImages: []string{""}})
	}
	euterpe := e.run(t, euterpeFile(t, rows...))
	if euterpe.PlaysAdded != 1 || euterpe.AlreadyPresent != 2 {
		t.Fatalf("Euterpe's export: %+v", euterpe)
	}
	e.checkPlays(t, 4, "after both imports")
	for _, c := range []struct {
		id   uuid.UUID
		want int
		what string
	}{
		// Listen 3 was only the extended history's; 2 is the export's too.
		{extended.ID, 3, "after deleting the extended history"},
		// Listens 1 and 2 were the export's; 0 is the poll's.
		{euterpe.ID, 1, "after deleting Euterpe's export"},
	} {
		if ok, err := e.im.Delete(ctx, e.user, c.id); err != nil || !ok {
			t.Fatalf("Delete: %v %v", ok, err)
		}
		if err := e.im.RunDelete(ctx, c.id); err != nil {
			t.Fatal(err)
		}
		e.checkPlays(t, c.want, c.what)
	}
}

// TestResolvingKeepsWhatHeldTheDroppedPlay: when a name-only track turns
// out to be a track that already has the same listen, the play that goes
// hands its holders on: deleting the import that stored the kept play
// leaves it to the import whose play was dropped.
func TestResolvingKeepsWhatHeldTheDroppedPlay(t *testing.T) {
	ctx := context.Background()
	e := newImportEnv(t)
	s := history.NewStore(e.pool)
	r := rand.New(rand.NewPCG(21, 45))
	billie, khalid := spotify.SimplifiedArtist{ID: testcatalog.ID(r), Name: "Billie Eilish"}, spotify.SimplifiedArtist{ID: testcatalog.ID(r), Name: "Khalid"}
	lovely := spotify.Track{ID: testcatalog.ID(r), Name: "lovely (with Khalid)", DurationMS: 200_000,
		Album:   spotify.SimplifiedAlbum{ID: testcatalog.ID(r), Name: "lovely", AlbumType: "single", Artists: []spotify.SimplifiedArtist{billie, khalid}},
		Artists: []spotify.SimplifiedArtist{billie, khalid}}
	ext := fmt.Sprintf(`[{"ts":"2023-03-01T09:00:20Z","ms_played":200000,"master_metadata_track_name":"lovely (with Khalid)","master_metadata_album_artist_name":"Billie Eilish","master_metadata_album_album_name":"lovely","spotify_track_uri":"spotify:track:%s"}]`, lovely.ID)
	extended := e.run(t, file("Streaming_History_Audio_2023.json", []byte(ext)))
	acct := e.run(t, file("StreamingHistory_music_0.json", []byte(`[{"endTime":"2023-03-01 09:00","artistName":"Khalid","trackName":"lovely","msPlayed":200000}]`)))
	if extended.PlaysAdded != 1 || acct.PlaysAdded != 1 || acct.Unmatched != 1 {
		t.Fatalf("imports: %+v, %+v", extended, acct)
	}
	now := time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)
	pending, err := s.Unresolved(ctx, e.user, now, 10)
	if err != nil || len(pending) != 1 {
		t.Fatalf("pending: %+v %v", pending, err)
	}
	m, ok := pending[0].Match([]spotify.Track{lovely})
	if !ok {
		t.Fatal("no match")
	}
	if n, err := s.Resolve(ctx, []history.Resolution{{Track: pending[0], Found: &m}}, now); err != nil || n != 1 {
		t.Fatalf("resolved %d, %v", n, err)
	}
	e.checkPlays(t, 1, "after the resolution")
	if ok, err := e.im.Delete(ctx, e.user, extended.ID); err != nil || !ok {
		t.Fatalf("Delete: %v %v", ok, err)
	}
	if err := e.im.RunDelete(ctx, extended.ID); err != nil {
		t.Fatal(err)
	}
	e.checkPlays(t, 1, "after deleting the extended history")
	if ok, err := e.im.Delete(ctx, e.user, acct.ID); err != nil || !ok {
		t.Fatalf("Delete: %v %v", ok, err)
	}
	if err := e.im.RunDelete(ctx, acct.ID); err != nil {
		t.Fatal(err)
	}
	e.checkPlays(t, 0, "after deleting the account data")
}
