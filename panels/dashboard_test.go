package panels

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/euterpe-dev/euterpe/db"
	"github.com/euterpe-dev/euterpe/history"
	"github.com/euterpe-dev/euterpe/internal/testdb"
	"github.com/euterpe-dev/euterpe/spotify"
	"github.com/euterpe-dev/euterpe/upstream"
	"github.com/euterpe-dev/euterpe/views"
)

// Every page's panels have a safe, unique id, a title, a load and a view,
// and are served where their page serves them.
func TestPanelsAreWellFormed(t *testing.T) {
	paths := map[string]bool{}
	wellFormed(t, Dashboard(), 12, DashboardInput{Range: spotify.LongTerm}, func(p Panel[DashboardInput]) string {
		if !strings.HasPrefix(p.JSONPath, "/") || paths[p.JSONPath] {
			t.Errorf("panel %s JSON path %q", p.ID, p.JSONPath)
		}
		paths[p.JSONPath] = true
		if p.Ranged {
			return "/panels/" + p.ID + "?range=long_term"
		}
		return "/panels/" + p.ID
	})
	wellFormed(t, History(), 7, HistoryInput{View: history.View{Span: history.Span{Period: history.AllTime}}}, func(p Panel[HistoryInput]) string {
		if p.JSONPath != "" || p.Ranged {
			t.Errorf("History panel %s has a JSON path %q or a range", p.ID, p.JSONPath)
		}
		return "/history/panels/" + p.ID + "?period=all_time"
	})
	wellFormed(t, Trends(), 5, TrendInput{Range: spotify.LongTerm}, func(p Panel[TrendInput]) string {
		if p.JSONPath != "" {
			t.Errorf("Trends panel %s has a JSON path %q", p.ID, p.JSONPath)
		}
		if p.Ranged {
			return "/trends/panels/" + p.ID + "?range=long_term"
		}
		return "/trends/panels/" + p.ID
	})
}

// wellFormed checks a page's n panels; url checks a panel's own fields and
// says where it is served for in.
func wellFormed[In any](t *testing.T, g Registry[In], n int, in In, url func(Panel[In]) string) {
	t.Helper()
	ids := map[string]bool{}
	for i, p := range g.All() {
		if p.ID == "" || strings.ContainsAny(p.ID, "/?#& ") || ids[p.ID] {
			t.Errorf("panel id %q is empty, unsafe in a URL or taken", p.ID)
		}
		ids[p.ID] = true
		if p.Title == "" || p.Title == p.ID {
			t.Errorf("panel %s has no title", p.ID)
		}
		if p.load == nil || p.view == nil || p.zero == nil {
			t.Errorf("panel %s has no load, view or zero", p.ID)
		}
		if got, want := p.URL(in), url(p); got != want {
			t.Errorf("panel %s URL = %q, want %q", p.ID, got, want)
		}
		if got, want := p.Ref(in), (views.PanelRef{ID: p.ID, Title: p.Title, URL: p.URL(in), Wide: p.Wide}); got != want {
			t.Errorf("panel %s Ref = %+v, want %+v", p.ID, got, want)
		}
		if got, ok := g.Lookup(p.ID); !ok || got.ID != p.ID {
			t.Errorf("Lookup(%q) = %v, %v", p.ID, got.ID, ok)
		}
		if g.IDs()[i] != p.ID || g.Refs(in)[i] != p.Ref(in) {
			t.Errorf("panel %d: IDs %q, Refs %+v", i, g.IDs(), g.Refs(in))
		}
	}
	if len(ids) != n {
		t.Errorf("%d panels, want %d", len(ids), n)
	}
	if _, ok := g.Lookup("nope"); ok {
		t.Error("Lookup found a panel that does not exist")
	}
	// All hands out a copy: a caller cannot reorder the page.
	ps := g.All()
	ps[0], ps[1] = ps[1], ps[0]
	if g.All()[0].ID != g.panels[0].ID {
		t.Error("changing All's result changed the registry")
	}
}

// The year in review the dashboard links is the user's current year, not
// the server's: at 11:00 UTC on 31 December it is already next year in
// Auckland.
func TestPageLinksTheUsersYear(t *testing.T) {
	at := time.Date(2026, 12, 31, 11, 0, 0, 0, time.UTC)
	s := New(slog.New(slog.DiscardHandler), upstream.NewSource(upstream.New(upstream.Options{})), nil, func() time.Time { return at })
	auckland, _ := time.LoadLocation("Pacific/Auckland")
	honolulu, _ := time.LoadLocation("Pacific/Honolulu")
	for loc, want := range map[*time.Location]int{time.UTC: 2026, auckland: 2027, honolulu: 2026} {
		if got := s.Page(spotify.ShortTerm, loc).Year; got != want {
			t.Errorf("in %s the dashboard links %d, want %d", loc, got, want)
		}
	}
}

func TestPage(t *testing.T) {
	s := New(slog.New(slog.DiscardHandler), upstream.NewSource(upstream.New(upstream.Options{})), nil, nil)
	d := s.Page(spotify.MediumTerm, time.UTC)
	if d.Range != spotify.MediumTerm || len(d.Panels) != len(Dashboard().All()) {
		t.Fatalf("page: range %s, %d panels", d.Range, len(d.Panels))
	}
	for i, ref := range d.Panels {
		if ref != Dashboard().All()[i].Ref(DashboardInput{Range: spotify.MediumTerm}) {
			t.Errorf("panel %d: %+v", i, ref)
		}
	}
	var current []string
	for i, l := range d.Ranges {
		tr := spotify.TimeRanges()[i]
		if l.URL != "/?range="+string(tr) || l.Label != tr.Label() {
			t.Errorf("range link %d: %+v", i, l)
		}
		if l.Current {
			current = append(current, l.URL)
		}
	}
	if len(current) != 1 || current[0] != "/?range=medium_term" {
		t.Errorf("current range links: %v", current)
	}
}

func TestRangeForRemembersTheFavourite(t *testing.T) {
	ctx := context.Background()
	pool, _ := testdb.Migrated(t)
	q := db.New(pool)
	u, err := q.UpsertUser(ctx, db.UpsertUserParams{SpotifyUserID: "fav", DisplayName: "Fav"})
	if err != nil {
		t.Fatal(err)
	}
	s := New(slog.New(slog.DiscardHandler), upstream.NewSource(upstream.New(upstream.Options{})), q, nil)

	if got, _, err := s.RangeFor(ctx, u.ID, ""); err != nil || got != DefaultRange {
		t.Fatalf("no favourite yet: %s, %v", got, err)
	}
	if got, _, err := s.RangeFor(ctx, u.ID, "long_term"); err != nil || got != spotify.LongTerm {
		t.Fatalf("requested long_term: %s, %v", got, err)
	}
	if got, _, err := s.RangeFor(ctx, u.ID, ""); err != nil || got != spotify.LongTerm {
		t.Fatalf("the favourite is %s, %v; want long_term", got, err)
	}
	if _, _, err := s.RangeFor(ctx, u.ID, "forever"); !errors.Is(err, spotify.ErrUnknownTimeRange) {
		t.Fatalf("a bad range: %v", err)
	}
	if fav, _ := q.GetFavoriteRange(ctx, u.ID); fav.FavoriteRange != "long_term" {
		t.Fatalf("a bad range changed the favourite to %q", fav)
	}
}
