package imports

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/euterpe-dev/euterpe/db"
	"github.com/euterpe-dev/euterpe/spotifyexport"
)

// A browser with JavaScript sends an export in pieces (Begin, PutPiece,
// Finish), each one request well within Heroku's 30-second cut however slow
// the connection; a retried piece replaces itself. The pieces land in the
// same chunks Create writes, so the import reads them the same way.

// UploadPiece is the most one piece may be: a multiple of the stored
// chunk, small enough for a slow connection to send in seconds.
const UploadPiece = 4 * uploadChunk

// maxFiles bounds the files of one upload (Spotify's zips hold about 20).
const maxFiles = 200

// abandonedAfter is when an upload a browser began and never finished is
// swept away (a 256 MB upload at 100 kB/s takes 45 minutes).
const abandonedAfter = 6 * time.Hour

// Upload errors of the pieces' protocol.
var (
	ErrBadPiece       = errors.New("imports: a piece out of range")
	ErrUploadNotFound = errors.New("imports: no such upload in progress")
)

// Begin starts an upload sent in pieces. One the user's browser left
// unfinished (a closed tab, a dropped connection) is replaced.
func (im *Importer) Begin(ctx context.Context, userID uuid.UUID) (uuid.UUID, error) {
	var id uuid.UUID
	err := pgx.BeginFunc(ctx, im.pool, func(tx pgx.Tx) error {
		q := db.New(tx)
		if err := q.DeleteUsersUnfinishedUploads(ctx, userID); err != nil {
			return err
		}
		var err error
		id, err = q.BeginUpload(ctx, userID)
		if isUniqueViolation(err) {
			return ErrImportRunning
		}
		return err
	})
	if err != nil {
		return uuid.Nil, err
	}
	return id, nil
}

// PutPiece stores piece number piece of file fileNo (both from 0) of an
// upload in progress: UploadPiece bytes, but for a file's last piece.
func (im *Importer) PutPiece(ctx context.Context, userID, id uuid.UUID, fileNo, piece int, name string, data []byte) error {
	if fileNo < 0 || fileNo >= maxFiles || piece < 0 || piece > MaxUploadBytes/UploadPiece || len(data) == 0 || len(data) > UploadPiece {
		return ErrBadPiece
	}
	return pgx.BeginFunc(ctx, im.pool, func(tx pgx.Tx) error {
		q := db.New(tx)
		if _, err := q.LockUpload(ctx, db.LockUploadParams{ID: id, UserID: userID}); errors.Is(err, pgx.ErrNoRows) {
			return ErrUploadNotFound
		} else if err != nil {
			return err
		}
		per := UploadPiece / uploadChunk
		first := int32(piece * per)
		if _, err := q.DeleteUploadPiece(ctx, db.DeleteUploadPieceParams{ImportID: id, FileNo: int32(fileNo), FirstChunk: first, EndChunk: first + int32(per)}); err != nil {
			return err
		}
		total, err := q.SumUploadBytes(ctx, id)
		if err != nil {
			return err
		}
		if total+int64(len(data)) > MaxUploadBytes {
			return ErrUploadTooBig
		}
		name = clipName(name)
		for i := 0; i < len(data); i += uploadChunk {
			part := data[i:min(i+uploadChunk, len(data))]
			if err := q.AddImportChunk(ctx, db.AddImportChunkParams{ImportID: id, FileNo: int32(fileNo),
				ChunkNo: first + int32(i/uploadChunk), Name: name, Data: part}); err != nil {
				return err
			}
		}
		return nil
	})
}

// Finish checks that every file arrived whole and is a zip or JSON, and
// queues the import, in one transaction. A file that is neither ends the
// upload (ErrNotExport, naming it).
func (im *Importer) Finish(ctx context.Context, userID, id uuid.UUID) error {
	err := pgx.BeginFunc(ctx, im.pool, func(tx pgx.Tx) error {
		q := db.New(tx)
		if _, err := q.LockUpload(ctx, db.LockUploadParams{ID: id, UserID: userID}); errors.Is(err, pgx.ErrNoRows) {
			return ErrUploadNotFound
		} else if err != nil {
			return err
		}
		files, err := q.ListImportFiles(ctx, id)
		if err != nil {
			return err
		}
		if len(files) == 0 {
			return ErrEmptyUpload
		}
		bad, err := q.CountMisshapenChunks(ctx, db.CountMisshapenChunksParams{ImportID: id, ChunkBytes: uploadChunk})
		if err != nil {
			return err
		}
		var total int64
		var names []string
		for i, f := range files {
			if f.FileNo != int32(i) || f.Chunks != f.LastChunk+1 || bad > 0 {
				return fmt.Errorf("%w: the upload has gaps: send it again", ErrBadPiece)
			}
			head, err := q.GetImportChunk(ctx, db.GetImportChunkParams{ImportID: id, FileNo: f.FileNo, ChunkNo: 0})
			if err != nil {
				return err
			}
			if !spotifyexport.IsZip(head) && !spotifyexport.LooksLikeJSON(head) {
				return fmt.Errorf("%s: %w", f.Name, spotifyexport.ErrNotExport)
			}
			total += f.Bytes
			names = append(names, f.Name)
		}
		if err := q.FinishUpload(ctx, db.FinishUploadParams{ID: id, UploadName: clipName(uploadLabel(names)), UploadBytes: total}); err != nil {
			return err
		}
		if im.enqueue == nil {
			return nil
		}
		return im.enqueue(ctx, tx, id)
	})
	if errors.Is(err, spotifyexport.ErrNotExport) {
		// Nothing to import: the upload goes, so the user can start again.
		if _, derr := db.New(im.pool).DeleteUnfinishedUpload(ctx, db.DeleteUnfinishedUploadParams{ID: id, UserID: userID}); derr != nil {
			return derr
		}
	}
	return err
}

// uploadLabel names an upload by its files.
func uploadLabel(names []string) string {
	if len(names) > 3 {
		return fmt.Sprintf("%s and %d more files", strings.Join(names[:2], ", "), len(names)-2)
	}
	return strings.Join(names, ", ")
}

// SweepAbandoned deletes the uploads browsers began and never finished,
// with their chunks. Any process may run it; it is idempotent.
func (im *Importer) SweepAbandoned(ctx context.Context) (int64, error) {
	n, err := db.New(im.pool).DeleteAbandonedUploads(ctx, int32(abandonedAfter/time.Second))
	if err != nil {
		return 0, fmt.Errorf("imports: sweep abandoned uploads: %w", err)
	}
	return n, nil
}
