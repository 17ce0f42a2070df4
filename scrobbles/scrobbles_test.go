package scrobbles

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/euterpe-dev/euterpe/internal/ziptest"
	"github.com/euterpe-dev/euterpe/spotifyexport"
)

// now is the instant the tests read files at (never the wall clock): the
// fixtures are of 2021, so their dates are plausible and a date in 2031 is
// not.
var now = time.Date(2026, 5, 13, 14, 20, 0, 0, time.UTC)

func readAll(t *testing.T, name string, r io.Reader) (Kind, []Listen, error) {
	t.Helper()
	f, err := Open(name, r, now)
	if err != nil {
		return Other, nil, err
	}
	var out []Listen
	for {
		l, err := f.Next()
		if errors.Is(err, io.EOF) {
			return f.Kind(), out, nil
		}
		if err != nil {
			return f.Kind(), out, err
		}
		out = append(out, l)
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

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestRecognisesFilesByContent(t *testing.T) {
	for _, c := range []struct {
		file    string
		kind    Kind
		listens int
	}{
		{"listenbrainz/listens/2021/1.jsonl", ListenBrainz, 4},
		{"listenbrainz/listens/2021/2.jsonl", ListenBrainz, 2},
		{"listenbrainz/user.json", Other, 0},
		{"listenbrainz/feedback.jsonl", Other, 0},
		{"listenbrainz/pinned_recording.jsonl", Other, 0},
		{"demo_lb-2021-04-16.json", ListenBrainzJSON, 3},
		{"lastfm-to-csv.csv", LastfmCSV, 4},
		{"lastfm-to-csv-header.csv", LastfmCSV, 3},
		{"recenttracks-demo-1612137600.csv", LastfmGhanCSV, 3},
		{"recenttracks-demo-1612137600.json", LastfmGhanJSON, 3},
		{"maloja_export_2021_02_01_00_00_00.json", Maloja, 3},
		// Spotify's own files are spotifyexport's, not claimed here.
		{"../../spotifyexport/testdata/StreamingHistory_music_0.json", Other, 0},
		{"../../spotifyexport/testdata/Streaming_History_Audio_2021-2023_0.json", Other, 0},
		{"../../spotifyexport/testdata/endsong_0.json", Other, 0},
		{"../../spotifyexport/testdata/Userdata.json", Other, 0},
		{"../../spotifyexport/testdata/Playlist1.json", Other, 0},
	} {
		// The name is not what decides: a ListenBrainz month named .txt
		// is still one.
		kind, ls, err := readAll(t, "upload.txt", bytes.NewReader(fixture(t, c.file)))
		if err != nil || kind != c.kind || len(ls) != c.listens {
			t.Errorf("%s: %v, %d listens, %v; want %v, %d listens", c.file, kind, len(ls), err, c.kind, c.listens)
		}
	}
	for _, other := range []string{"", "\n\n", "not a history", "\x89PNG\r\n\x1a\n", "[]", "{}", "[1,2]", `[{"a":1}]`,
		`{"scrobbles":[]}`, `{"scrobbles":[{"time":1}]}`, `[{"track":[]}]`, `{"listened_at":1612128840}`,
		"a,b,c\n1,2,3\n", "a,b,c,\n", "a,b,c,yesterday\n",
		// A whole listen spread over lines is not JSONL.
		"{\"listened_at\": 1612128840,\n \"track_metadata\": {}}\n",
	} {
		kind, ls, err := readAll(t, "x", strings.NewReader(other))
		if err != nil || kind != Other || len(ls) != 0 {
			t.Errorf("%q: %v, %d listens, %v; want a file to skip", other, kind, len(ls), err)
		}
	}
	// And the other way round: spotifyexport skips these files.
	for _, name := range []string{"listenbrainz/listens/2021/1.jsonl", "demo_lb-2021-04-16.json", "lastfm-to-csv.csv",
		"recenttracks-demo-1612137600.csv", "recenttracks-demo-1612137600.json", "maloja_export_2021_02_01_00_00_00.json"} {
		f, err := spotifyexport.Open(name, bytes.NewReader(fixture(t, name)), now)
		if err != nil || f.Kind() != spotifyexport.Other {
			t.Errorf("spotifyexport reads %s as %v (%v)", name, f.Kind(), err)
		}
	}
}

func TestListenBrainzExport(t *testing.T) {
	_, ls, err := readAll(t, "listens/2021/1.jsonl", bytes.NewReader(fixture(t, "listenbrainz/listens/2021/1.jsonl")))
	if err != nil {
		t.Fatal(err)
	}
	want := []Listen{
		{Kind: ListenBrainz, StartedAt: at("2021-01-31T21:34:00Z"), Precise: true, DurationMS: 402390, PlayedMS: -1,
			Track: "Some Resolve", Artist: "Röyksopp", Album: "Profound Mysteries II", Artists: []string{"Röyksopp"},
			SpotifyID: "7H7RaiZoTNPwjNLygV4fXQ", ISRC: "NOAAW2200101", RecordingMBID: "30d08f4c-d825-4ae1-b79c-44242cddd7c0"},
		{Kind: ListenBrainz, StartedAt: at("2021-01-31T21:40:50Z"), Precise: true, DurationMS: 242000, PlayedMS: -1,
			Track: `Leave the Door Open "Live" 🎵`, Artist: "Silk Sonic, Bruno Mars & Anderson .Paak",
			Artists:   []string{"Silk Sonic", "Bruno Mars", "Anderson .Paak"},
			SpotifyID: "02VBYrHfVwfEWXk5DXyf0T"},
		{Kind: ListenBrainz, StartedAt: at("2021-01-31T21:53:20Z"), Precise: true, DurationMS: 305000, PlayedMS: -1,
			Track: "Jóga", Artist: "Björk", Album: "Homogenic",
			SpotifyID: "1BxfuPKGuaTgP7aM0Bbdwr", ISRC: "GBAAP9700045", RecordingMBID: "6c3b8f49-4f1a-4b4e-9c55-2d1f9e0a7b11"},
		// An album link is no track id (origin_url's is), and 0 ms is no duration.
		{Kind: ListenBrainz, StartedAt: at("2021-01-31T22:00:00Z"), Precise: true, DurationMS: -1, PlayedMS: -1,
			Track: "戦場のメリークリスマス", Artist: "坂本龍一", Album: "Coda", SpotifyID: "5Z7ygHQo02SUrFmcgpwsKW"},
	}
	if !reflect.DeepEqual(ls, want) {
		for i := range max(len(ls), len(want)) {
			if i >= len(ls) || i >= len(want) || !reflect.DeepEqual(ls[i], want[i]) {
				t.Errorf("listen %d:\n got %+v\nwant %+v", i+1, get(ls, i), get(want, i))
			}
		}
	}
	// The single file of before 2024: whole seconds, listens newest first.
	_, ls, err = readAll(t, "demo_lb-2021-04-16.json", bytes.NewReader(fixture(t, "demo_lb-2021-04-16.json")))
	if err != nil {
		t.Fatal(err)
	}
	if l := ls[0]; l.Kind != ListenBrainzJSON || !l.StartedAt.Equal(time.Unix(1618500200, 0)) || l.Track != "Fade" ||
		l.SpotifyID != "6Da9vHnpuGIENtG6bMzrTr" || l.DurationMS != 193000 {
		t.Errorf("first listen of the single file: %+v", l)
	}
	if l := ls[2]; l.Album != "El Camino" || l.DurationMS != -1 || !l.Named() {
		t.Errorf("a listen without additional_info: %+v", l)
	}
}

func get(ls []Listen, i int) any {
	if i < len(ls) {
		return ls[i]
	}
	return "(none)"
}

func TestListenBrainzZip(t *testing.T) {
	files := map[string][]byte{}
	for _, name := range []string{"user.json", "listens/2021/1.jsonl", "listens/2021/2.jsonl", "feedback.jsonl", "pinned_recording.jsonl"} {
		files[name] = fixture(t, "listenbrainz/"+name)
	}
	z := ziptest.Files(t, files)
	if !spotifyexport.IsZip(z) {
		t.Fatal("not a zip")
	}
	entries, err := spotifyexport.ReadZip(bytes.NewReader(z), int64(len(z)), spotifyexport.DefaultLimits)
	if err != nil || len(entries) != 5 {
		t.Fatalf("%d entries, %v", len(entries), err)
	}
	kinds := map[Kind]int{}
	listens := 0
	for _, e := range entries {
		rc, err := e.Open()
		if err != nil {
			t.Fatal(err)
		}
		k, ls, err := readAll(t, e.Name, rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		kinds[k]++
		listens += len(ls)
	}
	if kinds[ListenBrainz] != 2 || kinds[Other] != 3 || listens != 6 {
		t.Errorf("kinds %v, %d listens", kinds, listens)
	}
}

// TestZipBombRefused: a month of 32 MB of one listen, compressed to almost
// nothing, is refused by spotifyexport's limits while it is read, and the
// refusal comes through Next as ErrUnsafe, not as a damaged file.
func TestZipBombRefused(t *testing.T) {
	line := strings.SplitAfter(string(fixture(t, "listenbrainz/listens/2021/2.jsonl")), "\n")[0]
	bomb := ziptest.Files(t, map[string][]byte{"listens/2021/3.jsonl": bytes.Repeat([]byte(line), (32<<20)/len(line))})
	entries, err := spotifyexport.ReadZip(bytes.NewReader(bomb), int64(len(bomb)), spotifyexport.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	rc, _ := entries[0].Open()
	defer rc.Close()
	kind, ls, err := readAll(t, entries[0].Name, rc)
	var se *SyntaxError
	if kind != ListenBrainz || !errors.Is(err, spotifyexport.ErrUnsafe) || errors.As(err, &se) || !strings.Contains(err.Error(), "zip bomb") {
		t.Errorf("a %d-byte bomb: %v after %d listens, %v", len(bomb), kind, len(ls), err)
	}
}

func TestLastfmFiles(t *testing.T) {
	_, ls, err := readAll(t, "lastfm.csv", bytes.NewReader(fixture(t, "lastfm-to-csv.csv")))
	if err != nil {
		t.Fatal(err)
	}
	// The track that was playing (no date) is not a listen.
	want := Listen{Kind: LastfmCSV, StartedAt: at("2021-01-31T21:34:00Z"), DurationMS: -1, PlayedMS: -1,
		Track: "Archie Marry Me", Artist: "Alvvays", Album: "Alvvays"}
	if !reflect.DeepEqual(ls[0], want) {
		t.Errorf("first row:\n got %+v\nwant %+v", ls[0], want)
	}
	if l := ls[2]; l.Artist != "坂本龍一" || l.Album != "" || !l.StartedAt.Equal(at("2021-01-09T08:05:00Z")) || l.Precise {
		t.Errorf("no album, an unpadded day: %+v", l)
	}
	if l := ls[3]; l.Track != "Leave the Door Open 12 Mix 🎵" || !l.StartedAt.Equal(at("2021-01-01T00:00:00Z")) {
		t.Errorf("a padded day: %+v", l)
	}
	_, ls, err = readAll(t, "lastfm.csv", bytes.NewReader(fixture(t, "lastfm-to-csv-header.csv")))
	if err != nil {
		t.Fatal(err)
	}
	if ls[0].Track != "Archie, Marry Me" || !ls[0].StartedAt.Equal(at("2021-01-31T21:34:00Z")) ||
		ls[1].Artist != "Silk Sonic, Bruno Mars" || ls[1].Track != `Leave the Door Open 12" Mix` || ls[2].Artist != "Multi\nLine" {
		t.Errorf("quoted values: %+v", ls)
	}

	_, ls, err = readAll(t, "recenttracks.csv", bytes.NewReader(fixture(t, "recenttracks-demo-1612137600.csv")))
	if err != nil {
		t.Fatal(err)
	}
	want = Listen{Kind: LastfmGhanCSV, StartedAt: at("2021-01-31T21:34:00Z"), Precise: true, DurationMS: -1, PlayedMS: -1,
		Track: "Archie, Marry Me", Artist: "Alvvays", Album: "Alvvays", RecordingMBID: "2a3b8f49-4f1a-4b4e-9c55-2d1f9e0a7b11"}
	if !reflect.DeepEqual(ls[0], want) {
		t.Errorf("ghan CSV:\n got %+v\nwant %+v", ls[0], want)
	}
	if ls[2].Track != `Come Down "Live"` || ls[2].RecordingMBID != "" || ls[2].Album != "" {
		t.Errorf("ghan CSV, row 3: %+v", ls[2])
	}

	_, ls, err = readAll(t, "recenttracks.json", bytes.NewReader(fixture(t, "recenttracks-demo-1612137600.json")))
	if err != nil {
		t.Fatal(err)
	}
	want.Kind = LastfmGhanJSON
	if !reflect.DeepEqual(ls[0], want) {
		t.Errorf("ghan JSON (the track playing passed over):\n got %+v\nwant %+v", ls[0], want)
	}
	// The second page has its @attr before its tracks.
	if l := ls[2]; l.Artist != "坂本龍一" || l.Album != "" || !l.StartedAt.Equal(time.Unix(1610179500, 0)) {
		t.Errorf("second page: %+v", l)
	}
}

func TestMalojaExport(t *testing.T) {
	_, ls, err := readAll(t, "maloja.json", bytes.NewReader(fixture(t, "maloja_export_2021_02_01_00_00_00.json")))
	if err != nil {
		t.Fatal(err)
	}
	want := []Listen{
		{Kind: Maloja, StartedAt: at("2021-01-31T21:34:00Z"), Precise: true, DurationMS: 199000, PlayedMS: 199000,
			Track: "Archie, Marry Me", Artist: "Alvvays", Album: "Alvvays", Artists: []string{"Alvvays"}},
		{Kind: Maloja, StartedAt: at("2021-01-31T21:40:50Z"), Precise: true, DurationMS: -1, PlayedMS: -1,
			Track: "Leave the Door Open", Artist: "Bruno Mars", Artists: []string{"Bruno Mars", "Anderson .Paak"}},
		{Kind: Maloja, StartedAt: at("2021-01-31T21:53:20Z"), Precise: true, DurationMS: 305000, PlayedMS: 90000,
			Track: "Jóga", Artist: "Björk", Album: "Homogenic", Artists: []string{"Björk"}},
	}
	if !reflect.DeepEqual(ls, want) {
		t.Errorf("got  %+v\nwant %+v", ls, want)
	}
}

// TestBadFilesSayWhereAndWhy: a file that goes wrong mid-way is an error
// naming the file and the line or item, and what is wrong.
func TestBadFilesSayWhereAndWhy(t *testing.T) {
	lb := string(fixture(t, "listenbrainz/listens/2021/1.jsonl"))
	lbLines := strings.SplitAfter(lb, "\n")
	csv := string(fixture(t, "lastfm-to-csv.csv"))
	ghan := string(fixture(t, "recenttracks-demo-1612137600.json"))
	maloja := string(fixture(t, "maloja_export_2021_02_01_00_00_00.json"))
	lbOld := string(fixture(t, "demo_lb-2021-04-16.json"))
	for _, c := range []struct{ name, body, want string }{
		{"a broken line", lbLines[0] + lbLines[1] + "{\"listened_at\": 16121\n" + lbLines[2], "line 3: not a ListenBrainz listen"},
		{"a listen with no time", lbLines[0] + `{"track_metadata": {"track_name": "T", "artist_name": "A"}}` + "\n", "line 2: listened_at is missing"},
		{"a listen of 1970", lbLines[0] + strings.Replace(lbLines[1], "1612129250.000000", "0", 1), "line 2: listened_at 0 is not a plausible date"},
		{"a listen of 2031", lbLines[0] + strings.Replace(lbLines[1], "1612129250.000000", "1924992000", 1), "line 2: listened_at 1924992000 is not a plausible"},
		{"track_metadata not an object", lbLines[0] + `{"listened_at": 1612129250, "track_metadata": "T"}` + "\n", "line 2: not a ListenBrainz listen"},
		{"a line of 100 kB", lbLines[0] + `{"listened_at": 1612129250, "track_metadata": {"track_name": "` + strings.Repeat("x", 100<<10) + "\"}}\n", "line 2: a line is longer than 64 kB"},
		{"a name of 5 kB", lbLines[0] + `{"listened_at": 1612129250, "track_metadata": {"track_name": "` + strings.Repeat("x", 5000) + "\"}}\n", "line 2: the track's name is longer"},
		{"a CSV row of three values", csv + "A,B,C\n", "line 6: 3 values, where the file's rows have 4"},
		{"a CSV date of another shape", csv + "A,B,C,2021-01-31T21:34:00Z\n", `line 6: the date "2021-01-31T21:34:00Z" is not Last.fm's`},
		{"a bare quote in CSV", csv + "A,B \"C,D,31 Jan 2021 21:34\n", "line 6: not valid CSV"},
		{"CSV not in UTF-8", csv + "Bj\xf6rk,B,C,31 Jan 2021 21:34\n", "line 6: the artist's name is not valid UTF-8"},
		{"a CSV date in 2031", csv + "A,B,C,31 Jan 2031 21:34\n", "line 6: the date 2031-01-31T21:34:00Z is not a plausible"},
		{"a track with no date", strings.Replace(ghan, `"@attr": {"nowplaying": "true"}`, `"x": 1`, 1), "item 1 (byte"},
		{"a truncated page", ghan[:len(ghan)/2], "the file ends too early"},
		{"a bad uts", strings.Replace(ghan, `"uts": "1612128540"`, `"uts": "soon"`, 1), "item 3 (byte"},
		{"garbage after the list", ghan + " []", "something follows the end"},
		{"a Maloja scrobble without time", strings.Replace(maloja, `"time": 1612129250`, `"tim": 1612129250`, 1), "item 2 (byte"},
		{"a Maloja scrobble of 1970", strings.Replace(maloja, `"time": 1612129250`, `"time": 1`, 1), "time 1 is not a plausible"},
		{"a Maloja track not an object", strings.Replace(maloja, `"track": {`, `"track": 5, "x": {`, 1), "item 1 (byte"},
		{"an item of 100 kB", strings.Replace(lbOld, `"Sister"`, `"`+strings.Repeat("x", 100<<10)+`"`, 1), "item 2 (byte"},
		{"an old listen that is a number", strings.Replace(lbOld, "},{", "},1,{", 1), "item 2 (byte"},
	} {
		_, _, err := readAll(t, "upload.bin", strings.NewReader(c.body))
		var se *SyntaxError
		if err == nil || !errors.As(err, &se) || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "upload.bin: ") {
			t.Errorf("%s: %v\nwant an error about %q naming the file", c.name, err, c.want)
		}
	}
}

// endless is a file that never ends: its start, then the same byte for
// ever. read counts what was taken of it.
type endless struct {
	start []byte
	fill  byte
	read  int64
}

func (e *endless) Read(p []byte) (int, error) {
	n := copy(p, e.start)
	e.start = e.start[n:]
	for i := n; i < len(p); i++ {
		p[i] = e.fill
	}
	e.read += int64(len(p))
	return len(p), nil
}

// TestHostileRowsAreNotReadWhole: a line, a CSV value or a JSON value
// that never ends (a gigabyte, say) is refused after reading a few hundred
// kilobytes of it.
func TestHostileRowsAreNotReadWhole(t *testing.T) {
	lb := strings.SplitAfter(string(fixture(t, "listenbrainz/listens/2021/1.jsonl")), "\n")[0]
	lbOld := string(fixture(t, "demo_lb-2021-04-16.json"))
	maloja := string(fixture(t, "maloja_export_2021_02_01_00_00_00.json"))
	for _, c := range []struct {
		name  string
		start string
		fill  byte
		kind  Kind
	}{
		{"a JSONL line", lb + `{"listened_at": 1612129250, "track_metadata": {"track_name": "`, 'x', ListenBrainz},
		{"a CSV line", "A,B,C,31 Jan 2021 21:34\nA,B,C,", 'x', LastfmCSV},
		{"a quoted CSV value of many lines", "A,B,C,31 Jan 2021 21:34\nA,\"", '\n', LastfmCSV},
		{"a JSON string", lbOld[:len(lbOld)-1] + `,{"track_metadata":{"track_name":"`, 'x', ListenBrainzJSON},
		{"a JSON list of white space", maloja[:strings.Index(maloja, `"origin": "client:navidrome"`)] + `"origin": "x"},`, ' ', Maloja},
		{"a deep JSON value", lbOld[:len(lbOld)-1] + `,{"track_metadata":`, '[', ListenBrainzJSON},
	} {
		e := &endless{start: []byte(c.start), fill: c.fill}
		f, err := Open("hostile", e, now)
		if err != nil || f.Kind() != c.kind {
			t.Errorf("%s: %v, %v", c.name, f.Kind(), err)
			continue
		}
		for range 100 {
			if _, err = f.Next(); err != nil {
				break
			}
		}
		var se *SyntaxError
		if !errors.As(err, &se) || e.read > 1<<20 {
			t.Errorf("%s: %v after reading %d kB", c.name, err, e.read>>10)
		}
	}
}

// TestNowBoundsDates: the same file is plausible or not by the now it is
// read at.
func TestNowBoundsDates(t *testing.T) {
	b := fixture(t, "maloja_export_2021_02_01_00_00_00.json")
	if f, _ := Open("m", bytes.NewReader(b), at("2021-01-29T21:33:59Z")); f != nil {
		if _, err := f.Next(); err == nil || !strings.Contains(err.Error(), "not a plausible date") {
			t.Errorf("a scrobble two days and a second after now: %v", err)
		}
	}
	if f, _ := Open("m", bytes.NewReader(b), at("2021-01-29T21:34:00Z")); f != nil {
		if _, err := f.Next(); err != nil {
			t.Errorf("a scrobble two days after now (clocks are wrong): %v", err)
		}
	}
}

func TestIDs(t *testing.T) {
	for in, want := range map[string]string{
		"https://open.spotify.com/track/7H7RaiZoTNPwjNLygV4fXQ":                 "7H7RaiZoTNPwjNLygV4fXQ",
		"http://open.spotify.com/track/1rrgWMXGCGHru5bIRxGFV0":                  "1rrgWMXGCGHru5bIRxGFV0",
		"https://open.spotify.com/track/7H7RaiZoTNPwjNLygV4fXQ?si=abc&x=1":      "7H7RaiZoTNPwjNLygV4fXQ",
		"https://open.spotify.com/intl-de/track/7H7RaiZoTNPwjNLygV4fXQ":         "7H7RaiZoTNPwjNLygV4fXQ",
		" spotify:track:7H7RaiZoTNPwjNLygV4fXQ ":                                "7H7RaiZoTNPwjNLygV4fXQ",
		"7H7RaiZoTNPwjNLygV4fXQ":                                                "",
		"https://open.spotify.com/album/7H7RaiZoTNPwjNLygV4fXQ":                 "",
		"https://open.spotify.com/track/7H7RaiZoTNPwjNLygV4fX":                  "",
		"https://open.spotify.com/track/7H7RaiZoTNPwjNLygV4fX!":                 "",
		"https://evil.example/track/7H7RaiZoTNPwjNLygV4fXQ":                     "",
		"https://open.spotify.com/track/7H7RaiZoTNPwjNLygV4fXQ/extra":           "",
		"spotify:episode:7H7RaiZoTNPwjNLygV4fXQ":                                "",
		"https://open.spotify.com/intl-de/intl-fr/track/7H7RaiZoTNPwjNLygV4fXQ": "",
	} {
		if got := spotifyTrackID(in); got != want {
			t.Errorf("spotifyTrackID(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"USRC17607839": "USRC17607839", "us-rc1-76-07839": "USRC17607839",
		"USRC1760783": "", "1SRC17607839": "", "USRC1760783X": "", "": ""} {
		if got := isrc(in); got != want {
			t.Errorf("isrc(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"30D08F4C-D825-4AE1-B79C-44242CDDD7C0": "30d08f4c-d825-4ae1-b79c-44242cddd7c0",
		"30d08f4cd8254ae1b79c44242cddd7c0": "", "30d08f4c-d825-4ae1-b79c-44242cddd7cg": "", "": ""} {
		if got := mbid(in); got != want {
			t.Errorf("mbid(%q) = %q, want %q", in, got, want)
		}
	}
}
