package trends

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/euterpe-dev/euterpe/db"
	"github.com/euterpe-dev/euterpe/history"
	"github.com/euterpe-dev/euterpe/spotify"
)

// ItemKind is what a top list ranks.
type ItemKind string

// The kinds of top lists.
const (
	TopTracks  ItemKind = "tracks"
	TopArtists ItemKind = "artists"
)

// List is one of a snapshot's six lists.
type List struct {
	Kind  ItemKind
	Range spotify.TimeRange
}

// Lists are a snapshot's lists, in the order the job fetches them.
func Lists() []List {
	var out []List
	for _, k := range []ItemKind{TopTracks, TopArtists} {
		for _, r := range spotify.TimeRanges() {
			out = append(out, List{k, r})
		}
	}
	return out
}

// Column is the list's column in euterpe.top_snapshots: "tracks_short".
func (l List) Column() string {
	switch l.Range {
	case spotify.MediumTerm:
		return string(l.Kind) + "_medium"
	case spotify.LongTerm:
		return string(l.Kind) + "_long"
	}
	return string(l.Kind) + "_short"
}

// String is "tracks/short_term".
func (l List) String() string { return string(l.Kind) + "/" + string(l.Range) }

// Snapshot is one day's lists, catalogue ids in rank order; a nil list was
// not fetched (an empty one was, and Spotify had nothing in it).
type Snapshot struct {
	Day     time.Time
	TakenAt time.Time
	lists   [6][]int64
}

func listIndex(l List) int {
	i := 0
	if l.Kind == TopArtists {
		i = 3
	}
	switch l.Range {
	case spotify.MediumTerm:
		i++
	case spotify.LongTerm:
		i += 2
	}
	return i
}

// Items is one list of the snapshot (nil when it was not fetched).
func (s Snapshot) Items(l List) []int64 { return s.lists[listIndex(l)] }

// Complete reports whether every list was fetched.
func (s Snapshot) Complete() bool {
	for _, l := range s.lists {
		if l == nil {
			return false
		}
	}
	return true
}

func snapshotOf(d, taken time.Time, ts, tm, tl, as, am, al []int64) Snapshot {
	return Snapshot{Day: day(d), TakenAt: taken, lists: [6][]int64{ts, tm, tl, as, am, al}}
}

// Fetched is what a snapshot job got from Spotify: any of the six lists.
type Fetched struct {
	Tracks  map[spotify.TimeRange][]spotify.Track
	Artists map[spotify.TimeRange][]spotify.Artist
}

// SaveSnapshot stores the lists fetched into the user's snapshot of day,
// with the tracks and artists they name, in one transaction. A list the
// snapshot has already is kept: the day's first fetch of each list stands,
// however many processes take the snapshot.
func (s *Service) SaveSnapshot(ctx context.Context, userID uuid.UUID, day, takenAt time.Time, f Fetched) error {
	return s.SaveSnapshots(ctx, userID, []DaySnapshot{{Day: day, TakenAt: takenAt, Fetched: f}})
}

// DaySnapshot is what was fetched for one day.
type DaySnapshot struct {
	Day, TakenAt time.Time
	Fetched      Fetched
}

// SaveSnapshots stores several days' lists as SaveSnapshot does, in one
// transaction (the demo's month of past snapshots).
func (s *Service) SaveSnapshots(ctx context.Context, userID uuid.UUID, days []DaySnapshot) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var tracks []spotify.Track
		var artists []spotify.Artist
		for _, d := range days {
			for _, ts := range d.Fetched.Tracks {
				tracks = append(tracks, ts...)
			}
			for _, as := range d.Fetched.Artists {
				artists = append(artists, as...)
			}
		}
		trackIDs, artistIDs, err := history.SaveTopItems(ctx, tx, tracks, artists)
		if err != nil {
			return err
		}
		q := db.New(tx)
		for _, d := range days {
			p := db.SaveSnapshotListsParams{UserID: userID, Day: d.Day, TakenAt: d.TakenAt}
			into := map[List]*[]int64{
				{TopTracks, spotify.ShortTerm}: &p.TracksShort, {TopTracks, spotify.MediumTerm}: &p.TracksMedium,
				{TopTracks, spotify.LongTerm}: &p.TracksLong, {TopArtists, spotify.ShortTerm}: &p.ArtistsShort,
				{TopArtists, spotify.MediumTerm}: &p.ArtistsMedium, {TopArtists, spotify.LongTerm}: &p.ArtistsLong,
			}
			for r, ts := range d.Fetched.Tracks {
				*into[List{TopTracks, r}] = rankedIDs(ts, func(t spotify.Track) string { return t.ID }, trackIDs)
			}
			for r, as := range d.Fetched.Artists {
				*into[List{TopArtists, r}] = rankedIDs(as, func(a spotify.Artist) string { return a.ID }, artistIDs)
			}
			if err := q.SaveSnapshotLists(ctx, p); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("trends: save snapshot: %w", err)
	}
	return nil
}

// rankedIDs is a list's catalogue ids in Spotify's order, each item once
// (an item Spotify repeats keeps its first place), never nil: an empty list
// was fetched.
func rankedIDs[T any](items []T, spotifyID func(T) string, ids map[string]int64) []int64 {
	out := []int64{}
	seen := map[int64]bool{}
	for _, it := range items {
		if id, ok := ids[spotifyID(it)]; ok && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// SnapshotFor reads the user's snapshot of day; ok is false when there is
// none.
func (s *Snapshots) SnapshotFor(ctx context.Context, userID uuid.UUID, day time.Time) (Snapshot, bool, error) {
	r, err := s.queries.GetSnapshot(ctx, db.GetSnapshotParams{UserID: userID, Day: day})
	if errors.Is(err, pgx.ErrNoRows) {
		return Snapshot{}, false, nil
	}
	if err != nil {
		return Snapshot{}, false, fmt.Errorf("trends: read snapshot: %w", err)
	}
	return snapshotOf(r.Day, r.TakenAt, r.TracksShort, r.TracksMedium, r.TracksLong, r.ArtistsShort, r.ArtistsMedium, r.ArtistsLong), true, nil
}

// Between reads the user's snapshots of the days from..to, oldest first.
func (s *Snapshots) Between(ctx context.Context, userID uuid.UUID, from, to time.Time) ([]Snapshot, error) {
	rows, err := s.queries.ListSnapshots(ctx, db.ListSnapshotsParams{UserID: userID, FromDay: from, ToDay: to})
	if err != nil {
		return nil, fmt.Errorf("trends: read snapshots: %w", err)
	}
	out := make([]Snapshot, len(rows))
	for i, r := range rows {
		out[i] = snapshotOf(r.Day, r.TakenAt, r.TracksShort, r.TracksMedium, r.TracksLong, r.ArtistsShort, r.ArtistsMedium, r.ArtistsLong)
	}
	return out, nil
}

// LocalToday is the user's date now, in the zone their browser reported
// (UTC until it has): the day a snapshot taken now belongs to.
func (s *Snapshots) LocalToday(ctx context.Context, userID uuid.UUID) (time.Time, error) {
	d, err := s.queries.GetUserLocalDay(ctx, db.GetUserLocalDayParams{UserID: userID, AtTime: s.now()})
	if err != nil {
		return time.Time{}, fmt.Errorf("trends: read the user's day: %w", err)
	}
	return day(d), nil
}

// catalogueIDs maps Spotify ids of one kind to catalogue ids; an item the
// catalogue has never seen is in no snapshot, and is left out.
func (s *Snapshots) catalogueIDs(ctx context.Context, kind ItemKind, spotifyIDs []string) (map[string]int64, error) {
	out := map[string]int64{}
	if len(spotifyIDs) == 0 {
		return out, nil
	}
	put := func(id int64, sid *string) {
		if sid != nil {
			out[*sid] = id
		}
	}
	if kind == TopTracks {
		rows, err := s.queries.ListTrackIDs(ctx, spotifyIDs)
		if err != nil {
			return nil, fmt.Errorf("trends: read track ids: %w", err)
		}
		for _, r := range rows {
			put(r.ID, r.SpotifyID)
		}
		return out, nil
	}
	rows, err := s.queries.ListArtistIDs(ctx, spotifyIDs)
	if err != nil {
		return nil, fmt.Errorf("trends: read artist ids: %w", err)
	}
	for _, r := range rows {
		put(r.ID, r.SpotifyID)
	}
	return out, nil
}
