package ziptest

import (
	"archive/zip"
	"bytes"
	"testing"
)

// Files is an ordinary deflated zip of files (name to body), as an export
// arrives. (spotifyexport's and imports' tests each have a copy of this
// from before it; they can move to it.)
func Files(tb testing.TB, files map[string][]byte) []byte {
	tb.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for name, body := range files {
		fw, err := w.Create(name)
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := fw.Write(body); err != nil {
			tb.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}
