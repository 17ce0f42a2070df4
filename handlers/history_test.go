package handlers

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/uuid"

	"github.com/euterpe-dev/euterpe/history"
	"github.com/euterpe-dev/euterpe/internal/testclock"
	"github.com/euterpe-dev/euterpe/panels"
	"github.com/euterpe-dev/euterpe/spotify"
	"github.com/euterpe-dev/euterpe/trends"
)

// The History tests store plays (the simulator's record of what a listener
// really played, or plays built by hand), compute by brute force what the
// History page must make of them, and compare: the summaries, the split of a
// range into years, months and ragged days, the time zone and the sessions
// are all behind the figures.

// ---- Storing plays ----

// userID is our id of the user who signed in with spotifyUserID.
func (e *env) userID(t testing.TB, spotifyUserID string) uuid.UUID {
	t.Helper()
	var id uuid.UUID
	if err := e.pool.QueryRow(context.Background(), `SELECT id FROM euterpe.users WHERE spotify_user_id = $1`, spotifyUserID).Scan(&id); err != nil {
		t.Fatalf("user %s: %v", spotifyUserID, err)
	}
	return id
}

// simPlays are the listener's true plays with from < played_at <= to, oldest
// first, from the simulator's GET /_sim/history, as recently-played items.
func (e *env) simPlays(t testing.TB, listener string, from, to time.Time) []history.Play {
	t.Helper()
	q := url.Values{"listener": {listener}, "after": {strconv.FormatInt(from.UnixMilli(), 10)}, "before": {strconv.FormatInt(to.UnixMilli(), 10)}}
	res, err := http.Get(e.simURL + "/_sim/history?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("/_sim/history for %s: %d", listener, res.StatusCode)
	}
	var body struct {
		Items []spotify.PlayHistory `json:"items"`
	}
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	if len(body.Items) == 0 {
		t.Fatalf("the simulator says %s played nothing from %s to %s", listener, from, to)
	}
	return history.PlaysFromRecent(body.Items)
}

// record stores plays for the user and fails unless every one was new.
func (e *env) record(t testing.TB, userID uuid.UUID, src history.Source, plays []history.Play) {
	t.Helper()
	rec, err := e.store.Record(context.Background(), userID, src, plays)
	if err != nil {
		t.Fatalf("record %d plays: %v", len(plays), err)
	}
	if rec.New != len(plays) || rec.Skipped != 0 {
		t.Fatalf("recorded %d new plays and skipped %d of %d", rec.New, rec.Skipped, len(plays))
	}
}

// historyUser is a listener signed in with the plays of their last days
// stored as the poller would have.
type historyUser struct {
	listener string
	c        *http.Client
	id       uuid.UUID
	listens  []listen
}

func (e *env) historyUser(t testing.TB, listener string, days int) *historyUser {
	t.Helper()
	c := e.login(t, listener)
	id := e.userID(t, listener)
	now := testclock.Now()
	plays := e.simPlays(t, listener, now.AddDate(0, 0, -days), now)
	e.record(t, id, history.SourcePoll, plays)
	return &historyUser{listener: listener, c: c, id: id, listens: listensOf(nil, plays)}
}

// ---- What the figures must be ----

// listen is a stored play as the summaries count it.
type listen struct {
	track spotify.Track
	at    time.Time // played_at: when playback ended
	ms    int64     // how long it was heard
}

func (l listen) start() time.Time { return l.at.Add(-time.Duration(l.ms) * time.Millisecond) }

// listensOf adds plays to those stored before (all chronological), with the
// time heard as the README says a poll's is estimated: the track's length,
// cut to the time since the previous play ended.
func listensOf(before []listen, plays []history.Play) []listen {
	plays = slices.Clone(plays)
	slices.SortStableFunc(plays, func(a, b history.Play) int { return a.PlayedAt.Compare(b.PlayedAt) })
	out := slices.Clone(before)
	for _, p := range plays {
		ms := int64(p.MSPlayed)
		if ms < 0 {
			ms = int64(p.Track.DurationMS)
			if len(out) > 0 {
				if since := p.PlayedAt.Sub(out[len(out)-1].at).Milliseconds(); since >= 0 && since < ms {
					ms = since
				}
			}
		}
		out = append(out, listen{track: p.Track, at: p.PlayedAt, ms: ms})
	}
	return out
}

// date is the calendar day of t in loc, as a UTC midnight (history's dates).
func date(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func today(loc *time.Location) time.Time { return date(testclock.Now(), loc) }

// dayStart is the first instant of day d in loc, found minute by minute:
// midnight, or when the clocks jump on a day whose midnight they skip.
func dayStart(d time.Time, loc *time.Location) time.Time {
	t := d.Add(-15 * time.Hour)
	for !date(t, loc).Equal(d) {
		t = t.Add(time.Minute)
	}
	return t
}

type tally struct{ plays, ms int64 }

func (x *tally) add(ms int64) { x.plays++; x.ms += ms }

// itemKeys are the Spotify ids a play counts for, per kind: the track, its
// album, each of its artists once.
func itemKeys(tr spotify.Track) map[history.Kind][]string {
	keys := map[history.Kind][]string{history.Tracks: {tr.ID}}
	if tr.Album.ID != "" && tr.Album.Name != "" {
		keys[history.Albums] = []string{tr.Album.ID}
	}
	for _, a := range tr.Artists {
		if a.ID != "" && a.Name != "" && !slices.Contains(keys[history.Artists], a.ID) {
			keys[history.Artists] = append(keys[history.Artists], a.ID)
		}
	}
	return keys
}

type expSession struct {
	start, end time.Time
	plays      int
	ms         int64
}

// sessionsOf splits every listen into sessions: ordered by start, a listen
// starting more than 20 minutes after the latest end so far starts a new
// one.
func sessionsOf(all []listen) []expSession {
	ls := slices.Clone(all)
	slices.SortStableFunc(ls, func(a, b listen) int { return cmp.Or(a.start().Compare(b.start()), a.at.Compare(b.at)) })
	var out []expSession
	var latest time.Time
	for i, l := range ls {
		if i == 0 || l.start().Sub(latest) > 20*time.Minute {
			out = append(out, expSession{start: l.start(), end: l.at})
		}
		s := &out[len(out)-1]
		s.plays++
		s.ms += l.ms
		if l.at.After(s.end) {
			s.end = l.at
		}
		if l.at.After(latest) {
			latest = l.at
		}
	}
	return out
}

// expected is what a range of days must show, counted play by play.
type expected struct {
	loc      *time.Location
	from, to time.Time // dates, inclusive
	total    tally
	days     map[time.Time]*tally
	clock    [7][24]int64
	items    map[history.Kind]map[string]*tally // by Spotify id
	sessions []expSession                       // those starting in the range
}

func expect(all []listen, loc *time.Location, from, to time.Time) expected {
	x := expected{loc: loc, from: from, to: to, days: map[time.Time]*tally{}, items: map[history.Kind]map[string]*tally{}}
	for _, k := range history.Kinds() {
		x.items[k] = map[string]*tally{}
	}
	for _, l := range all {
		d := date(l.at, loc)
		if d.Before(from) || d.After(to) {
			continue
		}
		x.total.add(l.ms)
		if x.days[d] == nil {
			x.days[d] = &tally{}
		}
		x.days[d].add(l.ms)
		local := l.at.In(loc)
		x.clock[(int(local.Weekday())+6)%7][local.Hour()]++
		for k, ids := range itemKeys(l.track) {
			for _, id := range ids {
				if x.items[k][id] == nil {
					x.items[k][id] = &tally{}
				}
				x.items[k][id].add(l.ms)
			}
		}
	}
	start, end := dayStart(from, loc), dayStart(to.AddDate(0, 0, 1), loc)
	for _, s := range sessionsOf(all) {
		if !s.start.Before(start) && s.start.Before(end) {
			x.sessions = append(x.sessions, s)
		}
	}
	return x
}

func (x expected) spanDays() int { return int(x.to.Sub(x.from)/(24*time.Hour)) + 1 }

// ranked is the top list of kind k by measure, as our ids: most first, ties
// by id.
func (x expected) ranked(k history.Kind, by history.Measure, cat catalogue) []int64 {
	var ids []int64
	for sid := range x.items[k] {
		ids = append(ids, cat.ids[k][sid])
	}
	metric := func(id int64) int64 {
		t := x.items[k][cat.spotifyIDs[k][id]]
		if by == history.ByMinutes {
			return t.ms
		}
		return t.plays
	}
	slices.SortFunc(ids, func(a, b int64) int { return cmp.Or(cmp.Compare(metric(b), metric(a)), cmp.Compare(a, b)) })
	return ids[:min(len(ids), history.TopLimit)]
}

// catalogue maps Spotify ids to ours and back, with the names, per kind.
type catalogue struct {
	ids        map[history.Kind]map[string]int64
	spotifyIDs map[history.Kind]map[int64]string
	names      map[history.Kind]map[int64]string
}

func (e *env) catalogue(t testing.TB) catalogue {
	t.Helper()
	cat := catalogue{ids: map[history.Kind]map[string]int64{}, spotifyIDs: map[history.Kind]map[int64]string{}, names: map[history.Kind]map[int64]string{}}
	for k, table := range map[history.Kind]string{history.Tracks: "tracks", history.Artists: "artists", history.Albums: "albums"} {
		cat.ids[k], cat.spotifyIDs[k], cat.names[k] = map[string]int64{}, map[int64]string{}, map[int64]string{}
		rows, err := e.pool.Query(context.Background(), "SELECT id, spotify_id, name FROM euterpe."+table)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id int64
			var sid, name string
			if err := rows.Scan(&id, &sid, &name); err != nil {
				t.Fatal(err)
			}
			cat.ids[k][sid], cat.spotifyIDs[k][id], cat.names[k][id] = id, sid, name
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	}
	return cat
}

// ---- /history.json ----

type historyJSONItem struct {
	Rank     int    `json:"rank"`
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Detail   string `json:"detail"`
	ImageURL string `json:"image_url"`
	Plays    int64  `json:"plays"`
	Minutes  int64  `json:"minutes"`
}

type historyJSONTop struct {
	Kind    string            `json:"kind"`
	By      string            `json:"by"`
	Items   []historyJSONItem `json:"items"`
	InRange int64             `json:"distinct_in_range"`
}

type historyJSONAnswer struct {
	TimeZone string `json:"time_zone"`
	From     string `json:"from"`
	To       string `json:"to"`
	Totals   struct {
		Plays       int64 `json:"plays"`
		Minutes     int64 `json:"minutes"`
		Tracks      int64 `json:"distinct_tracks"`
		Artists     int64 `json:"distinct_artists"`
		DaysPlayed  int64 `json:"days_with_plays"`
		DaysInRange int   `json:"days_in_range"`
	} `json:"totals"`
	Top struct {
		Tracks  historyJSONTop `json:"tracks"`
		Artists historyJSONTop `json:"artists"`
		Albums  historyJSONTop `json:"albums"`
	} `json:"top"`
	Days []struct {
		Date    string `json:"date"`
		Plays   int64  `json:"plays"`
		Minutes int64  `json:"minutes"`
	} `json:"days"`
	Clock struct {
		Plays    [7][24]int64 `json:"plays_by_weekday_and_hour"`
		Max      int64        `json:"max_plays"`
		TimeZone string       `json:"time_zone"`
	} `json:"clock"`
	Sessions struct {
		Count          int64 `json:"count"`
		TotalMinutes   int64 `json:"total_minutes"`
		AverageMinutes int64 `json:"average_minutes"`
		Longest        []struct {
			Start   time.Time `json:"start"`
			End     time.Time `json:"end"`
			Plays   int       `json:"plays"`
			Minutes int64     `json:"minutes"`
		} `json:"longest"`
	} `json:"sessions"`
}

func (a historyJSONAnswer) top(k history.Kind) historyJSONTop {
	switch k {
	case history.Artists:
		return a.Top.Artists
	case history.Albums:
		return a.Top.Albums
	}
	return a.Top.Tracks
}

// historyJSON fetches /history.json?query and decodes it, failing unless it
// is a 200 with exactly the documented keys.
func historyJSON(t testing.TB, e *env, c *http.Client, query string) historyJSONAnswer {
	t.Helper()
	status, body, res := get(t, c, e.appURL+"/history.json?"+query)
	if status != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("/history.json?%s: %d %s %.300s", query, status, res.Header.Get("Content-Type"), body)
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(body, &keys); err != nil {
		t.Fatal(err)
	}
	got := slices.Sorted(maps.Keys(keys))
	if want := []string{"clock", "days", "from", "sessions", "time_zone", "to", "top", "totals"}; !slices.Equal(got, want) {
		t.Errorf("/history.json?%s has keys %q, want %q", query, got, want)
	}
	var a historyJSONAnswer
	if err := json.Unmarshal(body, &a); err != nil {
		t.Fatalf("/history.json?%s: %v", query, err)
	}
	return a
}

// checkHistoryJSON compares an answer with the brute-force count.
func checkHistoryJSON(t testing.TB, what string, got historyJSONAnswer, want expected, by history.Measure, cat catalogue) {
	t.Helper()
	if got.TimeZone != want.loc.String() || got.Clock.TimeZone != want.loc.String() {
		t.Errorf("%s: time zone %q (clock %q), want %q", what, got.TimeZone, got.Clock.TimeZone, want.loc)
	}
	if got.From != want.from.Format(time.DateOnly) || got.To != want.to.Format(time.DateOnly) {
		t.Errorf("%s: range %s..%s, want %s..%s", what, got.From, got.To, want.from.Format(time.DateOnly), want.to.Format(time.DateOnly))
	}

	tot := got.Totals
	if tot.Plays != want.total.plays || tot.Minutes != roundedMinutes(want.total.ms) {
		t.Errorf("%s: totals %d plays, %d minutes; stored in the range: %d plays, %d minutes", what, tot.Plays, tot.Minutes, want.total.plays, roundedMinutes(want.total.ms))
	}
	if tot.Tracks != int64(len(want.items[history.Tracks])) || tot.Artists != int64(len(want.items[history.Artists])) {
		t.Errorf("%s: %d distinct tracks and %d artists, want %d and %d", what, tot.Tracks, tot.Artists, len(want.items[history.Tracks]), len(want.items[history.Artists]))
	}
	if tot.DaysPlayed != int64(len(want.days)) || tot.DaysInRange != want.spanDays() {
		t.Errorf("%s: %d days with plays of %d, want %d of %d", what, tot.DaysPlayed, tot.DaysInRange, len(want.days), want.spanDays())
	}

	for _, k := range history.Kinds() {
		list := got.top(k)
		if list.Kind != string(k) || list.By != string(by) || list.InRange != int64(len(want.items[k])) {
			t.Errorf("%s: top %s is kind %q by %q with %d in range, want %s by %s with %d", what, k, list.Kind, list.By, list.InRange, k, by, len(want.items[k]))
		}
		var ids []int64
		for i, it := range list.Items {
			ids = append(ids, it.ID)
			if it.Rank != i+1 {
				t.Errorf("%s: top %s #%d has rank %d", what, k, i+1, it.Rank)
			}
			sid := cat.spotifyIDs[k][it.ID]
			w := want.items[k][sid]
			if w == nil {
				t.Errorf("%s: top %s lists %q (%d), which was not played in the range", what, k, it.Name, it.ID)
				continue
			}
			if it.Plays != w.plays || it.Minutes != roundedMinutes(w.ms) || it.Name != cat.names[k][it.ID] {
				t.Errorf("%s: top %s #%d %q: %d plays, %d minutes; want %q: %d plays, %d minutes", what, k, i+1, it.Name, it.Plays, it.Minutes, cat.names[k][it.ID], w.plays, roundedMinutes(w.ms))
			}
			if i > 0 {
				prev := list.Items[i-1]
				if by == history.ByPlays && it.Plays > prev.Plays || by == history.ByMinutes && it.Minutes > prev.Minutes {
					t.Errorf("%s: top %s not in order at #%d: %+v after %+v", what, k, i+1, it, prev)
				}
			}
		}
		if wantIDs := want.ranked(k, by, cat); !slices.Equal(ids, wantIDs) {
			t.Errorf("%s: top %s by %s are\n%v, want\n%v", what, k, by, ids, wantIDs)
		}
	}

	if len(got.Days) != want.spanDays() {
		t.Errorf("%s: %d days, want every day of the range (%d)", what, len(got.Days), want.spanDays())
	}
	var dayPlays int64
	for i, d := range got.Days {
		day := want.from.AddDate(0, 0, i)
		w := want.days[day]
		if w == nil {
			w = &tally{}
		}
		dayPlays += d.Plays
		if d.Date != day.Format(time.DateOnly) || d.Plays != w.plays || d.Minutes != roundedMinutes(w.ms) {
			t.Errorf("%s: days[%d] = %+v, want %s with %d plays, %d minutes", what, i, d, day.Format(time.DateOnly), w.plays, roundedMinutes(w.ms))
		}
	}
	if dayPlays != want.total.plays {
		t.Errorf("%s: the days add up to %d plays, the range has %d", what, dayPlays, want.total.plays)
	}

	var clockSum, clockMax int64
	for w := range 7 {
		for h := range 24 {
			clockSum += got.Clock.Plays[w][h]
			clockMax = max(clockMax, want.clock[w][h])
		}
	}
	if got.Clock.Plays != want.clock || got.Clock.Max != clockMax {
		t.Errorf("%s: the clock differs from the plays' local weekdays and hours:\n got %v (max %d)\nwant %v (max %d)", what, got.Clock.Plays, got.Clock.Max, want.clock, clockMax)
	}
	if clockSum != want.total.plays {
		t.Errorf("%s: the clock adds up to %d plays, the range has %d", what, clockSum, want.total.plays)
	}

	ss := got.Sessions
	var ms int64
	for _, s := range want.sessions {
		ms += s.end.Sub(s.start).Milliseconds()
	}
	secs := (ms + 500) / 1000
	wantAvg := int64(0)
	if len(want.sessions) > 0 {
		wantAvg = roundedMinutes(secs * 1000 / int64(len(want.sessions)))
	}
	if ss.Count != int64(len(want.sessions)) || ss.TotalMinutes != roundedMinutes(secs*1000) || ss.AverageMinutes != wantAvg {
		t.Errorf("%s: sessions %d, %d minutes, %d on average; want %d, %d, %d", what, ss.Count, ss.TotalMinutes, ss.AverageMinutes, len(want.sessions), roundedMinutes(secs*1000), wantAvg)
	}
	longest := slices.Clone(want.sessions)
	slices.SortStableFunc(longest, func(a, b expSession) int {
		return cmp.Or(cmp.Compare(b.end.Sub(b.start), a.end.Sub(a.start)), a.start.Compare(b.start))
	})
	longest = longest[:min(len(longest), 10)]
	if len(ss.Longest) != len(longest) {
		t.Errorf("%s: %d longest sessions, want %d", what, len(ss.Longest), len(longest))
	}
	for i := range min(len(ss.Longest), len(longest)) {
		g, w := ss.Longest[i], longest[i]
		if !g.Start.Equal(w.start) || !g.End.Equal(w.end) || g.Plays != w.plays || g.Minutes != roundedMinutes(w.ms) {
			t.Errorf("%s: longest session #%d is %s–%s, %d plays, %d min; want %s–%s, %d plays, %d min", what, i+1,
				g.Start, g.End, g.Plays, g.Minutes, w.start, w.end, w.plays, roundedMinutes(w.ms))
		}
		if _, off := g.Start.Zone(); off != offsetIn(g.Start, want.loc) {
			t.Errorf("%s: longest session #%d starts at %s, not in %s", what, i+1, g.Start.Format(time.RFC3339), want.loc)
		}
	}
}

func offsetIn(t time.Time, loc *time.Location) int {
	_, off := t.In(loc).Zone()
	return off
}

// ---- Pages and panels ----

// historyPanelURLs are the HTMX partials /history?query asks for, by panel id.
func historyPanelURLs(t *testing.T, e *env, c *http.Client, query string) (map[string]string, *goquery.Document) {
	t.Helper()
	status, body, _ := get(t, c, e.appURL+"/history?"+query)
	if status != http.StatusOK {
		t.Fatalf("/history?%s: %d %.300s", query, status, body)
	}
	d := doc(t, body)
	urls := map[string]string{}
	d.Find("section.panel[hx-get]").Each(func(_ int, s *goquery.Selection) {
		urls[strings.TrimPrefix(s.AttrOr("id", ""), "panel-")] = s.AttrOr("hx-get", "")
	})
	var ids []string
	for _, p := range panels.History().All() {
		ids = append(ids, p.ID)
		if urls[p.ID] == "" {
			t.Errorf("/history?%s has no placeholder for panel %s", query, p.ID)
		}
	}
	if len(urls) != len(ids) {
		t.Errorf("/history?%s has %d placeholders, want %d (%q)", query, len(urls), len(ids), ids)
	}
	return urls, d
}

// statValue is the value of the stat labelled label in sel.
func statValue(sel *goquery.Selection, label string) string {
	var v string
	sel.Find(".stat").Each(func(_ int, s *goquery.Selection) {
		if strings.TrimSpace(s.Find("dt").Text()) == label {
			v = strings.TrimSpace(s.Find(".stat-value").Text())
		}
	})
	return v
}

func texts(sel *goquery.Selection) []string {
	var out []string
	sel.Each(func(_ int, s *goquery.Selection) { out = append(out, strings.TrimSpace(s.Text())) })
	return out
}

func countLabel(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.FormatInt(n, 10) + " " + many
}

var clockWeekdays = [7]string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}

// clockTitles are the clock panel's cell titles for a clock.
func clockTitles(clock [7][24]int64) []string {
	var out []string
	for w := range 7 {
		for h := range 24 {
			out = append(out, fmt.Sprintf("%s %02d:00–%02d:59: %s", clockWeekdays[w], h, h, countLabel(clock[w][h], "play", "plays")))
		}
	}
	return out
}

// checkHistoryPanels compares every loaded panel of a range with the count.
// all is every play stored (the calendar shows the whole year of the range's end).
func checkHistoryPanels(t *testing.T, docs map[string]*goquery.Document, want expected, all []listen, cat catalogue) {
	t.Helper()
	for id, d := range docs {
		sec := d.Find("section#panel-" + id)
		if sec.Length() != 1 {
			t.Fatalf("panel %s: no section#panel-%s", id, id)
		}
		if sec.HasClass("panel--error") {
			t.Errorf("panel %s is in its error state: %s", id, strings.TrimSpace(sec.Find(".panel-error").Text()))
		}
		if _, busy := sec.Attr("aria-busy"); busy || sec.HasClass("panel--loading") {
			t.Errorf("panel %s is still a placeholder", id)
		}
	}
	totals := docs["totals"].Find("#panel-totals")
	for label, value := range map[string]int64{
		"Plays": want.total.plays, "Tracks": int64(len(want.items[history.Tracks])),
		"Artists": int64(len(want.items[history.Artists])), "Days with music": int64(len(want.days)),
	} {
		if got := statValue(totals, label); got != strconv.FormatInt(value, 10) {
			t.Errorf("totals panel: %s is %q, want %d", label, got, value)
		}
	}
	for _, k := range history.Kinds() {
		var wantNames []string
		for _, id := range want.ranked(k, history.ByPlays, cat) {
			wantNames = append(wantNames, cat.names[k][id])
		}
		got := texts(docs["top-"+string(k)].Find("#panel-top-" + string(k) + " .track-title"))
		if len(wantNames) == 0 || !slices.Equal(got, wantNames) {
			t.Errorf("top %s panel lists\n%q\nwant (the most played first)\n%q", k, got, wantNames)
		}
		if href := docs["top-"+string(k)].Find(".track-title a").First().AttrOr("href", ""); href != history.ItemURL(k, want.ranked(k, history.ByPlays, cat)[0]) {
			t.Errorf("top %s panel's first item links to %q", k, href)
		}
	}

	year := want.to.Year()
	cal := expect(all, want.loc, time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC))
	var calTitles []string
	for d := cal.from; !d.After(cal.to); d = d.AddDate(0, 0, 1) {
		n := int64(0)
		if cal.days[d] != nil {
			n = cal.days[d].plays
		}
		calTitles = append(calTitles, d.Format("Mon 2 Jan 2006")+": "+countLabel(n, "play", "plays"))
	}
	if got := texts(docs["calendar"].Find("#panel-calendar svg rect title")); !slices.Equal(got, calTitles) {
		t.Errorf("calendar of %d: %d cells, want %d, one per day with its plays; first differences: %v", year, len(got), len(calTitles), firstDiff(got, calTitles))
	}

	if got := texts(docs["clock"].Find("#panel-clock svg rect title")); !slices.Equal(got, clockTitles(want.clock)) {
		t.Errorf("clock: cells differ from the plays' local hours; first differences: %v", firstDiff(got, clockTitles(want.clock)))
	}
	if sub := strings.TrimSpace(docs["clock"].Find("#panel-clock .panel-sub").Text()); sub != "When you listen, in "+want.loc.String() {
		t.Errorf("clock panel subtitle %q", sub)
	}

	if got := statValue(docs["sessions"].Find("#panel-sessions"), "Sessions"); got != strconv.Itoa(len(want.sessions)) {
		t.Errorf("sessions panel: %q sessions, want %d", got, len(want.sessions))
	}
}

func firstDiff(got, want []string) []string {
	var out []string
	for i := range max(len(got), len(want)) {
		var g, w string
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			out = append(out, fmt.Sprintf("[%d] %q want %q", i, g, w))
			if len(out) == 3 {
				break
			}
		}
	}
	return out
}

// loadHistoryPanels fetches every panel as htmx does, failing on anything
// but a fragment.
func loadHistoryPanels(t *testing.T, e *env, c *http.Client, urls map[string]string) map[string]*goquery.Document {
	t.Helper()
	docs := map[string]*goquery.Document{}
	for id, u := range urls {
		status, body, res := get(t, c, e.appURL+u, "HX-Request", "true")
		if status != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("%s: %d %.300s", u, status, body)
		}
		d := doc(t, body)
		if d.Find("nav.user-nav, .site-footer").Length() > 0 {
			t.Errorf("%s: HTMX got a whole page, want the fragment", u)
		}
		docs[id] = d
	}
	return docs
}

// ---- The tests ----

// The page of a signed-in user: every placeholder asks for its panel in the
// page's range, every panel loads without its error state and shows the
// user's own plays (counted here, play by play), the navbar marks History.
func TestHistoryPageShowsTheListenersPlays(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	u := e.historyUser(t, e.listeners(t)[0].ID, 75)
	cat := e.catalogue(t)
	end := today(time.UTC)
	from := time.Date(end.Year(), end.Month()-1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -2)

	for _, tc := range []struct {
		query    string
		from, to time.Time
		inURL    url.Values
	}{
		{"period=last_365_days", end.AddDate(0, 0, -364), end, url.Values{"period": {"last_365_days"}}},
		{"", date(u.listens[0].at, time.UTC), end, url.Values{"period": {"all_time"}}},
		{"from=" + from.Format(time.DateOnly) + "&to=" + end.AddDate(0, 0, -1).Format(time.DateOnly), from, end.AddDate(0, 0, -1),
			url.Values{"from": {from.Format(time.DateOnly)}, "to": {end.AddDate(0, 0, -1).Format(time.DateOnly)}}},
	} {
		t.Run(cmp.Or(tc.query, "default"), func(t *testing.T) {
			urls, page := historyPanelURLs(t, e, u.c, tc.query)
			for id, raw := range urls {
				pu, err := url.Parse(raw)
				if err != nil || pu.Path != "/history/panels/"+id {
					t.Errorf("panel %s asks for %q", id, raw)
					continue
				}
				for k, v := range tc.inURL {
					if got := pu.Query()[k]; !slices.Equal(got, v) {
						t.Errorf("panel %s asks for %q: %s=%q, want %q", id, raw, k, got, v)
					}
				}
			}
			if link := page.Find(`.page-foot a[href^="/history.json"]`).AttrOr("href", ""); !strings.Contains(link, tc.inURL.Encode()) {
				t.Errorf("the JSON link %q does not carry the range %s", link, tc.inURL.Encode())
			}
			if page.Find(`.user-nav a[href="/history"][aria-current="page"]`).Length() != 1 || page.Find(`.user-nav a[href="/"][aria-current]`).Length() != 0 {
				t.Error("the navbar does not mark History as the current page")
			}
			if page.Find(".empty-history").Length() != 0 {
				t.Error("a user with plays is told their history is empty")
			}
			want := expect(u.listens, time.UTC, tc.from, tc.to)
			if want.total.plays == 0 {
				t.Fatal("no plays in the range: the test proves nothing")
			}
			checkHistoryPanels(t, loadHistoryPanels(t, e, u.c, urls), want, u.listens, cat)
		})
	}

	// The top lists by minutes, the calendar of another year.
	for _, k := range history.Kinds() {
		u0 := "/history/panels/top-" + string(k) + "?period=all_time&by=minutes"
		d := loadHistoryPanels(t, e, u.c, map[string]string{"x": u0})["x"]
		want := expect(u.listens, time.UTC, date(u.listens[0].at, time.UTC), end)
		var names []string
		for _, id := range want.ranked(k, history.ByMinutes, cat) {
			names = append(names, cat.names[k][id])
		}
		if got := texts(d.Find(".track-title")); !slices.Equal(got, names) {
			t.Errorf("%s by minutes lists\n%q\nwant\n%q", u0, got, names)
		}
		if cur := strings.TrimSpace(d.Find(`.panel-switch a[aria-current="true"]`).Text()); cur != "By minutes" {
			t.Errorf("%s marks %q as the current ranking", u0, cur)
		}
	}
	lastYear := end.Year() - 1
	d := loadHistoryPanels(t, e, u.c, map[string]string{"x": fmt.Sprintf("/history/panels/calendar?period=all_time&year=%d", lastYear)})["x"]
	if got, want := strings.TrimSpace(d.Find(".panel-sub").Text()), fmt.Sprintf("Plays per day in %d", lastYear); got != want {
		t.Errorf("calendar for ?year=%d is titled %q", lastYear, got)
	}
	if n, days := d.Find("svg rect").Length(), time.Date(lastYear, 12, 31, 0, 0, 0, 0, time.UTC).YearDay(); n != days {
		t.Errorf("calendar of %d has %d cells, want %d", lastYear, n, days)
	}
}

// Signed out: the page sends to the landing page with its login button, a
// panel asks htmx to go to the login, the JSON says 401 in JSON.
func TestHistoryNeedsALogin(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	anon := noRedirects(e.browser(t))
	for _, path := range []string{"/history", "/history?period=today", "/history/tracks/1"} {
		status, _, res := get(t, anon, e.appURL+path)
		if status != http.StatusSeeOther || res.Header.Get("Location") != "/" {
			t.Errorf("anonymous %s: %d to %q, want 303 to the landing page", path, status, res.Header.Get("Location"))
		}
	}
	_, body, _ := get(t, e.browser(t), e.appURL+"/history")
	if doc(t, body).Find(`.user-nav a[href="/login"]`).Length() != 1 {
		t.Error("anonymous /history does not end on a page offering the login")
	}
	status, _, res := get(t, anon, e.appURL+"/history/panels/totals?period=all_time", "HX-Request", "true")
	if status != http.StatusOK || res.Header.Get("HX-Redirect") != "/login?reason=expired" {
		t.Errorf("anonymous panel: %d HX-Redirect %q", status, res.Header.Get("HX-Redirect"))
	}
	for _, q := range []string{"", "?period=all_time", "?from=bad"} {
		status, body, res := get(t, anon, e.appURL+"/history.json"+q)
		if status != http.StatusUnauthorized || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") ||
			strings.TrimSpace(string(body)) != `{"error":"Please log in"}` {
			t.Errorf("anonymous /history.json%s: %d %s %s", q, status, res.Header.Get("Content-Type"), body)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, e.appURL+"/preferences/time-zone", strings.NewReader("tz=Europe/Paris"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if res, err := anon.Do(req); err != nil {
		t.Fatal(err)
	} else {
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			t.Errorf("anonymous POST /preferences/time-zone: %d", res.StatusCode)
		}
	}
}

// /history.json for every preset and for custom ranges (ragged days, whole
// months, a whole year): the totals are the plays stored in the range, the
// days cover every day of it, the clock adds up, the top lists are ordered
// and counted right, and the sessions are those that started in it.
func TestHistoryJSONCountsEveryPlay(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	u := e.historyUser(t, e.listeners(t)[1].ID, 75)
	cat := e.catalogue(t)
	end := today(time.UTC)
	first := date(u.listens[0].at, time.UTC)
	monday := end.AddDate(0, 0, -((int(end.Weekday()) + 6) % 7))
	prevMonth := time.Date(end.Year(), end.Month()-1, 1, 0, 0, 0, 0, time.UTC)
	custom := func(f, t time.Time) string {
		return "from=" + f.Format(time.DateOnly) + "&to=" + t.Format(time.DateOnly)
	}
	for _, tc := range []struct {
		query    string
		from, to time.Time
		by       history.Measure
	}{
		{"period=today", end, end, history.ByPlays},
		{"period=this_week", monday, end, history.ByPlays},
		{"period=this_month", time.Date(end.Year(), end.Month(), 1, 0, 0, 0, 0, time.UTC), end, history.ByPlays},
		{"period=this_year", time.Date(end.Year(), 1, 1, 0, 0, 0, 0, time.UTC), end, history.ByPlays},
		{"period=last_365_days", end.AddDate(0, 0, -364), end, history.ByPlays},
		{"period=all_time", first, end, history.ByPlays},
		{"", first, end, history.ByPlays},
		{"period=all_time&by=minutes", first, end, history.ByMinutes},
		{"period=last_365_days&by=plays", end.AddDate(0, 0, -364), end, history.ByPlays},
		{custom(end.AddDate(0, 0, -20), end.AddDate(0, 0, -5)), end.AddDate(0, 0, -20), end.AddDate(0, 0, -5), history.ByPlays},
		{custom(end.AddDate(0, 0, -9), end.AddDate(0, 0, -9)), end.AddDate(0, 0, -9), end.AddDate(0, 0, -9), history.ByPlays},
		// Ragged days before a whole month, the whole month, ragged days after.
		{custom(prevMonth.AddDate(0, 0, -3), end.AddDate(0, 0, -1)), prevMonth.AddDate(0, 0, -3), end.AddDate(0, 0, -1), history.ByPlays},
		{custom(prevMonth.AddDate(0, -1, 0), prevMonth.AddDate(0, 1, -1)) + "&by=minutes", prevMonth.AddDate(0, -1, 0), prevMonth.AddDate(0, 1, -1), history.ByMinutes},
		// Whole years, read from the yearly totals.
		{custom(time.Date(end.Year(), 1, 1, 0, 0, 0, 0, time.UTC), time.Date(end.Year(), 12, 31, 0, 0, 0, 0, time.UTC)),
			time.Date(end.Year(), 1, 1, 0, 0, 0, 0, time.UTC), time.Date(end.Year(), 12, 31, 0, 0, 0, 0, time.UTC), history.ByPlays},
		{custom(time.Date(end.Year()-2, 6, 15, 0, 0, 0, 0, time.UTC), first.AddDate(0, 0, 10)),
			time.Date(end.Year()-2, 6, 15, 0, 0, 0, 0, time.UTC), first.AddDate(0, 0, 10), history.ByPlays},
		// Before any play.
		{custom(first.AddDate(-1, 0, 0), first.AddDate(0, 0, -1)), first.AddDate(-1, 0, 0), first.AddDate(0, 0, -1), history.ByPlays},
	} {
		want := expect(u.listens, time.UTC, tc.from, tc.to)
		checkHistoryJSON(t, "/history.json?"+tc.query, historyJSON(t, e, u.c, tc.query), want, tc.by, cat)
	}
	if all := historyJSON(t, e, u.c, "period=all_time"); all.Totals.Plays != int64(len(u.listens)) {
		t.Errorf("all time: %d plays, %d stored", all.Totals.Plays, len(u.listens))
	}
}

// Each user's JSON is their own plays only, though the catalogue is shared.
func TestHistoryJSONIsEachUsersOwn(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	ls := e.listeners(t)
	a := e.historyUser(t, ls[2].ID, 20)
	b := e.historyUser(t, ls[3].ID, 10)
	cat := e.catalogue(t)
	end := today(time.UTC)
	for _, u := range []*historyUser{a, b} {
		got := historyJSON(t, e, u.c, "period=last_365_days")
		checkHistoryJSON(t, u.listener, got, expect(u.listens, time.UTC, end.AddDate(0, 0, -364), end), history.ByPlays, cat)
		if got.Totals.Plays != int64(len(u.listens)) {
			t.Errorf("%s sees %d plays, stored %d", u.listener, got.Totals.Plays, len(u.listens))
		}
	}
	ta, tb := historyJSON(t, e, a.c, "period=all_time"), historyJSON(t, e, b.c, "period=all_time")
	sameTracks := slices.EqualFunc(ta.Top.Tracks.Items, tb.Top.Tracks.Items, func(x, y historyJSONItem) bool { return x.ID == y.ID })
	if ta.Totals.Plays == tb.Totals.Plays || sameTracks {
		t.Errorf("two listeners with different plays get the same history: %d and %d plays, same top tracks: %v", ta.Totals.Plays, tb.Totals.Plays, sameTracks)
	}
}

// Bad parameters answer 400 with a message naming the parameter, on the
// pages, the panels and the JSON, and never 500.
func TestHistoryBadInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	u := e.historyUser(t, e.listeners(t)[0].ID, 3)
	cat := e.catalogue(t)
	var trackID int64
	for id := range cat.names[history.Tracks] {
		trackID = max(trackID, id)
	}

	type where int
	const (
		page where = 1 << iota
		panel
		calendar
		topPanel
		jsonAPI
		all = page | panel | calendar | topPanel | jsonAPI
	)
	for _, tc := range []struct {
		query string
		param string
		in    where
	}{
		{"from=2026-13-01&to=2026-12-31", "from", all},
		{"from=yesterday&to=2026-12-31", "from", all},
		{"from=2026-02-30&to=2026-03-31", "from", all},
		{"from=2026-01-01&to=2026-1-31", "to", all},
		{"from=0999-01-01&to=2026-01-31", "from", all},
		{"from=2026-02-10&to=2026-02-01", "to", all},
		{"from=2026-02-01", "to", all},
		{"to=2026-02-01", "from", all},
		{"from=&to=2026-02-01", "from", all},
		{"from=2000-01-01&to=2020-01-01", "to", all},
		{"from=1900-01-01&to=9999-12-31", "to", all},
		{"period=forever", "period", all},
		{"period=", "period", all},
		{"period=TODAY", "period", all},
		{"period=today&from=2026-01-01&to=2026-01-02", "period", all},
		{"period=all_time&by=bogus", "by", page | panel | topPanel | jsonAPI},
		{"by=PLAYS", "by", page | topPanel | jsonAPI},
		{"period=all_time&year=abc", "year", page | panel | calendar},
		{"year=1899", "year", page | calendar},
		{"year=10000", "year", page | calendar},
		{"year=2026.0", "year", calendar},
	} {
		paths := map[where]string{page: "/history", panel: "/history/panels/totals", calendar: "/history/panels/calendar",
			topPanel: "/history/panels/top-artists", jsonAPI: "/history.json"}
		for w, path := range paths {
			if tc.in&w == 0 {
				continue
			}
			target := path + "?" + tc.query
			for _, hx := range []bool{false, true} {
				if hx && (w == page || w == jsonAPI) {
					continue
				}
				var header []string
				if hx {
					header = []string{"HX-Request", "true"}
				}
				status, body, res := get(t, u.c, e.appURL+target, header...)
				if status != http.StatusBadRequest {
					t.Errorf("%s (htmx %v): %d, want 400: %.200s", target, hx, status, body)
					continue
				}
				var msg string
				if w == jsonAPI {
					var got errorJSON
					if !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") || json.Unmarshal(body, &got) != nil {
						t.Errorf("%s: not a JSON error: %s", target, body)
					}
					msg = got.Error
				} else {
					msg = strings.TrimSpace(doc(t, body).Find(".error-page .lead").Text())
				}
				if !strings.HasPrefix(msg, tc.param+": ") {
					t.Errorf("%s: the message %q does not name %s", target, msg, tc.param)
				}
			}
		}
	}

	// Ranges at the edges are fine.
	for _, q := range []string{"from=2000-01-01&to=2019-12-31", "from=1900-01-01&to=1900-01-01", "from=9999-12-31&to=9999-12-31",
		"from=2026-02-28&to=2026-03-01", "from=2024-02-29&to=2024-02-29", "period=today&by=minutes&year=2025"} {
		for _, path := range []string{"/history", "/history/panels/top-tracks", "/history/panels/calendar", "/history/panels/sessions", "/history.json"} {
			if status, body, _ := get(t, u.c, e.appURL+path+"?"+q, "HX-Request", "true"); status != http.StatusOK {
				t.Errorf("%s?%s: %d, want 200: %.200s", path, q, status, body)
			}
		}
	}

	// Item pages.
	for _, tc := range []struct {
		path   string
		status int
		param  string
	}{
		{"/history/tracks/abc", http.StatusBadRequest, "id"},
		{"/history/tracks/0", http.StatusBadRequest, "id"},
		{"/history/tracks/-1", http.StatusBadRequest, "id"},
		{"/history/tracks/01", http.StatusBadRequest, "id"},
		{"/history/tracks/+1", http.StatusBadRequest, "id"},
		{"/history/tracks/1.0", http.StatusBadRequest, "id"},
		{"/history/albums/99999999999999999999", http.StatusBadRequest, "id"},
		{"/history/artists/%20", http.StatusBadRequest, "id"},
		{"/history/songs/1", http.StatusNotFound, ""},
		{"/history/Tracks/1", http.StatusNotFound, ""},
		{fmt.Sprintf("/history/tracks/%d", trackID+1000), http.StatusNotFound, ""},
		{"/history/artists/9223372036854775807", http.StatusNotFound, ""},
		{"/history/panels/nope?period=all_time", http.StatusBadRequest, ""},
	} {
		status, body, _ := get(t, u.c, e.appURL+tc.path)
		if status != tc.status {
			t.Errorf("%s: %d, want %d: %.200s", tc.path, status, tc.status, body)
			continue
		}
		if tc.param != "" {
			if msg := strings.TrimSpace(doc(t, body).Find(".error-page .lead").Text()); !strings.HasPrefix(msg, tc.param+": ") {
				t.Errorf("%s: the message %q does not name %s", tc.path, msg, tc.param)
			}
		}
	}
	if !strings.Contains(e.logs.String(), "status=200") || strings.Contains(e.logs.String(), "status=500") {
		t.Error("a request answered 500")
	}

	// An unknown time zone.
	for _, tz := range []string{"Mars/Base", "", "Local", "../../etc/passwd", strings.Repeat("A", 100)} {
		status, body, res := postForm(t, u.c, e.appURL+"/preferences/time-zone", url.Values{"tz": {tz}})
		var got errorJSON
		if status != http.StatusBadRequest || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") ||
			json.Unmarshal(body, &got) != nil || !strings.HasPrefix(got.Error, "tz: ") {
			t.Errorf("tz=%q: %d %s %s", tz, status, res.Header.Get("Content-Type"), body)
		}
	}
	if got := historyJSON(t, e, u.c, "period=today").TimeZone; got != "UTC" {
		t.Errorf("after refused zones the user's zone is %q", got)
	}
}

func postForm(t testing.TB, c *http.Client, rawURL string, form url.Values, header ...string) (int, []byte, *http.Response) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, rawURL, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, body, res
}

// handmadeTrack is a track of our own, beside the simulator's catalogue.
func handmadeTrack(n int) spotify.Track {
	id := func(kind string) string { return fmt.Sprintf("0Handmade%s%0*d", kind, 13-len(kind), n) }
	artist := spotify.SimplifiedArtist{ID: id("Artist"), Name: fmt.Sprintf("Handmade Artist %d", n)}
	return spotify.Track{ID: id("Track"), Name: fmt.Sprintf("Handmade Track %d", n), DurationMS: 200_000,
		Album:   spotify.SimplifiedAlbum{ID: id("Album"), Name: fmt.Sprintf("Handmade Album %d", n), AlbumType: "album", Artists: []spotify.SimplifiedArtist{artist}},
		Artists: []spotify.SimplifiedArtist{artist}}
}

// The browser's zone is stored (204); while the summaries are rebuilt the
// status says 204 and the figures stay in the old zone; once rebuilt it says
// 200 with HX-Refresh and every figure is in the new zone: a play at 22:45
// UTC is at 04:15 the next day in Kolkata.
func TestHistoryTimeZoneChange(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	ls := e.listeners(t)
	u := e.historyUser(t, ls[2].ID, 40)

	// One play by hand, for a second user.
	c2 := e.login(t, ls[3].ID)
	id2 := e.userID(t, ls[3].ID)
	day := today(time.UTC).AddDate(0, 0, -10)
	at := day.Add(22*time.Hour + 45*time.Minute)
	solo := []history.Play{{Track: handmadeTrack(1), PlayedAt: at, MSPlayed: 180_000}}
	e.record(t, id2, history.SourceExtendedExport, solo)
	soloListens := listensOf(nil, solo)
	cat := e.catalogue(t)

	kolkata, err := time.LoadLocation("Asia/Kolkata")
	if err != nil {
		t.Fatal(err)
	}
	status := func(c *http.Client) (int, string) {
		t.Helper()
		st, _, res := get(t, c, e.appURL+"/history/time-zone")
		if res.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("/history/time-zone may be cached: %q", res.Header.Get("Cache-Control"))
		}
		return st, res.Header.Get("HX-Refresh")
	}
	if st, refresh := status(u.c); st != http.StatusOK || refresh != "true" {
		t.Errorf("status before any change: %d HX-Refresh %q, want 200 true (nothing to wait for)", st, refresh)
	}
	checkAll := func(when string, loc *time.Location) {
		t.Helper()
		first := date(u.listens[0].at, loc)
		end := today(loc)
		checkHistoryJSON(t, when+" all time", historyJSON(t, e, u.c, "period=all_time"), expect(u.listens, loc, first, end), history.ByPlays, cat)
		q := "from=" + end.AddDate(0, 0, -15).Format(time.DateOnly) + "&to=" + end.AddDate(0, 0, -2).Format(time.DateOnly) + "&by=minutes"
		checkHistoryJSON(t, when+" "+q, historyJSON(t, e, u.c, q), expect(u.listens, loc, end.AddDate(0, 0, -15), end.AddDate(0, 0, -2)), history.ByMinutes, cat)
		checkHistoryJSON(t, when+" (solo)", historyJSON(t, e, c2, "period=last_365_days"), expect(soloListens, loc, end.AddDate(0, 0, -364), end), history.ByPlays, cat)

		clock := loadHistoryPanels(t, e, u.c, map[string]string{"clock": "/history/panels/clock?period=all_time"})["clock"]
		if got := texts(clock.Find("svg rect title")); !slices.Equal(got, clockTitles(expect(u.listens, loc, first, end).clock)) {
			t.Errorf("%s: the clock panel is not in %s; first differences %v", when, loc, firstDiff(got, clockTitles(expect(u.listens, loc, first, end).clock)))
		}
		if sub := strings.TrimSpace(clock.Find(".panel-sub").Text()); sub != "When you listen, in "+loc.String() {
			t.Errorf("%s: the clock panel says %q", when, sub)
		}
	}
	checkAll("before", time.UTC)

	// The second user's one play, in UTC: Sunday..Saturday of day, 22h.
	solo1 := historyJSON(t, e, c2, "period=all_time")
	wd := (int(day.Weekday()) + 6) % 7
	if solo1.Clock.Plays[wd][22] != 1 || solo1.From != day.Format(time.DateOnly) || solo1.Days[0].Plays != 1 {
		t.Errorf("in UTC the play of %s is not on %s at 22h: %+v from %s", at, day.Format(time.DateOnly), solo1.Clock.Plays, solo1.From)
	}

	for _, c := range []*http.Client{u.c, c2} {
		if st, body, _ := postForm(t, c, e.appURL+"/preferences/time-zone", url.Values{"tz": {"Asia/Kolkata"}}); st != http.StatusNoContent {
			t.Fatalf("POST tz=Asia/Kolkata: %d %s", st, body)
		}
	}
	// A second report of the same zone changes nothing and queues no second rebuild.
	if st, _, _ := postForm(t, u.c, e.appURL+"/preferences/time-zone", url.Values{"tz": {"Asia/Kolkata"}}); st != http.StatusNoContent {
		t.Errorf("POST the same zone again: %d", st)
	}
	if n := e.count(t, `SELECT count(*) FROM euterpe.river_job WHERE kind = 'rebuild_summaries' AND args->>'user_id' = $1`, u.id.String()); n != 1 {
		t.Errorf("%d rebuild jobs queued for the user, want 1", n)
	}
	// Another site cannot change it.
	if st, _, _ := postForm(t, u.c, e.appURL+"/preferences/time-zone", url.Values{"tz": {"Europe/Paris"}}, "Sec-Fetch-Site", "cross-site"); st != http.StatusForbidden {
		t.Errorf("a cross-site POST of the time zone: %d, want 403", st)
	}

	if st, refresh := status(u.c); st != http.StatusNoContent || refresh != "" {
		t.Errorf("status while the rebuild is pending: %d HX-Refresh %q, want 204 and none", st, refresh)
	}
	_, body, _ := get(t, u.c, e.appURL+"/history")
	page := doc(t, body)
	notice := page.Find(`[hx-get="/history/time-zone"]`)
	if notice.Length() != 1 || !strings.Contains(notice.Text(), "Asia/Kolkata") || notice.AttrOr("hx-trigger", "") == "" {
		t.Errorf("while rebuilding the page has no notice polling /history/time-zone: %q", notice.Text())
	}
	if z := page.Find("[data-time-zone]").AttrOr("data-time-zone", ""); z != "Asia/Kolkata" {
		t.Errorf("while rebuilding the page reports data-time-zone %q, want the zone sent (so the script does not send it again)", z)
	}
	if foot := page.Find(".page-foot").Text(); !strings.Contains(foot, "Times are in UTC.") {
		t.Errorf("while rebuilding the footer says %q, want the figures' zone, UTC", foot)
	}
	checkAll("pending", time.UTC)

	for _, id := range []uuid.UUID{u.id, id2} {
		if err := e.store.RebuildSummaries(context.Background(), id); err != nil {
			t.Fatal(err)
		}
	}
	if st, refresh := status(u.c); st != http.StatusOK || refresh != "true" {
		t.Errorf("status after the rebuild: %d HX-Refresh %q, want 200 true", st, refresh)
	}
	_, body, _ = get(t, u.c, e.appURL+"/history")
	page = doc(t, body)
	if page.Find(`[hx-get="/history/time-zone"]`).Length() != 0 {
		t.Error("after the rebuild the page still says it is rearranging")
	}
	if foot := page.Find(".page-foot").Text(); !strings.Contains(foot, "Times are in Asia/Kolkata.") {
		t.Errorf("after the rebuild the footer says %q", foot)
	}
	checkAll("after", kolkata)

	// 22:45 UTC is 04:15 the next day in Kolkata.
	next := day.AddDate(0, 0, 1)
	solo2 := historyJSON(t, e, c2, "period=all_time")
	nwd := (int(next.Weekday()) + 6) % 7
	if solo2.Clock.Plays[nwd][4] != 1 || solo2.Clock.Plays[wd][22] != 0 || solo2.From != next.Format(time.DateOnly) || solo2.Days[0].Plays != 1 {
		t.Errorf("in Kolkata the play of %s is not on %s at 4h: clock %v, from %s, days %+v", at, next.Format(time.DateOnly), solo2.Clock.Plays, solo2.From, solo2.Days)
	}
	clock := loadHistoryPanels(t, e, c2, map[string]string{"clock": "/history/panels/clock?period=all_time"})["clock"]
	if cell := fmt.Sprintf("%s 04:00–04:59: 1 play", clockWeekdays[nwd]); !slices.Contains(texts(clock.Find("svg rect title")), cell) {
		t.Errorf("the clock panel has no cell %q", cell)
	}
	_, body, _ = get(t, c2, e.appURL+history.ItemURL(history.Tracks, cat.ids[history.Tracks][solo[0].Track.ID]))
	if got := statValue(doc(t, body).Selection, "First played"); got != next.Format("2 Jan 2006") {
		t.Errorf("the track's page says it was first played on %q, want %s in Kolkata", got, next.Format("2 Jan 2006"))
	}

	// And on to a zone with daylight saving time, whose clocks went back
	// within the stored weeks (1 November 2026).
	newYork, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	if st, body, _ := postForm(t, u.c, e.appURL+"/preferences/time-zone", url.Values{"tz": {"America/New_York"}}); st != http.StatusNoContent {
		t.Fatalf("POST tz=America/New_York: %d %s", st, body)
	}
	if st, _ := status(u.c); st != http.StatusNoContent {
		t.Errorf("status while the second rebuild is pending: %d, want 204", st)
	}
	if err := e.store.RebuildSummaries(context.Background(), u.id); err != nil {
		t.Fatal(err)
	}
	if st, refresh := status(u.c); st != http.StatusOK || refresh != "true" {
		t.Errorf("status after the second rebuild: %d HX-Refresh %q, want 200 true", st, refresh)
	}
	u2 := *u
	checkAll = func(when string, loc *time.Location) {
		t.Helper()
		first := date(u2.listens[0].at, loc)
		end := today(loc)
		checkHistoryJSON(t, when+" all time", historyJSON(t, e, u2.c, "period=all_time"), expect(u2.listens, loc, first, end), history.ByPlays, cat)
		for _, r := range [][2]time.Time{{end.AddDate(0, 0, -35), end.AddDate(0, 0, -20)}, {time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}} {
			q := "from=" + r[0].Format(time.DateOnly) + "&to=" + r[1].Format(time.DateOnly)
			checkHistoryJSON(t, when+" "+q, historyJSON(t, e, u2.c, q), expect(u2.listens, loc, r[0], r[1]), history.ByPlays, cat)
		}
	}
	checkAll("New York", newYork)
}

// A day whose midnight the clocks skip (Chile went from 00:00 straight to
// 01:00 on 6 September 2026) begins at 01:00: a play at 23:30 the evening
// before belongs to 5 September in every figure, in those read from the
// plays themselves (top lists, sessions) as in those read from the hourly
// summaries (totals, days, clock).
func TestHistoryDayWhoseMidnightIsSkipped(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	l := e.listeners(t)[4].ID
	c := e.login(t, l)
	if st, body, _ := postForm(t, c, e.appURL+"/preferences/time-zone", url.Values{"tz": {"America/Santiago"}}); st != http.StatusNoContent {
		t.Fatalf("POST tz: %d %s", st, body)
	}
	santiago, err := time.LoadLocation("America/Santiago")
	if err != nil {
		t.Fatal(err)
	}
	plays := []history.Play{
		{Track: handmadeTrack(1), PlayedAt: time.Date(2026, 9, 6, 3, 30, 0, 0, time.UTC), MSPlayed: 180_000}, // 5 Sep 23:30 -04
		{Track: handmadeTrack(2), PlayedAt: time.Date(2026, 9, 6, 5, 0, 0, 0, time.UTC), MSPlayed: 180_000},  // 6 Sep 02:00 -03
	}
	if got := plays[0].PlayedAt.In(santiago).Format("2 Jan 15:04"); got != "5 Sep 23:30" {
		t.Fatalf("this zone database puts the first play at %s: pick another day", got)
	}
	e.record(t, e.userID(t, l), history.SourceExtendedExport, plays)
	listens := listensOf(nil, plays)
	cat := e.catalogue(t)
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	for _, r := range [][2]string{{"2026-09-06", "2026-09-06"}, {"2026-09-05", "2026-09-05"}, {"2026-09-06", "2026-09-20"}, {"2026-08-20", "2026-09-05"}} {
		q := "from=" + r[0] + "&to=" + r[1]
		checkHistoryJSON(t, q, historyJSON(t, e, c, q), expect(listens, santiago, day(r[0]), day(r[1])), history.ByPlays, cat)
	}
}

// minutesText is how the page writes minutes: "47 min", "2 h", "12 h 5 min".
func minutesText(m int64) string {
	switch {
	case m < 60:
		return fmt.Sprintf("%d min", m)
	case m%60 == 0:
		return fmt.Sprintf("%d h", m/60)
	}
	return fmt.Sprintf("%d h %d min", m/60, m%60)
}

// A track's, an artist's and an album's pages show the plays, rank, first
// and last listen and months of the stored plays; an artist's and an
// album's list their most played tracks. An item the user never played
// shows that, not a 404.
func TestHistoryItemPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	ls := e.listeners(t)
	u := e.historyUser(t, ls[0].ID, 40)
	other := e.historyUser(t, ls[3].ID, 5)
	cat := e.catalogue(t)
	loc := time.UTC
	end := today(loc)
	allTime := expect(u.listens, loc, date(u.listens[0].at, loc), end)

	topTrack := cat.spotifyIDs[history.Tracks][allTime.ranked(history.Tracks, history.ByPlays, cat)[0]]
	var tr spotify.Track
	for _, l := range u.listens {
		if l.track.ID == topTrack {
			tr = l.track
		}
	}
	// The top track, its artist and album, and a track well down the list.
	ranked := allTime.ranked(history.Tracks, history.ByPlays, cat)
	lowTrack := cat.spotifyIDs[history.Tracks][ranked[len(ranked)-1]]
	for _, item := range []struct {
		kind history.Kind
		sid  string
	}{{history.Tracks, topTrack}, {history.Artists, tr.Artists[0].ID}, {history.Albums, tr.Album.ID}, {history.Tracks, lowTrack}} {
		id := cat.ids[item.kind][item.sid]
		path := history.ItemURL(item.kind, id)
		status, body, _ := get(t, u.c, e.appURL+path)
		if status != http.StatusOK {
			t.Fatalf("%s: %d", path, status)
		}
		d := doc(t, body)
		if got := strings.TrimSpace(d.Find("main h1").Text()); got != cat.names[item.kind][id] {
			t.Errorf("%s is titled %q, want %q", path, got, cat.names[item.kind][id])
		}
		if d.Find(`.user-nav a[href="/history"][aria-current="page"]`).Length() != 1 {
			t.Errorf("%s: the navbar does not mark History", path)
		}

		// Count the item's plays.
		var plays []listen
		for _, l := range u.listens {
			if slices.Contains(itemKeys(l.track)[item.kind], item.sid) {
				plays = append(plays, l)
			}
		}
		mine := allTime.items[item.kind][item.sid]
		rank := 1
		for _, x := range allTime.items[item.kind] {
			if x.plays > mine.plays {
				rank++
			}
		}
		months := map[time.Time]bool{}
		for _, l := range plays {
			d := date(l.at, loc)
			months[time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, time.UTC)] = true
		}
		stats := d.Find(".item-stats")
		for label, want := range map[string]string{
			"Plays":          strconv.FormatInt(mine.plays, 10),
			"Listening time": minutesText(roundedMinutes(mine.ms)),
			"Rank":           "#" + strconv.Itoa(rank),
			"First played":   plays[0].at.In(loc).Format("2 Jan 2006"),
			"Last played":    plays[len(plays)-1].at.In(loc).Format("2 Jan 2006"),
		} {
			if got := statValue(stats, label); got != want {
				t.Errorf("%s: %s is %q, want %q", path, label, got, want)
			}
		}
		if n := d.Find("svg.hist rect").Length(); n != len(months) {
			t.Errorf("%s: the plays chart has %d bars, want one per month with plays (%d)", path, n, len(months))
		}
		if item.kind == history.Tracks {
			if d.Find("#item-top-title").Length() != 0 {
				t.Errorf("%s: a track's page lists top tracks", path)
			}
			continue
		}
		// Its tracks, most played first.
		var tracks []int64
		for _, l := range plays {
			if tid := cat.ids[history.Tracks][l.track.ID]; !slices.Contains(tracks, tid) {
				tracks = append(tracks, tid)
			}
		}
		trackPlays := func(id int64) int64 { return allTime.items[history.Tracks][cat.spotifyIDs[history.Tracks][id]].plays }
		slices.SortFunc(tracks, func(a, b int64) int { return cmp.Or(cmp.Compare(trackPlays(b), trackPlays(a)), cmp.Compare(a, b)) })
		var want []string
		for _, id := range tracks[:min(len(tracks), 10)] {
			want = append(want, cat.names[history.Tracks][id])
		}
		if got := texts(d.Find(".tracks .track-title")); !slices.Equal(got, want) {
			t.Errorf("%s lists its tracks\n%q\nwant\n%q", path, got, want)
		}
	}

	// In the catalogue (the other listener played it), never played by u.
	var never spotify.Track
	for _, l := range other.listens {
		if allTime.items[history.Tracks][l.track.ID] == nil {
			never = l.track
			break
		}
	}
	if never.ID == "" {
		t.Fatal("the two listeners played the same tracks: pick others")
	}
	for _, item := range []struct {
		kind history.Kind
		sid  string
	}{{history.Tracks, never.ID}} {
		// Someone else's item is not u's to see (issue 21, item 9).
		path := history.ItemURL(item.kind, cat.ids[item.kind][item.sid])
		status, body, _ := get(t, u.c, e.appURL+path)
		if status != http.StatusNotFound || strings.Contains(string(body), never.Name) {
			t.Errorf("%s, played only by another listener: %d", path, status)
		}
	}
	// The other listener sees their own count of the same track.
	path := history.ItemURL(history.Tracks, cat.ids[history.Tracks][never.ID])
	_, body, _ := get(t, other.c, e.appURL+path)
	var n int64
	for _, l := range other.listens {
		if l.track.ID == never.ID {
			n++
		}
	}
	if got := statValue(doc(t, body).Selection, "Plays"); got != strconv.FormatInt(n, 10) {
		t.Errorf("%s for the listener who played it: %q plays, want %d", path, got, n)
	}
}

// An item's page, in every form, is for a user who played it or has it in
// their stored Spotify top lists; for anyone else it is the 404 of an id
// that does not exist, so the catalogue does not tell who on the instance
// played what (issue 21, item 9).
func TestHistoryItemPagesAreTheListenersOwn(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	ls := e.listeners(t)
	a, b := e.login(t, ls[0].ID), e.login(t, ls[1].ID)
	aID, bID := e.userID(t, ls[0].ID), e.userID(t, ls[1].ID)
	played, onTopList := handmadeTrack(7), handmadeTrack(8)
	e.record(t, aID, history.SourceExtendedExport, []history.Play{
		{Track: played, PlayedAt: time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC), MSPlayed: 180_000},
		{Track: played, PlayedAt: time.Date(2025, 6, 2, 12, 0, 0, 0, time.UTC), MSPlayed: 180_000}})
	// b never played onTopList, but Spotify had it at the top of b's
	// short-term list on a day Euterpe kept.
	day := time.Date(2025, 6, 3, 0, 0, 0, 0, time.UTC)
	if err := trends.NewService(e.pool, e.history, nil).SaveSnapshots(context.Background(), bID, []trends.DaySnapshot{{
		Day: day, TakenAt: day.Add(9 * time.Hour), Fetched: trends.Fetched{
			Tracks:  map[spotify.TimeRange][]spotify.Track{spotify.ShortTerm: {onTopList}},
			Artists: map[spotify.TimeRange][]spotify.Artist{spotify.ShortTerm: {{ID: onTopList.Artists[0].ID, Name: onTopList.Artists[0].Name}}}}}}); err != nil {
		t.Fatal(err)
	}
	cat := e.catalogue(t)
	ids := func(tr spotify.Track) map[history.Kind]int64 {
		return map[history.Kind]int64{history.Tracks: cat.ids[history.Tracks][tr.ID],
			history.Artists: cat.ids[history.Artists][tr.Artists[0].ID], history.Albums: cat.ids[history.Albums][tr.Album.ID]}
	}
	for _, c := range []struct {
		who    string
		c      *http.Client
		track  spotify.Track
		status int
	}{
		{"the listener who played it", a, played, http.StatusOK},
		{"another listener", b, played, http.StatusNotFound},
		{"the listener whose top list had it", b, onTopList, http.StatusOK},
		{"a listener who neither played it nor had it on a top list", a, onTopList, http.StatusNotFound},
	} {
		_, unknown, _ := get(t, c.c, e.appURL+history.ItemURL(history.Tracks, 1<<40))
		for kind, id := range ids(c.track) {
			if id == 0 {
				t.Fatalf("%s of %s is not in the catalogue", kind, c.track.Name)
			}
			for _, format := range []string{"", "?format=json", "?format=csv"} {
				path := history.ItemURL(kind, id) + format
				status, body, _ := get(t, c.c, e.appURL+path)
				if status != c.status {
					t.Errorf("%s for %s: %d, want %d", path, c.who, status, c.status)
				}
				if c.status == http.StatusNotFound {
					if strings.Contains(string(body), c.track.Name) || strings.Contains(string(body), c.track.Artists[0].Name) {
						t.Errorf("%s for %s names the item", path, c.who)
					}
					if format == "" && string(body) != string(unknown) {
						t.Errorf("%s for %s is not the 404 of an id that does not exist", path, c.who)
					}
				}
			}
		}
	}
	// The page of a top list's track, never played, says so.
	_, body, _ := get(t, b, e.appURL+history.ItemURL(history.Tracks, ids(onTopList)[history.Tracks]))
	if d := doc(t, body); !strings.Contains(d.Find("main").Text(), "You have not played this yet") || strings.TrimSpace(d.Find("main h1").Text()) != onTopList.Name {
		t.Errorf("the top list's track: %q", strings.Join(strings.Fields(d.Find("main").Text()), " "))
	}
}

// From 14 days before Spotify's six months run out, every page asks the
// user to sign in again before that day; earlier, none does.
func TestHistorySignInBanner(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	ls := e.listeners(t)
	for i, days := range []int{170, 100} {
		c := e.login(t, ls[i].ID)
		var authorized time.Time
		if err := e.pool.QueryRow(context.Background(), `UPDATE euterpe.user_tokens SET authorized_at = $3::timestamptz - make_interval(days => $2)
			WHERE user_id = $1 RETURNING authorized_at`, e.userID(t, ls[i].ID), days, testclock.Now()).Scan(&authorized); err != nil {
			t.Fatal(err)
		}
		ends := authorized.Add(180 * 24 * time.Hour).UTC()
		want := "Sign in again before " + ends.Format("2 January 2006")
		for _, path := range []string{"/", "/history", "/history?period=today"} {
			status, body, _ := get(t, c, e.appURL+path)
			if status != http.StatusOK {
				t.Fatalf("%s: %d", path, status)
			}
			banner := doc(t, body).Find(".signin-banner")
			text := strings.Join(strings.Fields(banner.Text()), " ")
			switch {
			case days == 170 && (!strings.Contains(text, want) || banner.Find(`a[href="/login"]`).Length() != 1 ||
				banner.Find("time").AttrOr("datetime", "") != ends.Format(time.DateOnly)):
				t.Errorf("signed in %d days ago, %s says %q, want %q with a link to sign in", days, path, text, want)
			case days == 100 && (banner.Length() != 0 || strings.Contains(string(body), "Sign in again before")):
				t.Errorf("signed in %d days ago, %s already asks to sign in again: %q", days, path, text)
			}
		}
	}
}

// A user with nothing stored yet is told how the history fills up; the
// panels and the JSON say there is nothing rather than fail, and a zone
// sent now applies at once (there is nothing to rebuild).
func TestHistoryEmpty(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	c := e.login(t, e.listeners(t)[1].ID)
	urls, page := historyPanelURLs(t, e, c, "")
	empty := strings.Join(strings.Fields(page.Find(".empty-history").Text()), " ")
	for _, want := range []string{"Euterpe reads what you play on Spotify in the background", "Spotify only ever shows the last 50 plays",
		"your history starts on the day you signed in"} {
		if !strings.Contains(empty, want) {
			t.Errorf("the empty History page does not explain %q: %q", want, empty)
		}
	}
	if got := strings.Join(strings.Fields(page.Find(".collection").Text()), " "); !strings.HasPrefix(got, "Collecting since") {
		t.Errorf("the page does not say collecting has begun: %q", got)
	}
	docs := loadHistoryPanels(t, e, c, urls)
	for id, d := range docs {
		sec := d.Find("section#panel-" + id)
		if sec.HasClass("panel--error") {
			t.Errorf("panel %s failed with no plays: %s", id, sec.Text())
		}
		if id != "calendar" && !strings.Contains(sec.Find(".empty").Text(), "No plays in this range.") {
			t.Errorf("panel %s does not say there are no plays: %q", id, strings.Join(strings.Fields(sec.Text()), " "))
		}
	}
	year := today(time.UTC).Year()
	if got := strings.TrimSpace(docs["calendar"].Find("figcaption").Text()); got != fmt.Sprintf("No plays in %d.", year) {
		t.Errorf("the empty calendar says %q", got)
	}

	status, body, _ := get(t, c, e.appURL+"/history.json")
	var raw struct {
		Top map[string]struct {
			Items json.RawMessage `json:"items"`
		} `json:"top"`
		Sessions struct {
			Longest json.RawMessage `json:"longest"`
		} `json:"sessions"`
	}
	if status != http.StatusOK || json.Unmarshal(body, &raw) != nil {
		t.Fatalf("/history.json with no plays: %d %s", status, body)
	}
	for k, list := range raw.Top {
		if string(list.Items) != "[]" {
			t.Errorf("top %s items are %s, want []", k, list.Items)
		}
	}
	if string(raw.Sessions.Longest) != "[]" {
		t.Errorf("longest sessions are %s, want []", raw.Sessions.Longest)
	}
	got := historyJSON(t, e, c, "")
	checkHistoryJSON(t, "empty", got, expect(nil, time.UTC, today(time.UTC), today(time.UTC)), history.ByPlays, e.catalogue(t))

	if st, body, _ := postForm(t, c, e.appURL+"/preferences/time-zone", url.Values{"tz": {"Europe/Paris"}}); st != http.StatusNoContent {
		t.Fatalf("POST tz: %d %s", st, body)
	}
	if st, _, res := get(t, c, e.appURL+"/history/time-zone"); st != http.StatusOK || res.Header.Get("HX-Refresh") != "true" {
		t.Errorf("with nothing to rebuild the status is %d HX-Refresh %q, want 200 true at once", st, res.Header.Get("HX-Refresh"))
	}
	if z := historyJSON(t, e, c, "").TimeZone; z != "Europe/Paris" {
		t.Errorf("the zone is %q, want Europe/Paris at once", z)
	}
}

// roundedMinutes is the one rule for minutes everywhere (README: listening
// time): milliseconds rounded to the nearest minute, half up.
func roundedMinutes(ms int64) int64 { return (ms + 30_000) / 60_000 }
