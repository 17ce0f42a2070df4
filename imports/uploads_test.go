package imports

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/euterpe-dev/euterpe/internal/testdb"
	"github.com/euterpe-dev/euterpe/spotifyexport"
)

// extendedJSON is an extended-history file of n plays, at least size bytes
// (padded with a long platform name), so it spans several pieces.
func extendedJSON(n, size int) []byte {
	pad := strings.Repeat("x", max(0, size/n-300))
	var b bytes.Buffer
	b.WriteString("[")
	start := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"ts":%q,"platform":"%s","ms_played":200000,"master_metadata_track_name":"Song %d","master_metadata_album_artist_name":"Band","master_metadata_album_album_name":"LP","spotify_track_uri":"spotify:track:%022d"}`,
			start.Add(time.Duration(i)*time.Hour).Format(time.RFC3339), pad[:min(len(pad), 4000)], i%7, i%7)
	}
	b.WriteString("]")
	return b.Bytes()
}

// TestUploadInPieces sends two files in pieces — out of order, one piece
// twice — and imports them; the protocol's misuses each fail cleanly.
func TestUploadInPieces(t *testing.T) {
	ctx := context.Background()
	e := newImportEnv(t)
	im := e.im
	big := extendedJSON(2500, UploadPiece+UploadPiece/2) // two pieces
	small := extendedJSON(3, 0)
	if len(big) <= UploadPiece || len(big) > 2*UploadPiece {
		t.Fatalf("the big file is %d bytes, want two pieces", len(big))
	}
	id, err := im.Begin(ctx, e.user)
	if err != nil {
		t.Fatal(err)
	}
	put := func(fileNo, piece int, name string, data []byte) error {
		return im.PutPiece(ctx, e.user, id, fileNo, piece, name, data)
	}
	for _, p := range []struct {
		file, piece int
		data        []byte
	}{
		{0, 1, big[UploadPiece:]}, {1, 0, small}, {0, 0, big[:UploadPiece]},
		{0, 1, big[UploadPiece:]}, // a retry
	} {
		name := map[int]string{0: "Streaming_History_Audio_2023.json", 1: "Streaming_History_Audio_2024.json"}[p.file]
		if err := put(p.file, p.piece, name, p.data); err != nil {
			t.Fatalf("piece %d of file %d: %v", p.piece, p.file, err)
		}
	}
	// Someone else cannot add to it or finish it.
	other := testdb.NewUser(t, e.pool, "other")
	if err := im.PutPiece(ctx, other, id, 2, 0, "x.json", small); !errors.Is(err, ErrUploadNotFound) {
		t.Errorf("another user's piece: %v", err)
	}
	if err := im.Finish(ctx, other, id); !errors.Is(err, ErrUploadNotFound) {
		t.Errorf("another user's finish: %v", err)
	}
	for _, bad := range [][2]int{{-1, 0}, {0, -1}, {maxFiles, 0}, {0, MaxUploadBytes/UploadPiece + 1}} {
		if err := put(bad[0], bad[1], "x.json", small); !errors.Is(err, ErrBadPiece) {
			t.Errorf("piece %v: %v", bad, err)
		}
	}
	if err := put(0, 0, "x.json", make([]byte, UploadPiece+1)); !errors.Is(err, ErrBadPiece) {
		t.Errorf("an oversized piece: %v", err)
	}
	if err := im.Finish(ctx, e.user, id); err != nil {
		t.Fatal(err)
	}
	if err := put(2, 0, "late.json", small); !errors.Is(err, ErrUploadNotFound) {
		t.Errorf("a piece after the upload finished: %v", err)
	}
	if err := im.Run(ctx, id); err != nil {
		t.Fatal(err)
	}
	got, err := im.Get(ctx, e.user, id)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != Done || got.PlaysAdded != 2500 || got.AlreadyPresent != 3 || // the small file repeats the first plays
		got.UploadBytes != int64(len(big)+len(small)) ||
		got.UploadName != "Streaming_History_Audio_2023.json, Streaming_History_Audio_2024.json" {
		t.Fatalf("import: %+v", got)
	}
}

func TestUploadInPiecesRefusals(t *testing.T) {
	ctx := context.Background()
	e := newImportEnv(t)
	im := e.im
	small := extendedJSON(3, 0)

	// A gap: the second piece of a file never came.
	id, _ := im.Begin(ctx, e.user)
	if err := im.PutPiece(ctx, e.user, id, 0, 1, "a.json", small); err != nil {
		t.Fatal(err)
	}
	if err := im.Finish(ctx, e.user, id); !errors.Is(err, ErrBadPiece) {
		t.Errorf("a file without its first piece: %v", err)
	}
	// A short piece followed by another: the file cannot be read back.
	id, _ = im.Begin(ctx, e.user) // replaces the unfinished one
	if n := testdb.Count(t, e.pool, "SELECT count(*) FROM euterpe.imports"); n != 1 {
		t.Errorf("%d imports after beginning again, want the new one only", n)
	}
	im.PutPiece(ctx, e.user, id, 0, 0, "a.json", small)
	im.PutPiece(ctx, e.user, id, 0, 1, "a.json", small)
	if err := im.Finish(ctx, e.user, id); !errors.Is(err, ErrBadPiece) {
		t.Errorf("a short piece in the middle: %v", err)
	}
	// Nothing sent.
	id, _ = im.Begin(ctx, e.user)
	if err := im.Finish(ctx, e.user, id); !errors.Is(err, ErrEmptyUpload) {
		t.Errorf("an empty upload: %v", err)
	}
	// Not an export: the upload goes altogether.
	id, _ = im.Begin(ctx, e.user)
	im.PutPiece(ctx, e.user, id, 0, 0, "cover.png", []byte("\x89PNG\r\n\x1a\nrest"))
	if err := im.Finish(ctx, e.user, id); !errors.Is(err, spotifyexport.ErrNotExport) || !strings.Contains(err.Error(), "cover.png") {
		t.Errorf("a picture: %v", err)
	}
	if n := testdb.Count(t, e.pool, "SELECT count(*) FROM euterpe.imports WHERE id = $1", id); n != 0 {
		t.Error("a refused upload left its import behind")
	}
	if n := testdb.Count(t, e.pool, "SELECT count(*) FROM euterpe.import_uploads WHERE import_id = $1", id); n != 0 {
		t.Error("a refused upload left its chunks behind")
	}
	// Cancelling an upload deletes it; an import already queued blocks a
	// new upload.
	id, _ = im.Begin(ctx, e.user)
	im.PutPiece(ctx, e.user, id, 0, 0, "a.json", small)
	if ok, err := im.Cancel(ctx, e.user, id); !ok || err != nil {
		t.Fatalf("cancel: %v %v", ok, err)
	}
	if n := testdb.Count(t, e.pool, "SELECT count(*) FROM euterpe.import_uploads"); n != 0 {
		t.Errorf("%d chunks left after cancelling", n)
	}
	queued := e.upload(t, file("a.json", small))
	if _, err := im.Begin(ctx, e.user); !errors.Is(err, ErrImportRunning) {
		t.Errorf("beginning while an import is queued: %v", err)
	}
	im.Run(ctx, queued)

	// Abandoned uploads are swept after a while, with their chunks.
	id, _ = im.Begin(ctx, e.user)
	im.PutPiece(ctx, e.user, id, 0, 0, "a.json", small)
	if n, err := im.SweepAbandoned(ctx); n != 0 || err != nil {
		t.Fatalf("swept a fresh upload: %d %v", n, err)
	}
	// The upload began 12 hours ago by the database's clock, which stamps
	// and ages uploads.
	if _, err := e.pool.Exec(ctx, "UPDATE euterpe.imports SET created_at = now() - interval '12 hours' WHERE id = $1", id); err != nil {
		t.Fatal(err)
	}
	if n, err := im.SweepAbandoned(ctx); n != 1 || err != nil {
		t.Fatalf("sweep: %d %v", n, err)
	}
	if n := testdb.Count(t, e.pool, "SELECT count(*) FROM euterpe.import_uploads"); n != 0 {
		t.Errorf("%d chunks left after the sweep", n)
	}
}
