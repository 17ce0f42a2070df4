package imports

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/euterpe-dev/euterpe/database"
	"github.com/euterpe-dev/euterpe/history"
	"github.com/euterpe-dev/euterpe/internal/testcatalog"
	"github.com/euterpe-dev/euterpe/internal/testclock"
	"github.com/euterpe-dev/euterpe/internal/testdb"
	"github.com/euterpe-dev/euterpe/internal/ziptest"
	"github.com/euterpe-dev/euterpe/spotify"
)

func exportFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "spotifyexport", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func zipFiles(t *testing.T, files map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for name, body := range files {
		fw, err := w.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(body)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type importEnv struct {
	pool *database.Pool
	im   *Importer
	user uuid.UUID
}

func newImportEnv(t *testing.T) *importEnv {
	t.Helper()
	pool, _ := testdb.Migrated(t)
	return &importEnv{pool: pool, user: testdb.NewUser(t, pool, "importer"),
		im: NewImporter(ImporterOptions{Log: slog.New(slog.DiscardHandler), Pool: pool,
			Now: testclock.Now})}
}

// upload stores files as one upload and returns the import's id.
func (e *importEnv) upload(t *testing.T, files ...UploadFile) uuid.UUID {
	t.Helper()
	i := 0
	id, err := e.im.Create(context.Background(), e.user, func() (UploadFile, error) {
		if i == len(files) {
			return UploadFile{}, io.EOF
		}
		i++
		return files[i-1], nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// run imports and returns the result.
func (e *importEnv) run(t *testing.T, files ...UploadFile) Import {
	t.Helper()
	id := e.upload(t, files...)
	if err := e.im.Run(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	got, err := e.im.Get(context.Background(), e.user, id)
	if err != nil {
		t.Fatal(err)
	}
	if n := testdb.Count(t, e.pool, "SELECT count(*) FROM euterpe.import_rows"); n != 0 {
		t.Errorf("%d staging rows left", n)
	}
	if n := testdb.Count(t, e.pool, "SELECT count(*) FROM euterpe.import_names"); n != 0 {
		t.Errorf("%d staged names left", n)
	}
	if n := testdb.Count(t, e.pool, "SELECT count(*) FROM euterpe.import_uploads"); n != 0 {
		t.Errorf("%d upload chunks left", n)
	}
	return got
}

func file(name string, b []byte) UploadFile { return UploadFile{Name: name, Body: bytes.NewReader(b)} }

func TestImportAZipAsSpotifySendsIt(t *testing.T) {
	e := newImportEnv(t)
	z := zipFiles(t, map[string][]byte{
		"Spotify Extended Streaming History/Streaming_History_Audio_2021-2023_0.json": exportFixture(t, "Streaming_History_Audio_2021-2023_0.json"),
		"Spotify Extended Streaming History/endsong_0.json":                           exportFixture(t, "endsong_0.json"),
		"Spotify Account Data/StreamingHistory_music_0.json":                          exportFixture(t, "StreamingHistory_music_0.json"),
		"Spotify Account Data/StreamingHistory_podcast_0.json":                        exportFixture(t, "StreamingHistory_podcast_0.json"),
		"Spotify Account Data/Userdata.json":                                          exportFixture(t, "Userdata.json"),
		"Spotify Account Data/Playlist1.json":                                         exportFixture(t, "Playlist1.json"),
	})
	got := e.run(t, file("my_spotify_data.zip", z))
	// Music of 30 s or more: Space Song, Hey Jude (extended); Archie, Jóga
	// (account data). Skips: Myth (4.2 s), Space Song (12 s). Spoken: an
	// episode and a chapter (extended), an episode (account data).
	if got.State != Done || got.PlaysAdded != 4 || got.AlreadyPresent != 0 || got.Skips != 2 || got.Episodes != 3 ||
		got.UnknownRows != 1 || got.Unmatched != 2 {
		t.Fatalf("result: %+v", got)
	}
	if got.FirstPlayed == nil || !got.FirstPlayed.Equal(time.Date(2016, 3, 12, 9, 1, 44, 0, time.UTC)) {
		t.Errorf("first played %v", got.FirstPlayed)
	}
	skipped := 0
	for _, f := range got.Files {
		if f.Status == "skipped" {
			skipped++
		}
	}
	if len(got.Files) != 6 || skipped != 2 {
		t.Errorf("files: %+v", got.Files)
	}
	if n := testdb.Count(t, e.pool, "SELECT count(*) FROM euterpe.plays WHERE source_id = 3"); n != 2 {
		t.Errorf("%d plays from the extended history", n)
	}
	if n := testdb.Count(t, e.pool, "SELECT count(*) FROM euterpe.spoken_plays WHERE show = 'Ocean Stories'"); n != 1 {
		t.Errorf("the podcast episode was not kept apart: %d", n)
	}
	// The summaries count the imported plays.
	if n := testdb.Count(t, e.pool, "SELECT COALESCE(sum(plays), 0) FROM euterpe.play_hours WHERE user_id = $1", e.user); n != 4 {
		t.Errorf("the summaries count %d plays", n)
	}
	// The same export again adds nothing.
	again := e.run(t, file("my_spotify_data.zip", z))
	if again.PlaysAdded != 0 || again.AlreadyPresent != 4 {
		t.Fatalf("the same export twice: %+v", again)
	}
	if n := testdb.Count(t, e.pool, "SELECT count(*) FROM euterpe.plays"); n != 4 {
		t.Errorf("%d plays after importing twice", n)
	}
}

// TestImportMeetsPolledPlays: an export that overlaps plays the poller
// stored adds none of them again, whether its times are to the second or
// to the minute, while a track really played twice in a row counts twice.
func TestImportMeetsPolledPlays(t *testing.T) {
	ctx := context.Background()
	e := newImportEnv(t)
	s := history.NewStore(e.pool)
	r := rand.New(rand.NewPCG(9, 9))
	track := spotify.Track{ID: "7H0ya83CMmgFcOhw0UB6ow", Name: "Space Song", DurationMS: 320_000,
		Album:   spotify.SimplifiedAlbum{ID: testcatalog.ID(r), Name: "Depression Cherry", Artists: []spotify.SimplifiedArtist{{ID: testcatalog.ID(r), Name: "Beach House"}}},
		Artists: []spotify.SimplifiedArtist{{ID: testcatalog.ID(r), Name: "Beach House"}}}
	polled := time.Date(2022, 5, 1, 10, 0, 40, 0, time.UTC)
	if _, err := s.Record(ctx, e.user, history.SourcePoll, []history.Play{
		{Track: track, PlayedAt: polled, MSPlayed: -1},
		{Track: track, PlayedAt: polled.Add(time.Hour), MSPlayed: -1},
	}); err != nil {
		t.Fatal(err)
	}
	ext := fmt.Sprintf(`[
{"ts":"2022-05-01T10:00:52Z","ms_played":300000,"master_metadata_track_name":"Space Song","master_metadata_album_artist_name":"Beach House","master_metadata_album_album_name":"Depression Cherry","spotify_track_uri":"spotify:track:%s"},
{"ts":"2022-05-01T10:06:10Z","ms_played":310000,"master_metadata_track_name":"Space Song","master_metadata_album_artist_name":"Beach House","master_metadata_album_album_name":"Depression Cherry","spotify_track_uri":"spotify:track:%s"},
{"ts":"2022-05-01T10:06:30Z","ms_played":20000,"master_metadata_track_name":"Space Song","master_metadata_album_artist_name":"Beach House","master_metadata_album_album_name":"Depression Cherry","spotify_track_uri":"spotify:track:%s"}
]`, track.ID, track.ID, track.ID)
	// Account data has the same listens to the minute: 11:00 is the second
	// poll's 11:00:40; 12:15 is new.
	acct := `[
{"endTime":"2022-05-01 11:00","artistName":"Beach House","trackName":"Space Song","msPlayed":320000},
{"endTime":"2022-05-01 12:15","artistName":"Beach House","trackName":"Space Song","msPlayed":320000}
]`
	got := e.run(t, file("Streaming_History_Audio_2022.json", []byte(ext)), file("StreamingHistory_music_0.json", []byte(acct)))
	// Added: 10:06:10 (a real repeat, 5 minutes later) and 12:15. Already
	// there: 10:00:52 (12 s from the poll), 11:00 (the poll's minute).
	if got.PlaysAdded != 2 || got.AlreadyPresent != 2 || got.Skips != 1 {
		t.Fatalf("result: %+v", got)
	}
	if n := testdb.Count(t, e.pool, "SELECT count(*) FROM euterpe.plays"); n != 4 {
		t.Fatalf("%d plays, want the 2 polled and 2 imported", n)
	}
	if n := testdb.Count(t, e.pool, "SELECT count(DISTINCT track_id) FROM euterpe.plays"); n != 1 {
		t.Fatalf("the account data's name matched %d tracks, want the polled one", n)
	}
}

// The duplicate check of a merge step reads only the stored plays around
// its span (checkBounds): a listen polled on one side of a step's edge and
// exported on the other is still one play.
func TestImportMeetsPolledPlaysAcrossStepEdges(t *testing.T) {
	ctx := context.Background()
	e := newImportEnv(t)
	s := history.NewStore(e.pool)
	r := rand.New(rand.NewPCG(10, 10))
	track := spotify.Track{ID: "3n3Ppam7vgaVa1iaRUc9Lp", Name: "Mr. Brightside", DurationMS: 222_000,
		Album:   spotify.SimplifiedAlbum{ID: testcatalog.ID(r), Name: "Hot Fuss", Artists: []spotify.SimplifiedArtist{{ID: testcatalog.ID(r), Name: "The Killers"}}},
		Artists: []spotify.SimplifiedArtist{{ID: testcatalog.ID(r), Name: "The Killers"}}}
	// Polled just before 2023 began and just after it ended; the export's
	// rows span 2023, one merge step from its first second to its last.
	polls := []time.Time{
		time.Date(2022, 12, 31, 23, 59, 50, 0, time.UTC),
		time.Date(2024, 1, 1, 0, 0, 10, 0, time.UTC),
	}
	if _, err := s.Record(ctx, e.user, history.SourcePoll, []history.Play{
		{Track: track, PlayedAt: polls[0], MSPlayed: -1},
		{Track: track, PlayedAt: polls[1], MSPlayed: -1},
	}); err != nil {
		t.Fatal(err)
	}
	row := func(ts string) string {
		return fmt.Sprintf(`{"ts":%q,"ms_played":200000,"master_metadata_track_name":"Mr. Brightside","master_metadata_album_artist_name":"The Killers","master_metadata_album_album_name":"Hot Fuss","spotify_track_uri":"spotify:track:%s"}`, ts, track.ID)
	}
	// The first row is the first poll 15 s later, the last the second poll
	// 15 s earlier; 1 June is new.
	ext := "[" + row("2023-01-01T00:00:05Z") + "," + row("2023-06-01T12:00:00Z") + "," + row("2023-12-31T23:59:55Z") + "]"
	got := e.run(t, file("Streaming_History_Audio_2023.json", []byte(ext)))
	if got.PlaysAdded != 1 || got.AlreadyPresent != 2 {
		t.Fatalf("result: %+v, want 1 added and 2 already present", got)
	}
	if n := testdb.Count(t, e.pool, "SELECT count(*) FROM euterpe.plays"); n != 3 {
		t.Fatalf("%d plays, want the 2 polled and 1 imported", n)
	}
}

func TestDeletingAnImportRemovesExactlyItsPlays(t *testing.T) {
	ctx := context.Background()
	e := newImportEnv(t)
	r := rand.New(rand.NewPCG(10, 10))
	c := testcatalog.New(r, 3, 1, 4)
	var plays []history.Play // an evening of polled listening, years after the export
	for i := range 30 {
		plays = append(plays, history.Play{Track: c.Tracks[i%len(c.Tracks)], PlayedAt: time.Date(2026, 10, 31, 18, 5*i, 0, 0, time.UTC), MSPlayed: -1})
	}
	if _, err := history.NewStore(e.pool).Record(ctx, e.user, history.SourcePoll, plays); err != nil {
		t.Fatal(err)
	}
	polled := testdb.Count(t, e.pool, "SELECT count(*) FROM euterpe.plays")
	got := e.run(t, file("a.zip", zipFiles(t, map[string][]byte{"Streaming_History_Audio_2021-2023_0.json": exportFixture(t, "Streaming_History_Audio_2021-2023_0.json")})))
	if got.PlaysAdded != 1 {
		t.Fatalf("import: %+v", got)
	}
	ok, err := e.im.Delete(ctx, e.user, got.ID)
	if err != nil || !ok {
		t.Fatalf("Delete: %v %v", ok, err)
	}
	if err := e.im.RunDelete(ctx, got.ID); err != nil {
		t.Fatal(err)
	}
	if n := testdb.Count(t, e.pool, "SELECT count(*) FROM euterpe.plays"); n != polled {
		t.Fatalf("%d plays after the deletion, want the %d polled", n, polled)
	}
	if n := testdb.Count(t, e.pool, "SELECT count(*) FROM euterpe.skips") + testdb.Count(t, e.pool, "SELECT count(*) FROM euterpe.spoken_plays"); n != 0 {
		t.Fatalf("%d skips and episodes left", n)
	}
	if n := testdb.Count(t, e.pool, "SELECT COALESCE(sum(plays), 0) FROM euterpe.play_hours WHERE user_id = $1", e.user); n != polled {
		t.Fatalf("the summaries count %d plays, want %d", n, polled)
	}
	if _, err := e.im.Get(ctx, e.user, got.ID); !errors.Is(err, ErrNoSuchImport) {
		t.Fatalf("the import is still listed: %v", err)
	}
}

// TestBadExportsLeaveNothing: each broken upload fails with a message that
// says what and where, and adds nothing.
func TestBadExportsLeaveNothing(t *testing.T) {
	good := exportFixture(t, "Streaming_History_Audio_2021-2023_0.json")
	bomb := zipFiles(t, map[string][]byte{"endsong_0.json": bytes.Repeat([]byte(" "), 20<<20)})
	for _, c := range []struct {
		name  string
		files []UploadFile
		want  string
	}{
		{"malformed JSON mid-file", []UploadFile{file("a.json", good), file("b.json", append(good[:len(good)-200:len(good)-200], "}}"...))}, "b.json"},
		{"a truncated zip", []UploadFile{file("x.zip", zipFiles(t, map[string][]byte{"endsong_0.json": good})[:300])}, "truncated"},
		{"a zip bomb", []UploadFile{file("bomb.zip", bomb)}, "zip bomb"},
		{"an absurd date", []UploadFile{file("c.json", bytes.Replace(good, []byte("2021-06-01T20:15:02Z"), []byte("1971-06-01T20:15:02Z"), 1))}, "plausible"},
		{"not an export", []UploadFile{file("d.bin", []byte("\x89PNG\r\n\x1a\n...."))}, "neither"},
		// Issue 21, item 2: archives listing more files than allowed are
		// refused by their end record, or by their directory's length when
		// the end record understates it; the message names the upload.
		{"too many files", []UploadFile{file("many.zip", ziptest.Honest(20000).Bytes())},
			"many.zip: unsafe archive: the archive lists 20000 files, more than the 10000 allowed"},
		{"a directory longer than it says", []UploadFile{file("long.zip", ziptest.Understated(2*65536+5, 5).Bytes())},
			"long.zip: unsafe archive: the archive's list of files is longer than 4 MB"},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newImportEnv(t)
			got := e.run(t, c.files...)
			if got.State != Failed || !strings.Contains(got.Error, c.want) {
				t.Fatalf("state %s, error %q; want a failure about %q", got.State, got.Error, c.want)
			}
			if n := testdb.Count(t, e.pool, "SELECT count(*) FROM euterpe.plays"); n != 0 {
				t.Fatalf("a failed import left %d plays", n)
			}
		})
	}
}

// TestImportRunTwiceIsClean: a run cut short (the process stopped) and run
// again ends exactly like one run, and a cancelled import leaves nothing.
func TestImportRunTwiceIsClean(t *testing.T) {
	e := newImportEnv(t)
	ctx := context.Background()
	z := zipFiles(t, map[string][]byte{"Streaming_History_Audio_2021-2023_0.json": exportFixture(t, "Streaming_History_Audio_2021-2023_0.json")})
	id := e.upload(t, file("a.zip", z))
	cut, cancel := context.WithCancel(ctx)
	cancel() // the process stops as the run begins
	if err := e.im.Run(cut, id); err == nil {
		t.Fatal("a cut run reported success")
	}
	if err := e.im.Run(ctx, id); err != nil {
		t.Fatal(err)
	}
	got, _ := e.im.Get(ctx, e.user, id)
	if got.State != Done || got.PlaysAdded != 1 || testdb.Count(t, e.pool, "SELECT count(*) FROM euterpe.plays") != 1 {
		t.Fatalf("after a restart: %+v", got)
	}
	// One import at a time per user.
	id2 := e.upload(t, file("b.zip", z))
	if _, err := e.im.Create(ctx, e.user, func() (UploadFile, error) { return file("c.zip", z), nil }); !errors.Is(err, ErrImportRunning) {
		t.Fatalf("a second import while one waits: %v", err)
	}
	if ok, err := e.im.Cancel(ctx, e.user, id2); err != nil || !ok {
		t.Fatalf("cancel: %v %v", ok, err)
	}
	if err := e.im.Run(ctx, id2); err != nil {
		t.Fatal(err)
	}
	got2, _ := e.im.Get(ctx, e.user, id2)
	if got2.State != Cancelled || testdb.Count(t, e.pool, "SELECT count(*) FROM euterpe.import_uploads") != 0 {
		t.Fatalf("a cancelled import: %+v", got2)
	}
}

// TestImportProgress: reading counts for its share by bytes, the merge for
// the rest by steps; time left follows the pace so far.
func TestImportProgress(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	started := now.Add(-time.Minute)
	im := func(state State, bytesDone, bytesTotal int64, steps, done int) Import {
		return Import{State: state, StartedAt: &started,
			BytesDone: bytesDone, BytesTotal: bytesTotal, MergeSteps: steps, MergeDone: done}
	}
	for _, c := range []struct {
		name    string
		im      Import
		percent int
		left    time.Duration
		merging bool
	}{
		{"queued", im(Queued, 0, 0, 0, 0), 0, 0, false},
		{"half read", im(Running, 50, 100, 0, 0), 15, 340 * time.Second, false},
		{"all read, merge not begun", im(Running, 100, 100, 12, 0), 30, 140 * time.Second, true},
		{"half merged", im(Running, 100, 100, 10, 5), 65, 32 * time.Second, true},
		{"last step", im(Running, 100, 100, 10, 10), 99, 0, true},
		{"done", im(Done, 100, 100, 10, 9), 100, 0, false},
	} {
		if got := c.im.Percent(); got != c.percent {
			t.Errorf("%s: %d%%, want %d%%", c.name, got, c.percent)
		}
		if got := c.im.TimeLeft(now); got != c.left {
			t.Errorf("%s: %s left, want %s", c.name, got, c.left)
		}
		if got := c.im.Merging(); got != c.merging {
			t.Errorf("%s: merging %v", c.name, got)
		}
	}
}

// TestMergeSpans: the months of plays are merged up to a year at a time,
// each span starting at a month that has rows and ending after the last
// such month within its twelve; the spans cover every month with rows
// once.
func TestMergeSpans(t *testing.T) {
	m := func(y int, mo time.Month) time.Time { return time.Date(y, mo, 1, 0, 0, 0, 0, time.UTC) }
	months := []time.Time{m(2020, 3), m(2020, 4), m(2021, 2), m(2021, 3), m(2023, 7)}
	var all []time.Time
	for d := m(2019, 5); d.Before(m(2021, 7)); d = d.AddDate(0, 1, 0) {
		all = append(all, d)
	}
	for _, c := range []struct {
		name   string
		months []time.Time
		want   [][2]time.Time
	}{
		{"none", nil, nil},
		{"one", []time.Time{m(2022, 12)}, [][2]time.Time{{m(2022, 12), m(2023, 1)}}},
		{"gaps", months, [][2]time.Time{{m(2020, 3), m(2021, 3)}, {m(2021, 3), m(2021, 4)}, {m(2023, 7), m(2023, 8)}}},
		{"every month", all, [][2]time.Time{{m(2019, 5), m(2020, 5)}, {m(2020, 5), m(2021, 5)}, {m(2021, 5), m(2021, 7)}}},
	} {
		got := mergeSpans(c.months)
		if len(got) != len(c.want) {
			t.Fatalf("%s: %v, want %v", c.name, got, c.want)
		}
		for i := range got {
			if !got[i][0].Equal(c.want[i][0]) || !got[i][1].Equal(c.want[i][1]) {
				t.Errorf("%s: span %d is %v, want %v", c.name, i, got[i], c.want[i])
			}
		}
	}
}
