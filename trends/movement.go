package trends

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/euterpe-dev/euterpe/db"
)

// MoveKind says how an item moved in a top list since a snapshot.
type MoveKind string

// The moves.
const (
	MoveUp   MoveKind = "up"
	MoveDown MoveKind = "down"
	MoveSame MoveKind = "same"
	// MoveNew: not in the snapshot compared with, nor in any before it.
	MoveNew MoveKind = "new"
	// MoveBack: not in the snapshot compared with, but in an earlier one.
	MoveBack MoveKind = "back"
)

// Move is one item's move since one snapshot.
type Move struct {
	Kind   MoveKind `json:"kind"`
	Places int      `json:"places,omitempty"` // how many places up or down
	Since  Date     `json:"since"`            // the day of the snapshot compared with
}

// Label is the move in a few words: "up 3", "down 2", "new", "back", "same".
func (m Move) Label() string {
	switch m.Kind {
	case MoveUp, MoveDown:
		return string(m.Kind) + " " + strconv.Itoa(m.Places)
	}
	return string(m.Kind)
}

// Movement is an item's moves against a week and a month before; a move is
// nil when no snapshot of about that age is kept.
type Movement struct {
	Week  *Move `json:"vs_7_days"`
	Month *Move `json:"vs_30_days"`
}

// The comparisons: a week and a month back. A snapshot is compared with
// when it is the latest taken at least that many days before today and at
// most twice as many: across a gap in the snapshots (the app was down, the
// user's grant had ended) the move is against the nearest older snapshot,
// and its day says so, until that is too old to mean "a week ago".
const (
	weekBack  = 7
	monthBack = 30
)

// Reference is a list of a snapshot compared with: its items in rank order
// and every item the list held in snapshots before it.
type Reference struct {
	Day        time.Time
	Items      []int64
	SeenBefore map[int64]bool
}

// PickReference is the snapshot to compare today's list with, n days back
// (see weekBack): the latest of snaps (any order) that has the list, taken
// from 2n to n days before today; false when there is none.
func PickReference(snaps []Snapshot, l List, today time.Time, n int) (Snapshot, bool) {
	newest, oldest := today.AddDate(0, 0, -n), today.AddDate(0, 0, -2*n)
	var best Snapshot
	found := false
	for _, s := range snaps {
		if s.Items(l) == nil || s.Day.After(newest) || s.Day.Before(oldest) {
			continue
		}
		if !found || s.Day.After(best.Day) {
			best, found = s, true
		}
	}
	return best, found
}

// Compare is each current item's move against ref: current holds the
// list's items in rank order (0 for an item the catalogue has never seen,
// which is new by definition).
func Compare(current []int64, ref Reference) []Move {
	was := make(map[int64]int, len(ref.Items))
	for i, id := range ref.Items {
		if _, dup := was[id]; !dup {
			was[id] = i + 1
		}
	}
	since := DateOf(ref.Day)
	out := make([]Move, len(current))
	for i, id := range current {
		rank := i + 1
		before, ok := was[id]
		switch {
		case id != 0 && ok && before > rank:
			out[i] = Move{Kind: MoveUp, Places: before - rank, Since: since}
		case id != 0 && ok && before < rank:
			out[i] = Move{Kind: MoveDown, Places: rank - before, Since: since}
		case id != 0 && ok:
			out[i] = Move{Kind: MoveSame, Since: since}
		case id != 0 && ref.SeenBefore[id]:
			out[i] = Move{Kind: MoveBack, Since: since}
		default:
			out[i] = Move{Kind: MoveNew, Since: since}
		}
	}
	return out
}

// Movement is the move of each item of today's list l, given by Spotify
// ids in rank order, against the snapshots of about a week and a month
// before.
func (s *Snapshots) Movement(ctx context.Context, userID uuid.UUID, l List, spotifyIDs []string) ([]Movement, error) {
	out := make([]Movement, len(spotifyIDs))
	today, err := s.LocalToday(ctx, userID)
	if err != nil {
		return nil, err
	}
	snaps, err := s.Between(ctx, userID, today.AddDate(0, 0, -2*monthBack), today.AddDate(0, 0, -weekBack))
	if err != nil || len(snaps) == 0 {
		return out, err
	}
	ids, err := s.catalogueIDs(ctx, l.Kind, spotifyIDs)
	if err != nil {
		return nil, err
	}
	current := make([]int64, len(spotifyIDs))
	for i, sid := range spotifyIDs {
		current[i] = ids[sid]
	}
	for _, back := range []struct {
		days int
		set  func(m *Movement, mv Move)
	}{
		{weekBack, func(m *Movement, mv Move) { m.Week = &mv }},
		{monthBack, func(m *Movement, mv Move) { m.Month = &mv }},
	} {
		snap, ok := PickReference(snaps, l, today, back.days)
		if !ok {
			continue
		}
		seen, err := s.queries.ListSnapshotItemsSeenBefore(ctx, db.ListSnapshotItemsSeenBeforeParams{
			UserID: userID, BeforeDay: snap.Day, List: l.Column()})
		if err != nil {
			return nil, fmt.Errorf("trends: read earlier snapshots: %w", err)
		}
		ref := Reference{Day: snap.Day, Items: snap.Items(l), SeenBefore: make(map[int64]bool, len(seen))}
		for _, id := range seen {
			ref.SeenBefore[id] = true
		}
		for i, mv := range Compare(current, ref) {
			back.set(&out[i], mv)
		}
	}
	return out, nil
}
