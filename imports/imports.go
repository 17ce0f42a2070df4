package imports

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/euterpe-dev/euterpe/database"
	"github.com/euterpe-dev/euterpe/db"
	"github.com/euterpe-dev/euterpe/history"
	"github.com/euterpe-dev/euterpe/ptr"
	"github.com/euterpe-dev/euterpe/spotify"
	"github.com/euterpe-dev/euterpe/spotifyexport"
)

// Limits of an import, documented in README.
const (
	// MaxUploadBytes is the most an upload may be: Spotify's zips of a
	// decade of extended history are a few tens of megabytes.
	MaxUploadBytes = 256 << 20
	// uploadChunk is how the upload is kept in the database.
	uploadChunk = 1 << 20
	// stageBatch is how many rows go into one COPY.
	stageBatch = 5000
	// DefaultMaxImportRows is the most rows (listens, skips, episodes) one
	// import reads: a heavy listener's decade of extended history is about
	// a million; five times that is no export of one person.
	DefaultMaxImportRows = 5_000_000
	// DefaultMaxUserPlays is the most plays Euterpe keeps for one person:
	// ten times the heaviest listener's decade. An import that would go
	// past it adds nothing.
	DefaultMaxUserPlays = 10_000_000
	// DefaultMaxPlaysAtOneMoment is the most plays of an import that may
	// end at the same moment (the same second; the same minute for account
	// data, which says no more). Two real plays of 30 s or more cannot end
	// together on one account; Spotify's exports hold a few such rows (a
	// second device, a sync repeated), never more. Past it the file was
	// made up, and the import is refused (see Importer.merge).
	DefaultMaxPlaysAtOneMoment = 10
)

// Upload errors a person can act on.
var (
	ErrImportRunning = errors.New("imports: an import is already running")
	ErrUploadTooBig  = fmt.Errorf("imports: the upload is larger than %d MB", MaxUploadBytes>>20)
	ErrEmptyUpload   = errors.New("imports: nothing was uploaded")
	ErrNoSuchImport  = errors.New("imports: no such import")
)

// UploadFile is one file of an upload, read once.
type UploadFile struct {
	Name string
	Body io.Reader
}

// Importer brings Spotify's exports into the history. It is safe for
// concurrent use.
type Importer struct {
	log  *slog.Logger
	pool *database.Pool
	now  func() time.Time
	// enqueue starts an import's job in the transaction that stored the
	// upload; enqueueDelete starts a deletion's.
	enqueue       func(ctx context.Context, tx pgx.Tx, importID uuid.UUID) error
	enqueueDelete func(ctx context.Context, tx pgx.Tx, importID uuid.UUID) error
	// images tells which picture URLs of an upload the catalogue may keep.
	images spotify.ImageURLs
	// The limits of an import (the Default… constants unless set).
	maxRows, maxUserPlays, maxAtOneMoment int64
}

// ImporterOptions configure an Importer.
type ImporterOptions struct {
	Log           *slog.Logger
	Pool          *database.Pool
	Now           func() time.Time
	Enqueue       func(ctx context.Context, tx pgx.Tx, importID uuid.UUID) error
	EnqueueDelete func(ctx context.Context, tx pgx.Tx, importID uuid.UUID) error
	// ImageURLs are the picture URLs an upload may bring into the shared
	// catalogue: Spotify's image hosts (the zero value), and the
	// simulator's when the app talks to it (spotify.NewImageURLs).
	ImageURLs spotify.ImageURLs
	// MaxRows, MaxUserPlays and MaxPlaysAtOneMoment replace the Default…
	// limits when set (tests).
	MaxRows, MaxUserPlays, MaxPlaysAtOneMoment int64
}

// NewImporter builds an importer.
func NewImporter(o ImporterOptions) *Importer {
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Importer{log: o.Log, pool: o.Pool, now: o.Now, enqueue: o.Enqueue, enqueueDelete: o.EnqueueDelete, images: o.ImageURLs,
		maxRows:        cmp.Or(o.MaxRows, DefaultMaxImportRows),
		maxUserPlays:   cmp.Or(o.MaxUserPlays, DefaultMaxUserPlays),
		maxAtOneMoment: cmp.Or(o.MaxPlaysAtOneMoment, DefaultMaxPlaysAtOneMoment)}
}

// Create stores an upload (one zip, or JSON files) and enqueues its
// import, in one transaction: the import exists with its job or not at all.
// The upload is read once, as a stream, into the database.
func (im *Importer) Create(ctx context.Context, userID uuid.UUID, next func() (UploadFile, error)) (uuid.UUID, error) {
	var id uuid.UUID
	err := pgx.BeginFunc(ctx, im.pool, func(tx pgx.Tx) error {
		q := db.New(tx)
		var err error
		id, err = q.CreateImport(ctx, db.CreateImportParams{UserID: userID, UploadName: "upload", UploadBytes: 0})
		if isUniqueViolation(err) {
			return ErrImportRunning
		}
		if err != nil {
			return err
		}
		var total int64
		var names []string
		buf := make([]byte, uploadChunk)
		for fileNo := 0; ; fileNo++ {
			f, err := next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return err
			}
			name := clipName(f.Name)
			names = append(names, name)
			for chunk := 0; ; chunk++ {
				n, rerr := io.ReadFull(f.Body, buf)
				if n > 0 {
					if total += int64(n); total > MaxUploadBytes {
						return ErrUploadTooBig
					}
					if err := q.AddImportChunk(ctx, db.AddImportChunkParams{ImportID: id, FileNo: int32(fileNo), ChunkNo: int32(chunk), Name: name, Data: buf[:n]}); err != nil {
						return err
					}
				}
				if errors.Is(rerr, io.EOF) || errors.Is(rerr, io.ErrUnexpectedEOF) {
					break
				}
				if rerr != nil {
					return fmt.Errorf("imports: read the upload: %w", rerr)
				}
			}
		}
		if total == 0 {
			return ErrEmptyUpload
		}
		label := uploadLabel(names)
		if err := q.SetImportUploadBytes(ctx, db.SetImportUploadBytesParams{ID: id, UploadBytes: total}); err != nil {
			return err
		}
		if err := q.SetImportName(ctx, db.SetImportNameParams{ID: id, UploadName: clipName(label)}); err != nil {
			return err
		}
		if im.enqueue == nil {
			return nil
		}
		return im.enqueue(ctx, tx, id)
	})
	if err != nil {
		return uuid.Nil, err
	}
	return id, nil
}

func clipName(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return "upload"
	}
	if r := []rune(s); len(r) > 120 {
		return string(r[:120]) + "…"
	}
	return s
}

func isUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// FileReport is what became of one file of an import.
type FileReport struct {
	Name   string `json:"name"`
	Kind   string `json:"kind"`
	Rows   int64  `json:"rows"`
	Status string `json:"status"` // "imported", "skipped"
}

// Run imports one upload: every history file is read as a stream and its
// rows COPYed to a staging table (the progress shown as it goes), then
// merged into the history in one transaction. A run after a crash starts
// over; a failure leaves nothing of the import in the history. Run returns
// an error only when the import could not even be marked failed.
func (im *Importer) Run(ctx context.Context, importID uuid.UUID) error {
	q := db.New(im.pool)
	userID, err := q.StartImport(ctx, importID)
	if errors.Is(err, pgx.ErrNoRows) {
		// Cancelled (or finished) before it ran: what it left goes.
		if err := q.DeleteImportRows(ctx, importID); err != nil {
			return err
		}
		return q.DeleteImportUpload(ctx, importID)
	}
	if err != nil {
		return fmt.Errorf("imports: start import: %w", err)
	}
	if err := q.DeleteImportRows(ctx, importID); err != nil { // an earlier attempt's
		return fmt.Errorf("imports: start import: %w", err)
	}
	began := time.Now()
	files, err := im.stage(ctx, importID)
	staged := time.Since(began)
	if err == nil {
		// The planner learns what was staged (the table is the
		// staging of every import, last analysed who knows when).
		// Outside the merge's transaction, so it holds its lock only
		// for the moment it takes.
		_, err = im.pool.Exec(ctx, "ANALYZE euterpe.import_rows")
	}
	if err == nil {
		err = im.merge(ctx, importID, userID, files)
	}
	if err == nil {
		im.log.InfoContext(ctx, "import done", "import_id", importID, "read", staged.Round(time.Millisecond),
			"merged", (time.Since(began) - staged).Round(time.Millisecond))
	}
	switch {
	case err == nil || errors.Is(err, errCancelled):
	case ctx.Err() != nil:
		return ctx.Err() // the process is stopping: a later run starts over
	default:
		im.log.InfoContext(ctx, "import failed", "import_id", importID, "err", err)
		if ferr := q.FailImport(ctx, db.FailImportParams{ID: importID, Error: ptrTo(importMessage(err))}); ferr != nil {
			return ferr
		}
	}
	// Done, failed or cancelled: the staging rows and the upload go.
	if derr := q.DeleteImportRows(ctx, importID); derr != nil {
		return derr
	}
	return q.DeleteImportUpload(ctx, importID)
}

var errCancelled = errors.New("imports: import cancelled")

// limitError is an import refused for crossing one of its limits: its
// message is for the import's page as it is.
type limitError struct{ msg string }

func (e *limitError) Error() string { return e.msg }

func ptrTo[T any](v T) *T { return &v }

// thousands writes n in groups of three digits: 5,000,000.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// importMessage is what the import page says of a failure: the parser's and
// the archive's messages name the file and the place; anything else is a
// fault of ours.
func importMessage(err error) string {
	var se *spotifyexport.SyntaxError
	var le *limitError
	switch {
	case errors.As(err, &le):
		return le.msg
	case errors.As(err, &se), errors.Is(err, spotifyexport.ErrUnsafe), errors.Is(err, spotifyexport.ErrNotExport),
		strings.Contains(err.Error(), "not a readable zip"):
		// The packages' prefixes mean nothing to the user, also after the
		// file's name ("my_spotify_data.zip: spotifyexport: …").
		return strings.NewReplacer("imports: ", "", "imports: ", "", "spotifyexport: ", "").Replace(err.Error())
	}
	return "The import failed on our side. Please try again."
}

// progress writes how far the import got, at most once a second, and
// reports whether the user cancelled it.
type progress struct {
	q        *db.Queries
	id       uuid.UUID
	bytes    int64
	rows     int64
	lastSent time.Time
}

func (p *progress) report(ctx context.Context, force bool) error {
	if !force && time.Since(p.lastSent) < time.Second {
		return nil
	}
	p.lastSent = time.Now()
	state, err := p.q.SetImportProgress(ctx, db.SetImportProgressParams{ID: p.id, BytesDone: p.bytes, RowsRead: p.rows})
	if err != nil {
		return err
	}
	if State(state) == Cancelled {
		return errCancelled
	}
	return nil
}

// counting counts the bytes read through it into the progress.
type counting struct {
	r io.Reader
	p *progress
}

func (c *counting) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.p.bytes += int64(n)
	return n, err
}

// source is one history file to read: a JSON upload, or a zip's entry.
type source struct {
	name string
	size int64
	open func() (io.ReadCloser, error)
}

// stage reads every file of the upload into import_rows.
func (im *Importer) stage(ctx context.Context, importID uuid.UUID) (stagedFiles, error) {
	q := db.New(im.pool)
	uploads, err := q.ListImportFiles(ctx, importID)
	if err != nil {
		return stagedFiles{}, err
	}
	var sources []source
	for _, u := range uploads {
		r := &chunkReader{ctx: ctx, q: q, importID: importID, fileNo: u.FileNo, size: u.Bytes}
		head := make([]byte, 8)
		n, _ := r.ReadAt(head, 0)
		head = head[:n]
		switch {
		case spotifyexport.IsZip(head):
			entries, err := spotifyexport.ReadZip(r, u.Bytes, spotifyexport.DefaultLimits)
			if err != nil {
				return stagedFiles{}, fmt.Errorf("%s: %w", u.Name, err)
			}
			for _, e := range entries {
				sources = append(sources, source{name: e.Name, size: e.Size(), open: e.Open})
			}
		case spotifyexport.LooksLikeJSON(head):
			sources = append(sources, source{name: u.Name, size: u.Bytes, open: func() (io.ReadCloser, error) {
				return io.NopCloser(io.NewSectionReader(r, 0, u.Bytes)), nil
			}})
		default:
			return stagedFiles{}, fmt.Errorf("%s: %w: upload the zip Spotify sent, or the JSON files in it", u.Name, spotifyexport.ErrNotExport)
		}
	}
	var total int64
	for _, s := range sources {
		total += s.size
	}
	prog := &progress{q: q, id: importID}
	var out stagedFiles
	if err := q.SetImportTotal(ctx, db.SetImportTotalParams{ID: importID, BytesTotal: total, Files: []byte("[]")}); err != nil {
		return out, err
	}
	var rowNo int64
	keys := newNameKeys()
	batch := make([]db.CopyImportRowsParams, 0, stageBatch)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if _, err := q.CopyImportRows(ctx, batch); err != nil {
			return fmt.Errorf("imports: stage rows: %w", err)
		}
		batch = batch[:0]
		return prog.report(ctx, false)
	}
	for _, s := range sources {
		rep, err := im.stageFile(ctx, s, importID, prog, &rowNo, &batch, flush, keys, &out)
		if err != nil {
			return out, err
		}
		out.files = append(out.files, rep)
	}
	if err := flush(); err != nil {
		return out, err
	}
	if err := prog.report(ctx, true); err != nil {
		return out, err
	}
	return out, nil
}

// stagedFiles is what staging learnt, for the result.
type stagedFiles struct {
	files   []FileReport
	unknown int64
}

func (im *Importer) stageFile(ctx context.Context, s source, importID uuid.UUID, prog *progress, rowNo *int64,
	batch *[]db.CopyImportRowsParams, flush func() error, keys *nameKeys, out *stagedFiles) (FileReport, error) {
	rep := FileReport{Name: s.name, Status: "skipped"}
	rc, err := s.open()
	if err != nil {
		return rep, err
	}
	defer rc.Close()
	f, err := spotifyexport.Open(s.name, bufio.NewReaderSize(&counting{r: rc, p: prog}, 64<<10), im.now())
	if err != nil {
		return rep, err
	}
	rep.Kind = f.Kind().String()
	if f.Kind() == spotifyexport.Other {
		// Read through, for an honest progress bar and to catch a bomb.
		if _, err := io.Copy(io.Discard, &counting{r: rc, p: prog}); err != nil {
			return rep, err
		}
		return rep, nil
	}
	rep.Status = "imported"
	for {
		row, err := f.Next()
		if errors.Is(err, io.EOF) {
			return rep, nil
		}
		if err != nil {
			return rep, err
		}
		rep.Rows++
		prog.rows++
		if prog.rows > im.maxRows {
			return rep, &limitError{fmt.Sprintf("This upload has more than %s rows; an import reads at most %s "+
				"(a decade of listening is about a million). Nothing was imported.", thousands(im.maxRows), thousands(im.maxRows))}
		}
		staged, ok := stagedRow(importID, row, keys, im.images)
		if !ok {
			out.unknown++
			continue
		}
		*rowNo++
		staged.RowNo = *rowNo
		*batch = append(*batch, staged)
		if len(*batch) == stageBatch {
			if err := flush(); err != nil {
				return rep, err
			}
		}
	}
}

// nameKeys remembers the name keys of the tracks read lately: a history
// names the same few thousand tracks again and again, and NameKey (a
// regular expression and Unicode normalisation) was most of the reading's
// time. It is emptied when full, so memory stays bounded.
type nameKeys struct {
	m map[[3]string][3]string
}

// nameKeysMax bounds the cache: a few MB.
const nameKeysMax = 16384

func newNameKeys() *nameKeys { return &nameKeys{m: make(map[[3]string][3]string)} }

// of is the title, artist and album keys of a track of the export.
func (k *nameKeys) of(title, artist, album string) (titleKey, artistKey, albumKey string) {
	names := [3]string{title, artist, album}
	if v, ok := k.m[names]; ok {
		return v[0], v[1], v[2]
	}
	titleKey, albumKey = history.NameKey(title, artist), history.NameKey(album, artist)
	if artist != "" {
		artistKey = history.NameKey(artist)
	}
	if len(k.m) >= nameKeysMax {
		clear(k.m)
	}
	k.m[names] = [3]string{titleKey, artistKey, albumKey}
	return titleKey, artistKey, albumKey
}

// stagedRow is a row as import_rows keeps it; false for a row naming
// nothing.
func stagedRow(importID uuid.UUID, row spotifyexport.Row, keys *nameKeys, images spotify.ImageURLs) (db.CopyImportRowsParams, bool) {
	if row.Euterpe != nil {
		return euterpeStagedRow(importID, row, images)
	}
	r := db.CopyImportRowsParams{ImportID: importID, EndedAt: row.EndedAt, Precise: row.Precise, MsPlayed: int32(row.MSPlayed)}
	switch row.Kind {
	case spotifyexport.Music:
		r.Kind, r.SpotifyID, r.Title, r.Artist, r.Album = 1, row.TrackID, row.TrackName, row.ArtistName, row.AlbumName
		if r.Title == "" {
			r.Title = "(untitled)"
		}
		r.TitleKey, r.ArtistKey, r.AlbumKey = keys.of(r.Title, r.Artist, r.Album)
	case spotifyexport.Episode:
		r.Kind, r.SpotifyID, r.Title, r.Artist = 2, row.EpisodeID, row.EpisodeName, row.ShowName
	case spotifyexport.Audiobook:
		r.Kind, r.SpotifyID, r.Title, r.Artist = 3, row.AudiobookID, row.ChapterTitle, row.AudiobookTitle
		if r.Title == "" {
			r.Title = row.AudiobookTitle
		}
	default:
		return r, false
	}
	return r, true
}

// merge brings the staged rows into the history in one transaction.
func (im *Importer) merge(ctx context.Context, importID, userID uuid.UUID, staged stagedFiles) error {
	return pgx.BeginFunc(ctx, im.pool, func(tx pgx.Tx) error {
		q := db.New(tx)
		if err := q.AllowLongStatements(ctx, "30min"); err != nil {
			return err
		}
		if err := q.LockUserPlays(ctx, userID); err != nil {
			return err
		}
		crowded, err := q.GetImportCrowdedInstant(ctx, db.GetImportCrowdedInstantParams{ImportID: importID, MaxRows: im.maxAtOneMoment})
		if err != nil {
			return err
		}
		if len(crowded) > 0 {
			// Refused rather than cut down: a file that says so was not
			// written by Spotify, and what else it says is no truer.
			return &limitError{fmt.Sprintf("%d plays in this upload end at the same moment (%s UTC); a real export has at most a few. "+
				"This is not an export of a listening history as Spotify or Euterpe writes it. Nothing was imported.",
				crowded[0].Plays, crowded[0].EndedAt.UTC().Format("2006-01-02 15:04:05"))}
		}
		stored, err := q.CountUserPlays(ctx, userID)
		if err != nil {
			return err
		}
		// tooMany refuses the import once the user's plays would pass
		// the limit (the transaction then leaves nothing of it).
		tooMany := func(added int64) error {
			if stored+added <= im.maxUserPlays {
				return nil
			}
			return &limitError{fmt.Sprintf("With this import your history would hold more than %s plays, the most Euterpe keeps "+
				"for one person. Nothing was imported.", thousands(im.maxUserPlays))}
		}
		months, err := q.ImportMonths(ctx, importID)
		if err != nil {
			return err
		}
		spans := mergeSpans(months)
		eMonths, err := q.ImportEuterpeMonths(ctx, importID)
		if err != nil {
			return err
		}
		// The page follows the merge by its steps: the catalogue, each
		// span of months (mergeSpans), the rest.
		steps := int32(len(spans) + len(eMonths) + 2)
		progress := func(done int) error {
			return db.New(im.pool).SetImportMergeProgress(ctx, db.SetImportMergeProgressParams{ID: importID, MergeSteps: steps, MergeDone: int32(done)})
		}
		if err := progress(0); err != nil {
			return err
		}
		began := time.Now()
		if err := mergeEuterpeCatalogue(ctx, q, importID); err != nil {
			return err
		}
		for _, step := range []func(context.Context, uuid.UUID) error{
			q.StageImportNames, q.MergeImportArtists, q.MergeImportAlbums, q.ClaimImportTracks, q.RenameUserNamedTracks, q.MergeImportTracks, q.MergeImportTrackArtists,
		} {
			if err := step(ctx, importID); err != nil {
				return fmt.Errorf("imports: merge the catalogue: %w", err)
			}
		}
		if err := progress(1); err != nil {
			return err
		}
		// The per-row duplicate trigger stands aside for the rest of this
		// transaction: the merge below does the same check for all its
		// rows at once (euterpe.checked_plays, documented in
		// sql/schema.sql on euterpe.plays_skip_duplicate).
		if err := q.EnableCheckedPlays(ctx); err != nil {
			return err
		}
		candidates, err := q.CountImportPlayRows(ctx, importID)
		if err != nil {
			return err
		}
		var added int64
		catalogue, t0 := time.Since(began), time.Now()
		for i, span := range spans {
			from, to := checkBounds(span[0], span[1])
			n, err := q.MergeImportPlays(ctx, db.MergeImportPlaysParams{ImportID: importID, UserID: userID,
				MonthStart: span[0], MonthEnd: span[1], CheckFrom: from, CheckTo: to})
			if err != nil {
				return fmt.Errorf("imports: merge plays: %w", err)
			}
			added += n
			if err := tooMany(added); err != nil {
				return err
			}
			// The user may cancel while the merge runs: it then rolls back.
			if st, err := q.GetImportState(ctx, importID); err != nil || State(st) == Cancelled {
				return cmpErr(err, errCancelled)
			}
			if err := progress(i + 2); err != nil {
				return err
			}
		}
		eAdded, eCandidates, err := mergeEuterpePlays(ctx, q, importID, userID, eMonths, func(i int) error {
			if st, err := q.GetImportState(ctx, importID); err != nil || State(st) == Cancelled {
				return cmpErr(err, errCancelled)
			}
			return progress(len(spans) + i + 2)
		})
		if err != nil {
			return err
		}
		added, candidates = added+eAdded, candidates+eCandidates
		if err := tooMany(added); err != nil {
			return err
		}
		plays, t0 := time.Since(t0), time.Now()
		if err := q.DisableCheckedPlays(ctx); err != nil {
			return err
		}
		skips, err := q.MergeImportSkips(ctx, db.MergeImportSkipsParams{ImportID: importID, UserID: userID})
		if err != nil {
			return fmt.Errorf("imports: merge skips: %w", err)
		}
		eSkips, err := q.MergeEuterpeSkips(ctx, db.MergeEuterpeSkipsParams{ImportID: importID, UserID: userID})
		if err != nil {
			return fmt.Errorf("imports: merge skips: %w", err)
		}
		skips += eSkips
		spoken, err := q.MergeImportSpoken(ctx, db.MergeImportSpokenParams{ImportID: importID, UserID: userID})
		if err != nil {
			return fmt.Errorf("imports: merge episodes: %w", err)
		}
		span, err := q.GetImportSpan(ctx, importID)
		if err != nil {
			return err
		}
		files, _ := json.Marshal(staged.files)
		n, err := q.FinishImport(ctx, db.FinishImportParams{
			ID: importID, PlaysAdded: added, AlreadyPresent: candidates - added, Skips: skips, Episodes: spoken,
			Unmatched: span.Unmatched, UnknownRows: staged.unknown,
			FirstPlayed: nonZero(span.FirstPlayed), LastPlayed: nonZero(span.LastPlayed), Files: files,
		})
		if err != nil {
			return err
		}
		if n == 0 {
			return errCancelled // cancelled before the last step: nothing stays
		}
		// Where a merge's time goes, for whoever tunes it.
		im.log.InfoContext(ctx, "import merged", "import_id", importID, "catalogue", catalogue.Round(time.Millisecond),
			"plays", plays.Round(time.Millisecond), "plays_steps", len(spans)+len(eMonths), "plays_added", added,
			"rest", time.Since(t0).Round(time.Millisecond))
		return nil
	})
}

// monthsPerStep is how many months of plays one statement merges: the
// summary triggers run once a statement, and fewer, larger statements cost
// less in all, while the page still sees the merge move.
const monthsPerStep = 12

// mergeSpans cuts the months the rows span into the merge's steps, each
// [start, end) of up to monthsPerStep months that hold rows.
func mergeSpans(months []time.Time) [][2]time.Time {
	var spans [][2]time.Time
	for i := 0; i < len(months); {
		start := months[i].UTC()
		limit := start.AddDate(0, monthsPerStep, 0)
		end := start.AddDate(0, 1, 0)
		for i++; i < len(months) && months[i].UTC().Before(limit); i++ {
			end = months[i].UTC().AddDate(0, 1, 0)
		}
		spans = append(spans, [2]time.Time{start, end})
	}
	return spans
}

// checkBounds is the stretch of stored plays the duplicate check of a merge
// step over [start, end) reads: a row is placed at most 30 s after it ended
// (account data's minute), and the same listen lies within history.SameListenWindow
// of it.
func checkBounds(start, end time.Time) (from, to time.Time) {
	return start.Add(-history.SameListenWindow), end.Add(30*time.Second + history.SameListenWindow)
}

func cmpErr(err, otherwise error) error {
	if err != nil {
		return err
	}
	return otherwise
}

func nonZero(t time.Time) *time.Time {
	if t.Year() <= 1 {
		return nil
	}
	return &t
}

// chunkReader reads an upload from its chunks in the database, keeping the
// last chunk read (a zip is read mostly in order).
type chunkReader struct {
	ctx      context.Context
	q        *db.Queries
	importID uuid.UUID
	fileNo   int32
	size     int64
	cached   int32
	data     []byte
	loaded   bool
}

func (r *chunkReader) ReadAt(p []byte, off int64) (int, error) {
	if off >= r.size {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) && off < r.size {
		chunk := int32(off / uploadChunk)
		if !r.loaded || chunk != r.cached {
			data, err := r.q.GetImportChunk(r.ctx, db.GetImportChunkParams{ImportID: r.importID, FileNo: r.fileNo, ChunkNo: chunk})
			if err != nil {
				return n, fmt.Errorf("imports: read the upload: %w", err)
			}
			r.data, r.cached, r.loaded = data, chunk, true
		}
		within := int(off % uploadChunk)
		if within >= len(r.data) {
			return n, io.ErrUnexpectedEOF
		}
		c := copy(p[n:], r.data[within:])
		n += c
		off += int64(c)
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// Cancel stops an import that is being uploaded (it is deleted, with what
// arrived), queued or running: nothing of it stays. False when there was
// none to cancel.
func (im *Importer) Cancel(ctx context.Context, userID, importID uuid.UUID) (bool, error) {
	q := db.New(im.pool)
	if n, err := q.DeleteUnfinishedUpload(ctx, db.DeleteUnfinishedUploadParams{ID: importID, UserID: userID}); err != nil || n == 1 {
		return n == 1, err
	}
	n, err := q.CancelImport(ctx, db.CancelImportParams{ID: importID, UserID: userID})
	if err != nil {
		return false, fmt.Errorf("imports: cancel import: %w", err)
	}
	return n == 1, nil
}

// Delete removes a finished import and, in a background job, exactly its
// plays, skips and episodes. False when there is no such finished import.
func (im *Importer) Delete(ctx context.Context, userID, importID uuid.UUID) (bool, error) {
	var ok bool
	err := pgx.BeginFunc(ctx, im.pool, func(tx pgx.Tx) error {
		n, err := db.New(tx).MarkImportDeleting(ctx, db.MarkImportDeletingParams{ID: importID, UserID: userID})
		if err != nil || n == 0 {
			return err
		}
		ok = true
		if im.enqueueDelete == nil {
			return nil
		}
		return im.enqueueDelete(ctx, tx, importID)
	})
	if err != nil {
		return false, fmt.Errorf("imports: delete import: %w", err)
	}
	return ok, nil
}

// RunDelete removes an import marked for deletion with the plays only it
// held (a play that another import or the poll also holds stays), and
// rebuilds the user's summaries without them, in one transaction.
func (im *Importer) RunDelete(ctx context.Context, importID uuid.UUID) error {
	err := pgx.BeginFunc(ctx, im.pool, func(tx pgx.Tx) error {
		q := db.New(tx)
		userID, err := q.DeleteImportRecord(ctx, importID)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil // already gone
		}
		if err != nil {
			return err
		}
		if err := q.AllowLongStatements(ctx, "30min"); err != nil {
			return err
		}
		if err := q.LockUserPlays(ctx, userID); err != nil {
			return err
		}
		// A play another import or the poll also holds stays, theirs now.
		if err := q.PassImportPlaysOn(ctx, importID); err != nil {
			return err
		}
		if _, err := q.DeleteImportPlays(ctx, importID); err != nil {
			return err
		}
		return history.RebuildSummariesLocked(ctx, q, userID)
	})
	if err != nil {
		return fmt.Errorf("imports: delete import: %w", err)
	}
	return nil
}

// Import is one import as its pages show it.
type Import struct {
	ID          uuid.UUID
	UserID      uuid.UUID
	State       State
	UploadName  string // the file chosen, or "3 files"
	UploadBytes int64
	CreatedAt   time.Time
	StartedAt   *time.Time // when a worker began reading it
	FinishedAt  *time.Time

	BytesTotal, BytesDone int64 // reading
	RowsRead              int64
	MergeSteps, MergeDone int // merging, a step a year of plays

	PlaysAdded     int64
	AlreadyPresent int64 // plays the history had already
	Skips          int64
	Episodes       int64
	Unmatched      int64 // plays of tracks known by name only, to be searched for
	UnknownRows    int64 // rows of no kind it knows, passed over

	FirstPlayed, LastPlayed *time.Time // the span of its plays
	Files                   []FileReport
	Error                   string // why it failed, for its owner
}

// readShare is the part of an import's time that reading the export
// takes, as measured (bench): the merge takes the rest.
const readShare = 0.3

// Merging reports whether the import has read its export and is adding the
// plays to the history.
func (i Import) Merging() bool { return i.State == Running && i.MergeSteps > 0 }

// progress is how far the import got, 0–1: reading by bytes, then merging
// by steps.
func (i Import) progress() float64 {
	var read, merged float64
	if i.BytesTotal > 0 {
		read = float64(i.BytesDone) / float64(i.BytesTotal)
	}
	if i.MergeSteps > 0 {
		read, merged = 1, float64(i.MergeDone)/float64(i.MergeSteps)
	}
	return min(1, readShare*read+(1-readShare)*merged)
}

// Percent is how far the import got, 0–100 (100 only once done).
func (i Import) Percent() int {
	if i.State == Done {
		return 100
	}
	return min(99, int(i.progress()*100+1e-9)) // floor, but 0.65 is 65
}

// TimeLeft estimates the time to the end from the pace so far (zero when
// it cannot tell yet).
func (i Import) TimeLeft(now time.Time) time.Duration {
	f := i.progress()
	if i.State != Running || i.StartedAt == nil || f <= 0.01 || f >= 1 {
		return 0
	}
	elapsed := now.Sub(*i.StartedAt)
	if elapsed < 2*time.Second {
		return 0
	}
	return time.Duration(float64(elapsed) * (1 - f) / f).Round(time.Second)
}

// Active reports whether the import is still going.
func (i Import) Active() bool { return i.State.Active() }

func toImport(row db.EuterpeImport) Import {
	im := Import{ID: row.ID, UserID: row.UserID, State: State(row.State), UploadName: row.UploadName, UploadBytes: row.UploadBytes,
		CreatedAt: row.CreatedAt, StartedAt: row.StartedAt, FinishedAt: row.FinishedAt,
		BytesTotal: row.BytesTotal, BytesDone: row.BytesDone, RowsRead: row.RowsRead,
		MergeSteps: int(row.MergeSteps), MergeDone: int(row.MergeDone),
		PlaysAdded: row.PlaysAdded, AlreadyPresent: row.AlreadyPresent, Skips: row.Skips, Episodes: row.Episodes,
		Unmatched: row.Unmatched, UnknownRows: row.UnknownRows, FirstPlayed: row.FirstPlayed, LastPlayed: row.LastPlayed,
		Error: ptr.Deref(row.Error)}
	_ = json.Unmarshal(row.Files, &im.Files)
	return im
}

// Get reads one of the user's imports.
func (im *Importer) Get(ctx context.Context, userID, importID uuid.UUID) (Import, error) {
	row, err := db.New(im.pool).GetImport(ctx, db.GetImportParams{ID: importID, UserID: userID})
	if errors.Is(err, pgx.ErrNoRows) {
		return Import{}, ErrNoSuchImport
	}
	if err != nil {
		return Import{}, fmt.Errorf("imports: read import: %w", err)
	}
	return toImport(row), nil
}

// List reads the user's imports, newest first.
func (im *Importer) List(ctx context.Context, userID uuid.UUID) ([]Import, error) {
	rows, err := db.New(im.pool).ListImports(ctx, userID)
	if err != nil {
		return nil, fmt.Errorf("imports: list imports: %w", err)
	}
	out := make([]Import, len(rows))
	for i, r := range rows {
		out[i] = toImport(r)
	}
	return out, nil
}
