package spotifyexport

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var now = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

func readAll(t *testing.T, name string, r io.Reader) (Kind, []Row, error) {
	t.Helper()
	f, err := Open(name, r, now)
	if err != nil {
		return Other, nil, err
	}
	var rows []Row
	for {
		row, err := f.Next()
		if errors.Is(err, io.EOF) {
			return f.Kind(), rows, nil
		}
		if err != nil {
			return f.Kind(), rows, err
		}
		rows = append(rows, row)
	}
}

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRecognisesFilesByContent(t *testing.T) {
	for _, c := range []struct {
		file string
		kind Kind
		rows int
	}{
		{"StreamingHistory_music_0.json", AccountMusic, 3},
		{"StreamingHistory_podcast_0.json", AccountPodcast, 1},
		{"Streaming_History_Audio_2021-2023_0.json", Extended, 5},
		{"endsong_0.json", Extended, 1},
		{"Userdata.json", Other, 0},
		{"Playlist1.json", Other, 0},
	} {
		// The name is not what decides: every file is read as "upload.bin".
		kind, rows, err := readAll(t, "upload.bin", bytes.NewReader(fixture(t, c.file)))
		if err != nil || kind != c.kind || len(rows) != c.rows {
			t.Errorf("%s: kind %v, %d rows, %v; want %v, %d rows", c.file, kind, len(rows), err, c.kind, c.rows)
		}
	}
	for _, other := range []string{"", "not json", "\x89PNG\r\n", "[]", "[1,2,3]", `[["a"]]`, `{"a":1}`, `[{"foo":"bar"}]`} {
		kind, rows, err := readAll(t, "x", strings.NewReader(other))
		if err != nil || kind != Other || len(rows) != 0 {
			t.Errorf("%q: kind %v, %d rows, %v; want a file to skip", other, kind, len(rows), err)
		}
	}
}

func TestAccountRows(t *testing.T) {
	_, rows, err := readAll(t, "m", bytes.NewReader(fixture(t, "StreamingHistory_music_0.json")))
	if err != nil {
		t.Fatal(err)
	}
	want := Row{Kind: Music, EndedAt: time.Date(2023, 1, 5, 14, 32, 0, 0, time.UTC), MSPlayed: 199226,
		TrackName: "Archie, Marry Me", ArtistName: "Alvvays"}
	if rows[0] != want {
		t.Errorf("row 1 = %+v", rows[0])
	}
	if rows[0].Precise {
		t.Error("account data is precise to the minute only")
	}
	if rows[2].TrackName != "Jóga 🎵" || rows[2].ArtistName != "Björk" {
		t.Errorf("escapes: %q by %q", rows[2].TrackName, rows[2].ArtistName)
	}
	_, rows, _ = readAll(t, "p", bytes.NewReader(fixture(t, "StreamingHistory_podcast_0.json")))
	if rows[0].Kind != Episode || rows[0].ShowName != "The Daily" || rows[0].EpisodeName != "A Big Day" || rows[0].MSPlayed != 1523000 {
		t.Errorf("podcast row = %+v", rows[0])
	}
}

func TestExtendedRows(t *testing.T) {
	_, rows, err := readAll(t, "e", bytes.NewReader(fixture(t, "Streaming_History_Audio_2021-2023_0.json")))
	if err != nil {
		t.Fatal(err)
	}
	r := rows[0]
	if r.Kind != Music || !r.Precise || !r.EndedAt.Equal(time.Date(2021, 6, 1, 20, 15, 2, 0, time.UTC)) || r.MSPlayed != 243000 ||
		r.TrackName != "Space Song" || r.ArtistName != "Beach House" || r.AlbumName != "Depression Cherry" ||
		r.TrackID != "7H0ya83CMmgFcOhw0UB6ow" || r.ReasonEnd != "trackdone" || r.Country != "FR" {
		t.Errorf("track row = %+v", r)
	}
	if !rows[1].Skipped || !rows[1].Shuffle || rows[1].MSPlayed != 4200 {
		t.Errorf("skipped row = %+v", rows[1])
	}
	if rows[2].Kind != Episode || rows[2].ShowName != "Ocean Stories" || rows[2].EpisodeID != "5yxSQ0rF3kDW6Q5Ewr3h9E" {
		t.Errorf("episode row = %+v", rows[2])
	}
	if rows[3].Kind != Audiobook || rows[3].AudiobookTitle != "The Hobbit" || rows[3].ChapterTitle != "Chapter 1" {
		t.Errorf("audiobook row = %+v", rows[3])
	}
	if rows[4].Kind != Unknown {
		t.Errorf("a row naming nothing = %+v", rows[4])
	}
}

// TestBadFilesSayWhereAndWhy: a history file that goes wrong is an error
// naming the file, the item and what is wrong.
func TestBadFilesSayWhereAndWhy(t *testing.T) {
	good := `{"endTime":"2023-01-05 14:32","artistName":"A","trackName":"T","msPlayed":1000}`
	for _, c := range []struct{ name, body, want string }{
		{"truncated", "[" + good + "," + good[:30], "item 2"},
		{"garbage mid-file", "[" + good + "," + good + ",{\"endTime\":,}]", "item 3"},
		{"a bad time", `[` + strings.Replace(good, "2023-01-05 14:32", "yesterday", 1) + `]`, "endTime"},
		{"an absurd date", `[` + strings.Replace(good, "2023-01-05", "1970-01-01", 1) + `]`, "not a plausible date"},
		{"a future date", `[` + strings.Replace(good, "2023-01-05", "2031-01-01", 1) + `]`, "not a plausible date"},
		{"a negative duration", `[` + strings.Replace(good, "1000", "-5", 1) + `]`, "msPlayed"},
		{"a duration as text", `[` + strings.Replace(good, "1000", `"1000"`, 1) + `]`, "msPlayed"},
		{"a huge string", `[` + good + `,{"endTime":"2023-01-05 14:33","artistName":"` + strings.Repeat("x", 5000) + `","trackName":"T","msPlayed":1}]`, "longer than 4096"},
		{"nested values", `[` + good + `,{"endTime":"2023-01-05 14:33","artistName":["x"],"trackName":"T","msPlayed":1}]`, "nested"},
		{"trailing data", `[` + good + `] [`, "follows the end"},
		{"invalid UTF-8", "[" + good + `,{"endTime":"2023-01-05 14:33","artistName":"` + "\xff\xfe" + `","trackName":"T","msPlayed":1}]`, "UTF-8"},
	} {
		_, _, err := readAll(t, "StreamingHistory_music_3.json", strings.NewReader(c.body))
		var se *SyntaxError
		if err == nil || !errors.As(err, &se) || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "StreamingHistory_music_3.json: ") {
			t.Errorf("%s: %v, want an error about %q naming the file", c.name, err, c.want)
		}
	}
}

func TestMemoryStaysFlat(t *testing.T) {
	// 200,000 items read as a stream: the reader holds one at a time.
	var b strings.Builder
	b.WriteString("[")
	for i := range 200000 {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"endTime":"2023-01-05 14:32","artistName":"Artist %d","trackName":"Track %d","msPlayed":%d}`, i%300, i%5000, 30000+i)
	}
	b.WriteString("]")
	f, err := Open("big.json", strings.NewReader(b.String()), now)
	if err != nil {
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(1, func() {
		for {
			if _, err := f.Next(); err != nil {
				break
			}
		}
	})
	if f.Item() != 200000 {
		t.Fatalf("read %d items", f.Item())
	}
	if allocs > 200000*8 {
		t.Errorf("%.0f allocations for 200,000 rows", allocs)
	}
}

func zipOf(t *testing.T, files map[string][]byte, method uint16) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for name, body := range files {
		fw, err := w.CreateHeader(&zip.FileHeader{Name: name, Method: method})
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

func TestZipAsSpotifyMailsIt(t *testing.T) {
	files := map[string][]byte{}
	for _, f := range []string{"Streaming_History_Audio_2021-2023_0.json", "endsong_0.json", "Userdata.json", "Playlist1.json"} {
		files["Spotify Extended Streaming History/"+f] = fixture(t, f)
	}
	files["Spotify Extended Streaming History/ReadMeFirst_ExtendedStreamingHistory.pdf"] = []byte("%PDF-1.4 …")
	b := zipOf(t, files, zip.Deflate)
	if !IsZip(b) || LooksLikeJSON(b) {
		t.Fatal("a zip is not recognised as one")
	}
	entries, err := ReadZip(bytes.NewReader(b), int64(len(b)), DefaultLimits)
	if err != nil || len(entries) != 5 {
		t.Fatalf("entries: %d, %v", len(entries), err)
	}
	kinds := map[Kind]int{}
	rows := 0
	for _, e := range entries {
		rc, err := e.Open()
		if err != nil {
			t.Fatal(err)
		}
		k, rs, err := readAll(t, e.Name, rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		kinds[k]++
		rows += len(rs)
	}
	if kinds[Extended] != 2 || kinds[Other] != 3 || rows != 6 {
		t.Fatalf("kinds %v, %d rows", kinds, rows)
	}
}

func TestUnsafeZips(t *testing.T) {
	json := fixture(t, "endsong_0.json")
	// A bomb: 64 MB of one byte compresses to almost nothing.
	bomb := zipOf(t, map[string][]byte{"endsong_0.json": bytes.Repeat([]byte(" "), 64<<20)}, zip.Deflate)
	entries, err := ReadZip(bytes.NewReader(bomb), int64(len(bomb)), DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	rc, _ := entries[0].Open()
	_, err = io.Copy(io.Discard, rc)
	if !errors.Is(err, ErrUnsafe) || !strings.Contains(err.Error(), "zip bomb") {
		t.Errorf("a 64 MB entry from %d bytes: %v", len(bomb), err)
	}
	// The archive's total is capped however honest each entry is.
	lim := Limits{MaxTotal: 1000, MaxRatio: 100, MaxEntries: 10, MaxDirectory: 1 << 20}
	many := zipOf(t, map[string][]byte{"a.json": json, "b.json": json, "c.json": json}, zip.Store)
	if _, err := ReadZip(bytes.NewReader(many), int64(len(many)), lim); !errors.Is(err, ErrUnsafe) {
		t.Errorf("over the total: %v", err)
	}
	for _, name := range []string{"../evil.json", "a/../../evil.json", "/etc/passwd", `..\evil.json`} {
		z := zipOf(t, map[string][]byte{name: json}, zip.Store)
		if _, err := ReadZip(bytes.NewReader(z), int64(len(z)), DefaultLimits); !errors.Is(err, ErrUnsafe) {
			t.Errorf("entry %q: %v", name, err)
		}
	}
	ok := zipOf(t, map[string][]byte{"endsong_0.json": json}, zip.Deflate)
	if _, err := ReadZip(bytes.NewReader(ok[:len(ok)/2]), int64(len(ok)/2), DefaultLimits); err == nil || !strings.Contains(err.Error(), "truncated") {
		t.Errorf("a truncated zip: %v", err)
	}
	tooMany := map[string][]byte{}
	for i := range 11 {
		tooMany[fmt.Sprint(i, ".json")] = json
	}
	z := zipOf(t, tooMany, zip.Store)
	if _, err := ReadZip(bytes.NewReader(z), int64(len(z)), lim); !errors.Is(err, ErrUnsafe) {
		t.Errorf("too many entries: %v", err)
	}
	if IsZip([]byte("[{}]")) || !LooksLikeJSON([]byte("\xef\xbb\xbf  [")) || LooksLikeJSON([]byte("PK\x03\x04")) {
		t.Error("sniffing")
	}
}

func FuzzFile(f *testing.F) {
	for _, name := range []string{"StreamingHistory_music_0.json", "StreamingHistory_podcast_0.json", "Streaming_History_Audio_2021-2023_0.json", "endsong_0.json", "Userdata.json"} {
		b, _ := os.ReadFile(filepath.Join("testdata", name))
		f.Add(b)
	}
	f.Add([]byte(`[{"endTime":"2023-01-05 14:32","artistName":"\ud83c","trackName":"T","msPlayed":1e3}]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		file, err := Open("f", bytes.NewReader(b), now)
		if err != nil {
			t.Fatalf("Open only fails on read errors: %v", err)
		}
		for range 10000 {
			row, err := file.Next()
			if err != nil {
				var se *SyntaxError
				if !errors.Is(err, io.EOF) && !errors.As(err, &se) {
					t.Fatalf("an error that is neither the end nor a syntax error: %v", err)
				}
				return
			}
			if row.EndedAt.Before(Earliest) || row.MSPlayed < 0 || row.MSPlayed > maxPlayed {
				t.Fatalf("an implausible row got through: %+v", row)
			}
			if len(row.TrackName) > maxValue || len(row.ArtistName) > maxValue {
				t.Fatalf("an oversized value got through")
			}
		}
	})
}

func FuzzZip(f *testing.F) {
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	fw, _ := w.Create("endsong_0.json")
	b, _ := os.ReadFile(filepath.Join("testdata", "endsong_0.json"))
	fw.Write(b)
	w.Close()
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, b []byte) {
		entries, err := ReadZip(bytes.NewReader(b), int64(len(b)), Limits{MaxTotal: 1 << 20, MaxRatio: 100, MaxEntries: 50, MaxDirectory: 64 << 10})
		if err != nil {
			return
		}
		for _, e := range entries {
			if strings.Contains(e.Name, "..") && strings.HasPrefix(e.Name, "..") {
				t.Fatalf("an unsafe name got through: %q", e.Name)
			}
			rc, err := e.Open()
			if err != nil {
				continue
			}
			n, _ := io.Copy(io.Discard, io.LimitReader(rc, 4<<20))
			rc.Close()
			if n > 2<<20 {
				t.Fatalf("an entry expanded to %d bytes past the limits", n)
			}
		}
	})
}
