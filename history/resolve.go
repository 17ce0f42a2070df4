package history

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/euterpe-dev/euterpe/db"
	"github.com/euterpe-dev/euterpe/spotify"
)

// Account data names tracks by title and artist only. An import matches
// what it can to the catalogue by name; the rest become tracks known only
// by name, counted in the history under those names, until a background
// search (jobs' resolver) finds the Spotify track each one is. Found, a
// name-only track either becomes that Spotify track in place or, when the
// catalogue already has it, hands its plays over to it.

// SearchAgainAfter is how long a track Spotify's search did not find waits
// before it is looked for again.
const SearchAgainAfter = 30 * 24 * time.Hour

// NameOnlyTrack is a track known only by its name, due a search.
type NameOnlyTrack struct {
	ID     int64
	Title  string
	Artist string // the first credited artist, "" when the export named none
	key    string
	// resolvedTo is set when an earlier search found it (for another user):
	// this user's plays move without a search.
	resolvedTo int64
}

// Searched reports whether t needs no search: it was found before.
func (t NameOnlyTrack) Searched() bool { return t.resolvedTo != 0 }

// Match is the result among a search's that is t: the same title and one
// of its artists, as NameKey sees them. False when none is.
func (t NameOnlyTrack) Match(found []spotify.Track) (spotify.Track, bool) {
	for _, f := range found {
		if !validID(f.ID) {
			continue
		}
		for _, a := range f.Artists {
			if NameKey(f.Name, a.Name) == t.key {
				return f, true
			}
		}
	}
	return spotify.Track{}, false
}

// Unresolved lists up to limit of userID's name-only tracks that are due a
// search (or were found for someone else), the most played first.
func (s *Store) Unresolved(ctx context.Context, userID uuid.UUID, now time.Time, limit int) ([]NameOnlyTrack, error) {
	rows, err := db.New(s.pool).ListUnresolvedTracks(ctx, db.ListUnresolvedTracksParams{
		UserID: userID, SearchedBefore: now.Add(-SearchAgainAfter), MaxTracks: int32(limit)})
	if err != nil {
		return nil, fmt.Errorf("history: list name-only tracks: %w", err)
	}
	out := make([]NameOnlyTrack, len(rows))
	for i, r := range rows {
		out[i] = NameOnlyTrack{ID: r.ID, Title: r.Name, Artist: r.Artist, key: r.NameKey}
		if r.ResolvedTo != nil {
			out[i].resolvedTo = *r.ResolvedTo
		}
	}
	return out, nil
}

// UsersToResolve lists the users Unresolved has tracks for.
func (s *Store) UsersToResolve(ctx context.Context, now time.Time) ([]uuid.UUID, error) {
	users, err := db.New(s.pool).ListUsersWithUnresolvedTracks(ctx, now.Add(-SearchAgainAfter))
	if err != nil {
		return nil, fmt.Errorf("history: list users with name-only tracks: %w", err)
	}
	return users, nil
}

// Resolution is what became of one name-only track: searched (Found set
// when the search found it), or found before.
type Resolution struct {
	Track NameOnlyTrack
	Found *spotify.Track
}

// Resolve records what searches found, in one transaction: every track
// searched is marked so; a track found becomes that Spotify track (with
// its album and artists), or, when the catalogue has that track already,
// its plays and skips move there — those the other track already has are
// dropped by the 30-second rule. The summaries of everyone whose plays
// changed are rebuilt in the same transaction. It returns how many tracks
// were resolved.
func (s *Store) Resolve(ctx context.Context, results []Resolution, now time.Time) (int, error) {
	var searched, changed []int64
	var found []spotify.Track
	var foundFor []int64
	for _, r := range results {
		switch {
		case r.Track.resolvedTo != 0:
			changed = append(changed, r.Track.ID)
		case r.Found != nil:
			searched = append(searched, r.Track.ID)
			found = append(found, *r.Found)
			foundFor = append(foundFor, r.Track.ID)
			changed = append(changed, r.Track.ID)
		default:
			searched = append(searched, r.Track.ID)
		}
	}
	if len(searched) == 0 && len(changed) == 0 {
		return 0, nil
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		q := db.New(tx)
		if err := q.AllowLongStatements(ctx, "10min"); err != nil {
			return err
		}
		if err := q.MarkTracksSearched(ctx, db.MarkTracksSearchedParams{SearchedAt: now, Ids: searched}); err != nil {
			return err
		}
		if len(changed) == 0 {
			return nil
		}
		// Who is affected, locked in a fixed order before anything moves,
		// as every writer of plays locks them.
		users, err := q.ListUsersOfTracks(ctx, changed)
		if err != nil {
			return err
		}
		for _, u := range users {
			if err := q.LockUserPlays(ctx, u); err != nil {
				return err
			}
		}
		ids, _, err := saveCatalogue(ctx, q, found, nil)
		if err != nil {
			return err
		}
		// A name-only track whose name is the Spotify track's was claimed
		// by saveCatalogue (it is that track now); any other points to it.
		var targets []int64
		for _, f := range found {
			targets = append(targets, ids[f.ID])
		}
		if err := q.SetTracksResolvedTo(ctx, db.SetTracksResolvedToParams{Ids: foundFor, Targets: targets}); err != nil {
			return err
		}
		plays := db.MoveResolvedPlaysParams{UserIds: users, TrackIds: changed}
		if err := q.HandResolvedDuplicatesOn(ctx, db.HandResolvedDuplicatesOnParams(plays)); err != nil {
			return err
		}
		if err := q.DropResolvedDuplicatePlays(ctx, db.DropResolvedDuplicatePlaysParams(plays)); err != nil {
			return err
		}
		if err := q.MoveResolvedPlays(ctx, plays); err != nil {
			return err
		}
		if err := q.DropResolvedDuplicateSkips(ctx, db.DropResolvedDuplicateSkipsParams(plays)); err != nil {
			return err
		}
		if err := q.MoveResolvedSkips(ctx, db.MoveResolvedSkipsParams(plays)); err != nil {
			return err
		}
		// The tracks' artists and albums changed, or their plays moved:
		// every total they were counted in is recomputed.
		for _, u := range users {
			if err := RebuildSummariesLocked(ctx, q, u); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("history: resolve name-only tracks: %w", err)
	}
	return len(changed), nil
}
