package spotifysim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/euterpe-dev/euterpe/spotifyexport"
)

// TestExportIsWhatTheListenerPlayed: the export Spotify would mail, read
// with the importer's own parser, holds every play of /_sim/history (and
// the short listens Spotify records but does not count), in both formats.
func TestExportIsWhatTheListenerPlayed(t *testing.T) {
	e := newEnv(t, nil)
	now := e.sim.Now()
	get := func(path string) []byte {
		res, err := http.Get(e.ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, res.StatusCode, b)
		}
		return b
	}
	var truth struct {
		Items []struct {
			Track struct {
				ID   string `json:"id"`
				Name string `json:"name"`
			} `json:"track"`
			PlayedAt time.Time `json:"played_at"`
		} `json:"items"`
	}
	from := now.AddDate(-1, 0, 0)
	if err := json.Unmarshal(get(fmt.Sprintf("/_sim/history?listener=walt&after=%d&before=%d", from.UnixMilli(), now.UnixMilli())), &truth); err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for _, it := range truth.Items {
		want[fmt.Sprintf("%s@%d", it.Track.ID, it.PlayedAt.Unix())] = true
	}
	read := func(z []byte) (map[spotifyexport.Kind]int, []spotifyexport.Row) {
		entries, err := spotifyexport.ReadZip(bytes.NewReader(z), int64(len(z)), spotifyexport.DefaultLimits)
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[spotifyexport.Kind]int{}
		var rows []spotifyexport.Row
		for _, en := range entries {
			rc, _ := en.Open()
			f, err := spotifyexport.Open(en.Name, rc, now)
			if err != nil {
				t.Fatal(err)
			}
			kinds[f.Kind()]++
			for {
				row, err := f.Next()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				rows = append(rows, row)
			}
			rc.Close()
		}
		return kinds, rows
	}
	kinds, rows := read(get("/_sim/export?listener=walt&format=extended&years=1"))
	got, short := 0, 0
	for _, r := range rows {
		if r.MSPlayed < 30000 {
			short++
			continue
		}
		if !want[fmt.Sprintf("%s@%d", r.TrackID, r.EndedAt.Unix())] {
			t.Fatalf("the export has a play the listener did not make: %+v", r)
		}
		got++
	}
	if got != len(want) || kinds[spotifyexport.Extended] == 0 || kinds[spotifyexport.Other] != 1 {
		t.Fatalf("extended export: %d plays of %d, kinds %v", got, len(want), kinds)
	}
	t.Logf("a year of walt: %d plays, %d short listens", got, short)
	kinds, rows = read(get("/_sim/export?listener=walt&format=account&years=1"))
	if len(rows) != len(want) || kinds[spotifyexport.AccountMusic] == 0 {
		t.Fatalf("account export: %d rows of %d, kinds %v", len(rows), len(want), kinds)
	}
	for _, bad := range []string{"listener=nobody", "listener=walt&format=csv", "listener=walt&years=0", "listener=walt&years=99"} {
		res, _ := http.Get(e.ts.URL + "/_sim/export?" + bad)
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode < 400 || !strings.Contains(string(body), "error") {
			t.Errorf("%s: %d", bad, res.StatusCode)
		}
	}
}
