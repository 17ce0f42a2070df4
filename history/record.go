package history

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/euterpe-dev/euterpe/database"
	"github.com/euterpe-dev/euterpe/db"
	"github.com/euterpe-dev/euterpe/ptr"
	"github.com/euterpe-dev/euterpe/spotify"
)

// Source is where a play came from: a row of euterpe.play_sources.
type Source int16

// The sources of plays.
const (
	SourcePoll           Source = 1 // recently-played, read by the poller
	SourceAccountExport  Source = 2 // Spotify's "Account data" export
	SourceExtendedExport Source = 3 // Spotify's "Extended streaming history"
	SourceEuterpeExport  Source = 4 // Euterpe's own export, imported back
)

// Play is one listen to record.
type Play struct {
	Track    spotify.Track
	PlayedAt time.Time // when playback ended
	// MSPlayed is how long it was heard, or -1 when the source does not
	// say (recently-played): the track's duration then counts.
	MSPlayed int
	// ContextURI is where playback started (spotify:playlist:…), or "".
	ContextURI string
}

// PlaysFromRecent turns recently-played items into plays.
func PlaysFromRecent(items []spotify.PlayHistory) []Play {
	out := make([]Play, 0, len(items))
	for _, it := range items {
		p := Play{Track: it.Track, PlayedAt: it.PlayedAt, MSPlayed: -1}
		if it.Context != nil {
			p.ContextURI = it.Context.URI
		}
		out = append(out, p)
	}
	return out
}

// Recorded says what a Record call stored.
type Recorded struct {
	New     int       // plays that were not stored before
	Skipped int       // plays naming no Spotify track (local files, bad ids)
	Newest  time.Time // the newest played_at among the plays given (zero when none)
}

// Store records plays. It is safe for concurrent use.
type Store struct {
	pool *database.Pool
}

// NewStore returns a store on pool.
func NewStore(pool *database.Pool) *Store { return &Store{pool: pool} }

// Record stores plays for userID, and the tracks, albums and artists they
// name, in one transaction. A play already stored (the same track within 30
// seconds, from any source) is not stored again.
func (s *Store) Record(ctx context.Context, userID uuid.UUID, src Source, plays []Play) (Recorded, error) {
	var rec Recorded
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		rec, err = RecordTx(ctx, tx, userID, src, plays)
		return err
	})
	return rec, err
}

// RecordTx is Record inside tx, for a caller whose own writes must commit
// with the plays (the poller's cursor).
func RecordTx(ctx context.Context, tx pgx.Tx, userID uuid.UUID, src Source, plays []Play) (Recorded, error) {
	var rec Recorded
	var tracks []spotify.Track
	for _, p := range plays {
		if p.PlayedAt.After(rec.Newest) {
			rec.Newest = p.PlayedAt
		}
		if !validID(p.Track.ID) {
			rec.Skipped++
			continue
		}
		tracks = append(tracks, p.Track)
	}
	q := db.New(tx)
	trackIDs, _, err := saveCatalogue(ctx, q, tracks, nil)
	if err != nil {
		return rec, err
	}
	if plays, err = heardAtMost(ctx, q, userID, plays); err != nil {
		return rec, err
	}
	params := db.InsertPlaysParams{UserID: userID, SourceID: int16(src)}
	for _, p := range plays {
		id, ok := trackIDs[p.Track.ID]
		if !ok {
			continue
		}
		params.PlayedAt = append(params.PlayedAt, p.PlayedAt)
		params.TrackIds = append(params.TrackIds, id)
		params.MsPlayed = append(params.MsPlayed, int32(max(p.MSPlayed, -1)))
		params.ContextUris = append(params.ContextUris, p.ContextURI)
	}
	if len(params.PlayedAt) == 0 {
		return rec, nil
	}
	added, err := q.InsertPlays(ctx, params)
	if err != nil {
		return rec, fmt.Errorf("history: store plays: %w", err)
	}
	rec.New = len(added)
	return rec, nil
}

// heardAtMost estimates how long plays that do not say (recently-played's)
// were heard: the track's length, cut to the time since the previous play
// ended, since a track skipped after a minute was heard for a minute.
// Plays are returned in order of played_at.
func heardAtMost(ctx context.Context, q *db.Queries, userID uuid.UUID, plays []Play) ([]Play, error) {
	plays = slices.Clone(plays)
	slices.SortStableFunc(plays, func(a, b Play) int { return a.PlayedAt.Compare(b.PlayedAt) })
	first := slices.IndexFunc(plays, func(p Play) bool { return p.MSPlayed < 0 })
	if first < 0 {
		return plays, nil
	}
	prev, err := q.GetLastPlayBefore(ctx, db.GetLastPlayBeforeParams{UserID: userID, BeforeTime: plays[first].PlayedAt})
	if err != nil {
		return nil, fmt.Errorf("history: read the previous play: %w", err)
	}
	if first > 0 {
		prev = plays[first-1].PlayedAt
	}
	for i := first; i < len(plays); i++ {
		p := &plays[i]
		if p.MSPlayed < 0 {
			p.MSPlayed = max(p.Track.DurationMS, 0)
			if prev.Year() > 1 {
				if since := p.PlayedAt.Sub(prev).Milliseconds(); since >= 0 && since < int64(p.MSPlayed) {
					p.MSPlayed = int(since)
				}
			}
		}
		prev = p.PlayedAt
	}
	return plays, nil
}

// validID reports whether s has the shape of a Spotify id (22 base62
// characters); local files and episodes have none.
func validID(s string) bool {
	if len(s) != 22 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z') {
			return false
		}
	}
	return true
}

func firstArtist(as []spotify.SimplifiedArtist) string {
	if len(as) == 0 {
		return ""
	}
	return as[0].Name
}

// credits collects the artists credited on albums or tracks, by position,
// and how many each has (to drop credits past the end of a shorter list).
type credits struct {
	owners, artists []int64
	positions       []int16
	counted         []int64
	counts          []int16
}

func (c *credits) add(owner int64, artists []spotify.SimplifiedArtist, ids map[string]int64) {
	n := int16(0)
	seen := make(map[int64]bool, len(artists))
	for _, a := range artists {
		if id, ok := ids[a.ID]; ok && !seen[id] { // an artist is credited once
			seen[id] = true
			c.owners = append(c.owners, owner)
			c.positions = append(c.positions, n)
			c.artists = append(c.artists, id)
			n++
		}
	}
	c.counted = append(c.counted, owner)
	c.counts = append(c.counts, n)
}

// store writes the credits (upsert) and drops the ones past each owner's
// count (trim), for albums or tracks (what).
func (c *credits) store(ctx context.Context, what string, upsert, trim func(context.Context) error) error {
	if err := upsert(ctx); err != nil {
		return fmt.Errorf("history: store %s artists: %w", what, err)
	}
	if err := trim(ctx); err != nil {
		return fmt.Errorf("history: store %s artists: %w", what, err)
	}
	return nil
}

// uniqueBy keeps the last of each key (the freshest data when a list repeats
// an item) and sorts by key.
func uniqueBy[T any](items []T, key func(T) string) []T {
	byKey := make(map[string]T, len(items))
	for _, it := range items {
		byKey[key(it)] = it
	}
	out := make([]T, 0, len(byKey))
	for _, it := range byKey {
		out = append(out, it)
	}
	slices.SortFunc(out, func(a, b T) int { return cmp.Compare(key(a), key(b)) })
	return out
}

type idRow interface {
	db.ListArtistIDsRow | db.ListAlbumIDsRow | db.ListTrackIDsRow
}

func idsBySpotifyID[R idRow](rows []R, err error) (map[string]int64, error) {
	if err != nil {
		return nil, err
	}
	out := make(map[string]int64, len(rows))
	for _, r := range rows {
		switch r := any(r).(type) {
		case db.ListArtistIDsRow:
			out[ptr.Deref(r.SpotifyID)] = r.ID
		case db.ListAlbumIDsRow:
			out[ptr.Deref(r.SpotifyID)] = r.ID
		case db.ListTrackIDsRow:
			out[ptr.Deref(r.SpotifyID)] = r.ID
		}
	}
	return out, nil
}

// releaseDate is the album's release date as the first day it can mean, and
// its precision; "" for both when Spotify's date is unusable.
func releaseDate(a spotify.SimplifiedAlbum) (string, string) {
	d, err := a.Released()
	if err != nil {
		return "", ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, max(d.Month, 1), max(d.Day, 1)), string(d.Precision)
}

// RebuildSummaries recomputes the user's summaries (hours, totals,
// sessions) in the zone they asked for, from every play, a year at a time.
// Writers of the user's plays wait for it, so no play is counted twice or
// missed. When the user chose yet another zone meanwhile, it goes again.
func (s *Store) RebuildSummaries(ctx context.Context, userID uuid.UUID) error {
	for range 3 {
		if current, err := s.RebuildSummariesOnce(ctx, userID); err != nil || current {
			return err
		}
	}
	return nil
}

// RebuildSummariesOnce rebuilds the user's summaries once, in the zone
// they chose when it began, and reports whether that is still their zone.
func (s *Store) RebuildSummariesOnce(ctx context.Context, userID uuid.UUID) (current bool, err error) {
	if err := s.rebuildOnce(ctx, userID); err != nil {
		return false, err
	}
	z, err := db.New(s.pool).GetTimeZones(ctx, userID)
	if errors.Is(err, pgx.ErrNoRows) {
		return true, nil // the user is gone
	}
	if err != nil {
		return false, fmt.Errorf("history: read time zones: %w", err)
	}
	return z.TimeZone == z.SummaryTimeZone, nil
}

func ignoreNoRows(err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	return err
}

func (s *Store) rebuildOnce(ctx context.Context, userID uuid.UUID) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		q := db.New(tx)
		if err := q.AllowLongStatements(ctx, "10min"); err != nil {
			return err
		}
		if err := q.LockUserPlays(ctx, userID); err != nil {
			return err
		}
		return RebuildSummariesLocked(ctx, q, userID)
	})
	if err != nil {
		return fmt.Errorf("history: rebuild summaries: %w", err)
	}
	return nil
}

// RebuildSummariesLocked recomputes the user's summaries; the caller holds their
// plays' lock.
func RebuildSummariesLocked(ctx context.Context, q *db.Queries, userID uuid.UUID) error {
	if _, err := q.AdoptTimeZoneForSummaries(ctx, userID); err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return err
	}
	if err := q.DeleteSummaries(ctx, userID); err != nil {
		return err
	}
	span, err := q.GetPlaysSpan(ctx, userID)
	if err != nil || span.Plays == 0 {
		return err
	}
	for from := span.FirstPlayed.UTC().Truncate(24 * time.Hour); !from.After(span.LastPlayed); from = from.AddDate(1, 0, 0) {
		if err := q.SummarizePlaysBetween(ctx, db.SummarizePlaysBetweenParams{UserID: userID, FromTime: from, ToTime: from.AddDate(1, 0, 0)}); err != nil {
			return err
		}
	}
	return nil
}

// SameListenWindow is how far apart two listens of one track by one user
// may end and still be the same listen, stored once: the database's
// euterpe.same_listen_window(), which the trigger and every merge use (a
// test holds the two equal).
const SameListenWindow = 30 * time.Second
