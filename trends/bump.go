package trends

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/euterpe-dev/euterpe/history"
)

// BumpTop is how many items a bump chart follows: the top 10 of the latest
// snapshot.
const BumpTop = 10

// BumpChart is the rank of a list's top items over the snapshots kept.
type BumpChart struct {
	Kind  ItemKind `json:"kind"`
	Range string   `json:"time_range"`
	// Days are the days of every snapshot that has the list, oldest first.
	Days []Date `json:"days"`
	// Lines are the top items of the latest snapshot, in its order.
	Lines []BumpLine `json:"items"`
}

// BumpLine is one item's ranks, one per day of the chart (0: not in the
// list that day).
type BumpLine struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	ImageURL string `json:"image_url"`
	URL      string `json:"-"` // the item's page in History
	Ranks    []int  `json:"ranks"`
	// Best is the item's best rank over the chart's days, first reached
	// on BestOn.
	Best   int  `json:"best_rank"`
	BestOn Date `json:"best_on"`
	// InList is how many of the chart's days the item was in the list.
	InList int `json:"days_in_list"`
}

// Now is the line's latest rank.
func (b BumpLine) Now() int { return b.Ranks[len(b.Ranks)-1] }

// RankDaysBefore is the line's rank on the latest chart day at least n
// days before its last (0: not in the list then, or no snapshot so old).
func (c BumpChart) RankDaysBefore(line BumpLine, n int) (int, Date, bool) {
	if len(c.Days) == 0 {
		return 0, Date{}, false
	}
	cutoff := c.Days[len(c.Days)-1].AddDate(0, 0, -n)
	for i := len(c.Days) - 1; i >= 0; i-- {
		if !c.Days[i].After(cutoff) {
			return line.Ranks[i], c.Days[i], true
		}
	}
	return 0, Date{}, false
}

// Bump is the bump chart of list l over every snapshot kept.
func (s *Snapshots) Bump(ctx context.Context, userID uuid.UUID, l List) (BumpChart, error) {
	c := BumpChart{Kind: l.Kind, Range: string(l.Range), Days: []Date{}, Lines: []BumpLine{}}
	span, err := s.queries.GetSnapshotSpan(ctx, userID)
	if err != nil {
		return c, fmt.Errorf("trends: read snapshots: %w", err)
	}
	if span.Snapshots == 0 {
		return c, nil
	}
	snaps, err := s.Between(ctx, userID, span.FirstDay, span.LastDay)
	if err != nil {
		return c, err
	}
	var lists [][]int64
	for _, sn := range snaps {
		if items := sn.Items(l); items != nil {
			c.Days = append(c.Days, DateOf(sn.Day))
			lists = append(lists, items)
		}
	}
	if len(lists) == 0 {
		return c, nil
	}
	latest := lists[len(lists)-1]
	top := latest[:min(BumpTop, len(latest))]
	names, err := s.itemNames(ctx, l.Kind, top)
	if err != nil {
		return c, err
	}
	for _, id := range top {
		line := BumpLine{ID: id, Ranks: make([]int, len(lists))}
		if n, ok := names[id]; ok {
			line.Name, line.ImageURL, line.URL = n.Name, n.ImageURL, n.URL
		}
		for d, items := range lists {
			for i, it := range items {
				if it == id {
					line.Ranks[d] = i + 1
					break
				}
			}
			if r := line.Ranks[d]; r > 0 {
				line.InList++
				if line.Best == 0 || r < line.Best {
					line.Best, line.BestOn = r, c.Days[d]
				}
			}
		}
		c.Lines = append(c.Lines, line)
	}
	return c, nil
}

// itemNames reads names, pictures and History pages of catalogue items.
func (s *Snapshots) itemNames(ctx context.Context, kind ItemKind, ids []int64) (map[int64]history.TopItem, error) {
	k := history.Artists
	if kind == TopTracks {
		k = history.Tracks
	}
	return history.ItemDetails(ctx, s.queries, k, ids)
}
