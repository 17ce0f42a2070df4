package scrobbles_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/euterpe-dev/euterpe/scrobbles"
	"github.com/euterpe-dev/euterpe/spotifyexport"
)

// A ListenBrainz export as an import reads it: the zip through
// spotifyexport's limits, each entry recognised by its content.
func ExampleOpen() {
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, name := range []string{"user.json", "listens/2021/2.jsonl", "feedback.jsonl"} {
		b, _ := os.ReadFile("testdata/listenbrainz/" + name)
		fw, _ := w.Create(name)
		fw.Write(b)
	}
	w.Close()

	now := time.Date(2026, 5, 13, 14, 20, 0, 0, time.UTC) // the import's clock
	entries, err := spotifyexport.ReadZip(bytes.NewReader(buf.Bytes()), int64(buf.Len()), spotifyexport.DefaultLimits)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, e := range entries {
		rc, _ := e.Open()
		f, err := scrobbles.Open(e.Name, rc, now)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s: %v\n", e.Name, f.Kind())
		for {
			l, err := f.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				fmt.Println(err)
				break
			}
			fmt.Printf("  %s, %s by %s (%d ms)\n", l.StartedAt.Format(time.RFC3339), l.Track, l.Artist, l.DurationMS)
		}
		rc.Close()
	}
	// Output:
	// user.json: not a listening history
	// listens/2021/2.jsonl: ListenBrainz export, listens
	//   2021-02-02T00:00:00Z, Archie, Marry Me by Alvvays (199226 ms)
	//   2021-02-03T00:00:00Z, Space Song by Beach House (-1 ms)
	// feedback.jsonl: not a listening history
}
