package history

import (
	"cmp"
	"context"
	"log/slog"
	"math/rand/v2"
	"net/url"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/euterpe-dev/euterpe/db"
	"github.com/euterpe-dev/euterpe/internal/testcatalog"
	"github.com/euterpe-dev/euterpe/internal/testclock"
	"github.com/euterpe-dev/euterpe/internal/testdb"
	"github.com/euterpe-dev/euterpe/spotify"
)

// listen makes n plays of the catalogue ending before end, in sessions with
// gaps, each play after the previous one ended.
func listen(c testcatalog.Catalogue, r *rand.Rand, n int, end time.Time, span time.Duration) []Play {
	var plays []Play
	t := end.Add(-span)
	for len(plays) < n {
		tr := c.Tracks[int(float64(len(c.Tracks))*r.Float64()*r.Float64())] // some tracks far more than others
		ms := -1
		heard := tr.DurationMS
		if r.IntN(3) == 0 { // an export's exact time heard
			ms = 30_000 + r.IntN(tr.DurationMS-30_000)
			heard = ms
		}
		t = t.Add(time.Duration(heard)*time.Millisecond + time.Duration(r.IntN(5))*time.Second)
		if r.IntN(12) == 0 {
			t = t.Add(time.Duration(10+r.IntN(600)) * time.Minute) // a pause, maybe long
		}
		if t.After(end) {
			break
		}
		plays = append(plays, Play{Track: tr, PlayedAt: t.Truncate(time.Millisecond), MSPlayed: ms})
	}
	return plays
}

func TestRecordStoresEachListenOnce(t *testing.T) {
	ctx := context.Background()
	pool, _ := testdb.Migrated(t)
	s := NewStore(pool)
	r := rand.New(rand.NewPCG(1, 1))
	c := testcatalog.New(r, 3, 1, 4)
	u := testdb.NewUser(t, pool, "u")
	at := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	a, b := c.Tracks[0], c.Tracks[1]

	rec, err := s.Record(ctx, u, SourcePoll, []Play{{Track: a, PlayedAt: at, MSPlayed: -1}, {Track: b, PlayedAt: at.Add(4 * time.Minute), MSPlayed: -1}})
	if err != nil || rec.New != 2 || !rec.Newest.Equal(at.Add(4*time.Minute)) {
		t.Fatalf("first poll: %+v %v", rec, err)
	}
	// An overlapping poll sends the same plays again and one new one.
	rec, err = s.Record(ctx, u, SourcePoll, []Play{{Track: b, PlayedAt: at.Add(4 * time.Minute), MSPlayed: -1}, {Track: a, PlayedAt: at.Add(8 * time.Minute), MSPlayed: -1}})
	if err != nil || rec.New != 1 {
		t.Fatalf("overlapping poll: %+v %v", rec, err)
	}
	// An export reports the first listen 20 s off (its own rounding): the same play.
	rec, err = s.Record(ctx, u, SourceExtendedExport, []Play{{Track: a, PlayedAt: at.Add(-20 * time.Second), MSPlayed: 120_000}})
	if err != nil || rec.New != 0 {
		t.Fatalf("the same listen from an export: %+v %v", rec, err)
	}
	// 30 s apart is two listens (each heard at least 30 s).
	rec, err = s.Record(ctx, u, SourceExtendedExport, []Play{{Track: a, PlayedAt: at.Add(8*time.Minute + 30*time.Second), MSPlayed: 30_000}})
	if err != nil || rec.New != 1 {
		t.Fatalf("a real repeat 30 s later: %+v %v", rec, err)
	}
	// Local files and malformed ids are skipped, not stored.
	rec, err = s.Record(ctx, u, SourcePoll, []Play{{Track: spotify.Track{ID: "", Name: "local.mp3"}, PlayedAt: at.Add(time.Hour)}, {Track: spotify.Track{ID: "short", Name: "x"}, PlayedAt: at.Add(time.Hour)}})
	if err != nil || rec.New != 0 || rec.Skipped != 2 {
		t.Fatalf("tracks without ids: %+v %v", rec, err)
	}
	if n := testdb.Count(t, pool, "SELECT count(*) FROM euterpe.plays"); n != 4 {
		t.Fatalf("%d plays stored, want 4", n)
	}
	// The rule holds for any writer, not only this package: a plain INSERT
	// of a listen already stored adds nothing.
	tag, err := pool.Exec(ctx, `INSERT INTO euterpe.plays (user_id, played_at, track_id, source_id)
		SELECT $1, $2, id, 1 FROM euterpe.tracks WHERE spotify_id = $3`, u, at.Add(10*time.Second), a.ID)
	if err != nil || tag.RowsAffected() != 0 {
		t.Fatalf("raw duplicate insert: %v, %d rows", err, tag.RowsAffected())
	}
	// Another user's identical listen is theirs.
	v := testdb.NewUser(t, pool, "v")
	if rec, err := s.Record(ctx, v, SourcePoll, []Play{{Track: a, PlayedAt: at, MSPlayed: -1}}); err != nil || rec.New != 1 {
		t.Fatalf("another user's play: %+v %v", rec, err)
	}
}

// TestConcurrentWritersStoreOnce: overlapping batches written at once by
// separate transactions (a poll and an import, two dynos) store every
// listen exactly once.
func TestConcurrentWritersStoreOnce(t *testing.T) {
	ctx := context.Background()
	pool, _ := testdb.Migrated(t)
	s := NewStore(pool)
	r := rand.New(rand.NewPCG(2, 2))
	c := testcatalog.New(r, 5, 2, 5)
	u := testdb.NewUser(t, pool, "u")
	plays := listen(c, r, 400, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), 7*24*time.Hour)
	var wg sync.WaitGroup
	var mu sync.Mutex
	total := 0
	for w := range 8 {
		wg.Go(func() {
			// Each writer a different overlapping half, in its own order.
			batch := slices.Clone(plays[w*len(plays)/16 : w*len(plays)/16+len(plays)/2])
			rr := rand.New(rand.NewPCG(uint64(w), 9))
			rr.Shuffle(len(batch), func(i, j int) { batch[i], batch[j] = batch[j], batch[i] })
			for chunk := range slices.Chunk(batch, 37) {
				rec, err := s.Record(ctx, u, SourcePoll, chunk)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				total += rec.New
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	covered := len(plays)/16*7 + len(plays)/2
	if n := testdb.Count(t, pool, "SELECT count(*) FROM euterpe.plays"); n != covered || total != covered {
		t.Fatalf("stored %d, reported %d new, want %d", n, total, covered)
	}
}

func TestCatalogueFollowsSpotify(t *testing.T) {
	ctx := context.Background()
	pool, _ := testdb.Migrated(t)
	s := NewStore(pool)
	r := rand.New(rand.NewPCG(3, 3))
	c := testcatalog.New(r, 2, 1, 2)
	u := testdb.NewUser(t, pool, "u")
	tr := c.Tracks[0]
	at := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	if _, err := s.Record(ctx, u, SourcePoll, []Play{{Track: tr, PlayedAt: at, MSPlayed: -1}}); err != nil {
		t.Fatal(err)
	}
	// Spotify renames the track, credits another artist and sends the
	// album without its picture.
	tr.Name = "Song (Remastered)"
	tr.Artists = append(tr.Artists, spotify.SimplifiedArtist{ID: testcatalog.ID(r), Name: "Guest"})
	tr.Album.Images = nil
	if _, err := s.Record(ctx, u, SourcePoll, []Play{{Track: tr, PlayedAt: at.Add(time.Hour), MSPlayed: -1}}); err != nil {
		t.Fatal(err)
	}
	var name, artists string
	var image *string
	err := pool.QueryRow(ctx, `SELECT t.name, al.image_url,
		(SELECT string_agg(a.name, ', ' ORDER BY ta.position) FROM euterpe.track_artists ta JOIN euterpe.artists a ON a.id = ta.artist_id WHERE ta.track_id = t.id)
		FROM euterpe.tracks t JOIN euterpe.albums al ON al.id = t.album_id WHERE t.spotify_id = $1`, tr.ID).Scan(&name, &image, &artists)
	if err != nil {
		t.Fatal(err)
	}
	if name != "Song (Remastered)" || artists != tr.Artists[0].Name+", Guest" || image == nil || *image == "" {
		t.Fatalf("after Spotify's update: %q by %q, picture %v", name, artists, image)
	}
	if n := testdb.Count(t, pool, "SELECT count(*) FROM euterpe.tracks"); n != 1 {
		t.Fatalf("%d tracks: the update made a second one", n)
	}
}

func TestDeletingTheUserDeletesTheirHistory(t *testing.T) {
	ctx := context.Background()
	pool, _ := testdb.Migrated(t)
	s := NewStore(pool)
	r := rand.New(rand.NewPCG(4, 4))
	c := testcatalog.New(r, 3, 1, 3)
	u := testdb.NewUser(t, pool, "u")
	if _, err := s.Record(ctx, u, SourcePoll, listen(c, r, 50, testclock.Now(), 24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.New(pool).DeleteUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"plays", "play_hours", "play_totals", "listening_sessions"} {
		if n := testdb.Count(t, pool, "SELECT count(*) FROM euterpe."+table); n != 0 {
			t.Errorf("%d rows left in %s", n, table)
		}
	}
}

// truth is what the reads must agree with, computed in Go from the plays
// themselves.
type truth struct {
	plays []Play
	loc   *time.Location
	ids   map[string]int64 // our track ids by Spotify id
}

func (tr truth) ms(p Play) int64 {
	if p.MSPlayed >= 0 {
		return int64(p.MSPlayed)
	}
	return int64(p.Track.DurationMS)
}

func (tr truth) in(p Play, s Span) bool {
	d := day(p.PlayedAt.In(tr.loc))
	return !d.Before(s.From) && !d.After(s.To)
}

// top counts plays and time per key over the span.
func (tr truth) top(s Span, keys func(Play) []string) map[string][2]int64 {
	out := map[string][2]int64{}
	for _, p := range tr.plays {
		if !tr.in(p, s) {
			continue
		}
		for _, k := range keys(p) {
			v := out[k]
			out[k] = [2]int64{v[0] + 1, v[1] + tr.ms(p)}
		}
	}
	return out
}

func TestReadsAgreeWithThePlays(t *testing.T) {
	ctx := context.Background()
	pool, _ := testdb.Migrated(t)
	store := NewStore(pool)
	now := testclock.Start()
	svc := NewService(Options{Log: slog.New(slog.DiscardHandler), Pool: pool, Now: func() time.Time { return now }})
	r := rand.New(rand.NewPCG(5, 5))
	c := testcatalog.New(r, 12, 3, 6)
	u := testdb.NewUser(t, pool, "u")
	other := testdb.NewUser(t, pool, "other")
	plays := listen(c, r, 6000, now.Add(-time.Hour), 700*24*time.Hour)
	for chunk := range slices.Chunk(plays, 500) {
		if _, err := store.Record(ctx, u, SourceExtendedExport, chunk); err != nil {
			t.Fatal(err)
		}
	}
	// Someone else's listening must never show.
	if _, err := store.Record(ctx, other, SourcePoll, listen(c, r, 500, now.Add(-time.Hour), 90*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	ids := map[string]int64{}
	rows, _ := pool.Query(ctx, "SELECT spotify_id, id FROM euterpe.tracks")
	for rows.Next() {
		var s string
		var id int64
		rows.Scan(&s, &id)
		ids[s] = id
	}
	rows.Close()

	check := func(t *testing.T, loc *time.Location) {
		tr := truth{plays: plays, loc: loc, ids: ids}
		spans := []url.Values{{}, {"period": {"today"}}, {"period": {"this_week"}}, {"period": {"this_month"}}, {"period": {"this_year"}}, {"period": {"last_365_days"}}}
		for range 25 {
			f := now.AddDate(0, 0, -730+r.IntN(720)) // over the 700 days of plays and a little before
			spans = append(spans, url.Values{"from": {f.Format(dateLayout)}, "to": {f.AddDate(0, 0, r.IntN(500)).Format(dateLayout)}})
		}
		for _, q := range spans {
			v, zone, err := svc.ViewFor(ctx, u, q)
			if err != nil {
				t.Fatal(err)
			}
			if zone.Loc.String() != loc.String() {
				t.Fatalf("zone %s, want %s", zone.Loc, loc)
			}
			name := q.Encode()
			tot, err := svc.Totals(ctx, v)
			if err != nil {
				t.Fatal(err)
			}
			trackTop := tr.top(v.Span, func(p Play) []string { return []string{p.Track.ID} })
			artistTop := tr.top(v.Span, func(p Play) []string {
				var ks []string
				for _, a := range p.Track.Artists {
					if !slices.Contains(ks, a.ID) {
						ks = append(ks, a.ID)
					}
				}
				return ks
			})
			var plays, ms int64
			for _, v := range trackTop {
				plays, ms = plays+v[0], ms+v[1]
			}
			if tot.Plays != plays || tot.Minutes != roundedMinutes(ms) || tot.Tracks != int64(len(trackTop)) || tot.Artists != int64(len(artistTop)) {
				t.Errorf("%s: totals %+v, want %d plays, %d min, %d tracks, %d artists", name, tot, plays, roundedMinutes(ms), len(trackTop), len(artistTop))
			}
			for _, by := range []Measure{ByPlays, ByMinutes} {
				list, err := svc.Top(ctx, v, Tracks, by, 10)
				if err != nil {
					t.Fatal(err)
				}
				type row struct {
					id        int64
					plays, ms int64
				}
				var want []row
				for sidKey, v := range trackTop {
					want = append(want, row{ids[sidKey], v[0], v[1]})
				}
				slices.SortFunc(want, func(a, b row) int {
					ka, kb := a.plays, b.plays
					if by == ByMinutes {
						ka, kb = a.ms, b.ms
					}
					return cmp.Or(cmp.Compare(kb, ka), cmp.Compare(a.id, b.id))
				})
				want = want[:min(10, len(want))]
				if len(list.Items) != len(want) {
					t.Fatalf("%s by %s: %d items, want %d", name, by, len(list.Items), len(want))
				}
				for i, it := range list.Items {
					if it.ID != want[i].id || it.Plays != want[i].plays || it.Minutes != roundedMinutes(want[i].ms) || it.Rank != i+1 {
						t.Errorf("%s by %s #%d: %+v, want %+v", name, by, i+1, it, want[i])
					}
				}
			}
			clock, err := svc.ClockFor(ctx, v)
			if err != nil {
				t.Fatal(err)
			}
			var wantClock [7][24]int64
			for _, p := range tr.plays {
				if tr.in(p, v.Span) {
					l := p.PlayedAt.In(loc)
					wantClock[(int(l.Weekday())+6)%7][l.Hour()]++
				}
			}
			if clock.Plays != wantClock {
				t.Errorf("%s: the listening clock differs", name)
			}
			ss, err := svc.SessionsFor(ctx, v, 3)
			if err != nil {
				t.Fatal(err)
			}
			want := sessionsOf(tr, v.Span)
			if ss.Count != int64(len(want)) {
				t.Errorf("%s: %d sessions, want %d", name, ss.Count, len(want))
			} else if len(want) > 0 && (!ss.Longest[0].Start.Equal(want[0].Start) || !ss.Longest[0].End.Equal(want[0].End) || ss.Longest[0].Plays != want[0].Plays) {
				t.Errorf("%s: longest session %+v, want %+v", name, ss.Longest[0], want[0])
			}
		}
		// The calendar of a year.
		v, _, _ := svc.ViewFor(ctx, u, url.Values{})
		cal, err := svc.CalendarFor(ctx, v, 2025)
		if err != nil {
			t.Fatal(err)
		}
		perDay := map[time.Time]int64{}
		for _, p := range plays {
			perDay[day(p.PlayedAt.In(loc))]++
		}
		if len(cal.Days) != 365 {
			t.Fatalf("2025 has %d days", len(cal.Days))
		}
		for _, d := range cal.Days {
			if d.Plays != perDay[d.Date] {
				t.Errorf("%s: %d plays, want %d", d.Date.Format(dateLayout), d.Plays, perDay[d.Date])
			}
		}
	}
	t.Run("UTC", func(t *testing.T) { check(t, time.UTC) })

	// The user's browser reports Honolulu: the summaries are rebuilt there
	// and every figure follows.
	hnl, _ := time.LoadLocation("Pacific/Honolulu")
	svc.zoneChanged = nil
	rebuilding, err := svc.SetTimeZone(ctx, u, "Pacific/Honolulu")
	if err != nil || !rebuilding {
		t.Fatalf("SetTimeZone: %v, rebuilding %v", err, rebuilding)
	}
	if z, _ := svc.ZoneFor(ctx, u); !z.Rebuilding() || z.Loc.String() != "UTC" {
		t.Fatalf("before the rebuild the figures stay in UTC: %+v", z)
	}
	if err := store.RebuildSummaries(ctx, u); err != nil {
		t.Fatal(err)
	}
	t.Run("Honolulu", func(t *testing.T) { check(t, hnl) })

	if _, err := svc.SetTimeZone(ctx, u, "Mars/Olympus"); err == nil {
		t.Error("an unknown zone was accepted")
	}
}

// sessionsOf computes sessions the slow way, longest first.
func sessionsOf(tr truth, s Span) []Session {
	ps := slices.Clone(tr.plays)
	slices.SortFunc(ps, func(a, b Play) int { return a.PlayedAt.Compare(b.PlayedAt) })
	var all []Session
	for _, p := range ps {
		start := p.PlayedAt.Add(-time.Duration(tr.ms(p)) * time.Millisecond)
		if n := len(all); n > 0 && start.Sub(all[n-1].End) <= 20*time.Minute {
			all[n-1].End = p.PlayedAt
			all[n-1].Plays++
			continue
		}
		all = append(all, Session{Start: start, End: p.PlayedAt, Plays: 1})
	}
	var in []Session
	for _, x := range all {
		if !x.Start.Before(s.Start()) && x.Start.Before(s.End()) {
			in = append(in, x)
		}
	}
	slices.SortStableFunc(in, func(a, b Session) int {
		return cmp.Or(cmp.Compare(b.Duration(), a.Duration()), a.Start.Compare(b.Start))
	})
	return in
}

// roundedMinutes is the one rule for minutes everywhere (README: listening
// time): milliseconds rounded to the nearest minute, half up.
func roundedMinutes(ms int64) int64 { return (ms + 30_000) / 60_000 }
