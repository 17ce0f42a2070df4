package scrobbles

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/euterpe-dev/euterpe/spotifyexport"
)

// The fuzz targets, one a reader (make fuzz runs every ^Fuzz target):
// whatever the bytes, Open and Next never panic, never loop (each listen
// takes at least a byte, so a file ends within as many calls as it has
// bytes), fail only with a SyntaxError, and let through only listens within
// the package's bounds.

func seed(f *testing.F, files ...string) {
	for _, name := range files {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

func fuzzFile(t *testing.T, b []byte) {
	file, err := Open("f", bytes.NewReader(b), now)
	if err != nil {
		t.Fatalf("Open fails only on read errors: %v", err)
	}
	for range len(b) + 2 {
		l, err := file.Next()
		if err != nil {
			var se *SyntaxError
			if !errors.Is(err, io.EOF) && !errors.As(err, &se) {
				t.Fatalf("an error that is neither the end nor a syntax error: %v", err)
			}
			if _, again := file.Next(); again != err {
				t.Fatalf("a second Next after %v: %v", err, again)
			}
			return
		}
		checkListen(t, file, l)
	}
	t.Fatalf("%d bytes gave more than %d listens", len(b), len(b)+1)
}

func checkListen(t *testing.T, f *File, l Listen) {
	t.Helper()
	switch {
	case l.Kind != f.Kind() || l.Kind == Other:
		t.Fatalf("a listen of kind %v from a file of kind %v", l.Kind, f.Kind())
	case l.StartedAt.Before(Earliest) || l.StartedAt.After(now.Add(48*time.Hour)):
		t.Fatalf("an implausible date got through: %v", l.StartedAt)
	case l.DurationMS != -1 && (l.DurationMS <= 0 || l.DurationMS > maxMS), l.PlayedMS != -1 && (l.PlayedMS <= 0 || l.PlayedMS > maxMS):
		t.Fatalf("an implausible duration got through: %d, %d", l.DurationMS, l.PlayedMS)
	case l.SpotifyID != "" && !spotifyexport.ValidID(l.SpotifyID), l.ISRC != "" && len(l.ISRC) != 12, l.RecordingMBID != "" && len(l.RecordingMBID) != 36:
		t.Fatalf("a malformed id got through: %q %q %q", l.SpotifyID, l.ISRC, l.RecordingMBID)
	case len(l.Artists) > maxArtists:
		t.Fatalf("%d artists got through", len(l.Artists))
	}
	for _, s := range append([]string{l.Track, l.Artist, l.Album}, l.Artists...) {
		if len(s) > maxValue || !utf8.ValidString(s) {
			t.Fatalf("an oversized or invalid name got through: %q", clip(s))
		}
	}
}

func FuzzOpenListenBrainz(f *testing.F) {
	seed(f, "listenbrainz/listens/2021/1.jsonl", "listenbrainz/listens/2021/2.jsonl", "listenbrainz/feedback.jsonl", "demo_lb-2021-04-16.json")
	f.Add([]byte(`{"listened_at": 1612128840.5, "track_metadata": {"track_name": "\ud83c", "additional_info": {"duration": "1e3"}}}` + "\n\n{}"))
	f.Add([]byte(`[{"listened_at":1e9,"track_metadata":{"additional_info":{"artist_names":[1,"a",null]}}},2]`))
	f.Fuzz(fuzzFile)
}

func FuzzOpenLastfmCSV(f *testing.F) {
	seed(f, "lastfm-to-csv.csv", "lastfm-to-csv-header.csv", "recenttracks-demo-1612137600.csv")
	f.Add([]byte("A,B,C,\nA,B,C,31 Jan 2021 21:34\r\n\"A\nB\",\"\"\"\",C,9 Jan 2021, 08:05\n"))
	f.Add([]byte("uts,artist,track\n,A,B\n1612128840.9,A,B\n-1,A,B\n"))
	f.Fuzz(fuzzFile)
}

func FuzzOpenLastfmJSON(f *testing.F) {
	seed(f, "recenttracks-demo-1612137600.json")
	f.Add([]byte(`[{"track":[{"name":"a","artist":"b","date":{"uts":1612128840}},{"name":"n","artist":{"name":"x"},"@attr":{"nowplaying":"true"}}]},{},{"track":[]}]`))
	f.Fuzz(fuzzFile)
}

func FuzzOpenMaloja(f *testing.F) {
	seed(f, "maloja_export_2021_02_01_00_00_00.json")
	f.Add([]byte(`{"maloja":{"export_time":1},"scrobbles":[{"time":1612128840,"track":{"artists":"a","title":"t","album":{"name":"n"},"length":"x"}}],"more":[1]}`))
	f.Fuzz(fuzzFile)
}
