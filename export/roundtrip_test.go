package export

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/euterpe-dev/euterpe/database"
	"github.com/euterpe-dev/euterpe/db"
	"github.com/euterpe-dev/euterpe/history"
	"github.com/euterpe-dev/euterpe/imports"
	"github.com/euterpe-dev/euterpe/internal/testclock"
	"github.com/euterpe-dev/euterpe/internal/testdb"
	"github.com/euterpe-dev/euterpe/spotify"
)

var quiet = slog.New(slog.DiscardHandler)

// instance is one Euterpe's database and services.
type instance struct {
	pool *database.Pool
	hist *history.Service
	imp  *imports.Importer
	now  time.Time
}

func newInstance(t *testing.T) *instance {
	t.Helper()
	pool, _ := testdb.Migrated(t)
	now := testclock.Start()
	clock := func() time.Time { return now }
	return &instance{pool: pool, now: now,
		hist: history.NewService(history.Options{Log: quiet, Pool: pool, Now: clock}),
		imp:  imports.NewImporter(imports.ImporterOptions{Log: quiet, Pool: pool, Now: clock})}
}

func (in *instance) user(t *testing.T, spotifyID string) uuid.UUID {
	t.Helper()
	u, err := db.New(in.pool).UpsertUser(context.Background(), db.UpsertUserParams{SpotifyUserID: spotifyID, DisplayName: spotifyID})
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// importFiles imports files (name → content) for the user and returns the
// import's result.
func (in *instance) importFiles(t *testing.T, userID uuid.UUID, files map[string][]byte) imports.Import {
	t.Helper()
	ctx := context.Background()
	var names []string
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	i := 0
	id, err := in.imp.Create(ctx, userID, func() (imports.UploadFile, error) {
		if i == len(names) {
			return imports.UploadFile{}, io.EOF
		}
		n := names[i]
		i++
		return imports.UploadFile{Name: n, Body: bytes.NewReader(files[n])}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := in.imp.Run(ctx, id); err != nil {
		t.Fatal(err)
	}
	im, err := in.imp.Get(ctx, userID, id)
	if err != nil {
		t.Fatal(err)
	}
	if im.State != imports.Done {
		t.Fatalf("import %s: %s (%s)", names, im.State, im.Error)
	}
	return im
}

// archive is the user's "Download my data".
func (in *instance) archive(t *testing.T, userID uuid.UUID) map[string][]byte {
	t.Helper()
	var buf bytes.Buffer
	if err := NewArchive(in.pool, func() time.Time { return in.now }).Write(context.Background(), &buf, userID, time.UTC); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{"all.zip": buf.Bytes()}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = b
	}
	return out
}

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "spotifyexport", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// richHistory gives the user every kind of listen Euterpe keeps: polled
// plays of tracks with several artists, a picture, a release month and a
// context, one cut short under 30 s, one whose time heard is not known;
// and through Spotify's own exports, tracks known with an id but artists
// and album by name only, tracks known only by name, a skip, a podcast
// episode and an audiobook chapter.
func (in *instance) richHistory(t *testing.T, userID uuid.UUID) {
	t.Helper()
	ctx := context.Background()
	artist := func(id, name string) spotify.SimplifiedArtist { return spotify.SimplifiedArtist{ID: id, Name: name} }
	a1, a2, a3 := artist("0OdUWJ0sBjDrqHygGUXeCF", "Band of Horses"), artist("1vCWHaC5f2uS3yhpwWbIA6", "Avicii & Friends"), artist("2CIMQHirSU0MQqyYHq0eOx", "=Formula Ünicode")
	album := spotify.SimplifiedAlbum{ID: "4m2880jivSbbyEGAKfITCa", Name: "Everything All The Time", AlbumType: "album",
		ReleaseDate: "2006-03", ReleaseDatePrecision: "month", Artists: []spotify.SimplifiedArtist{a1},
		Images: []spotify.Image{{URL: "https://i.scdn.co/image/cover1"}}}
	single := spotify.SimplifiedAlbum{ID: "6aB1r5CyHDH8LbrWq0dLzQ", Name: "Duet", AlbumType: "single",
		ReleaseDate: "2019", ReleaseDatePrecision: "year", Artists: []spotify.SimplifiedArtist{a2, a3}}
	t1 := spotify.Track{ID: "0KcnVvQnDBgX4Xat1zvIxm", Name: "The Funeral", DurationMS: 322_000, Album: album, Artists: []spotify.SimplifiedArtist{a1}}
	t2 := spotify.Track{ID: "3mUg0bfo9qgvT0mf3xjTHr", Name: "Duet \"Live\"\n", DurationMS: 201_500, Explicit: true, Album: single,
		Artists: []spotify.SimplifiedArtist{a2, a3, a1}}
	start := time.Date(2025, 6, 1, 18, 0, 0, 123456000, time.UTC)
	var plays []history.Play
	for i := range 12 {
		tr := t1
		if i%3 == 1 {
			tr = t2
		}
		p := history.Play{Track: tr, PlayedAt: start.Add(time.Duration(i) * 7 * time.Minute), MSPlayed: 180_000 + i}
		if i%4 == 0 {
			p.ContextURI = "spotify:playlist:37i9dQZF1DXcBWIGoYBM5M"
		}
		if i == 5 {
			p.MSPlayed = 21_000 // cut short by the next: a play all the same
		}
		plays = append(plays, p)
	}
	if _, err := history.NewStore(in.pool).Record(ctx, userID, history.SourcePoll, plays); err != nil {
		t.Fatal(err)
	}
	// A play whose time heard nobody knows.
	if _, err := in.pool.Exec(ctx, `INSERT INTO euterpe.plays (user_id, played_at, track_id, ms_played, source_id)
		SELECT $1, $2, id, NULL, 1 FROM euterpe.tracks WHERE spotify_id = $3`, userID, start.Add(-time.Hour), t2.ID); err != nil {
		t.Fatal(err)
	}
	im := in.importFiles(t, userID, map[string][]byte{
		"Streaming_History_Audio_2021-2023_0.json": fixture(t, "Streaming_History_Audio_2021-2023_0.json"),
		"StreamingHistory_music_0.json":            fixture(t, "StreamingHistory_music_0.json"),
	})
	if im.PlaysAdded == 0 || im.Skips == 0 || im.Episodes == 0 || im.Unmatched == 0 {
		t.Fatalf("the Spotify exports added %d plays, %d skips, %d episodes, %d unmatched: the fixture lacks a kind",
			im.PlaysAdded, im.Skips, im.Episodes, im.Unmatched)
	}
}

// sourceField is the plays' provenance, which an import makes its own
// ("euterpe_export").
var sourceField = regexp.MustCompile(`"source":"[a-z_]+"`)

// TestExportImportsBackExactly: a user's history.json, imported into
// another Euterpe (a database of its own, an empty catalogue), gives back
// the same history, listen for listen, field for field (the plays' source
// then says they came from a Euterpe export), the same summaries, and the
// same export; importing it again adds nothing. The zip itself imports the
// same way, its other files read through and skipped.
func TestExportImportsBackExactly(t *testing.T) {
	ctx := context.Background()
	a := newInstance(t)
	alice := a.user(t, "alice")
	a.richHistory(t, alice)
	files := a.archive(t, alice)
	original := files["history.json"]
	if !json.Valid(original) {
		t.Fatalf("history.json is not JSON:\n%s", original)
	}

	b := newInstance(t)
	bob := b.user(t, "bob")
	im := b.importFiles(t, bob, map[string][]byte{"history.json": original})
	counts := func(in *instance, u uuid.UUID) [3]int {
		var c [3]int
		for i, table := range []string{"plays", "skips", "spoken_plays"} {
			if err := in.pool.QueryRow(ctx, "SELECT count(*) FROM euterpe."+table+" WHERE user_id = $1", u).Scan(&c[i]); err != nil {
				t.Fatal(err)
			}
		}
		return c
	}
	want := counts(a, alice)
	if got := counts(b, bob); got != want {
		t.Fatalf("plays, skips, episodes: %v after the import, %v exported", got, want)
	}
	if im.PlaysAdded != int64(want[0]) || im.AlreadyPresent != 0 || im.Skips != int64(want[1]) || im.Episodes != int64(want[2]) {
		t.Errorf("the import reports %+v", im)
	}

	again := b.archive(t, bob)["history.json"]
	if got, want := sourceField.ReplaceAll(again, []byte(`"source":""`)), sourceField.ReplaceAll(original, []byte(`"source":""`)); !bytes.Equal(got, want) {
		t.Errorf("the history exported again differs:\n%s", firstDifference(string(want), string(got)))
	}
	if !bytes.Contains(again, []byte(`"source":"euterpe_export"`)) || bytes.Contains(again, []byte(`"source":"poll"`)) {
		t.Error("the imported plays do not say they came from a Euterpe export")
	}

	// The summaries agree: totals, top lists, sessions, the clock.
	summary := func(in *instance, u uuid.UUID) string {
		v := history.View{UserID: u, Bounds: mustBounds(t, in.hist, u)}
		v.Span = history.Span{From: v.Bounds.First, To: v.Bounds.Last, Loc: time.UTC, Period: history.AllTime}
		var sb strings.Builder
		tot, err := in.hist.Totals(ctx, v)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&sb, "%+v\n", tot)
		for _, k := range history.Kinds() {
			for _, by := range []history.Measure{history.ByPlays, history.ByMinutes} {
				l, err := in.hist.Top(ctx, v, k, by, 50)
				if err != nil {
					t.Fatal(err)
				}
				for _, it := range l.Items {
					fmt.Fprintf(&sb, "%s %s %d %s|%s|%s %d %d\n", k, by, it.Rank, it.Name, it.Detail, it.ImageURL, it.Plays, it.Minutes)
				}
			}
		}
		ss, err := in.hist.SessionsFor(ctx, v, 50)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&sb, "%+v\n", ss)
		c, err := in.hist.ClockFor(ctx, v)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&sb, "%v\n", c.Plays)
		return sb.String()
	}
	if sa, sb := summary(a, alice), summary(b, bob); sa != sb {
		t.Errorf("the summaries differ:\n%s", firstDifference(sa, sb))
	}

	// The same export again adds nothing.
	im = b.importFiles(t, bob, map[string][]byte{"history.json": original})
	if im.PlaysAdded != 0 || im.AlreadyPresent != int64(want[0]) || counts(b, bob) != want {
		t.Errorf("importing it again: %+v, now %v", im, counts(b, bob))
	}

	// The zip as it was downloaded imports just the same into a third
	// user; its CSVs, account and snapshots are skipped.
	carol := b.user(t, "carol")
	im = b.importFiles(t, carol, map[string][]byte{"euterpe-alice-2026-11-28.zip": files["all.zip"]})
	if counts(b, carol) != want {
		t.Errorf("from the zip: %v, want %v", counts(b, carol), want)
	}
	imported := 0
	for _, f := range im.Files {
		if f.Status == "imported" {
			imported++
			if f.Name != "history.json" || f.Kind != "Euterpe export" {
				t.Errorf("imported %s as %s", f.Name, f.Kind)
			}
		}
	}
	if imported != 1 || len(im.Files) != 6 {
		t.Errorf("files of the zip: %+v", im.Files)
	}
}

func mustBounds(t *testing.T, h *history.Service, u uuid.UUID) history.Bounds {
	t.Helper()
	b, err := h.BoundsFor(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func firstDifference(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return fmt.Sprintf("line %d:\n want %s\n  got %s", i+1, al[i], bl[i])
		}
	}
	return fmt.Sprintf("lengths %d and %d lines", len(al), len(bl))
}

// TestExportsHoldOnlyTheirUsersData: two users with plays of the same
// tracks and of their own; each one's CSV, JSON and zip hold their listens
// and nothing of the other's.
func TestExportsHoldOnlyTheirUsersData(t *testing.T) {
	ctx := context.Background()
	in := newInstance(t)
	alice, carl := in.user(t, "alice"), in.user(t, "carl")
	in.richHistory(t, alice)
	shared := spotify.Track{ID: "5Z7ygHQo02SUrFmcgpwsKW", Name: "Shared Song", DurationMS: 200_000,
		Artists: []spotify.SimplifiedArtist{{ID: "6sFIWsNpZYqfjUpaCgueju", Name: "Common Artist"}}}
	own := spotify.Track{ID: "7ouMYWpwJ422jRcDASZB7P", Name: "Carl Only", DurationMS: 200_000,
		Artists: []spotify.SimplifiedArtist{{ID: "3WrFJ7ztbogyGnTHbHJFl2", Name: "Carl's Band"}}}
	var plays []history.Play
	for i := range 30 {
		tr := shared
		if i%2 == 0 {
			tr = own
		}
		plays = append(plays, history.Play{Track: tr, PlayedAt: time.Date(2025, 8, 1, 10, 0, 0, 0, time.UTC).Add(time.Duration(i) * 5 * time.Minute), MSPlayed: 200_000})
	}
	if _, err := history.NewStore(in.pool).Record(ctx, carl, history.SourcePoll, plays); err != nil {
		t.Fatal(err)
	}
	var alicePlays int
	if err := in.pool.QueryRow(ctx, `SELECT count(*) FROM euterpe.plays WHERE user_id = $1`, alice).Scan(&alicePlays); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		user         uuid.UUID
		plays        int
		mine, theirs string
	}{{carl, 30, "Carl Only", "The Funeral"}, {alice, alicePlays, "The Funeral", "Carl Only"}} {
		files := in.archive(t, c.user)
		for _, name := range []string{"history.csv", "history.json", "account.json", "snapshots.json", "snapshots.csv", "README.txt"} {
			if bytes.Contains(files[name], []byte(c.theirs)) || bytes.Contains(files[name], []byte("Shared Song")) && c.user == alice {
				t.Errorf("%s holds another user's listening", name)
			}
		}
		rows, err := csv.NewReader(bytes.NewReader(files["history.csv"])).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		plays := 0
		for _, r := range rows[1:] {
			if r[0] == "play" {
				plays++
			}
		}
		if plays != c.plays || !bytes.Contains(files["history.csv"], []byte(c.mine)) {
			t.Errorf("history.csv holds %d plays, want %d", plays, c.plays)
		}
		var acct Account
		if err := json.Unmarshal(files["account.json"], &acct); err != nil || acct.User.ID != c.user || acct.History.Plays != int64(c.plays) {
			t.Errorf("account.json: %+v, %v", acct.User, err)
		}
		if strings.Contains(string(files["account.json"]), "encrypted") && !strings.Contains(string(files["account.json"]), "never exports") {
			t.Error("account.json mentions tokens")
		}
	}
}
